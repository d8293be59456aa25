"""One way to tell someone something (`bot.notices`): every kind declared once, every key typed and unchanged
for the rows production already holds, consent checked when the row would be written, and no code outside the
builder writing a row for someone else by hand."""
from __future__ import annotations

import ast
import dataclasses
import inspect
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot import notices
from bot.messages import Channel, Inbound
from bot.notices import NOTICES, Notice, tell, tell_many
from bot.texts import LANGUAGES, render
from storage import outbox_keys
from storage.introductions import INTRO_KEY
from storage.models import AuditEvent, Contact, OutboxMessage
from storage.outbox_keys import (
    AlertKey, AnnounceKey, BroadcastKey, ChartKey, CorrectionKey, FollowupKey, IntroKey, LinkAcceptedKey,
    LinkRequestKey, NudgeKey, RecapKey, ReferralRepeatKey, ReminderKey, ResultKey, SmsFallbackKey, visit_stamp)
from storage.outbox_types import OutboxKind, OutboxStatus
from bot.intake import process

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "storage", "scheduler", "webhooks", "web", "sending", "app")

# -- the keys production rows already carry: byte for byte ------------------------------------------------
LEGACY = [  # (key, the string the code wrote before the keys were typed)
    (AlertKey(41, 7, "0123456789ab"), "alert:41:7:0123456789ab"),
    (CorrectionKey(41, 7, "0123456789ab"), "correction:41:7:0123456789ab"),
    (ResultKey(41, 9, "0123456789ab"), "result:41:9:0123456789ab"),
    (ChartKey(41, 9, "0123456789ab", 1), "chart:41:9:0123456789ab:1"),
    (FollowupKey(5, "pregnancy:miscarriage", date(2026, 11, 3), 7), "followup:5:pregnancy:miscarriage:2026-11-03:7"),
    (ReferralRepeatKey(5, 7), "referral-repeat:5:7"),
    (LinkRequestKey(12, 30, 7), "link:12:30:7"),
    (LinkAcceptedKey(3), "link-accepted:3"),
    (RecapKey(2, 2026, 3, 7), "recap:2:2026-03:7"),
    (RecapKey(2, 2026, 11, 7, part=1), "recap:2:2026-11:7:1"),
    (AnnounceKey(4, 22, 9), "announce:a4:h22:c9"),
    (AnnounceKey(4, None, 9), "announce:a4:hNone:c9"),
    (BroadcastKey(7, 2, 40, 9), "broadcast:s7:r2:h40:c9"),
    (ReminderKey(12, date(2026, 12, 1), 3), "reminder:h12:2026-12-01:c3"),
    (NudgeKey(5, 6), "nudge:s5:c6"),
    (IntroKey(8, 3), "intro:h8:c3"),
    (SmsFallbackKey(99), "sms:99"),
]


@pytest.mark.parametrize("key,legacy", LEGACY, ids=lambda v: v if isinstance(v, str) else type(v).__name__)
def test_every_key_is_the_string_production_rows_carry(key, legacy):
    assert key.format() == legacy


def test_every_key_type_is_pinned_above():
    types = {obj for _, obj in inspect.getmembers(outbox_keys, inspect.isclass)
             if dataclasses.is_dataclass(obj) and obj.__module__ == outbox_keys.__name__}
    assert types == {type(k) for k, _ in LEGACY}


def test_the_visit_stamp_is_the_hash_both_alert_writers_made():
    """The chat hashed `sorted(values.items(), key=name)`, the import `sorted(values.items())`: one function now,
    with the bytes of both (names are unique, so both orders are the same)."""
    import hashlib

    values = {"weight_kg": 7.2, "height_cm": None, "muac_cm": 11.0}
    flags = ["weight:bgm", "muac:red"]
    chat = hashlib.sha256(repr((sorted(values.items(), key=lambda kv: kv[0]), flags)).encode()).hexdigest()[:12]
    imported = hashlib.sha256(repr((sorted(values.items()), flags)).encode()).hexdigest()[:12]
    assert visit_stamp(values, flags) == chat == imported


# -- declarations ------------------------------------------------------------------------------------------
def test_every_kind_but_the_reply_has_a_declaration_and_every_key_one_notice():
    declared = {n.kind for n in NOTICES.values()}
    assert declared == set(OutboxKind) - {OutboxKind.REPLY}
    keys = [n.key for n in NOTICES.values()]
    assert len(keys) == len(set(keys))
    assert set(keys) == {type(k) for k, _ in LEGACY} - {SmsFallbackKey}  # the SMS copy is the outbox's own
    assert {name for name, value in vars(notices).items() if isinstance(value, Notice)} <= set(notices.__all__)


@pytest.mark.parametrize("notice", list(NOTICES.values()), ids=lambda n: n.name)
def test_each_declaration_names_a_text_of_both_languages_and_bulk_a_template(notice):
    for lang in LANGUAGES:
        assert render(lang, notice.text_key) != notice.text_key
    assert (notice.template_key is not None) == notice.kind.bulk
    assert notice.needs_consent == (notice.kind in (OutboxKind.RESULT, OutboxKind.REMINDER, OutboxKind.BROADCAST))


def test_the_introduction_is_counted_by_its_template():
    assert notices.INTRODUCTION.template_key == INTRO_KEY


def test_a_notice_refuses_another_notices_key():
    with pytest.raises(TypeError):
        notices.VISIT_ALERT.to(1, ResultKey(1, 1, "x"), "text")
    with pytest.raises(ValueError):
        notices.declare("visit_alert_again", OutboxKind.ALERT, AlertKey, "report.alert_urgent")


def test_enum_values_are_the_stored_strings():
    """No data migration: the enums hold the strings the columns have held since 0001."""
    assert [k.value for k in OutboxKind] == ["reply", "alert", "result", "reminder", "broadcast", "nudge"]
    assert [s.value for s in OutboxStatus] == ["pending", "sending", "sent", "dead", "cancelled", "failed"]
    assert OutboxKind.ALERT == "alert" and OutboxStatus("pending") is OutboxStatus.PENDING


# -- nobody writes a row for someone else by hand ---------------------------------------------------------
WRITERS = {"enqueue", "enqueue_parts", "enqueue_to_contact", "enqueue_parts_to_contact", "insert_outbox",
           "insert_rows", "fan_out"}
ALLOWED = {  # (file, function or "*"): why
    ("storage/outbox.py", "*"): "the outbox itself",
    ("bot/notices.py", "*"): "the notice builder",
    ("bot/service.py", "write_replies"): "the chat's own replies",
}


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else ():
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), str(path))


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _functions(tree: ast.AST):
    """(enclosing top-level function name or '', node) for every node."""
    for top in ast.iter_child_nodes(tree):
        name = top.name if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else ""
        for node in ast.walk(top):
            yield name, node


def test_no_code_outside_the_builder_writes_an_outbox_row_by_hand():
    found = []
    for rel, tree in _sources():
        for function, node in _functions(tree):
            if (rel, "*") in ALLOWED or (rel, function) in ALLOWED:
                continue
            if isinstance(node, ast.Call):
                name = _called(node)
                if name in WRITERS:
                    found.append(f"{rel}:{node.lineno} {name}()")
                if name == "OutboxMessage":
                    found.append(f"{rel}:{node.lineno} OutboxMessage()")
                if name in ("insert", "_insert", "_prepared") and "OutboxMessage" in ast.unparse(node):
                    found.append(f"{rel}:{node.lineno} {ast.unparse(node)[:60]}")
            if isinstance(node, ast.keyword) and node.arg == "dedupe_key" and isinstance(node.value, ast.JoinedStr):
                found.append(f"{rel}:{node.lineno} an f-string dedupe key")
    assert not found, "write notices through bot.notices (declare the kind, type its key):\n" + "\n".join(found)


def test_no_key_is_formatted_outside_its_type():
    prefixes = {legacy.split(":")[0] + ":" for _, legacy in LEGACY}
    found = []
    for rel, tree in _sources():
        if rel == "storage/outbox_keys.py":
            continue
        subjects = {id(k.value) for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg == "subject"}
        for node in ast.walk(tree):  # (an audit line's subject, `link:<id>`, is no key)
            if isinstance(node, ast.JoinedStr) and id(node) not in subjects and node.values \
                    and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if any(head.startswith(p) for p in prefixes):
                    found.append(f"{rel}:{node.lineno} {ast.unparse(node)[:60]}")
    assert not found, "\n".join(found)


def test_every_notify_in_a_flow_passes_a_declared_notice():
    names = {name for name, value in vars(notices).items() if isinstance(value, Notice) and value in NOTICES.values()}
    seen = 0
    for rel, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) == "notify" and isinstance(node.func, ast.Attribute) \
                    and ast.unparse(node.func.value) == "ctx":
                arg = node.args[0] if node.args else None
                assert isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "to" \
                    and ast.unparse(arg.func.value) in names, f"{rel}:{node.lineno}"
                seen += 1
    assert seen >= 7  # the alerts, results, charts, follow-ups and link notices of the flows


# -- consent when written, and again when sent ------------------------------------------------------------
def _contact(s, address, opted_in=True, stopped=False, role="resident", now=None):
    contact = Contact(channel="telegram", address=address, role=role, language="id", opted_in=opted_in,
                      stopped_at=now if stopped else None, created_at=now)
    s.add(contact)
    s.flush()
    return contact


def _rows(session):
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_family_that_stopped_or_never_agreed_gets_no_row_and_the_refusal_is_audited(runtime, session, clock):
    from storage.db import transaction

    now = clock.now()
    with transaction(runtime.session_factory) as s:
        stopped = _contact(s, "2001", stopped=True, now=now)
        never = _contact(s, "2002", opted_in=False, now=now)
        agreed = _contact(s, "2003", now=now)
        bidan = _contact(s, "2004", opted_in=False, role="bidan", now=now)
        for who in (stopped, never, agreed):
            tell(s, notices.VISIT_RESULT.to(who.id, ResultKey(1, who.id, "s"), "Hasil"), now)
        tell(s, notices.VISIT_ALERT.to(bidan.id, AlertKey(1, bidan.id, "s"), "Rujukan"), now)  # work: no opt-in
        written = tell_many(s, [notices.REMINDER.to(who.id, ReminderKey(1, date(2026, 11, 23), who.id), "Besok",
                                                    not_before=now) for who in (stopped, never, agreed)], now)
        ids = (stopped.id, never.id, agreed.id, bidan.id)
    assert list(written) == [f"reminder:h1:2026-11-23:c{ids[2]}"]
    assert sorted((r.contact_id, r.kind) for r in _rows(session)) == sorted(
        [(ids[2], "result"), (ids[3], "alert"), (ids[2], "reminder")])
    audits = sorted((a.contact_id, a.subject) for a in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "notice.refused")))
    assert audits == sorted([(ids[0], "visit_result:stopped"), (ids[1], "visit_result:not_opted_in"),
                             (ids[0], "reminder:stopped"), (ids[1], "reminder:not_opted_in")])


def test_the_send_time_check_still_guards_a_row_written_before_the_family_stopped(runtime, senders, session, clock):
    from storage.db import transaction

    process(runtime, Inbound(Channel.TELEGRAM, "1001", "/start"), send=False)
    with transaction(runtime.session_factory) as s:
        contact = s.scalars(select(Contact)).one()
        contact.opted_in = True
        assert tell(s, notices.VISIT_RESULT.to(contact.id, ResultKey(3, contact.id, "s"), "Hasil timbang"),
                    clock.now())
    process(runtime, Inbound(Channel.TELEGRAM, "1001", "berhenti"), send=False)
    runtime.dispatcher.drain()
    assert ("result", "cancelled") in {(r.kind, r.status) for r in _rows(session)}
    assert not any("Hasil timbang" in m.text for m in senders[Channel.TELEGRAM].sent)


def test_a_row_written_before_the_deploy_still_dedupes_its_notice(runtime, session, clock):
    """A production row keyed the old way (written by hand here, as the f-strings did) stops the typed notice."""
    from storage.db import transaction

    now = clock.now()
    with transaction(runtime.session_factory) as s:
        bidan = _contact(s, "3001", role="bidan", now=now)
        s.execute(text("INSERT INTO outbox_message (channel, address, contact_id, kind, priority, text, choices, "
                       "template_vars, status, attempts, next_attempt_at, dedupe_key, created_at) VALUES "
                       "('telegram', '3001', :c, 'alert', 1, 'old', '[]', '{}', 'sent', 1, :now, :key, :now)"),
                  {"c": bidan.id, "now": now, "key": f"referral-repeat:77:{bidan.id}"})
        again = tell(s, notices.REFERRAL_REPEAT.to(bidan.id, ReferralRepeatKey(77, bidan.id), "lagi"), now)
        recap = tell(s, notices.MONTH_RECAP.to(bidan.id, RecapKey(2, 2026, 11, bidan.id), "rekap"), now)
    assert again == [] and len(recap) == 1
    assert [(r.text, r.kind, r.status) for r in _rows(session)] == [("old", "alert", "sent"),
                                                                    ("rekap", "alert", "pending")]
    raw = session.execute(text("SELECT kind, status, dedupe_key FROM outbox_message ORDER BY id")).all()
    assert [tuple(r) for r in raw][1] == ("alert", "pending", f"recap:2:2026-11:{bidan.id}")  # plain strings
