"""The outbox: every outbound message is a row first, written here and nowhere else.

Replies and notices (`enqueue`), bulk fan-out of broadcasts and reminders
(`fan_out`, `insert_outbox`), the cancellation of a broadcast's older
revisions (`supersede`), who was told before (`told_before`) and the
providers' delivery statuses. Planned messages carry a typed identity (`ReminderKey`,
`BroadcastKey`, `NudgeKey`, `IntroKey`, `SmsFallbackKey`) stored as the row's unique `dedupe_key`: code builds and reads
keys through these types, never by formatting or splitting strings itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterable, Sequence, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.values import Choice
from storage.models import Contact, OutboxMessage
from storage.records import ContactRecord
from storage.db import _insert, _prepared

PRIORITY_REPLY = 0
PRIORITY_ALERT = 1
PRIORITY_BULK = 10
PRIORITY_BY_KIND = {"reply": PRIORITY_REPLY, "alert": PRIORITY_ALERT, "result": PRIORITY_ALERT}


@dataclass(frozen=True)
class ReminderKey:
    """A household's one reminder message of a local day, to one chat."""

    household_id: int
    day: date
    contact_id: int

    def format(self) -> str:
        return f"reminder:h{self.household_id}:{self.day.isoformat()}:c{self.contact_id}"

    @classmethod
    def parse(cls, key: str) -> "ReminderKey":
        kind, h, day, c = key.split(":")
        if kind != "reminder" or h[:1] != "h" or c[:1] != "c":
            raise ValueError(f"not a reminder key: {key!r}")
        return cls(int(h[1:]), date.fromisoformat(day), int(c[1:]))

    @staticmethod
    def day_prefix(household_id: int, day: date) -> str:
        """What every chat's key of that household and day begins with (a LIKE pattern's stem)."""
        return f"reminder:h{household_id}:{day.isoformat()}:c"


@dataclass(frozen=True)
class BroadcastKey:
    """One revision of a posyandu session's announcement, to one chat of one household."""

    session_id: int
    revision: int
    household_id: int | None
    contact_id: int

    def format(self) -> str:
        return f"broadcast:s{self.session_id}:r{self.revision}:h{self.household_id}:c{self.contact_id}"

    @classmethod
    def parse(cls, key: str) -> "BroadcastKey":
        kind, s, r, h, c = key.split(":")
        if kind != "broadcast" or s[:1] != "s" or r[:1] != "r" or h[:1] != "h" or c[:1] != "c":
            raise ValueError(f"not a broadcast key: {key!r}")
        return cls(int(s[1:]), int(r[1:]), None if h[1:] == "None" else int(h[1:]), int(c[1:]))

    @staticmethod
    def session_prefix(session_id: int) -> str:
        return f"broadcast:s{session_id}:r"

    @staticmethod
    def revision_prefix(session_id: int, revision: int) -> str:
        return f"broadcast:s{session_id}:r{revision}:"


@dataclass(frozen=True)
class NudgeKey:
    """The day-after nudge to one kader about one session with nothing recorded."""

    session_id: int
    contact_id: int

    def format(self) -> str:
        return f"nudge:s{self.session_id}:c{self.contact_id}"


@dataclass(frozen=True)
class IntroKey:
    """The one WhatsApp introduction of a registered household, to one chat."""

    household_id: int
    contact_id: int

    def format(self) -> str:
        return f"intro:h{self.household_id}:c{self.contact_id}"


@dataclass(frozen=True)
class SmsFallbackKey:
    """The SMS copy of one bulk WhatsApp message that failed because the number is not on WhatsApp."""

    outbox_id: int

    def format(self) -> str:
        return f"sms:{self.outbox_id}"


def part_key(dedupe_key: str | None, index: int) -> str | None:
    """The dedupe key of a message's later part (the first part keeps the message's own key, so a
    message written again is refused whole)."""
    return None if dedupe_key is None or index == 0 else f"{dedupe_key}#part{index + 1}"


def enqueue(session: Session, *, channel: str, address: str, text: str, now: datetime,
            contact_id: int | None = None, choices: Sequence[Choice] = (), kind: str = "reply",
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
                  contact_id: int | None = None, choices: Sequence[Choice] = (), kind: str = "reply",
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
            channel=channel, address=address, contact_id=contact_id, kind=kind,
            priority=PRIORITY_BY_KIND.get(kind, PRIORITY_BULK) if priority is None else priority,
            text=part, choices=[[c.value, c.label] for c in choices] if last else [], template_key=template_key,
            template_vars=template_vars or {}, status="sending" if claimed_until else "pending",
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
        OutboxMessage.address == address, OutboxMessage.channel == channel, OutboxMessage.status == "sending",
        OutboxMessage.id < row_id, OutboxMessage.priority <= priority).limit(1)).first() is not None


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


def told_before(session: Session, dedupe_prefix: str) -> set[int]:
    """Contacts that were sent (or are about to be sent) a message whose dedupe key starts with the prefix."""
    return set(session.scalars(select(OutboxMessage.contact_id).where(
        OutboxMessage.dedupe_key.like(dedupe_prefix + "%"),
        OutboxMessage.status.in_(("pending", "sending", "sent")),
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
            OutboxMessage.status == "pending",
            OutboxMessage.contact_id.in_(ids[start:start + 5000])).values(status="cancelled", last_error="superseded"),
            execution_options={"synchronize_session": False})
        cancelled += result.rowcount or 0
    return cancelled


Render = Callable[[str | None], tuple[str, dict[str, str]]]
AnyContact = TypeVar("AnyContact", bound=ContactRecord)  # a row, or the shape a flow holds of one


def fan_out(session: Session, contacts: Iterable[AnyContact], render: Render, dedupe: Callable[[AnyContact], str],
            now: datetime, kind: str = "broadcast", template_key: str = "broadcast") -> int:
    """Write one bulk message per reachable contact (rendered in their language); returns rows written.

    Rows carry the bulk priority, so replies always go first; the dedupe key
    makes a repeated fan-out (a retried step) write nothing new.
    """
    cache: dict[str | None, tuple[str, dict[str, str]]] = {}
    rows = []
    for contact in sorted(contacts, key=lambda c: c.id):
        if not contact.reachable:
            continue
        if contact.language not in cache:
            cache[contact.language] = render(contact.language)
        text, variables = cache[contact.language]
        rows.append(dict(channel=contact.channel, address=contact.address, contact_id=contact.id, kind=kind,
                         priority=PRIORITY_BULK, text=text, choices=[], template_key=template_key,
                         template_vars=variables, status="pending", attempts=0, next_attempt_at=now,
                         dedupe_key=dedupe(contact), created_at=now))
    return len(insert_outbox(session, rows))


def insert_outbox(session: Session, rows: list[dict]) -> dict[str, int]:
    """Bulk insert outbox rows, skipping taken dedupe keys; returns {dedupe_key: id} of rows written.

    One executemany (SQLAlchemy batches it into multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING).
    """
    if not rows:
        return {}
    rows = by_fallback_channel(session, rows)
    table = OutboxMessage.__table__
    stmt = _insert(session, table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(
        table.c.id, table.c.dedupe_key)
    return {key: row_id for row_id, key in session.connection().execute(stmt, rows)}


BULK_KINDS = ("reminder", "broadcast")  # what goes by SMS to a number not on WhatsApp (replies never do)


def by_fallback_channel(session: Session, rows: list[dict]) -> list[dict]:
    """Bulk WhatsApp rows to a contact whose number is not on WhatsApp go by SMS (`contact.fallback_channel`)."""
    ids = {r.get("contact_id") for r in rows if r.get("channel") == "whatsapp" and r.get("kind") in BULK_KINDS}
    ids.discard(None)
    if not ids:
        return rows
    sms = set(session.scalars(select(Contact.id).where(Contact.id.in_(ids), Contact.fallback_channel == "sms")))
    return [dict(r, channel="sms") if r.get("contact_id") in sms and r.get("channel") == "whatsapp"
            and r.get("kind") in BULK_KINDS else r for r in rows]
