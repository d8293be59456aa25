"""`keluarga` says the day of the service itself, in the posyandu's zone (issue 16: it said "14 Des", the
eve on which the weighing reminder goes, where the posyandu day is 15 Des)."""
from __future__ import annotations

from datetime import date, time

from bot.messages import Channel
from tests.harness import Person
from tests.reminders.helpers import family, mawar, monthly_sessions, wit_posyandu


def test_the_weighing_is_shown_on_the_posyandu_day_not_its_eve(runtime, demo, session, clock):
    place = mawar(session)
    monthly_sessions(session, place, date(2026, 12, 1), 2, day=15, at=time(8, 0))
    fam = family(session, place, [("Bima Saputra", "L", date(2025, 11, 2), None)], "7201", clock.now())
    view = Person(runtime, fam.address, Channel.TELEGRAM).say("keluarga")
    assert "Penimbangan bulanan di Posyandu (15 Des 2026)" in view and "14 Des" not in view


def test_a_papuan_morning_session_is_its_local_day(runtime, demo, session, clock):
    place = wit_posyandu(session)  # 07:00 WIT on 15 Dec is 22:00 UTC on 14 Dec
    monthly_sessions(session, place, date(2026, 12, 1), 2, day=15, at=time(7, 0))
    fam = family(session, place, [("Yohana Wenda", "P", date(2025, 11, 2), None)], "7202", clock.now())
    view = Person(runtime, fam.address, Channel.TELEGRAM).say("keluarga")
    assert "Penimbangan bulanan di Posyandu (15 Des 2026)" in view and "14 Des" not in view
