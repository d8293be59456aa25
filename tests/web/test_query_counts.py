"""No page runs a query per row: each page's SQL statement count is the same with 1x and 3x the data.

The demo kabupaten (the `village` fixture) is grown by `grow`: per round, children with a year of monthly
visits (some flagged, each flagged child with an open referral), pregnant women with their pregnancy and
visits (one flagged for blood pressure), households with a chat, services, SATUSEHAT rows and reminders with
delivery events, in MAWAR7 and in a second posyandu of the same desa (so the bidan's scope has several).
Every page is requested by every role that may open it, its statements counted with SQLAlchemy's
`before_cursor_execute`; then the data are grown twice more and the counts must not change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from storage.db import transaction
from storage.models import (
    Contact, DeliveryEvent, Household, Measurement, Member, OutboxMessage, Posyandu, Pregnancy, RecapSnapshot, Referral,
    SatusehatSync, ServiceGiven,
)
from tests.web.conftest import sign_in

ROLES = {  # who opens which pages (docs/web.md's table)
    "kader1": ["/", "/kunjungan", "/kader", "/anak/{member}"],
    "bidan": ["/", "/rujukan", "/rujukan/{referral}", "/rekap", "/kunjungan", "/kunjungan?posyandu=MAWAR7",
              "/jangkauan", "/satusehat", "/kader", "/anak/{member}"],
    "pkm": ["/", "/rujukan", "/rekap", "/kunjungan", "/jangkauan", "/satusehat", "/kader"],
    "admin": ["/", "/rujukan", "/rekap", "/kunjungan", "/jangkauan", "/satusehat", "/kader"],
}


def grow(runtime, round_: int, children: int = 6, mothers: int = 2) -> None:  # type: ignore[no-untyped-def]
    """One more share of a posyandu's data in MAWAR7 and its neighbour MAWAR8."""
    now = runtime.clock.now()
    today = now.date()
    with transaction(runtime.session_factory) as s:
        mawar = s.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
        kader = s.scalars(select(Contact).where(Contact.address == "kader1")).one()
        neighbour = s.scalars(select(Posyandu).where(Posyandu.code == "MAWAR8")).one_or_none()
        if neighbour is None:
            neighbour = Posyandu(code="MAWAR8", name="Posyandu Mawar 8", desa_id=mawar.desa_id,
                                 puskesmas_id=mawar.puskesmas_id, timezone=mawar.timezone)
            s.add(neighbour)
            s.flush()
        for place in (mawar, neighbour):
            for n in range(children + mothers):
                tag = f"{place.code}-{round_}-{n}"
                household = Household(posyandu_id=place.id, name=f"Keluarga {tag}", phone=f"+62812{round_:02d}{n:03d}{place.id:03d}",
                                      opted_in=True, address=f"RT {n}", created_at=now)
                s.add(household)
                s.flush()
                chat = Contact(channel="telegram", address=f"tg-{tag}", role="resident", posyandu_id=place.id,
                               household_id=household.id, opted_in=True, consent_at=now, created_at=now)
                s.add(chat)
                s.flush()
                mother = n >= children
                born = today - timedelta(days=(9000 + 40 * n) if mother else (60 + 90 * n))
                member = Member(posyandu_id=place.id, household_id=household.id, name=f"Orang {tag}",
                                name_key=f"orang {tag}".lower(), sex="P" if mother or n % 2 else "L", birth_date=born,
                                nik=None if n % 3 == 0 else f"3321{round_:02d}{n:04d}{place.id:06d}", created_at=now)
                s.add(member)
                s.flush()
                if mother:
                    s.add(Pregnancy(member_id=member.id, hpht=today - timedelta(days=150),
                                    hpht_estimate="hpl" if n % 2 else None, created_at=now))
                visits = []
                for back in range(5 if mother else 12):
                    on = date(today.year, today.month, 5) - timedelta(days=30 * back)
                    if on <= born:
                        continue
                    m = Measurement(member_id=member.id, posyandu_id=place.id, measured_on=on, recorded_by_id=kader.id,
                                    source="chat", age_days=(on - born).days, weight_kg=(60.0 if mother else 4.0 + back / 10),
                                    statuses={"bb_u": "normal"}, flags=[], created_at=now - timedelta(days=back * 30))
                    if mother:
                        m.systolic, m.diastolic, m.gestational_weeks = 120, 80, 21 - back * 4
                    else:
                        m.height_cm, m.position = 55.0 + (on - born).days / 30, "L"
                    s.add(m)
                    visits.append(m)
                s.flush()
                if not visits:
                    continue
                latest = visits[0]
                s.add(SatusehatSync(measurement_id=latest.id, posyandu_id=place.id, status="refused" if n % 2 else "sent",
                                    last_error="Patient tidak ditemukan" if n % 2 else None, next_attempt_at=now,
                                    queued_at=now))
                s.add(ServiceGiven(member_id=member.id, code="HB0", given_on=born, posyandu_id=place.id))
                if n % 2 == 0:
                    if mother:
                        latest.systolic, latest.diastolic = 150, 95
                        latest.flags = ["td_bumil:hipertensi"]
                        problem = "tekanan_darah"
                    else:
                        latest.flags = ["bb_u:severely_underweight"]
                        problem = "gizi_anak"
                    s.add(Referral(member_id=member.id, problem=problem, measurement_id=latest.id,
                                   first_measurement_id=latest.id, posyandu_id=place.id, reasons=list(latest.flags),
                                   urgency="today", status="open", created_at=now, updated_at=now))
                out = OutboxMessage(channel="telegram", address=chat.address, contact_id=chat.id, kind="reminder",
                                    priority=10, text="Pengingat", status="sent", attempts=1,
                                    provider_status="undelivered" if n % 3 == 0 else "delivered",
                                    next_attempt_at=now, created_at=now - timedelta(days=2), sent_at=now)
                s.add(out)
                s.flush()
                s.add(DeliveryEvent(outbox_id=out.id, contact_id=chat.id, status=out.provider_status,
                                    error_code="63016" if n % 3 == 0 else None, at=now))


def _counts(web_app, runtime, engine) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    with transaction(runtime.session_factory) as s:
        member, referral = s.execute(select(Referral.member_id, Referral.id).join(Posyandu, Posyandu.id == Referral.posyandu_id)
                                     .where(Posyandu.code == "MAWAR7", Referral.status == "open")
                                     .order_by(Referral.id)).first()
    seen: list[str] = []

    def one(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    out = {}
    for who, paths in ROLES.items():
        client = web_app.test_client()
        sign_in(client, runtime, who)
        for path in paths:
            url = path.format(member=member, referral=referral)
            with transaction(runtime.session_factory) as s:  # the kabupaten's kept figures computed again: the
                s.execute(sa.delete(RecapSnapshot))  # counting path is the one that must not grow with the data
            sa.event.listen(engine, "before_cursor_execute", one)
            try:
                seen.clear()
                answer = client.get(url)
            finally:
                sa.event.remove(engine, "before_cursor_execute", one)
            assert answer.status_code == 200, (who, url, answer.status_code)
            out[(who, path)] = len(seen)
    return out


def test_no_page_runs_a_query_per_row(web_app, village, db_engine):  # type: ignore[no-untyped-def]
    grow(village, 1)
    once = _counts(web_app, village, db_engine)
    grow(village, 2)
    grow(village, 3)
    thrice = _counts(web_app, village, db_engine)
    grown = {key: (once[key], thrice[key]) for key in once if once[key] != thrice[key]}
    assert not grown, f"statements grew with the data (1x, 3x): {grown}"
    assert max(once.values()) <= 25, once  # and few: a page is a handful of grouped queries


def test_the_cards_reasons_and_stage_are_the_chats(web_app, village, db_engine):  # type: ignore[no-untyped-def]
    """The queue's cards read the stored flags instead of interpreting each visit again: the same words as the
    chat's `reasons_text` (which interprets it again) for every open case of the demo (saved through the
    chat's own path, so what is stored is what the rules found)."""
    from bot.flows.base import Ctx
    from bot.flows.referrals import reasons_text

    @dataclass
    class ChatIn(Ctx):
        """The chat's step context in a chosen language, as the page's switch chooses it."""

        chosen: str = "id"

        @property
        def lang(self) -> str:
            return self.chosen

    from storage.referrals import open_problems, queue
    from storage.reporting import pregnancies_of, reinterpret
    from web.pages.common import PageCtx
    from web.pages.referrals import stored_reasons_text

    with web_app.test_request_context("/rujukan"), transaction(village.session_factory) as s:
        from flask import g

        g.db = s
        ids = list(s.scalars(select(Posyandu.id)))
        for lang in ("id", "en"):
            contact = s.scalars(select(Contact).where(Contact.address == "bidan")).one()
            c = PageCtx(contact=contact, now=village.clock.now(), page_lang=lang)
            chat = ChatIn(session=s, contact=contact, now=c.now, settings=village.settings, chosen=lang)
            entries, total = queue(s, ids, 0, 500)
            assert total == len(entries) >= 3
            for entry in entries:
                result = reinterpret(s, entry.measurement) if entry.measurement is not None else None
                assert stored_reasons_text(c, entry.referral.reasons or []) == reasons_text(chat, entry, result)
        # the stage line: the same as the chat's renderer reads it
        from web.pages import referrals as page

        problems = open_problems(s, [e.member.id for e in entries])
        pregnancies = pregnancies_of(s, [e.member.id for e in entries])
        from bot.referral_alerts import dated_by_estimate

        g.contact = contact
        c = page.ctx()
        stages = 0
        for entry in entries:
            m = entry.measurement
            card = page.card(entry, problems, pregnancies)
            expected = ""
            result = reinterpret(s, m) if m is not None else None
            if m is not None and m.gestational_weeks is not None:
                estimated = dated_by_estimate(s, entry.member.id, m.measured_on)
                expected = c.t("referral.pregnant_estimate" if estimated else "referral.pregnant",
                               weeks=m.gestational_weeks)
            elif result is not None and result.days_postpartum is not None:
                expected = c.t("referral.nifas", days=result.days_postpartum)
            assert card["stage"] == expected, entry.member.name
            stages += bool(expected)
        assert stages >= 1


@pytest.mark.parametrize("months", [1, 12])
def test_the_trend_equals_each_months_recap(village, months):  # type: ignore[no-untyped-def]
    from storage.recap import month_ratios, month_recap

    grow(village, 1)
    with transaction(village.session_factory) as s:
        place = s.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
        if months == 12:  # a sasaran set for this year: S is the target, not the registered balita
            from storage.recap import set_target

            set_target(s, place.id, 2026, 9, village.clock.now())
        wanted = [((2026 * 12 + 10 - n) // 12, (2026 * 12 + 10 - n) % 12 + 1) for n in range(months)]
        ratios = month_ratios(s, place, wanted)
        for year, month in wanted:
            full = month_recap(s, place, year, month)["ratios"]
            assert ratios[(year, month)] == {"D/S": full["D/S"], "N/D": full["N/D"]}, (year, month)


def test_reach_of_many_posyandu_equals_each_posyandus(village):  # type: ignore[no-untyped-def]
    from storage.reach import reach_by_posyandu, reach_figures
    from storage.visits import local_today

    grow(village, 1)
    with transaction(village.session_factory) as s:
        places = list(s.scalars(select(Posyandu).order_by(Posyandu.code)))
        now = village.clock.now()
        together = reach_by_posyandu(s, places, now)
        for place in places:
            assert together[place.id] == reach_figures(s, place, local_today(place, now)), place.code


def test_kader_figures_count_late_entries_by_the_day_typed(village):  # type: ignore[no-untyped-def]
    from storage.web_pages import kader_figures

    grow(village, 1)
    with transaction(village.session_factory) as s:
        place = s.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
        kader = s.scalars(select(Contact).where(Contact.address == "kader1")).one()
        member = s.scalars(select(Member).where(Member.posyandu_id == place.id)).first()
        on = date(2026, 11, 10)
        for day, typed in ((on, datetime(2026, 11, 11, 23, 59, tzinfo=timezone.utc)),  # the next day: on time
                           (on + timedelta(days=1), datetime(2026, 11, 13, 0, 0, tzinfo=timezone.utc))):  # late
            s.add(Measurement(member_id=member.id, posyandu_id=place.id, measured_on=day, recorded_by_id=kader.id,
                              source="chat", weight_kg=5.0, statuses={}, flags=[], created_at=typed))
        s.flush()
        rows = kader_figures(s, [place.id], date(2026, 11, 10), date(2026, 11, 11), only_contact=kader.id)
        assert [(r["visits"], r["people"], r["late"]) for r in rows] == [(2, 1, 1)]
