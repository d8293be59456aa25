"""Queries and writes the core needs. Functions take a session and never commit."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Sequence

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.messages import Channel, Choice, Role
from storage.models import Contact, ConversationState, InboundDelivery, OutboxMessage, Posyandu

PRIORITY_REPLY = 0
PRIORITY_ALERT = 1
PRIORITY_BULK = 10
PRIORITY_BY_KIND = {"reply": PRIORITY_REPLY, "alert": PRIORITY_ALERT, "result": PRIORITY_ALERT}


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


_STATEMENTS: dict[tuple[str, str], Any] = {}


def _prepared(session: Session, name: str, build: Any) -> Any:
    """A statement built once per dialect, executed with parameters: SQLAlchemy's compiled cache
    then skips rebuilding and re-keying it on every message (the hot path of every webhook)."""
    key = (session.get_bind().dialect.name, name)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = build(lambda table: _insert(session, table))
    return stmt


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def record_delivery(session: Session, channel: Channel, provider_id: str, now: datetime) -> bool:
    """Remember a webhook delivery id; False when it was seen before (handle it once)."""
    stmt = _prepared(session, "delivery", lambda insert: insert(InboundDelivery).on_conflict_do_nothing(
        index_elements=["channel", "provider_id"]).returning(InboundDelivery.id))
    params = {"channel": channel.value, "provider_id": provider_id[:64], "received_at": now}
    return session.execute(stmt, params).scalar_one_or_none() is not None


def contact_for(session: Session, channel: Channel, address: str, now: datetime,
                display_name: str | None = None) -> Contact:
    """The contact behind (channel, address), created on first contact; safe under races."""
    query = select(Contact).where(Contact.channel == channel.value, Contact.address == address)
    found = session.scalars(query).one_or_none()
    if found is not None:
        return found
    stmt = _insert(session, Contact).values(
        channel=channel.value, address=address, role=Role.RESIDENT.value, opted_in=False,
        display_name=(display_name or None) and display_name[:120], created_at=now,
    ).on_conflict_do_nothing(index_elements=["channel", "address"])
    session.execute(stmt)
    return session.scalars(query).one()


def lock_state(session: Session, contact: Contact, now: datetime) -> ConversationState:
    """The contact's conversation state, locked for this transaction (one step at a time)."""
    stmt = select(ConversationState).where(ConversationState.contact_id == contact.id)
    if is_postgres(session):
        stmt = stmt.with_for_update()
    state = session.scalars(stmt).one_or_none()
    if state is None:
        session.execute(_insert(session, ConversationState).values(
            contact_id=contact.id, data={}, choices=[], version=1, updated_at=now,
        ).on_conflict_do_nothing(index_elements=["contact_id"]))
        state = session.scalars(stmt).one()
    return state


def enqueue(session: Session, *, channel: str, address: str, text: str, now: datetime,
            contact_id: int | None = None, choices: Sequence[Choice] = (), kind: str = "reply",
            priority: int | None = None, template_key: str | None = None,
            template_vars: dict[str, str] | None = None, dedupe_key: str | None = None,
            not_before: datetime | None = None, claimed_until: datetime | None = None) -> int | None:
    """Write one outbound message to the outbox; returns its id (None if the dedupe key existed).

    `claimed_until` writes the row already claimed by this process (status
    'sending', a lease until then): the webhook sends its replies itself right
    after the commit, and the dispatcher takes them only if that lease lapses.
    """
    values = dict(
        channel=channel, address=address, contact_id=contact_id, kind=kind,
        priority=PRIORITY_BY_KIND.get(kind, PRIORITY_BULK) if priority is None else priority,
        text=text, choices=[[c.value, c.label] for c in choices], template_key=template_key,
        template_vars=template_vars or {}, status="sending" if claimed_until else "pending",
        attempts=1 if claimed_until else 0, locked_until=claimed_until,
        next_attempt_at=not_before or now, dedupe_key=dedupe_key, created_at=now,
    )
    if dedupe_key is None:
        stmt = _prepared(session, "outbox", lambda insert: insert(OutboxMessage).returning(OutboxMessage.id))
    else:
        stmt = _prepared(session, "outbox-dedupe", lambda insert: insert(OutboxMessage).on_conflict_do_nothing(
            index_elements=["dedupe_key"]).returning(OutboxMessage.id))
    return session.execute(stmt, values).scalar_one_or_none()


def enqueue_to_contact(session: Session, contact: Contact, text: str, now: datetime,
                       **kwargs: Any) -> int | None:
    return enqueue(session, channel=contact.channel, address=contact.address, contact_id=contact.id,
                   text=text, now=now, **kwargs)


def posyandu_by_code(session: Session, code: str) -> Posyandu | None:
    return session.scalars(select(Posyandu).where(Posyandu.code == code.strip().upper())).one_or_none()


def set_provider_status(session: Session, provider_message_id: str, status: str,
                        error: str | None, now: datetime) -> bool:
    """Apply a delivery status callback to its outbox row."""
    values: dict[str, Any] = {"provider_status": status[:20]}
    if error:
        values["last_error"] = error[:300]
    if status in {"failed", "undelivered"}:
        values["status"] = "failed"
    result = session.execute(update(OutboxMessage).where(
        OutboxMessage.provider_message_id == provider_message_id).values(**values).returning(OutboxMessage.id))
    return bool(result.all())


def state_expiry(now: datetime, minutes: int) -> datetime:
    return now + timedelta(minutes=minutes)
