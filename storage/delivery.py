"""What happened to each outbound message after it left (Twilio status callbacks), and pausing a number
whose messages keep failing.

Why pause: a number that fails on several different days (not on WhatsApp any more, switched off,
given away) wastes the portfolio's limit and may belong to someone else now. MomConnect opts such
numbers out after failures on 5 different days (data-out.md §4.4); here they are paused, shown on the
kader's list, and resumed by the person's next message.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent, Contact, DeliveryEvent, OutboxMessage, Posyandu
from storage.outbox import resend_by_sms, set_provider_status

FAILED = ("failed", "undelivered")
SMS_KINDS = ("reminder", "broadcast")  # bulk notices; replies to a chat never go by SMS (it cannot answer)
# Twilio's "Channel could not find To address" (WhatsApp 1006/1013/1021: not a WhatsApp user) and
# "invalid message recipient": the number is not on WhatsApp, one failure says so (data-out.md §4.4)
NOT_ON_WHATSAPP = frozenset({"63003", "63024"})


def record_status(session: Session, provider_message_id: str, status: str, error_code: str | None,
                  now: datetime, pause_after_days: int, sms_fallback: bool = False) -> bool:
    """Apply a status callback to its message, keep it as an event (once per message and status), and pause
    the contact when its messages have now failed on `pause_after_days` different days. A number that is not
    on WhatsApp gets this message again by SMS and keeps SMS for bulk messages when `sms_fallback` (an SMS
    sender is configured), else it is paused for the kader's visit. False: unknown message."""
    found = set_provider_status(session, provider_message_id, status, f"twilio {error_code}" if error_code else None,
                                now)
    if not found:
        return False
    row = session.scalars(select(OutboxMessage).where(
        OutboxMessage.provider_message_id == provider_message_id)).first()
    assert row is not None
    status = status[:20].lower()
    seen = session.scalars(select(DeliveryEvent.id).where(DeliveryEvent.outbox_id == row.id,
                                                          DeliveryEvent.status == status)).first()
    if seen is not None:
        return True  # a callback delivered twice is recorded once
    session.add(DeliveryEvent(outbox_id=row.id, contact_id=row.contact_id, status=status,
                              error_code=(error_code or None) and error_code[:20], at=now))
    session.flush()
    if status in FAILED and row.contact_id is not None:
        contact = session.get(Contact, row.contact_id)
        if contact is not None and contact.channel == "whatsapp" and (error_code or "") in NOT_ON_WHATSAPP:
            if sms_fallback and row.channel == "whatsapp" and row.kind in SMS_KINDS:
                fall_back_to_sms(session, contact, row, now)
            else:
                pause(session, contact, now, "not_on_whatsapp")
        elif contact is not None:
            pause_if_failing(session, contact, now, pause_after_days)
    return True


def fall_back_to_sms(session: Session, contact: Contact, row: OutboxMessage, now: datetime) -> None:
    """Remember SMS for this number's bulk messages and send this one again by SMS (once per message)."""
    if contact.fallback_channel != "sms":
        contact.fallback_channel = "sms"
        session.add(AuditEvent(contact_id=contact.id, action="contact.sms_fallback", subject=f"contact:{contact.id}",
                               at=now))
    if row.template_key == "intro":
        return  # the WhatsApp introduction has no SMS form; the next reminder goes by SMS
    resend_by_sms(session, contact, row, now)


def _zone(session: Session, contact: Contact) -> ZoneInfo:
    place = session.get(Posyandu, contact.posyandu_id) if contact.posyandu_id else None
    return ZoneInfo(place.timezone if place is not None else "Asia/Jakarta")


def failure_days(session: Session, contact: Contact) -> int:
    """Different local days on which this contact's messages failed, since it last wrote or resumed."""
    since = max(filter(None, (contact.last_inbound_at, contact.resumed_at)), default=None)
    stmt = select(DeliveryEvent.at).where(DeliveryEvent.contact_id == contact.id, DeliveryEvent.status.in_(FAILED))
    if since is not None:
        stmt = stmt.where(DeliveryEvent.at > since)
    zone = _zone(session, contact)
    return len({at.astimezone(zone).date() for at in session.scalars(stmt)})


def pause_if_failing(session: Session, contact: Contact, now: datetime, days: int) -> bool:
    """Pause bulk messages to the contact after failures on `days` different days (a setting; 0 never pauses)."""
    if days <= 0 or contact.paused_at is not None or failure_days(session, contact) < days:
        return False
    pause(session, contact, now, "failures")
    return True


def pause(session: Session, contact: Contact, now: datetime, reason: str) -> None:
    """No more reminders or broadcasts to this contact until it writes again; the kader's list shows why.

    No SMS sender is built yet: a number that is not on WhatsApp is visited by the kader instead
    (docs/reminders.md, "Reach").
    """
    if contact.paused_at is not None:
        return
    contact.paused_at, contact.paused_reason = now, reason
    session.add(AuditEvent(contact_id=contact.id, action=f"contact.paused.{reason}", subject=f"contact:{contact.id}",
                           at=now))


def resume_on_inbound(session: Session, contact: Contact, now: datetime) -> None:
    """A message from a paused contact proves the number works again: bulk messages resume from now."""
    if contact.fallback_channel is not None and contact.channel == "whatsapp":
        contact.fallback_channel = None  # writing on WhatsApp proves the number is on it
    if contact.paused_at is None:
        return
    contact.paused_at, contact.paused_reason = None, None
    contact.resumed_at = now
    session.add(AuditEvent(contact_id=contact.id, action="contact.resumed", subject=f"contact:{contact.id}", at=now))
