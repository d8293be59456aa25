"""The simulator at a kabupaten's size: the same truth and clock, with the chats replaced by storage calls.

Through the webhooks one posyandu-year is a few thousand messages; 500 posyandu would take hours. So here
(and only here) what people type in chat is replaced by the storage function the chat itself calls:
* the staff's contacts are rows (no invite chat), the posyandu days `storage.posyandu_days.create_session`
  (no `buat jadwal`), a family's subscription `storage.households.subscribe` (no WhatsApp `daftar`);
* a kader's report is `storage.reporting.save_visit` (what `simpan` runs), so the referral queue and
  SATUSEHAT queue are written as in chat, but the alert texts to the bidan are not (the chat writes them);
* a birth closes the pregnancy row as `persalinan` does.
Everything else is the real bulk path: `flask members import` and `flask posyandu import`, the clock's
reminder planner and recap job for every posyandu, the dispatcher, `flask recap` and `flask satusehat
export` for the whole kabupaten once a month. A sample of posyandu (`chat_every`) still runs fully through
the webhooks, so the conversation paths are exercised at scale too.
"""
from __future__ import annotations

import csv
import io
import json
import os
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from storage.db import transaction
from storage.models import Contact, Member, Posyandu, Pregnancy
from tests.simulation.kader import Typed, one_line
from tests.simulation.population import Person, measure
from tests.simulation.world import PosyanduSim, Sim, local


class BulkSim(Sim):
    def __init__(self, url: str, seed: int, posyandu: int, households: int, chat_every: int = 50, **kw: Any) -> None:
        super().__init__(url, seed, posyandu=posyandu, households=households, **kw)
        self.chat_every = chat_every
        self.ids: dict[str, int] = {}
        self.staff: dict[str, int] = {}

    def by_chat(self, place: PosyanduSim) -> bool:
        return self.chat_every > 0 and self.places.index(place) % self.chat_every == 0

    def setup(self) -> None:
        self.setup_places()
        now = self.clock.now()
        with transaction(self.runtime.session_factory) as s:
            for place in self.places:
                p = s.scalars(select(Posyandu).where(Posyandu.code == place.code)).one()
                self.ids[place.code] = p.id
        for place in self.places:
            if self.by_chat(place):
                place.bidan = self.join(self.new_telegram(f"bidan {place.code}"), place.code, "bidan")
                place.kader = self.join(self.whatsapp_staff(place), place.code, "kader")
            else:
                with transaction(self.runtime.session_factory) as s:
                    bidan = Contact(channel="telegram", address=str(next(self.chat_ids)), role="bidan", language="id",
                                    display_name="Sri Wahyuni", posyandu_id=self.ids[place.code], opted_in=True,
                                    consent_at=now, created_at=now)
                    s.add(bidan)
                    s.flush()
                    self.staff[place.code] = bidan.id
        self.import_all([(pl, [p for h in pl.village.households for p in h.members]) for pl in self.places])

    def whatsapp_staff(self, place: PosyanduSim) -> Any:
        from tests.simulation.wire import WhatsAppSim

        return WhatsAppSim(self, f"+62857{next(self.chat_ids) % 10**8:08d}", f"kader {place.code}")

    def import_all(self, batches: list[tuple[PosyanduSim, list[Person]]]) -> None:
        """One register CSV for the whole kabupaten, imported once (`flask members import`)."""
        path = os.path.join(self.tmp, "members-all.csv")
        rows = 0
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["posyandu_code", "name", "sex", "birth_date", "guardian_name", "guardian_phone", "opted_in",
                        "hpht", "nik", "address"])
            for place, people in batches:
                for p in people:
                    h, preg = p.household, p.pregnancy
                    hpht = preg.hpht.isoformat() if preg and preg.hpht_known and preg.hpht <= self.today else ""
                    if preg and hpht:
                        preg.registered = True
                    w.writerow([place.code, p.name, p.sex, p.birth.isoformat(), h.members[0].name, h.phone,
                                "1" if h.opted_in_paper else "0", hpht, p.nik or "", h.address])
                    p.registered = True
                    rows += 1
        if rows:
            out = self.run_cli("members", "import", path)
            if out is None or " 0 rejected" not in out:
                self.violation("register import", (out or "")[-600:])

    # -- the month, per posyandu -------------------------------------------------------------------------
    def schedule(self, place: PosyanduSim, day: date) -> None:
        if self.by_chat(place):
            return super().schedule(place, day)
        from storage.posyandu_days import create_session

        with transaction(self.runtime.session_factory) as s:
            create_session(s, self.ids[place.code], local(day, 8), "Balai RW 01", [], self.staff[place.code],
                           self.clock.now())

    def families(self, place: PosyanduSim) -> None:
        if self.by_chat(place):
            return super().families(place)
        from storage.households import subscribe

        from tests.simulation import sources as src

        now = self.clock.now()
        with transaction(self.runtime.session_factory) as s:
            posyandu = s.get(Posyandu, self.ids[place.code])
            for h in place.village.households:
                if not h.subscribed and not h.stopped and self.rng.random() < src.SUBSCRIBE_SHARE / 6:
                    contact = Contact(channel="whatsapp", address=h.phone, role="resident", language="id",
                                      created_at=now, last_inbound_at=now)
                    s.add(contact)
                    s.flush()
                    subscribe(s, contact, posyandu, now)
                    h.subscribed = True
                    h.chat_address = h.phone  # type: ignore[attr-defined]
                    h.subscribed_on = self.today  # type: ignore[attr-defined]
                elif h.subscribed and not h.stopped and self.rng.random() < src.STOP_SHARE_PER_MONTH:
                    contact = s.scalars(select(Contact).where(Contact.address == h.chat_address)).first()  # type: ignore[attr-defined]
                    if contact is not None:
                        contact.stopped_at = now
                    h.stopped, h.stopped_at = True, now

    def posyandu_day(self, place: PosyanduSim, day: date, events: Any) -> None:
        if self.by_chat(place):
            return super().posyandu_day(place, day, events)
        from storage.reporting import Values, Visit, save_visit

        self.clock.current = local(day, 8, 30)
        people = self.attendees(place, day)
        with transaction(self.runtime.session_factory) as s:
            for mother, preg in self.ended(place, day):  # what `persalinan` and `keguguran` record, first
                for row in s.scalars(select(Pregnancy).join(Member).where(
                        Member.posyandu_id == self.ids[place.code], Member.name == mother.name,
                        Pregnancy.delivered_on.is_(None), Pregnancy.ended_on.is_(None))):
                    if preg.miscarriage:
                        row.ended_on, row.end_reason = preg.ends_on, "keguguran"
                    else:
                        row.delivered_on = preg.ends_on
                preg.reported_end = True
            ids = {(m.name, m.birth_date): m.id for m in s.scalars(select(Member).where(
                Member.posyandu_id == self.ids[place.code]))}
            for p in people:
                m = measure(p, day, place.village.rng)
                _line, typed = one_line(p, m, "dot", day)
                values = dict(typed)
                if "height_cm" in values and p.is_balita(day):
                    values["position"] = "L" if m.lying else "H"  # type: ignore[assignment]
                if "glucose_mgdl" in values:
                    values["glucose_kind"] = "GDS"  # type: ignore[assignment]
                preg = p.pregnancy if p.pregnant_on(day) else None
                hpht = preg.hpht if preg is not None and preg.hpht_known and not preg.registered else None
                member_id = ids.get((p.name, p.birth))
                record = Typed(p, day, typed)
                record.habit = "direct"  # type: ignore[attr-defined]
                if member_id is None:
                    place.typed.append(record)
                    continue
                # she says she is pregnant (the chat's "Ya, sedang hamil"), with or without an HPHT
                save_visit(s, Visit(self.ids[place.code], day, Values.from_dict(values), member_id=member_id,
                                    hpht=hpht, pregnant=preg is not None), self.clock.now())
                if preg is not None:  # known to the project now, dated or not: its end is recorded
                    preg.registered = True
                record.saved = True
                place.typed.append(record)
    def month_end(self, place: PosyanduSim, first: date, last: date, events: Any) -> None:
        if self.by_chat(place):
            return super().month_end(place, first, last, events)
        self.pending_imports.append((place, events))
        if place is self.places[-1]:
            self.clock.current = local(last, 15)
            batches = []
            for pl, ev in self.pending_imports:
                new = [b for b in ev.births if not b.registered]
                found = [w for w in pl.village.people() if w.pregnancy and w.pregnancy.hpht_known
                         and not w.pregnancy.registered and w.pregnancy.weeks(last) >= 8]
                batches.append((pl, new + found))
            self.import_all(batches)
            self.pending_imports = []

    pending_imports: list = []

    def run(self, months: int = 12, after_day: Any = None) -> None:
        self.pending_imports = []
        super().run(months, after_day)
