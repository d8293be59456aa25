"""The register's families hear from the posyandu: a household imported with consent and a phone gets a first
message (who writes, why, how to stop) within the day's new-contact budget, then its child's reminder on the right
day as a Content template, through the real twilio Client and the loopback fake; its reply is its own chat."""
from __future__ import annotations

import json
import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from scheduler.planner import plan_at
from storage.models import Contact, Household, OutboxMessage
from storage.reach import household_reach
from tests.reminders.helpers import local_instant, mawar
from tests.webhooks.conftest import live, post_wa, tg, tw, wa_form  # noqa: F401  (fixtures)

WIB = "Asia/Jakarta"
INTRO, REMINDER = "HX" + "2" * 32, "HX" + "3" * 32
TODAY = date(2026, 11, 22)
BORN = TODAY - timedelta(days=58)  # DPT-HB-Hib 1 (61 days) falls due on 25 November


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return settings.with_(twilio_content_sid_intro=INTRO, twilio_content_sid_reminder=REMINDER,
                          whatsapp_new_contacts_per_day=2)


REGISTER = f"""posyandu_code,name,sex,birth_date,guardian_name,guardian_phone,opted_in,hpht,consent_method,consent_date
MAWAR7,Bayu Pratama,L,{BORN.isoformat()},Ibu Dewi,0812-7000-0001,1,,paper,2026-11-01
MAWAR7,Citra Lestari,P,2025-06-01,Ibu Eka,0812-7000-0002,1,,paper,2026-11-02
MAWAR7,Dimas Saputra,L,2025-06-02,Ibu Fitri,0812-7000-0003,1,,paper,2026-11-03
MAWAR7,Eko Wibowo,L,2025-06-03,Ibu Gina,0812-7000-0004,0,,,
"""


def test_imported_household_is_introduced_then_reminded_on_the_due_day(live, tw, demo, session, clock, tmp_path,
                                                                       caplog):
    rt, client = live
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    from app.wsgi import create_app

    assert create_app(runtime=rt).test_cli_runner().invoke(args=["members", "import", str(path)]).exit_code == 0
    homes = {h.phone: h for h in session.scalars(select(Household).where(Household.phone.like("+62812700%")))}
    assert household_reach(session, mawar(session).id)[homes["+6281270000001"].id] == "no_chat"

    caplog.set_level(logging.INFO, logger="scheduler.planner")
    clock.current = local_instant(TODAY, 7, WIB)
    plan_at(rt.session_factory, rt.settings, clock.now())
    # the budget, and who waits (the demo's consented families too)
    assert "introduced 2 households on WhatsApp, 5 wait for the next days" in caplog.text
    assert "+62812" not in caplog.text  # no number in the log
    rt.dispatcher.run_once()
    intros = [m for m in tw.messages() if m.get("ContentSid") == INTRO]
    assert sorted(m["To"] for m in intros) == ["whatsapp:+6281270000001", "whatsapp:+6281270000002"]  # oldest consent
    assert json.loads(intros[0]["ContentVariables"])["1"] == "Posyandu Mawar 7"
    intro_row = session.scalars(select(OutboxMessage).where(OutboxMessage.template_key == "intro")).first()
    assert "BERHENTI" in intro_row.text and "Posyandu Mawar 7" in intro_row.text
    assert not any(m["To"].endswith("0004") for m in tw.messages())  # no consent: nothing

    for offset in (1, 2):  # 23 and 24 November: the third family's turn; nothing due yet for Bayu
        clock.current = local_instant(TODAY + timedelta(days=offset), 7, WIB)
        plan_at(rt.session_factory, rt.settings, clock.now())
        rt.dispatcher.run_once()
    intros = [m["To"] for m in tw.messages() if m.get("ContentSid") == INTRO]
    assert "whatsapp:+6281270000003" in intros[2:4] and len(intros) == 6  # two a day (8 sender threads: any order)
    bayu = [m for m in tw.messages() if m["To"] == "whatsapp:+6281270000001"]
    assert [m["ContentSid"] for m in bayu] == [INTRO]

    clock.current = local_instant(BORN + timedelta(days=61), 7, WIB)  # the due day
    plan_at(rt.session_factory, rt.settings, clock.now())
    rt.dispatcher.run_once()
    bayu = [m for m in tw.messages() if m["To"] == "whatsapp:+6281270000001"]
    assert [m["ContentSid"] for m in bayu] == [INTRO, REMINDER]
    variables = json.loads(bayu[1]["ContentVariables"])
    assert "Bayu Pratama" in variables["3"] and "DPT-HB-Hib ke-1" in variables["3"]

    # the family's reply is its own chat: the number is the proof, it sees its child at once
    post_wa(client, wa_form("keluarga", number="+6281270000001"))
    rt.send_now.shutdown()
    contact = session.scalars(select(Contact).where(Contact.address == "+6281270000001")).one()
    assert contact.household_id == homes["+6281270000001"].id
    answer = [m for m in tw.messages() if m["To"] == "whatsapp:+6281270000001" and "Body" in m][-1]["Body"]
    assert "Bayu Pratama" in answer


def test_without_the_intro_template_the_register_is_not_messaged(live, tw, demo, session, clock, tmp_path):
    rt, client = live
    rt.settings = rt.settings.with_(twilio_content_sid_intro="")
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    from app.wsgi import create_app

    create_app(runtime=rt).test_cli_runner().invoke(args=["members", "import", str(path)])
    clock.current = local_instant(BORN + timedelta(days=61), 7, WIB)
    plan_at(rt.session_factory, rt.settings, clock.now())
    rt.dispatcher.run_once()
    assert not any(m["To"].startswith("whatsapp:+62812700") for m in tw.messages())
    assert session.scalars(select(Contact).where(Contact.address.like("+62812700%"))).all() == []
