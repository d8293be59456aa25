"""Time travel, CHT style: move the clock one day at a time and plan exactly as the clock would.

Each simulated morning the clock stands at the reminder hour in a zone (07:00
WIB is 00:00 UTC; 07:00 WIT is 22:00 UTC the day before) and that zone's
cron job runs. We then compare what was planned, and on which LOCAL day, with
the pure reference `health.due.due_reminders` evaluated day by day:
every reminder on the first local day it is due, each (member, code, period)
once, one message per household per day, and nothing after STOP.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.messages import Channel
from health.due import due_reminders
from scheduler.planner import plan_zone
from health.immunisation import CODES as DOSE_CODES
from storage.models import Contact, Member, OutboxMessage, PlannedReminder, PosyanduSession, Pregnancy, ServiceGiven
from tests.harness import Person
from tests.reminders.helpers import (
    add_person,
    family,
    local_instant,
    mawar,
    message_day,
    monthly_sessions,
    reminder_messages,
    wit_posyandu,
)

WIB, WIT = "Asia/Jakarta", "Asia/Jayapura"


def session_days(session, posyandu_id, tz):
    rows = session.scalars(select(PosyanduSession.starts_at).where(PosyanduSession.posyandu_id == posyandu_id))
    return [at.astimezone(ZoneInfo(tz)).date() for at in rows]


def expected(birth, sex, days, sessions, hpht=None, delivered=None, doses=None):
    """(code, period) -> (first local day it is due, due_on), from the reference, period keys as planned.

    doses: immunisation code -> day given (the next dose of a series follows it: health.immunisation)."""
    first = {}
    for day in days:
        given = {c: d for c, d in (doses or {}).items() if d <= day}
        for due in due_reminders(birth, sex, day, hpht, delivered, settings={"session_dates": sessions},
                                 given=given):
            period = due.period_key
            if due.rule.anchor == "hpht":
                period = f"P{hpht:%Y%m%d}"
            elif due.rule.anchor == "delivery":
                period = f"D{delivered:%Y%m%d}"
            first.setdefault((due.code, period), (day, due.due_on))
    return first


def actual(session, member_id):
    """(code, period) -> (local day of the message that carried it, due_on)."""
    session.expire_all()
    found = {}
    for pr, message in session.execute(select(PlannedReminder, OutboxMessage).join(
            OutboxMessage, OutboxMessage.id == PlannedReminder.outbox_id).where(PlannedReminder.member_id == member_id)):
        found[(pr.code, pr.period)] = (message_day(message), pr.due_on)
    return found


def simulate(runtime, clock, zones, first, last, before_planning=None):
    """Each local morning, in each zone, run that zone's job as the cron trigger would."""
    day = first
    while day <= last:
        for zone in zones:
            clock.current = local_instant(day, runtime.settings.reminder_local_hour, zone)
            if before_planning is not None:
                before_planning(day, zone)
            plan_zone(runtime.session_factory, runtime.settings, zone, day, clock.now())
        day += timedelta(days=1)


def assert_one_message_a_day_on_local_days(session, contact_id, tz):
    messages = reminder_messages(session, contact_id)
    days = [message_day(m) for m in messages]
    assert len(days) == len(set(days)), Counter(days).most_common(3)
    for m in messages:  # written at the local reminder hour of the day it names
        local = m.created_at.astimezone(ZoneInfo(tz))
        assert (local.date(), local.hour) == (message_day(m), 7)
    return messages


def test_a_childs_first_two_years_in_wib_and_wit(runtime, clock, demo, session):
    birth = clock.now().date()  # 2026-11-22
    last = birth + timedelta(days=730)
    wib, wit = mawar(session), wit_posyandu(session)
    monthly_sessions(session, wib, birth, 26)
    monthly_sessions(session, wit, birth, 26)
    java = family(session, wib, [("Bima Saputra", "L", birth, None)], "9101", clock.now())
    papua = family(session, wit, [("Yohana Wenda", "P", birth, None)], "9102", clock.now())
    twin = family(session, wib, [("Arga Saputra", "L", birth, None)], "9103", clock.now())
    stop_day = birth + timedelta(days=365)
    quitter = Person(runtime, twin.address, Channel.TELEGRAM)

    def morning(day, zone):
        if day == stop_day and zone == WIB:
            assert "tidak akan menerima" in quitter.say("berhenti")
        # the families bring the child the day after a dose's reminder: the next dose of the series follows
        for member_id in (java.members["Bima Saputra"], papua.members["Yohana Wenda"]):
            done = set(session.scalars(select(ServiceGiven.code).where(ServiceGiven.member_id == member_id)))
            for code in session.scalars(select(PlannedReminder.code).where(
                    PlannedReminder.member_id == member_id, PlannedReminder.due_on < day)):
                if code in DOSE_CODES and code not in done:
                    session.add(ServiceGiven(member_id=member_id, code=code, given_on=day))
                    done.add(code)
        session.commit()

    simulate(runtime, clock, (WIB, WIT), birth, last, morning)
    days = [birth + timedelta(days=i) for i in range(731)]

    for fam, posyandu, name, sex in ((java, wib, "Bima Saputra", "L"), (papua, wit, "Yohana Wenda", "P")):
        doses = dict(session.execute(select(ServiceGiven.code, ServiceGiven.given_on).where(
            ServiceGiven.member_id == fam.members[name])).all())
        want = expected(birth, sex, days, session_days(session, posyandu.id, posyandu.timezone), doses=doses)
        got = actual(session, fam.members[name])
        assert got == want
        codes = {code for code, _ in got}
        assert {"HB0", "BCG", "KN1", "DPT-HB-HIB3", "MR1", "PCV3", "MR2", "VITA", "CACING", "TIMBANG"} <= codes
        messages = assert_one_message_a_day_on_local_days(session, fam.contact_id, posyandu.timezone)
        # the eve and the morning of every posyandu day are announced with place and zone
        sessions = session_days(session, posyandu.id, posyandu.timezone)
        by_day = {message_day(m): m.text for m in messages}
        for sday in sessions:
            if birth < sday <= last:
                assert "Hari ini" in by_day[sday] and ("WIT" if posyandu.timezone == WIT else "WIB") in by_day[sday]
                assert "Besok" in by_day[sday - timedelta(days=1)]

    # Papua's 07:00 is the previous evening in UTC: the day is the local one, never the UTC one
    first_wit = reminder_messages(session, papua.contact_id)[0]
    assert message_day(first_wit) == birth
    assert first_wit.created_at.date() == birth - timedelta(days=1)
    assert "Imunisasi Hepatitis B saat lahir (HB0)" in first_wit.text

    # STOP: the twin's reminders end that morning (the planner no longer sees the household)
    twin_rows = session.scalars(select(PlannedReminder).where(PlannedReminder.household_id == twin.household_id)).all()
    assert twin_rows and max(r.planned_at for r in twin_rows).astimezone(ZoneInfo(WIB)).date() < stop_day
    assert all(message_day(m) < stop_day for m in reminder_messages(session, twin.contact_id))
    assert session.scalars(select(Contact.stopped_at).where(Contact.id == twin.contact_id)).one() is not None


def test_a_pregnancy_then_the_baby_in_wit(runtime, clock, session):
    posyandu = wit_posyandu(session)
    start = clock.now().date()
    hpht = start - timedelta(days=3)
    mother_birth = date(1998, 3, 14)
    fam = family(session, posyandu, [("Maria Kogoya", "P", mother_birth, hpht)], "9201", clock.now())
    delivered = hpht + timedelta(days=273)  # 39 weeks
    last = delivered + timedelta(days=60)

    def morning(day, zone):
        if day == delivered:  # the bidan records the birth; the baby joins the household
            pregnancy = session.scalars(select(Pregnancy).where(Pregnancy.member_id == fam.members["Maria Kogoya"])).one()
            pregnancy.delivered_on = delivered
            baby = add_person(session, posyandu, fam.household_id, "Bayi Kogoya", "L", delivered, clock.now())
            fam.members["Bayi Kogoya"] = baby.id
            session.commit()

    simulate(runtime, clock, (WIT,), start, last, morning)
    days = [start + timedelta(days=i) for i in range((last - start).days + 1)]
    want = expected(mother_birth, "P", days, (), hpht=hpht, delivered=delivered)
    got = actual(session, fam.members["Maria Kogoya"])
    assert got == want
    codes = Counter(code for code, _ in got)
    assert all(codes[f"ANC{k}"] == 1 for k in range(1, 7))
    assert codes["HPL"] == 1 and all(codes[f"KF{k}"] == 1 for k in range(1, 5))
    assert 35 <= codes["TTD"] <= 41  # one a week while pregnant, none after delivery
    assert codes["PTM"] == 1  # her birthday on 14 March
    baby_days = [d for d in days if d >= delivered]
    assert actual(session, fam.members["Bayi Kogoya"]) == expected(delivered, "L", baby_days, ())
    messages = assert_one_message_a_day_on_local_days(session, fam.contact_id, WIT)
    hpl_day = got[("HPL", f"P{hpht:%Y%m%d}")][0]
    assert hpl_day == hpht + timedelta(days=266)
    assert "Hari perkiraan lahir" in next(m.text for m in messages if message_day(m) == hpl_day)
    assert session.get(Member, fam.members["Bayi Kogoya"]).household_id == fam.household_id
