"""One way to tell someone something: every message to a person other than the chat.

Why one builder: an alert to the bidan, a result to a family, a reminder, an
announcement each need the same four decisions (who, what text, which
dedupe key, whether that person agreed to hear it), and each caller making
them alone is how keys were written twice and consent checked only at the
last moment. Here, as in a well-kept mailer, each kind of notice is declared
once (`declare`: its name, outbox kind, key type, the text it says, its
WhatsApp template) and sending one is one call:

    tell(session, VISIT_ALERT.to(bidan.id, AlertKey(m.id, bidan.id, stamp), text), now)   # a job
    ctx.notify(VISIT_ALERT.to(bidan.id, AlertKey(m.id, bidan.id, stamp), text))          # a flow's step
    tell_many(session, [REMINDER.to(...), ...], now)                                     # bulk, one INSERT

Consent is checked here, when the row would be written: a notice of a kind
that needs it (`OutboxKind.needs_consent`: results, reminders, broadcasts)
to a contact that never opted in, said BERHENTI, is paused or is gone gets no
row; the refusal is counted (returned) and audited (`notice.refused`, the
notice's name and the reason, never the text). The dispatcher checks again
when it sends, for someone who stops in between.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, Sequence, TypeVar

from bot.messages import Attachment
from bot.parts import message_parts
from storage.media import attach
from storage.models import AuditEvent, Contact
from storage.outbox import Recipient, enqueue_parts, insert_rows, recipients
from storage.outbox_keys import (
    AlertKey, AnnounceKey, BroadcastKey, ChartKey, CorrectionKey, FollowupKey, IntroKey, Key, LinkAcceptedKey,
    LinkRequestKey, NudgeKey, RecapKey, ReferralRepeatKey, ReminderKey, ResultKey)
from storage.outbox_types import OutboxKind, OutboxStatus
from storage.records import ContactRecord

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Key)
AnyContact = TypeVar("AnyContact", bound="ContactRecord")  # a row, or the shape a flow holds of one


@dataclass(frozen=True)
class Notice(Generic[K]):
    """One kind of message to someone other than the chat, declared once.

    `text_key` names the catalogue text it says (its first line when the
    text is put together from several); `template_key` the WhatsApp template
    it goes as outside the 24-hour window (bulk kinds).
    """

    name: str
    kind: OutboxKind
    key: type[K]
    text_key: str
    template_key: str | None = None

    @property
    def needs_consent(self) -> bool:
        return self.kind.needs_consent

    def to(self, contact_id: int, key: K, text: str, *, template_vars: dict[str, str] | None = None,
           attachment: Attachment | None = None, not_before: datetime | None = None) -> "Told":
        """This notice to one contact, ready to write (the key's type is checked: a result's key on an
        alert would dedupe against the wrong rows)."""
        if type(key) is not self.key:
            raise TypeError(f"{self.name} takes a {self.key.__name__}, not a {type(key).__name__}")
        return Told(self, contact_id, key, text, dict(template_vars or {}), attachment, not_before)


@dataclass(frozen=True)
class Told:
    """One notice to one contact: what `tell` writes."""

    notice: Notice[Any]
    contact_id: int
    key: Key
    text: str
    template_vars: dict[str, str] = field(default_factory=dict)
    attachment: Attachment | None = None
    not_before: datetime | None = None

    @property
    def dedupe_key(self) -> str:
        return self.key.format()


NOTICES: dict[str, Notice[Any]] = {}


def declare(name: str, kind: OutboxKind, key: type[K], text_key: str, template_key: str | None = None) -> Notice[K]:
    """Register a kind of notice (one name, one key type each)."""
    if kind is OutboxKind.REPLY:
        raise ValueError("a reply goes to the chat itself, not through the notice builder")
    if name in NOTICES or any(n.key is key for n in NOTICES.values()):
        raise ValueError(f"notice {name} or its key {key.__name__} declared twice")
    notice = Notice(name, kind, key, text_key, template_key)
    NOTICES[name] = notice
    return notice


# -- the notices (one line each; docs/architecture.md "Telling someone something") ----------------------
VISIT_ALERT = declare("visit_alert", OutboxKind.ALERT, AlertKey, "report.alert_urgent")
VISIT_CORRECTION = declare("visit_correction", OutboxKind.ALERT, CorrectionKey, "report.correction_title")
VISIT_RESULT = declare("visit_result", OutboxKind.RESULT, ResultKey, "report.result_title")
VISIT_CHART = declare("visit_chart", OutboxKind.RESULT, ChartKey, "chart.caption")
MISCARRIAGE_FOLLOWUP = declare("miscarriage_followup", OutboxKind.ALERT, FollowupKey, "report.followup_miscarriage")
REFERRAL_REPEAT = declare("referral_repeat", OutboxKind.ALERT, ReferralRepeatKey, "referral.repeat")
LINK_REQUEST = declare("link_request", OutboxKind.ALERT, LinkRequestKey, "link.notice")
LINK_ACCEPTED = declare("link_accepted", OutboxKind.RESULT, LinkAcceptedKey, "link.told_accepted")
MONTH_RECAP = declare("month_recap", OutboxKind.ALERT, RecapKey, "recap.title")
REMINDER = declare("reminder", OutboxKind.REMINDER, ReminderKey, "reminder.header", template_key="reminder")
INTRODUCTION = declare("introduction", OutboxKind.REMINDER, IntroKey, "intro.text", template_key="intro")
SESSION_BROADCAST = declare("session_broadcast", OutboxKind.BROADCAST, BroadcastKey, "broadcast.msg.session_title",
                            template_key="broadcast")
ANNOUNCEMENT = declare("announcement", OutboxKind.BROADCAST, AnnounceKey, "broadcast.msg.announce_title",
                       template_key="broadcast")
KADER_NUDGE = declare("kader_nudge", OutboxKind.NUDGE, NudgeKey, "reminder.nudge")


# -- consent ----------------------------------------------------------------------------------------------
def refusal(notice: Notice[Any], contact: Contact | Recipient | None) -> str | None:
    """Why this notice may not be written for this contact (None: it may)."""
    if contact is None:
        return "gone"
    if not notice.needs_consent:
        return None
    if isinstance(contact, Recipient):
        opted_in, stopped, paused = contact.opted_in, contact.stopped, contact.paused
    else:
        opted_in, stopped, paused = contact.opted_in, contact.stopped_at is not None, contact.paused_at is not None
    if stopped:
        return "stopped"
    if not opted_in:
        return "not_opted_in"
    if paused:
        return "paused"
    return None


def _refuse(session: "Session", told: Told, reason: str, now: datetime, exists: bool) -> None:
    log.info("notice %s not written: %s", told.notice.name, reason)
    session.add(AuditEvent(contact_id=told.contact_id if exists else None, action="notice.refused",
                           subject=f"{told.notice.name}:{reason}"[:60], at=now))


# -- writing ------------------------------------------------------------------------------------------------
def tell(session: "Session", told: Told, now: datetime, contact: Contact | None = None) -> list[int]:
    """Write one notice as outbox rows (one per provider request, the attachment on the first); returns their
    ids: none when its key was written before or the contact may not be told (audited)."""
    if contact is None or contact.id != told.contact_id:
        contact = session.get(Contact, told.contact_id)
    reason = refusal(told.notice, contact)
    if reason is not None:
        _refuse(session, told, reason, now, exists=contact is not None)
        return []
    assert contact is not None
    whole = told.attachment is not None or told.notice.template_key is not None
    ids = enqueue_parts(session, channel=contact.channel, address=contact.address, contact_id=contact.id,
                        text=told.text, now=now, kind=told.notice.kind, template_key=told.notice.template_key,
                        template_vars=told.template_vars or None, dedupe_key=told.dedupe_key,
                        not_before=told.not_before, parts=None if whole else message_parts(contact.channel, told.text))
    if ids and told.attachment is not None:
        attach(session, ids[0], told.attachment, now)
    return ids


def tell_many(session: "Session", tolds: Sequence[Told], now: datetime) -> dict[str, int]:
    """Write bulk notices (reminders, announcements, introductions) in one INSERT, one row each (a template
    send is never cut); returns {dedupe key: id} of the rows written (a taken key writes nothing).

    One statement reads the contacts: their consent, and SMS for a bulk WhatsApp message to a number that is
    not on WhatsApp.
    """
    if not tolds:
        return {}
    found = recipients(session, (t.contact_id for t in tolds))
    rows = []
    for told in tolds:
        to = found.get(told.contact_id)
        reason = refusal(told.notice, to)
        if reason is not None:
            _refuse(session, told, reason, now, exists=to is not None)
            continue
        assert to is not None
        channel = "sms" if (to.channel == "whatsapp" and to.fallback_channel == "sms" and told.notice.kind.bulk) \
            else to.channel
        rows.append(dict(channel=channel, address=to.address, contact_id=to.id, kind=told.notice.kind.value,
                         priority=told.notice.kind.priority, text=told.text, choices=[],
                         template_key=told.notice.template_key, template_vars=told.template_vars,
                         status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=told.not_before or now,
                         dedupe_key=told.dedupe_key, created_at=now))
    return insert_rows(session, rows)


def tell_each(session: "Session", notice: Notice[K], contacts: Iterable[AnyContact],
              render: Callable[[str | None], tuple[str, dict[str, str]]], key_of: Callable[[AnyContact], K],
              now: datetime) -> int:
    """The same bulk notice to many contacts, rendered once per language; returns the rows written.

    Rows carry the bulk priority, so replies always go first; the keys make a repeated fan-out (a retried
    step) write nothing new.
    """
    cache: dict[str | None, tuple[str, dict[str, str]]] = {}
    tolds = []
    for contact in sorted(contacts, key=lambda c: c.id):
        if contact.language not in cache:
            cache[contact.language] = render(contact.language)
        text, variables = cache[contact.language]
        tolds.append(notice.to(contact.id, key_of(contact), text, template_vars=variables))
    return len(tell_many(session, tolds, now))


__all__ = ["NOTICES", "Notice", "Told", "declare", "refusal", "tell", "tell_each", "tell_many"] + [
    name for name, value in list(globals().items()) if isinstance(value, Notice)]
