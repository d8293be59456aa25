"""The report's draft has a declared shape (bot/flows/reporting_draft.py): no step keeps an undeclared key."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from bot.flows.reporting_draft import DRAFT_KEYS, NewMember, PendingValue
from storage.models import ConversationState
from tests.harness import Person

ROOT = Path(__file__).resolve().parents[2]
REPORT_FILES = ("lapor.py", "reporting_member.py", "reporting_measure.py", "reporting_visit.py",
                "reporting_summary.py", "reporting_services.py", "reporting_notices.py")
WRITE = re.compile(r'data\[\s*"([a-z_]+)"\s*\]\s*=|data\.(?:setdefault|get|pop)\(\s*"([a-z_]+)"|data\[\s*"([a-z_]+)"\s*\]')


def test_every_key_the_report_steps_use_is_declared():
    used = set()
    for name in REPORT_FILES:
        text = (ROOT / "bot" / "flows" / name).read_text(encoding="utf-8")
        used |= {next(g for g in m.groups() if g) for m in WRITE.finditer(text)}
    assert used, "the scan found the report's keys"
    assert used - DRAFT_KEYS == set()


def test_a_real_report_keeps_only_declared_keys(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("aisyah"), k.say("8,1"), k.say("9500")  # a pending "9,5 kg?" question
    state = session.scalars(select(ConversationState)).one()
    data = {key: value for key, value in state.data.items() if not key.startswith("_")}
    assert set(data) <= DRAFT_KEYS and data["values"]
    assert set(data.get("pending", {})) <= set(PendingValue.__annotations__)
    k.say("batal"), k.say("lapor"), k.say("1"), k.say("Putra Ananda"), k.say("l"), k.say("01-11-2026")
    session.expire_all()
    state = session.scalars(select(ConversationState)).one()
    assert set(state.data.get("new", {})) <= set(NewMember.__annotations__)
