"""Queries and writes the core needs. Functions take a session and never commit.

The outbox has its own module, storage/outbox.py; its names stay importable from here.
"""
from __future__ import annotations

from datetime import datetime, timedelta


from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.values import Channel, Role
from storage.db import _insert, _prepared
from storage.models import Contact, ConversationState, InboundDelivery, Posyandu



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
            contact_id=contact.id, data={}, engine={}, choices=[], version=1, updated_at=now,
        ).on_conflict_do_nothing(index_elements=["contact_id"]))
        state = session.scalars(stmt).one()
    return state


def posyandu_by_code(session: Session, code: str) -> Posyandu | None:
    return session.scalars(select(Posyandu).where(Posyandu.code == code.strip().upper())).one_or_none()


def state_expiry(now: datetime, minutes: int) -> datetime:
    return now + timedelta(minutes=minutes)


from storage.outbox import (  # noqa: E402  (moved to storage/outbox.py; kept importable, `X as X`)
    PRIORITY_ALERT as PRIORITY_ALERT, PRIORITY_BULK as PRIORITY_BULK, PRIORITY_BY_KIND as PRIORITY_BY_KIND,
    PRIORITY_REPLY as PRIORITY_REPLY, enqueue as enqueue, enqueue_parts as enqueue_parts,
    enqueue_parts_to_contact as enqueue_parts_to_contact, enqueue_to_contact as enqueue_to_contact,
    set_provider_status as set_provider_status,
)
