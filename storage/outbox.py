"""The outbox: every outbound message is a row first, written here and nowhere else.

The low-level writers (`enqueue`, `enqueue_parts`, `insert_outbox`) are called
by two callers only: `bot.service` for the chat's own replies, and the notice
builder (`bot.notices`) for every message to anyone else, which decides kind,
key and consent. Here too: the cancellation of a broadcast's older revisions
(`supersede`), who was told before (`told_before`), the SMS copy of a bulk
message (`resend_by_sms`) and the providers' delivery statuses. Every row
carries a typed identity (`storage.outbox_keys`) as its unique `dedupe_key`,
a kind and a status (`storage.outbox_types`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.values import Choice
from storage.models import Contact, OutboxMessage
from storage.records import ContactRecord
from storage.db import _insert, _prepared, rowcount
from storage.outbox_keys import (  # re-exported: the keys' old home (`X as X`)
    AnnounceKey as AnnounceKey, BroadcastKey as BroadcastKey, IntroKey as IntroKey, NudgeKey as NudgeKey,
    ReminderKey as ReminderKey, SmsFallbackKey as SmsFallbackKey, part_key as part_key)
from storage.outbox_types import (  # re-exported (`X as X`)
    BULK_KINDS as BULK_KINDS, LIVE as LIVE, PRIORITY_ALERT as PRIORITY_ALERT, PRIORITY_BULK as PRIORITY_BULK,
    PRIORITY_REPLY as PRIORITY_REPLY, OutboxKind as OutboxKind, OutboxStatus as OutboxStatus)

PRIORITY_BY_KIND = {kind.value: kind.priority for kind in OutboxKind}  # kept for callers of old


def enqueue(session: Session, *, channel: str, address: str, text: str, now: datetime,
            contact_id: int | None = None, choices: Sequence[Choice] = (), kind: OutboxKind = OutboxKind.REPLY,
            priority: int | None = None, template_key: str | None = None,
            template_vars: dict[str, str] | None = None, dedupe_key: str | None = None,
            not_before: datetime | None = None, claimed_until: datetime | None = None) -> int | None:
    """Write one outbound message to the outbox as one row; returns its id (None if the dedupe key existed)."""
    ids = enqueue_parts(session, channel=channel, address=address, text=text, now=now, contact_id=contact_id,
                        choices=choices, kind=kind, priority=priority, template_key=template_key,
                        template_vars=template_vars, dedupe_key=dedupe_key, not_before=not_before,
                        claimed_until=claimed_until)
    return ids[0] if ids else None


def enqueue_parts(session: Session, *, channel: str, address: str, text: str, now: datetime,
                  contact_id: int | None = None, choices: Sequence[Choice] = (), kind: OutboxKind = OutboxKind.REPLY,
                  priority: int | None = None, template_key: str | None = None,
                  template_vars: dict[str, str] | None = None, dedupe_key: str | None = None,
                  not_before: datetime | None = None, claimed_until: datetime | None = None,
                  parts: Sequence[str] | None = None) -> list[int]:
    """Write one outbound message to the outbox, one row per part (`parts`, the text cut by
    `bot.service.message_parts`; default: the text whole); returns the rows' ids in order (none if
    the dedupe key existed).

    Each part is a row of its own with its own lease, sent and retried
    alone, in the chat's order (ids ascending), the choices on the last: a
    long text sent in parts from one row could outlive its lease and go twice.

    `claimed_until` writes the rows already claimed by this process (status
    'sending', a lease until then): the webhook sends its replies itself right
    after the commit, and the dispatcher takes them only if that lease lapses.
    """
    parts = list(parts) if parts else [text]
    ids: list[int] = []
    for index, part in enumerate(parts):
        key = dedupe_key if index == 0 else part_key(dedupe_key, index)
        last = index == len(parts) - 1
        values = dict(
            channel=channel, address=address, contact_id=contact_id, kind=OutboxKind(kind).value,
            priority=OutboxKind(kind).priority if priority is None else priority,
            text=part, choices=[[c.value, c.label] for c in choices] if last else [], template_key=template_key,
            template_vars=template_vars or {},
            status=(OutboxStatus.SENDING if claimed_until else OutboxStatus.PENDING).value,
            attempts=1 if claimed_until else 0, locked_until=claimed_until,
            next_attempt_at=not_before or now, dedupe_key=key, created_at=now,
        )
        if key is None:
            stmt = _prepared(session, "outbox", lambda insert: insert(OutboxMessage).returning(OutboxMessage.id))
        else:
            stmt = _prepared(session, "outbox-dedupe", lambda insert: insert(OutboxMessage).on_conflict_do_nothing(
                index_elements=["dedupe_key"]).returning(OutboxMessage.id))
        row_id = session.execute(stmt, values).scalar_one_or_none()
        if row_id is None:  # the message was written before: none of it again
            return ids
        ids.append(row_id)
    return ids


def enqueue_to_contact(session: Session, contact: Contact, text: str, now: datetime,
                       **kwargs: Any) -> int | None:
    return enqueue(session, channel=contact.channel, address=contact.address, contact_id=contact.id,
                   text=text, now=now, **kwargs)


def enqueue_parts_to_contact(session: Session, contact: Contact, text: str, now: datetime,
                             **kwargs: Any) -> list[int]:
    return enqueue_parts(session, channel=contact.channel, address=contact.address, contact_id=contact.id,
                         text=text, now=now, **kwargs)


WAKE_CHANNEL = "posyandu_outbox"  # PostgreSQL LISTEN/NOTIFY channel the dispatchers wait on


def wake_dispatchers(session: Session) -> None:
    """Tell every dispatcher that rows are due, delivered when this transaction commits (PostgreSQL
    NOTIFY; elsewhere a no-op, the dispatcher's poll finds them)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(WAKE_CHANNEL, "")))


def waits_behind(session: Session, channel: str, address: str, row_id: int, priority: int) -> bool:
    """Is an older message to this chat (as urgent or more) still being sent by some process? Then this
    one waits its turn: several processes send, yet a chat reads its messages in the order written."""
    return session.execute(select(OutboxMessage.id).where(
        OutboxMessage.address == address, OutboxMessage.channel == channel, OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.id < row_id, OutboxMessage.priority <= priority).limit(1)).first() is not None


def set_provider_status(session: Session, provider_message_id: str, status: str,
                        error: str | None, now: datetime) -> bool:
    """Apply a delivery status callback to its outbox row."""
    values: dict[str, Any] = {"provider_status": status[:20]}
    if error:
        values["last_error"] = error[:300]
    if status in {"failed", "undelivered"}:
        values["status"] = OutboxStatus.FAILED.value
    result = session.execute(update(OutboxMessage).where(
        OutboxMessage.provider_message_id == provider_message_id).values(**values).returning(OutboxMessage.id))
    return bool(result.all())


def told_before(session: Session, dedupe_prefix: str) -> set[int]:
    """Contacts that were sent (or are about to be sent) a message whose dedupe key starts with the prefix."""
    return set(session.scalars(select(OutboxMessage.contact_id).where(
        OutboxMessage.dedupe_key.like(dedupe_prefix + "%"),
        OutboxMessage.status.in_(LIVE),
        OutboxMessage.contact_id.is_not(None))))


def supersede(session: Session, session_id: int, revision: int, contact_ids: Iterable[int]) -> int:
    """Cancel the still-pending messages of older revisions of a session to these contacts (a newer revision
    was just written for them): a lagging worker must not send the schedule, the change and the
    cancellation one after the other. Messages already sent stay sent. Returns the rows cancelled."""
    ids = sorted(set(contact_ids))
    if not ids:
        return 0
    prefix = BroadcastKey.session_prefix(session_id)
    cancelled = 0
    for start in range(0, len(ids), 5000):
        result = session.execute(update(OutboxMessage).where(
            OutboxMessage.dedupe_key.like(prefix + "%"),
            OutboxMessage.dedupe_key.not_like(BroadcastKey.revision_prefix(session_id, revision) + "%"),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.contact_id.in_(ids[start:start + 5000])).values(status=OutboxStatus.CANCELLED.value,
                                                                          last_error="superseded"),
            execution_options={"synchronize_session": False})
        cancelled += rowcount(result)
    return cancelled


def insert_outbox(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Bulk insert outbox rows, skipping taken dedupe keys, bulk WhatsApp rows to a number not on WhatsApp
    going by SMS; returns {dedupe_key: id} of rows written."""
    return insert_rows(session, by_fallback_channel(session, rows))


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Bulk insert outbox rows as they are, skipping taken dedupe keys; returns {dedupe_key: id} of rows written.

    One executemany (SQLAlchemy batches it into multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING).
    """
    if not rows:
        return {}
    table = OutboxMessage.__table__
    stmt = _insert(session, table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(
        table.c.id, table.c.dedupe_key)
    return {key: row_id for row_id, key in session.connection().execute(stmt, rows)}


def by_fallback_channel(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bulk WhatsApp rows to a contact whose number is not on WhatsApp go by SMS (`contact.fallback_channel`)."""
    ids = {r.get("contact_id") for r in rows if r.get("channel") == "whatsapp" and r.get("kind") in BULK_KINDS}
    ids.discard(None)
    if not ids:
        return rows
    sms = set(session.scalars(select(Contact.id).where(Contact.id.in_(ids), Contact.fallback_channel == "sms")))
    return [dict(r, channel="sms") if r.get("contact_id") in sms and r.get("channel") == "whatsapp"
            and r.get("kind") in BULK_KINDS else r for r in rows]


@dataclass(frozen=True)
class Recipient:
    """What the notice builder needs of a contact to write a bulk row: where to, and may we."""

    id: int
    channel: str
    address: str
    fallback_channel: str | None
    opted_in: bool
    stopped: bool
    paused: bool


def recipients(session: Session, contact_ids: Iterable[int]) -> dict[int, Recipient]:
    """The contacts by id, in one statement (a bulk write's consent check and SMS fallback)."""
    ids = sorted(set(contact_ids))
    out: dict[int, Recipient] = {}
    for start in range(0, len(ids), 5000):
        for row in session.execute(select(
                Contact.id, Contact.channel, Contact.address, Contact.fallback_channel, Contact.opted_in,
                Contact.stopped_at, Contact.paused_at).where(Contact.id.in_(ids[start:start + 5000]))):
            out[row.id] = Recipient(row.id, row.channel, row.address, row.fallback_channel, bool(row.opted_in),
                                    row.stopped_at is not None, row.paused_at is not None)
    return out


def resend_by_sms(session: Session, contact: Contact, row: OutboxMessage, now: datetime) -> int | None:
    """The SMS copy of a bulk WhatsApp row whose number is not on WhatsApp: same kind, text and template,
    keyed by the row it copies (so once); returns its id."""
    return enqueue(session, channel="sms", address=contact.address, contact_id=contact.id, kind=OutboxKind(row.kind),
                   priority=row.priority, text=row.text, template_key=row.template_key,
                   template_vars=dict(row.template_vars or {}), now=now, dedupe_key=SmsFallbackKey(row.id).format())
