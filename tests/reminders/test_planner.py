"""The planner on its own: idempotent, merged per household, silenced by recorded services, bounded
catch-up, daytime sending, only reachable households; and the operator commands."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from bot.messages import Channel
from scheduler.planner import firing_day, plan_at, send_from, zone_of
from storage.models import Contact, OutboxMessage, PlannedReminder, ServiceGiven
from tests.reminders.helpers import (
    add_person,
    family,
    local_instant,
    mawar,
    message_day,
    planned,
    reminder_messages,
    wit_posyandu,
)

WIB = "Asia/Jakarta"


def plan(runtime, clock):
    return plan_at(runtime.session_factory, runtime.settings, clock.now())


def test_one_message_per_household_merging_every_member(runtime, demo, session, clock):
    today = clock.now().date()
    fam = family(session, mawar(session), [
        ("Bayu", "L", today - timedelta(days=61), None),  # 2 months: DPT-HB-Hib 1, PCV 1, rotavirus 1 (polio 2 waits
        # for polio 1: health.immunisation, issue 16)
        ("Lestari", "P", date(1996, 5, 1), today - timedelta(days=100)),  # 14 weeks: K2
    ], "8101", clock.now())
    stats = plan(runtime, clock)
    assert sum(s.messages for s in stats) == 1
    message = reminder_messages(session, fam.contact_id)[0]
    assert (message.kind, message.template_key, message.priority) == ("reminder", "reminder", 10)
    assert message.dedupe_key == f"reminder:h{fam.household_id}:{today.isoformat()}:c{fam.contact_id}"
    assert "Bayu:" in message.text and "Lestari:" in message.text
    assert "Imunisasi DPT-HB-Hib ke-1" in message.text and "Pemeriksaan kehamilan K2" in message.text
    assert "Polio tetes ke-2" not in message.text and "OPV" not in message.text
    assert message.text.count("Minum TTD/MMS") == 1
    assert set(message.template_vars) == {"1", "2", "3"}
    assert message.template_vars["1"] == "Posyandu Mawar 7" and "\n" not in message.template_vars["3"]
    rows = planned(session, fam.members["Bayu"]) + planned(session, fam.members["Lestari"])
    assert {r.outbox_id for r in rows} == {message.id}


def test_planning_again_or_in_another_zone_run_writes_nothing_new(runtime, demo, session, clock):
    fam = family(session, mawar(session), [("Bayu", "L", clock.now().date() - timedelta(days=61), None)], "8102",
                 clock.now())
    first = plan(runtime, clock)
    again = plan(runtime, clock)
    clock.advance(hours=5)
    later = plan(runtime, clock)
    assert sum(s.planned for s in first) == 3  # DPT-HB-Hib 1, PCV 1, rotavirus 1; polio 2 waits for polio 1
    assert sum(s.planned + s.messages for s in again + later) == 0
    assert len(reminder_messages(session, fam.contact_id)) == 1


def test_a_recorded_service_silences_its_reminder(runtime, demo, session, clock):
    today = clock.now().date()
    fam = family(session, mawar(session), [("Bayu", "L", today - timedelta(days=61), None)], "8103", clock.now())
    session.add(ServiceGiven(member_id=fam.members["Bayu"], code="DPT-HB-HIB1", given_on=today - timedelta(days=1)))
    session.add(ServiceGiven(member_id=fam.members["Bayu"], code="PCV1", given_on=today - timedelta(days=1)))
    session.add(ServiceGiven(member_id=fam.members["Bayu"], code="OPV1", given_on=today - timedelta(days=60),
                             origin="history"))  # given at the puskesmas: polio 2 is now due
    session.commit()
    plan(runtime, clock)
    assert {r.code for r in planned(session, fam.members["Bayu"])} == {"OPV2", "RV1"}


def test_only_households_with_a_reachable_chat_are_planned(runtime, demo, session, clock):
    today = clock.now().date()
    posyandu = mawar(session)
    stopped = family(session, posyandu, [("A", "L", today - timedelta(days=61), None)], "8104", clock.now())
    no_consent = family(session, posyandu, [("B", "L", today - timedelta(days=61), None)], "8105", clock.now())
    session.get(Contact, stopped.contact_id).stopped_at = clock.now()
    session.get(Contact, no_consent.contact_id).opted_in = False
    session.commit()
    # the demo households were registered by kaders: no chat is linked to them
    assert sum(s.due for s in plan(runtime, clock)) == 0
    assert session.scalar(select(func.count()).select_from(PlannedReminder)) == 0


def test_a_household_with_two_chats_gets_one_message_on_each(runtime, demo, session, clock):
    fam = family(session, mawar(session), [("Bayu", "L", clock.now().date() - timedelta(days=61), None)], "8106",
                 clock.now())
    session.add(Contact(channel="whatsapp", address="+6281234509999", role="resident", language="en",
                        household_id=fam.household_id, posyandu_id=mawar(session).id, opted_in=True,
                        consent_at=clock.now(), created_at=clock.now()))
    session.commit()
    plan(runtime, clock)
    messages = reminder_messages(session)
    assert sorted(m.channel for m in messages) == ["telegram", "whatsapp"]
    assert "Reminder from Posyandu Mawar 7" in next(m.text for m in messages if m.channel == "whatsapp")


def test_catch_up_is_bounded_by_the_catch_up_window(runtime, demo, session, clock):
    """A clock down since the birth: KN1 (days 0-2) is caught up 9 days later, not 12 days later."""
    born = clock.now().date()
    posyandu = mawar(session)
    late = family(session, posyandu, [("Nadia", "P", born, None)], "8107", clock.now())
    later = family(session, posyandu, [("Nando", "L", born - timedelta(days=3), None)], "8108", clock.now())
    clock.current = local_instant(born + timedelta(days=9), 7, WIB)
    plan(runtime, clock)
    assert "KN1" in {r.code for r in planned(session, late.members["Nadia"])}  # window ended on day 2: in reach
    assert "KN1" not in {r.code for r in planned(session, later.members["Nando"])}  # ended on day -1: too old
    assert {"HB0", "BCG", "KN2", "KN3"} <= {r.code for r in planned(session, later.members["Nando"])}
    assert runtime.settings.reminder_catchup_days == 7


def test_a_catch_up_at_night_waits_for_the_morning(runtime, demo, session, clock):
    fam = family(session, mawar(session), [("Bayu", "L", clock.now().date() - timedelta(days=61), None)], "8109",
                 clock.now())
    clock.current = datetime(2026, 11, 22, 19, 30, tzinfo=timezone.utc)  # 02:30 WIB on the 23rd
    assert firing_day(clock.now(), WIB, 7) == date(2026, 11, 22)
    plan(runtime, clock)
    message = reminder_messages(session, fam.contact_id)[0]
    assert message.next_attempt_at == local_instant(date(2026, 11, 23), 7, WIB)
    assert runtime.dispatcher.run_once().sent == 0  # not yet
    clock.current = message.next_attempt_at
    assert runtime.dispatcher.run_once().sent == 1


def test_zones_and_firing_days():
    at = datetime(2026, 11, 22, 22, 0, tzinfo=timezone.utc)  # 07:00 WIT on the 23rd, 06:00 WITA, 05:00 WIB
    assert firing_day(at, "Asia/Jayapura", 7) == date(2026, 11, 23)
    assert firing_day(at, "Asia/Makassar", 7) == date(2026, 11, 22)
    assert firing_day(at, WIB, 7) == date(2026, 11, 22)
    assert zone_of("Asia/Pontianak") == WIB and zone_of("Asia/Makassar") == "Asia/Makassar"
    assert zone_of("Asia/Ujung_Pandang") == "Asia/Makassar"  # by offset
    assert zone_of(None) == WIB
    assert send_from(at, "Asia/Jayapura", 7) == at
    assert send_from(at, WIB, 7) == datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)


def test_each_zone_plans_its_own_posyandu_on_its_own_day(runtime, demo, session, clock):
    born = date(2026, 11, 23)
    java = family(session, mawar(session), [("Jaka", "L", born, None)], "8110", clock.now())
    papua = family(session, wit_posyandu(session), [("Yosef", "L", born, None)], "8111", clock.now())
    clock.current = local_instant(born, 7, "Asia/Jayapura")  # 22:00 UTC on the 22nd
    plan(runtime, clock)
    assert {"HB0", "BCG", "OPV1", "KN1"} <= {r.code for r in planned(session, papua.members["Yosef"])}
    # 05:00 WIB: Java's latest run is the 22nd's, caught up before the hour; held to 07:00 WIB, it is the
    # message of the 23rd (the day it is sent), so the 07:00 run finds nothing new to send again
    java_first = reminder_messages(session, java.contact_id)
    assert [m.next_attempt_at for m in java_first] == [local_instant(born, 7, WIB)]
    clock.current = local_instant(born, 7, WIB)
    plan(runtime, clock)
    assert planned(session, java.members["Jaka"])
    assert [message_day(m) for m in reminder_messages(session)] == [born, born]


def test_plan_command_then_drain_sends_what_the_clock_would_have(app, runtime, demo, session, clock):
    fam = family(session, mawar(session), [("Bayu", "L", clock.now().date() - timedelta(days=61), None)], "8112",
                 clock.now())
    at = "2026-11-23T07:00:00+07:00"
    result = app.test_cli_runner().invoke(args=["reminders", "plan", "--at", at])
    assert result.exit_code == 0, result.output
    assert "WIB 2026-11-23: due 3, planned 3, messages 1 to 1 households" in result.output
    assert "WIT 2026-11-23" in result.output and "WITA 2026-11-23" in result.output
    result = app.test_cli_runner().invoke(args=["outbox", "drain", "--at", at])
    assert "sent 1" in result.output
    (message,) = runtime.senders[Channel.TELEGRAM].sent
    assert message.address == fam.address and "DPT-HB-Hib ke-1" in message.text
    assert message.template_key == "reminder" and message.template_vars["1"] == "Posyandu Mawar 7"


def test_upcoming_command_lists_member_birth_date_due_on_code_group(app, runtime, demo, session, clock):
    result = app.test_cli_runner().invoke(args=["reminders", "upcoming", "--posyandu", "mawar7", "--from",
                                                "2026-11-22", "--days", "30", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["member", "birth_date", "due_on", "code", "group"]
    aisyah = {r["code"]: r for r in rows if r["member"] == "Aisyah Putri"}
    assert "MR1" in aisyah and "IPV2" not in aisyah  # IPV 2 waits for IPV 1 (series-aware, issue 16)
    assert aisyah["MR1"]["group"] == "bayi_balita"
    assert any(r["member"] == "Rina Marlina" and r["code"] == "ANC3" and r["group"] == "ibu_hamil" for r in rows)
    assert any(r["member"] == "Joko Susilo" and r["code"] == "PTM" and r["group"] == "dewasa" for r in rows)
    table = app.test_cli_runner().invoke(args=["reminders", "upcoming", "--posyandu", "MAWAR7", "--from",
                                               "2026-11-22", "--days", "7"])
    assert "member" in table.output.splitlines()[0] and "reminders due at MAWAR7" in table.output
    bad = app.test_cli_runner().invoke(args=["reminders", "upcoming", "--posyandu", "NOPE", "--from", "2026-11-22"])
    assert bad.exit_code != 0 and "no posyandu" in bad.output


def test_stop_after_planning_cancels_what_was_not_sent(runtime, demo, session, clock):
    fam = family(session, mawar(session), [("Bayu", "L", clock.now().date() - timedelta(days=61), None)], "8113",
                 clock.now())
    plan(runtime, clock)
    contact = session.get(Contact, fam.contact_id)
    contact.stopped_at = clock.now()
    session.commit()
    assert runtime.dispatcher.drain().cancelled == 1
    assert runtime.senders[Channel.TELEGRAM].sent == []
    assert reminder_messages(session)[0].status == "cancelled"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")) == 0


def test_the_clock_runs_one_cron_job_per_zone_at_the_local_hour(runtime, demo, session, clock):
    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler.jobs import register_planning_jobs, run_zone

    scheduler = BackgroundScheduler()
    register_planning_jobs(scheduler, runtime)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"reminders-WIB", "reminders-WITA", "reminders-WIT", "reminders-catch-up"}
    after = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    fires = {zone: jobs[f"reminders-{zone}"].trigger.get_next_fire_time(None, after) for zone in ("WIB", "WITA", "WIT")}
    assert {z: t.astimezone(timezone.utc).hour for z, t in fires.items()} == {"WIB": 0, "WITA": 23, "WIT": 22}
    born = date(2026, 11, 23)
    papua = family(session, wit_posyandu(session), [("Yosef", "L", born, None)], "8120", clock.now())
    clock.current = fires["WIT"]  # what the cron trigger does at 07:00 WIT
    run_zone(runtime, "Asia/Jayapura")
    assert message_day(reminder_messages(session, papua.contact_id)[0]) == born


def test_a_catch_up_before_the_hour_is_the_one_message_of_the_day_it_is_sent(runtime, demo, session, clock):
    """05:00 WIB on the 21st plans the run of the 20th; held to 07:00, it is the 21st's message, not a second."""
    clock.current = datetime(2026, 11, 21, 7, 0, tzinfo=timezone(timedelta(hours=9))).astimezone(timezone.utc)
    fam = family(session, mawar(session), [
        ("Bayu", "L", date(2026, 11, 21) - timedelta(days=61), None),  # 2-month doses due on the 21st
        ("Nia", "P", date(2026, 11, 20) - timedelta(days=61), None),  # due on the 20th
    ], "8120", clock.now())
    plan(runtime, clock)
    clock.current = local_instant(date(2026, 11, 21), 7, WIB)  # the regular run of the 21st
    plan(runtime, clock)
    messages = reminder_messages(session, fam.contact_id)
    assert len(messages) == 1
    assert message_day(messages[0]) == date(2026, 11, 21)
    assert "Sabtu, 21 November 2026" in messages[0].text and "Jumat" not in messages[0].text
    assert "Bayu:" in messages[0].text and "Nia:" in messages[0].text
    assert messages[0].next_attempt_at == local_instant(date(2026, 11, 21), 7, WIB)


def test_a_later_run_folds_new_reminders_into_the_days_message(runtime, demo, session, clock):
    """Something new found by a second run the same day joins the pending message; once that message
    is sent, it waits for the next day's message: never two reminder messages on one local day."""
    today = clock.now().date()
    posyandu = mawar(session)
    fam = family(session, posyandu, [("Bayu", "L", today - timedelta(days=61), None)], "8121", clock.now())
    plan(runtime, clock)
    add_person(session, posyandu, fam.household_id, "Nia", "P", today - timedelta(days=61), clock.now())
    session.commit()
    clock.advance(hours=2)
    plan(runtime, clock)
    messages = reminder_messages(session, fam.contact_id)
    assert len(messages) == 1 and "Bayu:" in messages[0].text and "Nia:" in messages[0].text
    assert {r.outbox_id for r in planned(session, fam.members["Bayu"])} == {messages[0].id}
    assert runtime.dispatcher.run_once().sent == 1
    add_person(session, posyandu, fam.household_id, "Rani", "P", today - timedelta(days=61), clock.now())
    session.commit()
    clock.advance(hours=1)
    plan(runtime, clock)
    messages = reminder_messages(session, fam.contact_id)
    assert [message_day(m) for m in messages] == [today, today + timedelta(days=1)]
    assert "Rani:" in messages[1].text and "Nia:" not in messages[1].text
    assert messages[1].next_attempt_at == local_instant(today + timedelta(days=1), 7, WIB)
    clock.current = local_instant(today + timedelta(days=1), 7, WIB)  # the next day's run folds into it
    plan(runtime, clock)
    assert len(reminder_messages(session, fam.contact_id)) == 2
