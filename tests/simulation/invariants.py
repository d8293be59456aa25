"""Invariants checked after every simulated day, from the simulator's OWN truth.

Each check computes what must be true from what the simulated people did and typed (and from published
thresholds written out here with their sources), then compares it with what the project stored and sent.
None of them asks the project's own rules for the expected answer.

A value within MARGIN of a published threshold is left out of the urgency checks: the project rounds
z-scores to two decimals, and a rule is not wrong for deciding a case that sits on its line either way.
"""
from __future__ import annotations

from health.schedules import dose_name

import csv
import io
import json
import os
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Measurement, Member, OutboxMessage, PlannedReminder, Posyandu, Referral
from tests.simulation.kader import Typed
from tests.simulation.population import Person, waz_of, whz_of
from tests.simulation.world import PosyanduSim, Sim, local

MARGIN = 0.05
# Indonesian function words that no English sentence has (names and place names never are these).
INDONESIAN = re.compile(r"\b(dengan|untuk|yang|dan|Anda|belum|sudah|akan|Balas|Ketik|bulan|tahun|hari ini|"
                        r"pilihan|jadwal|anak|keluarga)\b")

# KBM, grams a month by completed age in months, ilp-domain 3.2 (Buku KIA 2023 KMS page [S30], classic
# month split [S31]); written out here so that the simulator's N/T does not come from health/kms.py.
KBM_G = {1: 800, 2: 900, 3: 800, 4: 600, 5: 500, 6: 400, 7: 400, 8: 300, 9: 300, 10: 300, 11: 200}


def kbm(months: int) -> int:
    return KBM_G.get(months, 200)


def months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


# -- published urgency thresholds (ilp-domain 2.3, 3.1, 3.3, 3.6, 3.7) -------------------------------------
def urgency(p: Person, t: Typed) -> tuple[bool | None, str]:
    """(True: a published rule makes it urgent today; False: none does; None: on a line, not judged), why."""
    v, on = t.values, t.on
    age = p.age_days(on)
    near = False
    reasons = []
    if p.is_balita(on):
        w, h = v.get("weight_kg"), v.get("height_cm")
        whz = whz_of(p.sex, age, h, w) if w and h else None
        waz = waz_of(p.sex, age, w) if w else None
        # a reason counts only off its line: on it (within MARGIN) the case is not judged either way
        if whz is not None:
            on_line = abs(whz + 3) < MARGIN
            near |= on_line or (age < 182 and abs(whz + 2) < MARGIN)
            if whz < -3 and not on_line:  # severe wasting: same-day referral (Kemenkes 2019 gizi buruk [S35]; WHO 2013 SAM)
                reasons.append(f"BB/PB z {whz:.2f} < -3")
        muac = v.get("muac_cm")
        if muac is not None and 183 <= age < 1826:
            on_line = abs(muac - 11.5) < 0.05
            near |= on_line
            if muac < 11.5 and not on_line:  # LiLA < 11,5 cm at 6-59 months: gizi buruk (ilp-domain 3.3)
                reasons.append(f"LiLA {muac} < 11,5")
        if age <= 184:  # infants < 6 months with wasting or underweight: at once (WHO 2023 wasting guideline)
            age_line = abs(age - 182) <= 2  # six months is 182-183 days as rules count it: not judged there
            hit = [z < -2 for z in (whz, waz) if z is not None and abs(z + 2) >= MARGIN]
            near |= age_line or any(z is not None and abs(z + 2) < MARGIN for z in (whz, waz))
            if not age_line and any(hit):
                reasons.append(f"bayi < 6 bulan, BB/PB z {whz} BB/U z {waz}")
        return (True if reasons else None if near else False), "; ".join(reasons)
    s, d = v.get("systolic"), v.get("diastolic")
    if s is not None and d is not None:
        if p.pregnant_on(on) or p.nifas_on(on):  # >= 140/90 in pregnancy (and nifas): same day (ilp-domain 3.6)
            if s >= 140 or d >= 90:
                reasons.append(f"TD {s}/{d} in pregnancy/nifas")
        elif p.age_years(on) >= 18 and (s >= 180 or d >= 110):  # crisis (ilp-domain 2.3)
            reasons.append(f"TD {s}/{d} >= 180/110")
    g = v.get("glucose_mgdl")
    if g is not None and (g >= 300 or g < 70):  # ilp-domain 2.3
        reasons.append(f"GDS {g}")
    return bool(reasons), "; ".join(reasons)


class Checker:
    """Holds what was already checked, so each day looks only at that day's new facts.

    The simulator drops the day's messages and reports once this has run (Sim.month); what a later day's
    check needs is kept here in compact form (a weight series per child, NIK counts of the month, a bitmap
    of the outbox ids sent, the last weeks' reminder texts), so memory grows with the people, not the days."""

    def __init__(self, sim: Sim, batch: bool = False) -> None:
        self.sim = sim
        self.batch = batch  # one `flask recap` / `satusehat export` for every posyandu a month (the bench)
        self.cache: dict[Any, Any] = {}
        self.recap_failed = False
        self.names_by_household: dict[tuple[str, int], set[str]] = {}
        self.skdn_checked: set[tuple[str, str]] = set()
        self.sent_ids = bytearray()  # one byte per outbox id: sent already (each message once)
        self.stats: Counter[str] = Counter()
        self.last_weight: dict[int, tuple[date, float]] = {}
        self.reminders: dict[str, list[tuple[date, str]]] = defaultdict(list)
        self.mr1_checked: set[int] = set()
        # per posyandu: each child's typed weights (the month's and the last one before), the month's visits by NIK
        self.weighed: dict[str, dict[str, list[tuple[date, float]]]] = defaultdict(lambda: defaultdict(list))
        self.nik_visits: dict[str, Counter[str]] = defaultdict(Counter)
        self.saved_with_nik = 0
        self.households: tuple[date, dict[str, tuple[PosyanduSim, Any]]] | None = None
        self.names: dict[str, tuple[dict[str, set[int]], re.Pattern[str]]] = {}

    def session(self) -> Session:
        return Session(bind=self.sim.runtime.engine.execution_options(isolation_level="AUTOCOMMIT"))

    def __call__(self, sim: Sim, day: date) -> None:
        with self.session() as s:
            for place in sim.places:
                fresh = place.typed  # the day's reports (the simulator drops them after this)
                if fresh:
                    self.remember(place, fresh)
                    self.typed_is_stored(s, place, fresh)
                    self.urgent_reaches_bidan(s, place, fresh, day)
                if place.days.get((day.year, day.month)) and day.day == _last_day(day):
                    self.skdn(s, place, day)
                    self.bundles(place, day)
            self.messages(s, day)
        if day.day == _last_day(day):
            self.satusehat_has_every_visit(day)
            self.cache.clear()  # the month's recap and export were read by every posyandu

    def remember(self, place: PosyanduSim, fresh: list[Typed]) -> None:
        """What the month's checks need of the day's reports: weights of children, visits with a NIK."""
        for t in fresh:
            if not t.saved:
                continue
            if t.person.is_balita(t.on) and "weight_kg" in t.values:
                self.weighed[place.code][t.person.name].append((t.on, t.values["weight_kg"]))
            if t.person.nik:
                self.nik_visits[place.code][t.person.nik] += 1
                self.saved_with_nik += 1

    def satusehat_has_every_visit(self, day: date) -> None:
        """After the month's sync, SATUSEHAT (the fake) holds one Encounter per saved visit with a NIK."""
        want = self.saved_with_nik
        got = self.sim.satusehat.count("Encounter")
        if got != want:
            self.sim.violation("every visit with a NIK reaches SATUSEHAT", f"{want} visits with a NIK saved so far, "
                                                                          f"{got} Encounters in SATUSEHAT")

    # -- every value typed is stored as typed ------------------------------------------------------------
    def typed_is_stored(self, s: Session, place: PosyanduSim, fresh: list[Typed]) -> None:
        days = {t.on for t in fresh if t.saved}
        latest: dict[tuple[str, date, date], Measurement] = {}  # (name, birth, day) -> the latest measurement
        for row, name, birth in s.execute(
                select(Measurement, Member.name, Member.birth_date).join(Member, Member.id == Measurement.member_id)
                .join(Posyandu, Posyandu.id == Member.posyandu_id)
                .where(Posyandu.code == place.code, Measurement.measured_on.in_(days)).order_by(Measurement.id)):
            latest[(name, birth, row.measured_on)] = row
        for t in fresh:
            if not t.saved:
                continue
            row = latest.get((t.person.name, t.person.birth, t.on))
            if row is None:
                self.sim.violation("typed is stored", f"{_who(t)}: saved in chat, no measurement on {t.on}")
                continue
            for column, value in t.values.items():
                stored = getattr(row, column)
                if stored is None or abs(float(stored) - float(value)) > 1e-6:
                    self.sim.violation("typed is stored", f"{_who(t)} ({t.habit}): {column} typed {value}, "  # type: ignore[attr-defined]
                                                          f"stored {stored}")
            previous = self.last_weight.get(id(t.person))  # by person: two villages may each have an "Iwan Prasetyo"
            if t.person.is_balita(t.on) and "weight_kg" in t.values:
                if previous is not None and months_between(previous[0], t.on) == 1 and \
                        t.values["weight_kg"] < previous[1] and "turun" not in getattr(t, "transcript", "turun"):
                    self.sim.violation("a weight loss is said as a loss", f"{_who(t)}: {previous[1]} kg last month, "
                                                                         f"{t.values['weight_kg']} kg now; the "
                                                                         f"kader's summary does not say it went down")
                self.last_weight[id(t.person)] = (t.on, t.values["weight_kg"])
            if "height_cm" in t.values and t.person.is_balita(t.on):
                want = "L" if t.person.age_days(t.on) < 731 else "H"
                if row.position != want:
                    self.sim.violation("typed is stored", f"{_who(t)}: measured {'lying' if want == 'L' else 'standing'}, "
                                                          f"stored position {row.position}")

    # -- urgent cases reach the bidan that day; nothing else is called urgent ---------------------------
    def urgent_reaches_bidan(self, s: Session, place: PosyanduSim, fresh: list[Typed], day: date) -> None:
        bidan = place.bidan  # None in the bench's posyandu whose reports are saved by storage calls (no alert text)
        start = local(day, 0)
        to_bidan = [m.text for m in self.sim.senders[bidan.channel].sent if m.address == bidan.address] \
            if bidan is not None else None
        refs: dict[tuple[str, date], list[Referral]] = defaultdict(list)  # the posyandu's urgent referrals
        for ref, name, birth in s.execute(
                select(Referral, Member.name, Member.birth_date).join(Member, Member.id == Referral.member_id)
                .join(Posyandu, Posyandu.id == Member.posyandu_id)
                .where(Posyandu.code == place.code, Referral.urgency == "today")):
            refs[(name, birth)].append(ref)
        for t in fresh:
            if not t.saved:
                continue
            urgent, why = urgency(t.person, t)
            urgent_refs = refs.get((t.person.name, t.person.birth), [])
            # a problem still open from an earlier month keeps its first urgent day: open and urgent is enough
            open_urgent = [r for r in urgent_refs if r.status == "open" or (r.urgent_since and r.urgent_since >= start)]
            today_refs = [r for r in urgent_refs if r.urgent_since is not None and r.urgent_since >= start]
            told = [text for text in to_bidan if t.person.name in text] if to_bidan is not None else ["(storage path)"]
            self.stats[f"urgent {urgent}"] += 1
            if urgent is True:
                if not open_urgent:
                    self.sim.violation("urgent reaches the bidan", f"{_who(t)}: {why}; not urgent in the "
                                                                  f"referral queue ({_values(t)}){_transcript(t)}")
                if not told:
                    self.sim.violation("urgent reaches the bidan", f"{_who(t)}: {why}; no message to the bidan")
            elif urgent is False and today_refs:
                reasons = sorted({r for ref in today_refs for r in (ref.reasons or [])})
                self.sim.violation("nothing else is urgent", f"{_who(t)}: called urgent ({', '.join(reasons)}) "
                                                            f"though no published rule makes it so ({_values(t)})"
                                                            f"{_transcript(t)}")

    # -- SKDN from the truth -------------------------------------------------------------------------------
    def skdn(self, s: Session, place: PosyanduSim, day: date) -> None:
        first = day.replace(day=1)
        key = (place.code, f"{first:%Y-%m}")
        if key in self.skdn_checked:
            return
        self.skdn_checked.add(key)
        weighed = self.weighed[place.code]
        K = D = 0
        codes: Counter[str] = Counter()
        for p in (m for h in place.village.households for m in h.members):
            if not p.registered or p.birth > day or p.age_months(first) >= 60:
                continue
            K += 1
            series = sorted(weighed.get(p.name, []))
            this = [w for w in series if (w[0].year, w[0].month) == (first.year, first.month)]
            if not this:
                continue
            D += 1
            on, kg = this[-1]
            earlier = [w for w in series if w[0] < first]
            if not earlier:
                codes["B"] += 1
                continue
            prev_on, prev_kg = earlier[-1]
            if months_between(prev_on, on) != 1:
                codes["O"] += 1
                continue
            gain = round((kg - prev_kg) * 1000)
            codes["N" if gain >= kbm(max(1, p.age_months(on))) else "T"] += 1
        for name, series in weighed.items():  # next month needs only the last weight before it
            series.sort()
            del series[:-1]
        rows = [r for r in self.recap_rows(place, f"{first:%Y-%m}") if (r.get("posyandu_code") or r.get("Kode posyandu")) == place.code]
        if not rows and self.recap_failed:
            return  # the crash is the violation
        if not rows:
            self.sim.violation("SKDN", f"`flask recap --format csv` gave no row for {place.code} {first:%Y-%m}")
            return
        got = {k: int(rows[0][k] or 0) for k in ("S", "K", "D", "N", "T", "O", "B")}
        want = {"S": K, "K": K, "D": D, **{c: codes[c] for c in "NTOB"}}
        if got["D"] != got["N"] + got["T"] + got["O"] + got["B"]:
            self.sim.violation("SKDN", f"{first:%Y-%m}: D = N + T + O + B does not hold in the recap: {got}")
        if got != want:
            self.sim.violation("SKDN", f"{first:%Y-%m}: recap {got}, counted from the truth {want}")

    # -- every visit with a NIK is one valid Bundle ----------------------------------------------------------
    def recap_rows(self, place: PosyanduSim, month: str) -> list[dict[str, str]]:
        """`flask recap --format csv` for this posyandu, or once for every posyandu when batched."""
        key = month if self.batch else f"{place.code}:{month}"
        if key not in self.cache:
            args = ["recap", "--month", month, "--format", "csv"] + ([] if self.batch else ["--posyandu", place.code])
            out = self.sim.run_cli(*args)
            self.recap_failed = out is None
            self.cache[key] = list(csv.DictReader(io.StringIO(out or "")))
        return self.cache[key]

    def exported(self, place: PosyanduSim, month: str) -> Counter[str] | None:
        """Patients' NIKs of `flask satusehat export`, each Bundle validated (a sample of them when batched)."""
        from fhir.resources.R4B.bundle import Bundle

        key = ("fhir", month if self.batch else f"{place.code}:{month}")
        if key in self.cache:
            return self.cache[key]
        path = os.path.join(self.sim.tmp, f"fhir-{key[1].replace(':', '-')}.ndjson")
        args = ["satusehat", "export", "--month", month, "-o", path] + ([] if self.batch else ["--posyandu", place.code])
        self.sim.run_cli(*args)
        if not os.path.exists(path):
            self.sim.violation("one valid Bundle per visit", f"`satusehat export` wrote no file for {month}")
            self.cache[key] = None
            return None
        encounters: Counter[str] = Counter()
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f):
                data = json.loads(line)
                if self.sim.picked(data):
                    self.stats["exported Bundles validated"] += 1
                    try:
                        Bundle.model_validate(data)
                    except Exception as exc:  # pydantic's ValidationError
                        self.sim.violation("one valid Bundle per visit", f"{month}: {str(exc)[:300]}")
                for entry in data.get("entry", []):
                    res = entry.get("resource", {})
                    if res.get("resourceType") == "Patient":
                        encounters[next((i["value"] for i in res.get("identifier", [])), "?")] += 1
        os.remove(path)
        self.cache[key] = encounters
        return encounters

    def bundles(self, place: PosyanduSim, day: date) -> None:
        month = f"{day:%Y-%m}"
        encounters = self.exported(place, month)
        if encounters is None:
            return
        want = self.nik_visits.pop(place.code, Counter())  # the month's visits with a NIK (posyandu day in it)
        missing = {nik: n for nik, n in want.items() if encounters.get(nik, 0) != n}
        self.stats["visits with a NIK exported"] += sum(want.values())
        if missing:
            self.sim.violation("one valid Bundle per visit", f"{month}: visits per NIK expected {dict(list(missing.items())[:3])}, "
                                                             f"exported {[encounters.get(k, 0) for k in list(missing)[:3]]}")

    # -- every due reminder goes --------------------------------------------------------------------------
    def due_reminders_go(self, day: date) -> None:
        """A subscribed family (no BERHENTI) is reminded of MR1 for a registered child who turns 9 months while
        subscribed: a reminder naming the child and the dose within 45 days (the kaders never record doses
        here, so every dose stays due)."""
        for place in self.sim.places:
            for h in place.village.households:
                since = getattr(h, "subscribed_on", None)
                if since is None or h.stopped or h.old_phones:
                    continue
                for p in h.members:
                    due = _nine_months(p.birth)
                    if id(p) in self.mr1_checked or not p.registered or p.moved_away or due < since \
                            or day != due + timedelta(days=REMINDER_WINDOW_DAYS):
                        continue
                    self.mr1_checked.add(id(p))
                    self.stats["MR1 reminders checked"] += 1
                    mr1 = {dose_name("MR1", "id").lower(), dose_name("MR1", "en").lower()}  # as every list names it
                    if not any(p.name in text and any(name in text.lower() for name in mr1)
                               for on, text in self.reminders.get(h.phone, []) if due - timedelta(days=7) <= on):
                        self.sim.violation("every due reminder goes", f"no reminder of MR1 (due {due}) for a child "
                                                                      f"of subscribed household {h.key}")

    # -- messages to families: consent, BERHENTI, once, no other household's names --------------------------
    def no_leak(self, place: PosyanduSim, h: Any, text: str, kind: str) -> None:
        """No family's chat names a member of another household (a name it shares with its own is not a leak)."""
        names, pattern = self.names[place.code]
        own = [p.name for p in h.members]
        for match in pattern.finditer(text):
            name = match.group(1)
            if names[name] - {h.key} and not any(name in mine for mine in own):
                self.sim.violation("no cross-household leak", f"household {h.key}'s chat was told "
                                                             f"about another household's member ({kind})")

    def households_by_phone(self, day: date) -> dict[str, tuple[PosyanduSim, Any]]:
        """Every family's numbers (a family keeps its old chat after a new phone); phones change only at a
        month's start (advance_month), so this is built once a month."""
        first = day.replace(day=1)
        if self.households is None or self.households[0] != first:
            self.households = (first, {phone: (place, h) for place in self.sim.places
                                       for h in place.village.households for phone in (h.phone, *h.old_phones)})
            self.names = {}  # per posyandu: each name -> the households with a member of that name, and one regex
            for place in self.sim.places:
                names: dict[str, set[int]] = defaultdict(set)
                for h in place.village.households:
                    for p in h.members:
                        names[p.name].add(h.key)
                alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                self.names[place.code] = (names, re.compile(rf"\b(?=({alternatives})\b)"))
        return self.households[1]

    def messages(self, s: Session, day: date) -> None:
        households = self.households_by_phone(day)
        ids = [m.id for sender in self.sim.senders.values() for m in sender.sent if m.address in households]
        kinds: dict[int, str] = {}
        for chunk in range(0, len(ids), 500):
            kinds.update(s.execute(select(OutboxMessage.id, OutboxMessage.kind)
                                   .where(OutboxMessage.id.in_(ids[chunk:chunk + 500]))).tuples().all())
        for channel, sender in self.sim.senders.items():
            for m, sent_at in zip(sender.sent, sender.at):  # the day's messages (dropped after this)
                if m.id >= len(self.sent_ids):
                    self.sent_ids.extend(bytes(max(m.id + 1 - len(self.sent_ids), 4096)))
                self.sent_ids[m.id] = min(self.sent_ids[m.id] + 1, 255)
                if self.sent_ids[m.id] > 1:
                    self.sim.violation("each message once", f"outbox row {m.id} sent {self.sent_ids[m.id]} times")
                found = households.get(m.address)
                if found is None:
                    continue
                place, h = found
                kind = kinds.get(m.id, "?")
                self.stats[f"to families: {kind}"] += 1
                if kind in ("reminder", "broadcast", "result", "nudge") and not h.subscribed:
                    self.sim.violation("only to families who consented", f"a {kind} to household {h.key}, which "
                                                                        f"never subscribed: {m.text[:120]!r}")
                if kind == "reminder":
                    self.reminders[m.address].append((day, m.text))
                if kind in ("reminder", "broadcast", "result") and h.stopped and sent_at > h.stopped_at:
                    self.sim.violation("never after BERHENTI", f"a {kind} to household {h.key} after BERHENTI: "
                                                              f"{m.text[:120]!r}")
                if getattr(h, "english", False) and kind != "?" and sent_at >= getattr(h, "english_since", sent_at):
                    bahasa = INDONESIAN.findall(m.text)
                    if bahasa:
                        self.sim.violation("English families read English", f"a {kind} to an English-speaking "
                                                                            f"family has Indonesian words {bahasa[:4]}: "
                                                                            f"{m.text[:100]!r}")
                self.no_leak(place, h, m.text, kind)
        for phone, texts in self.reminders.items():  # due_reminders_go looks 52 days back at most
            texts[:] = [(on, text) for on, text in texts if on >= day - timedelta(days=REMINDER_WINDOW_DAYS + 8)]
        self.due_reminders_go(day)
        if day.day != _last_day(day):
            return  # planned_reminder is also unique in the schema: once a month is enough to see it hold
        dupes = s.execute(select(PlannedReminder.member_id, PlannedReminder.code, PlannedReminder.period,
                                 func.count()).group_by(PlannedReminder.member_id, PlannedReminder.code,
                                                        PlannedReminder.period).having(func.count() > 1)).all()
        for member_id, code, period, n in dupes[:3]:
            self.sim.violation("each due reminder once", f"member {member_id}: {code} {period} planned {n} times")


MR1_MONTHS = 9  # measles-rubella dose 1 at 9 months (Juknis ILP 06-imunisasi-rutin, ilp-domain 4.1)
REMINDER_WINDOW_DAYS = 45  # the next posyandu day after the due date falls within this


def _nine_months(birth: date) -> date:
    month = birth.month - 1 + MR1_MONTHS
    year, month = birth.year + month // 12, month % 12 + 1
    for day in (birth.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError


def _last_day(day: date) -> int:
    return ((day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day


def _who(t: Typed) -> str:
    p = t.person
    age = p.age_days(t.on)
    what = f"{age} days" if age < 730 else f"{p.age_years(t.on)} years"
    state = " pregnant" if p.pregnant_on(t.on) else " nifas" if p.nifas_on(t.on) else ""
    hpht = "" if not p.pregnant_on(t.on) or p.pregnancy is None else \
        (" (HPHT unknown)" if not p.pregnancy.hpht_known else "")
    return f"{'boy' if p.sex == 'L' else 'girl' if age < 6575 else 'man' if p.sex == 'L' else 'woman'} of {what}{state}{hpht}"


def _values(t: Typed) -> str:
    return ", ".join(f"{k} {v}" for k, v in t.values.items())


def _transcript(t: Typed) -> str:
    """The report's chat, shown when SIM_VERBOSE is set (names are made up, but keep failures short)."""
    if not os.environ.get("SIM_VERBOSE"):
        return ""
    return "\n" + getattr(t, "transcript", "")[-2500:]
