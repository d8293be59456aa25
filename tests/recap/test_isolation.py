"""Issue 16: no posyandu, household or referral may let its failure block the others.

Each job of the clock (the month's recap, the reminders, the next-morning repeat of urgent referrals) and the
operator's loops run every item on its own: the failing one is rolled back alone, logged without names,
counted and tried again at the next run; the others go on.
"""
from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

import scheduler.recap_job as recap_job
import app.cli.recap as recap_cli
from scheduler.planner import plan_zone
from scheduler.recap_job import send_monthly_recaps
from scheduler.referral_repeats import run as repeat_referrals
from storage.models import Member, OutboxMessage, PlannedReminder, Posyandu
from storage.recap import month_recap
from tests.reporting.helpers import member, posyandu
from tests.reporting.test_referral_queue import visit
from tests.reminders.helpers import family, monthly_sessions

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # 17:00 WIB: every November recap is due


def failing_for(code: str):  # type: ignore[no-untyped-def]
    """The storage edge failing for one posyandu (as a lost connection or a corrupt row would)."""
    def recap(session, place, year, month):  # type: ignore[no-untyped-def]
        if place.code == code:
            raise RuntimeError("Aisyah Putri +6281234500001")  # a message with personal data: never logged
        return month_recap(session, place, year, month)
    return recap


def bidan_texts(session) -> list[str]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return [r.text for r in session.scalars(select(OutboxMessage).where(OutboxMessage.address == "bidan"))]


def test_one_failing_posyandu_does_not_stop_the_recap_of_the_others(runtime, demo, session, monkeypatch, caplog):
    monkeypatch.setattr(recap_job, "month_recap", failing_for("MAWAR7"))  # the first posyandu of the zone
    with caplog.at_level(logging.ERROR):
        stats = send_monthly_recaps(runtime.session_factory, runtime.settings, FIRST_OF_DECEMBER, "Asia/Jakarta")
    assert stats.failed == 1 and stats.posyandu == 2
    texts = bidan_texts(session)
    assert sum("Melati 3 — November" in t for t in texts) == 1 and sum("Kenanga 1 — November" in t for t in texts) == 1
    assert not any("Mawar 7" in t for t in texts)
    logged = caplog.text
    assert "monthly recap of posyandu" in logged and "RuntimeError" in logged
    assert "Aisyah" not in logged and "62812" not in logged
    # the next run (the next day, still due) gets Mawar 7's, once; the others are not sent again
    monkeypatch.undo()
    send_monthly_recaps(runtime.session_factory, runtime.settings, FIRST_OF_DECEMBER + timedelta(days=1),
                        "Asia/Jakarta")
    texts = bidan_texts(session)
    assert sum("Mawar 7 — November" in t for t in texts) == 1
    assert sum("Melati 3 — November" in t for t in texts) == 1


def test_a_posyandu_of_another_wib_zone_name_gets_its_recap(runtime, demo, session):
    """Asia/Pontianak is WIB: the WIB job recaps it (it was never selected, only Asia/Jakarta was)."""
    session.get(Posyandu, posyandu(session, "KENANGA1").id).timezone = "Asia/Pontianak"
    session.commit()
    send_monthly_recaps(runtime.session_factory, runtime.settings, FIRST_OF_DECEMBER, "Asia/Jakarta")
    assert sum("Kenanga 1 — November" in t for t in bidan_texts(session)) == 1


def test_the_cli_recap_writes_the_others_and_exits_1(app, demo, session, monkeypatch):
    monkeypatch.setattr(recap_cli, "month_recap", failing_for("KENANGA1"))
    result = app.test_cli_runner().invoke(args=["recap", "--month", "2026-11", "--format", "csv"])
    assert result.exit_code == 1
    assert {r["Kode posyandu"] for r in csv.DictReader(io.StringIO(result.stdout))} == {"MAWAR7", "MELATI3"}
    assert "KENANGA1: the recap failed (RuntimeError" in result.stderr and "Aisyah" not in result.stderr


def test_one_bad_referral_does_not_stop_the_next_morning_repeats(runtime, demo, session, caplog):
    evening = datetime(2026, 11, 21, 13, 0, tzinfo=timezone.utc)  # 20:00 WIB
    visit(runtime, "Joko Susilo", date(2026, 11, 21), now=evening, systolic=190, diastolic=125)
    visit(runtime, "Nurhayati", date(2026, 11, 21), now=evening, systolic=192, diastolic=126)
    # real bad data: Joko's birth date corrected after the visit to a day after it (his visit cannot be read)
    joko = member(session, "Joko Susilo")
    joko.birth_date = date(2026, 11, 25)
    session.commit()
    morning = datetime(2026, 11, 22, 0, 0, tzinfo=timezone.utc)  # 07:00 WIB
    with caplog.at_level(logging.ERROR):
        assert repeat_referrals(runtime.session_factory, runtime.settings, morning) == 1
    repeats = session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("referral-repeat:%"))).all()
    assert len(repeats) == 1 and "Nurhayati" in repeats[0].text
    assert "repeat of urgent referral" in caplog.text and "Joko" not in caplog.text
    # fixed, the next hour repeats it
    member(session, "Joko Susilo").birth_date = date(1981, 11, 30)
    session.commit()
    assert repeat_referrals(runtime.session_factory, runtime.settings, morning + timedelta(hours=1)) == 1


def test_a_posyandu_with_an_unknown_zone_name_does_not_stop_the_zones_reminders(runtime, demo, session, clock):
    """A posyandu row typed with a zone name the system does not know (before imports checked it) is planned
    with WIB, and every other posyandu of WIB is still planned."""
    mawar = posyandu(session, "MAWAR7")
    melati = posyandu(session, "MELATI3")
    now = datetime(2026, 11, 22, 0, 0, tzinfo=timezone.utc)
    monthly_sessions(session, melati, date(2026, 11, 1), 1, day=23)
    melati.timezone = "Asia/Jakarta "  # a stray space, as typed in a spreadsheet
    session.commit()
    baby = family(session, mawar, [("Putri Lestari", "P", date(2026, 9, 20), None)], "keluarga-putri", now)
    session.commit()
    stats = plan_zone(runtime.session_factory, runtime.settings, "Asia/Jakarta", date(2026, 11, 22), now)
    assert stats.failed == 0
    planned = session.scalars(select(PlannedReminder.member_id)).all()
    assert baby.members["Putri Lestari"] in planned


def test_one_failing_household_does_not_stop_the_others_reminders(runtime, demo, session, clock, monkeypatch,
                                                                  caplog):
    """The storage edge failing for one household (as a corrupt row would): its chunk is written again
    household by household; it alone is logged (pseudonym), counted and planned at the next run."""
    import scheduler.planner as planner
    from tests.reminders.helpers import reminder_messages

    today = clock.now().date()
    first = family(session, posyandu(session, "MAWAR7"), [("Bayu", "L", today - timedelta(days=61), None)], "8201",
                   clock.now())
    second = family(session, posyandu(session, "MAWAR7"), [("Citra", "P", today - timedelta(days=61), None)],
                    "8202", clock.now())
    real = planner.reachable_chats

    def failing(session_, households):  # type: ignore[no-untyped-def]
        if first.household_id in households:
            raise RuntimeError("Bayu +6281234500001")
        return real(session_, households)

    monkeypatch.setattr(planner, "reachable_chats", failing)
    with caplog.at_level(logging.ERROR):
        stats = plan_zone(runtime.session_factory, runtime.settings, "Asia/Jakarta", today, clock.now())
    assert stats.failed == 1
    assert reminder_messages(session, first.contact_id) == [] and len(reminder_messages(session, second.contact_id)) == 1
    assert "reminders of household" in caplog.text and "Bayu" not in caplog.text and "62812" not in caplog.text
    monkeypatch.undo()
    plan_zone(runtime.session_factory, runtime.settings, "Asia/Jakarta", today, clock.now())
    assert len(reminder_messages(session, first.contact_id)) == 1 and len(reminder_messages(session, second.contact_id)) == 1
