"""What an outbox row is (`OutboxKind`) and where it stands (`OutboxStatus`).

Why enums over free strings: the dispatcher, the consent rule, the reach
figures and the cleanup all branch on these values, and a typo there fails
silently. Both are `StrEnum`s whose values are the strings stored since the
first migration, so the columns stay `VARCHAR(10)` and old rows read the same
(no data migration): a value read back compares equal to its member.
"""
from __future__ import annotations

from enum import StrEnum

PRIORITY_REPLY = 0
PRIORITY_ALERT = 1
PRIORITY_BULK = 10


class OutboxKind(StrEnum):
    """Why a message is sent; it decides its priority, its consent rule and its SMS fallback."""

    REPLY = "reply"  # the chat's own answer
    ALERT = "alert"  # staff's work: a flag, a referral, a link request, the month's recap
    RESULT = "result"  # to a family that asked for it: a weighing's result, a link accepted
    REMINDER = "reminder"  # planned: a household's due services, the WhatsApp introduction
    BROADCAST = "broadcast"  # a posyandu day announced, changed, cancelled; a free announcement
    NUDGE = "nudge"  # the day-after nudge to a kader

    @property
    def priority(self) -> int:
        """Replies first, then alerts and results, then everything bulk."""
        return {OutboxKind.REPLY: PRIORITY_REPLY, OutboxKind.ALERT: PRIORITY_ALERT,
                OutboxKind.RESULT: PRIORITY_ALERT}.get(self, PRIORITY_BULK)

    @property
    def needs_consent(self) -> bool:
        """Only to a contact that opted in and neither stopped nor is paused (`Contact.reachable`):
        checked when the row is written and again when it is sent."""
        return self in CONSENT_KINDS

    @property
    def bulk(self) -> bool:
        """Goes by SMS to a number that is not on WhatsApp (replies and alerts never do)."""
        return self in BULK_KINDS


CONSENT_KINDS = (OutboxKind.REMINDER, OutboxKind.BROADCAST, OutboxKind.RESULT)
BULK_KINDS = (OutboxKind.REMINDER, OutboxKind.BROADCAST)


class OutboxStatus(StrEnum):
    """pending -> sending -> sent | pending (retry) | dead | cancelled; `failed` when the provider's
    delivery callback says a sent message did not arrive."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"
    CANCELLED = "cancelled"
    FAILED = "failed"


LIVE = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT)  # going or gone: "told"
FINISHED = (OutboxStatus.SENT, OutboxStatus.DEAD, OutboxStatus.CANCELLED, OutboxStatus.FAILED)
