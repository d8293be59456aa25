"""Handle one inbound message inside the caller's transaction.

dedupe -> contact -> locked conversation state -> engine step -> outbox rows.
The caller commits (so the state, the domain records and the replies land
together) and then asks the dispatcher to send the returned outbox ids at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.engine import Engine
from bot.flows.base import Ctx
from bot.messages import Channel, Inbound, Outbound, Reply
from bot.notices import tell
from bot.parts import PART_LIMITS, message_parts  # noqa: F401  (their old home)
from bot.privacy import pseudonym
from bot.texts import render
from storage import repositories as repo
from storage.delivery import resume_on_inbound
from storage.media import attach
from storage.models import Contact
from storage.outbox_types import OutboxKind

log = logging.getLogger(__name__)


@dataclass
class Handled:
    """What one inbound message produced: the outbox ids to send now, or that it was a duplicate."""

    outbox_ids: list[int] = field(default_factory=list)
    duplicate: bool = False
    contact_id: int | None = None
    claimed: list[Outbound] = field(default_factory=list)  # replies written already claimed, to send now

    @property
    def unclaimed_ids(self) -> list[int]:
        claimed = {o.id for o in self.claimed}
        return [i for i in self.outbox_ids if i not in claimed]


REPLY_LEASE = timedelta(seconds=30)  # a reply claimed at birth waits at most this long if its process dies


def handle_inbound(session: Session, inbound: Inbound, now: datetime, settings: Settings,
                   claim_replies: bool = False) -> Handled:
    """Run one step for the sender of `inbound`. Never commits; never raises for a flow's bug.

    With `claim_replies`, the replies are written already claimed by the caller
    (who sends `Handled.claimed` right after its commit); otherwise they wait
    for the dispatcher. A bug in a flow rolls the whole step back (nothing
    half-written) and the person gets a kind apology instead, written in a
    fresh transaction.
    """
    claim = now + REPLY_LEASE if claim_replies else None
    try:
        return _step(session, inbound, now, settings, claim)
    except Exception:
        session.rollback()
        log.exception("step failed on %s for contact %s", inbound.channel.value, pseudonym(inbound.address))
    return _apologise(session, inbound, now, settings, claim)


def _step(session: Session, inbound: Inbound, now: datetime, settings: Settings,
          claim: datetime | None) -> Handled:
    if inbound.provider_id is not None and not repo.record_delivery(session, inbound.channel, inbound.provider_id, now):
        log.info("duplicate delivery on %s ignored", inbound.channel.value)
        return Handled(duplicate=True)
    contact = repo.contact_for(session, inbound.channel, inbound.address, now, inbound.display_name)
    state = repo.lock_state(session, contact, now)
    resume_on_inbound(session, contact, now)
    contact.last_inbound_at = now
    ctx = Ctx(session=session, contact=contact, now=now, settings=settings)
    replies = Engine(ctx, state).step(inbound)
    state.updated_at = now
    claimed = write_replies(session, contact, replies, now, claim)
    ids = [o.id for o in claimed]
    for told in ctx.notices:  # messages for others: one builder decides kind, key, consent and parts
        ids += tell(session, told, now)
    return Handled(outbox_ids=ids, contact_id=contact.id, claimed=claimed if claim else [])


def _apologise(session: Session, inbound: Inbound, now: datetime, settings: Settings,
               claim: datetime | None) -> Handled:
    """After a failed step: record the delivery, reset the conversation, say sorry."""
    if inbound.provider_id is not None and not repo.record_delivery(session, inbound.channel, inbound.provider_id, now):
        return Handled(duplicate=True)
    contact = repo.contact_for(session, inbound.channel, inbound.address, now, inbound.display_name)
    state = repo.lock_state(session, contact, now)
    state.flow, state.step, state.data, state.engine, state.choices, state.expires_at = None, None, {}, {}, [], None
    state.updated_at = now
    contact.last_inbound_at = now
    text = render(contact.language or settings.default_language, "core.error")
    written = write_replies(session, contact, [Reply(text)], now, claim)
    return Handled(outbox_ids=[o.id for o in written], contact_id=contact.id, claimed=written if claim else [])


def write_replies(session: Session, contact: Contact, replies: list[Reply], now: datetime,
                  claimed_until: datetime | None = None) -> list[Outbound]:
    """Replies become outbox rows, in order; consecutive plain texts are joined into one message."""
    merged: list[Reply] = []
    for reply in replies:
        if not reply.text and not reply.choices:
            continue
        if (merged and not merged[-1].choices and not merged[-1].attachment and not reply.attachment
                and len(merged[-1].text) + len(reply.text) < 3000):
            merged[-1] = Reply(merged[-1].text + "\n\n" + reply.text, reply.choices)
        else:
            merged.append(reply)
    written: list[Outbound] = []
    for reply in merged:
        # a text past one provider request is written as its parts, one row each (`storage.outbox.enqueue_parts`)
        parts = message_parts(contact.channel, reply.text, reply.choices) if not reply.attachment else [reply.text]
        ids = repo.enqueue_parts_to_contact(session, contact, reply.text, now, choices=reply.choices, kind=OutboxKind.REPLY,
                                            claimed_until=claimed_until, parts=parts)
        for index, outbox_id in enumerate(ids):
            last = index == len(ids) - 1
            attachment = attach(session, outbox_id, reply.attachment, now) if reply.attachment else None
            written.append(Outbound(outbox_id, Channel(contact.channel), contact.address,
                                    parts[index] if len(parts) == len(ids) else reply.text,
                                    reply.choices if last else (), attachment=attachment, language=contact.language))
    return written
