"""Arranging the database for reporting tests: members by name, past visits, a subscribed guardian."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from bot.messages import Channel
from storage.models import Contact, Measurement, Member, OutboxMessage, Posyandu


def member(session, name: str) -> Member:  # type: ignore[no-untyped-def]
    return session.scalars(select(Member).where(Member.name == name)).one()


def posyandu(session, code: str) -> Posyandu:  # type: ignore[no-untyped-def]
    return session.scalars(select(Posyandu).where(Posyandu.code == code)).one()


def past_visit(session, who: Member, on: date, **values: object) -> Measurement:  # type: ignore[no-untyped-def]
    """A stored earlier visit (weight_gain etc. as given), for change checks and N/T/2T."""
    row = Measurement(member_id=who.id, posyandu_id=who.posyandu_id, measured_on=on, source="chat",
                      created_at=datetime(2026, 1, 1, tzinfo=timezone.utc), statuses={}, flags=[], **values)
    session.add(row)
    session.commit()
    return row


def guardian(session, who: Member, address: str = "ibu-aisyah", language: str = "id") -> Contact:  # type: ignore[no-untyped-def]
    """A family contact subscribed to the member's household."""
    contact = Contact(channel=Channel.TERMINAL.value, address=address, role="resident", language=language,
                      household_id=who.household_id, opted_in=True, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    session.add(contact)
    session.commit()
    return contact


def outbox(session, kind: str | None = None, address: str | None = None) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if address:
        stmt = stmt.where(OutboxMessage.address == address)
    session.expire_all()
    return list(session.scalars(stmt))
