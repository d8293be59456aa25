"""The register's families that consented on paper but never wrote: a WhatsApp chat is opened for them,
a few a day, with a first message that says who writes, why and how to stop.

Why a daily budget: Meta limits the unique people a business portfolio reaches outside a service
window in 24 hours (250 for a new number, then higher tiers: data-out.md §4.3). The first messages to
a register of thousands are spread over days (`WHATSAPP_NEW_CONTACTS_PER_DAY`), oldest consent first.
Why the phone is the proof: the chat is the household's own registered number (docs/privacy.md), so
its reply lands in the household's chat with no link request.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session

from storage.models import AuditEvent, Contact, Household, OutboxMessage, Posyandu, Region

INTRO_KEY = "intro"  # the outbox rows' template_key (TWILIO_CONTENT_SID_INTRO)


@dataclass(frozen=True)
class Introduced:
    contact_id: int
    household_id: int
    address: str
    posyandu: str
    desa: str


def _waiting(posyandu_ids: Sequence[int]) -> ColumnElement[bool]:
    """Households with a phone and consent, no chat of their own, and no chat of someone else on that number."""
    linked = exists().where(Contact.household_id == Household.id)
    taken = exists().where(Contact.channel == "whatsapp", Contact.address == Household.phone,
                           Contact.household_id.is_not(None))
    return and_(Household.posyandu_id.in_(list(posyandu_ids)), Household.phone.is_not(None),
                Household.opted_in.is_(True), ~linked, ~taken)


def waiting_count(session: Session, posyandu_ids: Sequence[int]) -> int:
    return int(session.scalar(select(func.count()).select_from(Household).where(_waiting(posyandu_ids))) or 0)


def introduced_since(session: Session, since: datetime) -> int:
    """First messages written in the window (the portfolio's limit is shared by every zone)."""
    return int(session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.template_key == INTRO_KEY, OutboxMessage.created_at > since)) or 0)


def introduce(session: Session, posyandu_ids: Sequence[int], now: datetime, per_day: int,
              language: str) -> tuple[list[Introduced], int]:
    """Open WhatsApp chats for up to the day's budget of waiting households (oldest consent first).

    Returns the households introduced and how many still wait. The caller writes the first message.
    """
    budget = max(per_day - introduced_since(session, now - timedelta(hours=24)), 0)
    if not posyandu_ids:
        return [], 0
    rows = session.execute(select(Household, Posyandu.name, Region.name)
                           .join(Posyandu, Posyandu.id == Household.posyandu_id)
                           .join(Region, Region.id == Posyandu.desa_id)
                           .where(_waiting(posyandu_ids))
                           .order_by(Household.consent_recorded_at.is_(None), Household.consent_recorded_at,
                                     Household.id).limit(budget)).all() if budget else []
    out = []
    for household, posyandu_name, desa in rows:
        contact = session.scalars(select(Contact).where(Contact.channel == "whatsapp",
                                                        Contact.address == household.phone)).first()
        if contact is None:
            contact = Contact(channel="whatsapp", address=household.phone, role="resident", language=language,
                              created_at=now)
            session.add(contact)
        elif contact.stopped_at is not None or contact.role != "resident":
            continue  # the person said BERHENTI on this number, or it is a kader's own: never overridden
        contact.household_id, contact.posyandu_id = household.id, household.posyandu_id
        contact.opted_in, contact.consent_at = True, household.consent_recorded_at or now
        contact.language = contact.language or language
        session.flush()
        session.add(AuditEvent(contact_id=contact.id, action="contact.introduced", subject=f"household:{household.id}",
                               at=now))
        out.append(Introduced(contact.id, household.id, contact.address, posyandu_name, desa))
    left = waiting_count(session, posyandu_ids)
    return out, left


