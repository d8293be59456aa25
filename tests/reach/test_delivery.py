"""Delivery end to end through the real twilio Client and the loopback fake: a reminder goes as a Content
template, status callbacks are kept per message, failures on 5 different days pause the number (it leaves the
planner and appears on the kader's list), and the person's next message resumes it; the bidan's figures."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from scheduler.planner import plan_at
from storage.models import Contact, DeliveryEvent, OutboxMessage
from storage.reach import household_reach, reach_figures
from storage.visits import visiting_list
from tests.reminders.helpers import family, mawar, reminder_messages
from tests.webhooks.conftest import live, post_wa, tg, tw, wa_form  # noqa: F401  (fixtures)

NUMBER = "+6281234567890"
TEMPLATE = "HX" + "1" * 32


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return settings.with_(twilio_content_sid_reminder=TEMPLATE, pause_after_failure_days=5)


def status(client, sid: str, value: str, error: str | None = None):  # type: ignore[no-untyped-def]
    form = {"MessageSid": sid, "MessageStatus": value, "AccountSid": "AC" + "0" * 32}
    if error:
        form["ErrorCode"] = error
    return post_wa(client, form, path="/webhooks/whatsapp/status")


def another_reminder(session, contact_id: int, now, n: int) -> None:  # type: ignore[no-untyped-def]
    session.add(OutboxMessage(channel="whatsapp", address=NUMBER, contact_id=contact_id, kind="reminder",
                              priority=10, text="Pengingat", template_key="reminder",
                              template_vars={"1": "Posyandu Mawar 7", "2": "hari ini", "3": "Bayu: DPT"},
                              next_attempt_at=now, dedupe_key=f"test-reminder-{n}", created_at=now))
    session.commit()


def test_template_send_callbacks_pause_after_five_days_and_resume_on_a_message(live, tw, demo, session, clock):
    rt, client = live
    place = mawar(session)
    fam = family(session, place, [("Bayu", "L", clock.now().date() - timedelta(days=61), None)], NUMBER,
                 clock.now(), channel="whatsapp")
    assert sum(s.messages for s in plan_at(rt.session_factory, rt.settings, clock.now())) == 1
    clock.current = reminder_messages(session, fam.contact_id)[0].next_attempt_at
    assert rt.dispatcher.run_once().sent == 1
    first = tw.wait_for(1)[0]
    assert first["ContentSid"] == TEMPLATE and "Body" not in first  # outside the 24 h window: the template
    assert first["To"] == f"whatsapp:{NUMBER}"
    assert first["StatusCallback"] == "https://posyandu.example.org/webhooks/whatsapp/status"  # asked per message

    assert status(client, first["Sid"], "delivered").json["found"] is True
    assert status(client, first["Sid"], "read").status_code == 200
    assert status(client, first["Sid"], "read").status_code == 200  # a callback delivered twice: kept once
    events = session.scalars(select(DeliveryEvent.status).order_by(DeliveryEvent.id)).all()
    assert events == ["delivered", "read"]

    for day in range(5):
        clock.advance(days=1)
        another_reminder(session, fam.contact_id, clock.now(), day)
        assert rt.dispatcher.run_once().sent == 1
        sid = tw.wait_for(day + 2)[-1]["Sid"]
        status(client, sid, "sent")
        status(client, sid, "undelivered", "30003")  # unreachable handset (switched off, out of coverage)
        if day == 0:  # two failures on one day count as one day
            another_reminder(session, fam.contact_id, clock.now(), 100)
            rt.dispatcher.run_once()
            status(client, tw.messages()[-1]["Sid"], "failed", "30008")
        session.expire_all()
        paused = session.get(Contact, fam.contact_id).paused_at
        assert (paused is not None) == (day == 4), day
    assert household_reach(session, place.id)[fam.household_id] == "paused"
    listed = [e for e in visiting_list(session, place, clock.now().date()) if e.household_id == fam.household_id]
    assert any(r.code == "paused" for e in listed for r in e.reasons)
    figures = reach_figures(session, place, clock.now().date())
    assert figures.messages["failed"] == 6 and figures.messages["read"] == 1 and figures.messages["delivered"] == 1
    assert figures.households["whatsapp"] == 0 and figures.households["paused"] == 1

    # paused: the planner and the dispatcher leave it alone
    clock.advance(days=30)
    assert not any(s.messages for s in plan_at(rt.session_factory, rt.settings, clock.now()))

    post_wa(client, wa_form("jadwal", number=NUMBER))
    rt.send_now.shutdown()
    session.expire_all()
    contact = session.get(Contact, fam.contact_id)
    assert contact.paused_at is None and contact.resumed_at == clock.now()
    assert household_reach(session, place.id)[fam.household_id] == "whatsapp"


def test_pause_setting_zero_never_pauses(live, tw, demo, session, clock, settings):  # type: ignore[no-untyped-def]
    rt, client = live
    rt.settings = rt.settings.with_(pause_after_failure_days=0)
    fam = family(session, mawar(session), [("Bayu", "L", clock.now().date() - timedelta(days=61), None)], NUMBER,
                 clock.now(), channel="whatsapp")
    for day in range(6):
        another_reminder(session, fam.contact_id, clock.now(), day)
        rt.dispatcher.run_once()
        status(client, tw.wait_for(day + 1)[-1]["Sid"], "undelivered", "30003")
        clock.advance(days=1)
    session.expire_all()
    assert session.get(Contact, fam.contact_id).paused_at is None


def test_a_number_not_on_whatsapp_is_paused_at_once_and_on_the_kaders_list(live, tw, demo, session, clock):
    """63003 (WhatsApp 1006/1013/1021): no SMS sender is built, so the kader visits instead."""
    rt, client = live
    place = mawar(session)
    fam = family(session, place, [("Bayu", "L", clock.now().date() - timedelta(days=61), None)], NUMBER,
                 clock.now(), channel="whatsapp")
    another_reminder(session, fam.contact_id, clock.now(), 1)
    rt.dispatcher.run_once()
    status(client, tw.wait_for(1)[-1]["Sid"], "undelivered", "63003")
    session.expire_all()
    contact = session.get(Contact, fam.contact_id)
    assert contact.paused_at == clock.now() and contact.paused_reason == "not_on_whatsapp"
    assert household_reach(session, place.id)[fam.household_id] == "not_on_whatsapp"
    entries = visiting_list(session, place, clock.now().date())
    assert any(r.code == "not_on_whatsapp" for e in entries if e.household_id == fam.household_id for r in e.reasons)
    assert reach_figures(session, place, clock.now().date()).households["not_on_whatsapp"] == 1


SMS_FROM = "+15005550006"


def test_not_on_whatsapp_falls_back_to_sms_and_remembers_it(live, tw, demo, session, clock):
    """63003 with an SMS sender: the message again by SMS (short, GSM-7, says to reply on WhatsApp or ask the
    kader), the next bulk messages straight by SMS, through the real client; a WhatsApp message clears it."""
    from app.runtime import channel_senders

    rt, client = live
    rt.settings = rt.settings.with_(twilio_sms_from=SMS_FROM)
    senders, _ = channel_senders(rt.settings, clock)
    rt.dispatcher.senders.update(senders)
    rt.senders.update(senders)
    place = mawar(session)
    fam = family(session, place, [("Bayu", "L", clock.now().date() - timedelta(days=61), None)], NUMBER,
                 clock.now(), channel="whatsapp")
    another_reminder(session, fam.contact_id, clock.now(), 1)
    rt.dispatcher.run_once()
    status(client, tw.wait_for(1)[-1]["Sid"], "undelivered", "63003")
    rt.dispatcher.run_once()
    sms = tw.wait_for(2)[-1]
    assert (sms["From"], sms["To"]) == (SMS_FROM, NUMBER) and "ContentSid" not in sms
    assert len(sms["Body"]) <= 160 and sms["Body"].startswith("Posyandu Mawar 7")
    assert sms["Body"].endswith("Balas di WhatsApp atau tanya kader.")
    assert all(ord(ch) < 0x250 for ch in sms["Body"])  # no emoji
    session.expire_all()
    contact = session.get(Contact, fam.contact_id)
    assert contact.fallback_channel == "sms" and contact.paused_at is None
    assert household_reach(session, place.id)[fam.household_id] == "sms"
    status(client, tw.messages()[0]["Sid"], "undelivered", "63003")  # the same callback again: one SMS only
    rt.dispatcher.run_once()
    assert len(tw.messages()) == 2

    clock.current = clock.now() + timedelta(days=1)
    plan_at(rt.session_factory, rt.settings, clock.now())  # Bayu's doses: straight by SMS, no WhatsApp try
    row = reminder_messages(session, fam.contact_id)[-1]
    assert row.channel == "sms"
    clock.current = row.next_attempt_at
    rt.dispatcher.run_once()
    assert tw.wait_for(3)[-1]["To"] == NUMBER and tw.messages()[-1]["From"] == SMS_FROM

    post_wa(client, wa_form("jadwal", number=NUMBER))  # they are on WhatsApp after all
    rt.send_now.shutdown()
    session.expire_all()
    assert session.get(Contact, fam.contact_id).fallback_channel is None
