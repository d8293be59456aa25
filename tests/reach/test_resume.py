"""`mulai` after `berhenti`: what fell due while the chat was stopped is not sent in a burst on return; what falls
due after it is sent as usual."""
from __future__ import annotations

from datetime import timedelta

from bot.messages import Channel
from scheduler.planner import plan_at
from storage.models import Contact, ServiceGiven
from tests.harness import Person
from tests.reminders.helpers import family, local_instant, mawar, planned

WIB = "Asia/Jakarta"


def test_resume_plans_nothing_that_fell_due_while_stopped(runtime, demo, session, clock):
    today = clock.now().date()
    born = today - timedelta(days=58)  # DPT-HB-Hib 1 (61 days) falls due in 3 days
    fam = family(session, mawar(session), [("Bayu", "L", born, None)], "8301", clock.now())
    chat = Person(runtime, "8301", Channel.TELEGRAM)
    assert "tidak akan menerima pengingat" in chat.say("berhenti")
    due = born + timedelta(days=61)
    for offset in range(0, 6):  # the clock runs every morning while the chat is stopped
        clock.current = local_instant(due - timedelta(days=1) + timedelta(days=offset), 7, WIB)
        plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert planned(session, fam.members["Bayu"]) == []
    clock.current = local_instant(due + timedelta(days=4), 9, WIB)
    chat.say("mulai")
    session.expire_all()
    assert session.get(Contact, fam.contact_id).resumed_at == clock.now()
    clock.current = local_instant(due + timedelta(days=5), 7, WIB)  # inside the 7-day catch-up of the doses
    plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert planned(session, fam.members["Bayu"]) == []  # no burst of the doses due while stopped
    # the family went to the puskesmas meanwhile; a kader records it as history (`riwayat`)
    session.add(ServiceGiven(member_id=fam.members["Bayu"], code="DPT-HB-HIB1", given_on=due, origin="history"))
    session.commit()
    dpt2 = born + timedelta(days=92)  # DPT-HB-Hib 2 at 3 months, >= 4 weeks after dose 1 (series-aware)
    clock.current = local_instant(dpt2, 7, WIB)
    plan_at(runtime.session_factory, runtime.settings, clock.now())
    codes = {r.code for r in planned(session, fam.members["Bayu"])}
    assert "DPT-HB-HIB2" in codes and "DPT-HB-HIB1" not in codes


def test_a_chat_that_never_stopped_still_gets_the_catch_up(runtime, demo, session, clock):
    today = clock.now().date()
    born = today - timedelta(days=64)  # DPT-HB-Hib 1 fell due 3 days ago (the clock was down)
    fam = family(session, mawar(session), [("Bayu", "L", born, None)], "8302", clock.now())
    plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert "DPT-HB-HIB1" in {r.code for r in planned(session, fam.members["Bayu"])}
