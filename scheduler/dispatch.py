"""Drain the outbox: claim due rows, send them through the channel's sender, record the outcome.

Every row is claimed with a lease (`status='sending'`, `locked_until`), so a
process that dies mid-send leaves a row another dispatcher picks up when the
lease runs out. On PostgreSQL, claims use `FOR UPDATE SKIP LOCKED`, so several
dispatchers share the outbox without sending a row twice. A batch that is
still sending when its lease nears its end gives the rest back rather than
racing another dispatcher for them.

A batch is sent by a few threads, one chat per thread at a time (a chat's
messages keep their order), each waiting on the channel's `Pacer`, so a
provider with slow answers (Twilio) still reaches its messages-per-second.
Replies (priority 0) are claimed before bulk (priority 10), and a reminder,
broadcast or result to a contact who stopped or deleted their data is
cancelled at claim time, whenever it was planned.
"""
from __future__ import annotations

import logging
import math
import os
import random
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterable, Mapping, Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.messages import Attachment, Channel, Choice, Outbound
from bot.ports import Clock, Failed, RetryLater, Sender, SendResult, Sent
from bot.privacy import pseudonym
from scheduler.pacing import SAFETY, Pacer
from storage.db import transaction
from storage.media import attachments_for
from storage.models import Contact, OutboxMessage
from storage.repositories import is_postgres

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)
LEASE_MARGIN = 20.0  # seconds: stop sending a batch this long before its lease ends
DEFAULT_WORKERS = 8
SESSION_WINDOW = timedelta(hours=24)
BACKOFF_BASE = 5.0
BACKOFF_CAP = 3600.0
CONSENT_KINDS = {"reminder", "broadcast", "result"}  # need an opted-in, not stopped contact


def backoff_seconds(attempts: int, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: 5 s, 10 s, 20 s ... capped at an hour."""
    base = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return base * (0.8 + 0.4 * rng())


class ProcessPool:
    """A thread pool created on first use in each process (gunicorn forks after import: a pool
    made in the parent has no threads in the child) and made anew after `close`."""

    def __init__(self, workers: int, name: str) -> None:
        self.workers = workers
        self.name = name
        self._pool: ThreadPoolExecutor | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def get(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix=self.name)
                self._pid = os.getpid()
            return self._pool

    def close(self) -> None:
        """Wait for the submitted work; the next `get` starts a fresh pool."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    cancelled: int = 0
    claimed: int = 0
    released: int = 0
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + n)


def claim(session: Session, now: datetime, limit: int, ids: Sequence[int] | None = None,
          channel: str | None = None, channels: Sequence[str] | None = None) -> list[OutboxMessage]:
    """Take up to `limit` due rows for this process (pending and due, or a lapsed lease).

    `channels` limits the claim to the channels this process can send on: a row
    for a channel with no sender configured stays pending for a process that has one.
    """
    due = or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.locked_until < now),
    )
    stmt = select(OutboxMessage).where(due)
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(list(ids)))
    if channel is not None:
        stmt = stmt.where(OutboxMessage.channel == channel)
    if channels is not None:
        stmt = stmt.where(OutboxMessage.channel.in_(list(channels)))
    stmt = stmt.order_by(OutboxMessage.priority, OutboxMessage.id).limit(limit)
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list(session.scalars(stmt))
    for row in rows:
        row.status = "sending"
        row.locked_until = now + LEASE
        row.attempts += 1
    session.flush()
    return rows


def to_outbound(row: OutboxMessage, contact: Contact | None, now: datetime,
                attachment: Attachment | None = None) -> Outbound:
    in_window = bool(contact and contact.last_inbound_at and now - contact.last_inbound_at < SESSION_WINDOW)
    return Outbound(
        id=row.id, channel=Channel(row.channel), address=row.address, text=row.text,
        choices=tuple(Choice(str(v), str(label)) for v, label in (row.choices or [])),
        template_key=row.template_key, template_vars={k: str(v) for k, v in (row.template_vars or {}).items()},
        in_session_window=in_window if row.kind != "reply" else True, attachment=attachment,
    )


class Dispatcher:
    """Sends what is due. Thread-safe: each call uses its own sessions."""

    def __init__(self, session_factory: sessionmaker[Session], senders: Mapping[Channel, Sender],
                 clock: Clock, settings: Settings, pacers: Mapping[Channel, Pacer] | None = None,
                 workers: int = DEFAULT_WORKERS) -> None:
        self.session_factory = session_factory
        self.senders = dict(senders)
        self.clock = clock
        self.settings = settings
        self.pacers = dict(pacers) if pacers is not None else default_pacers(settings)
        self.workers = max(1, workers)
        self._pool = ProcessPool(self.workers, "dispatch")
        self._warm: set[Channel] = set()

    def run_once(self, now: datetime | None = None, ids: Sequence[int] | None = None,
                 limit: int | None = None) -> DispatchStats:
        """Claim one batch of due rows and send them. `now` fixes the instant (catch-up, tests)."""
        stats = DispatchStats()
        at = now or self.clock.now()
        channels = [c.value for c in self.senders]
        with transaction(self.session_factory) as session:
            rows = claim(session, at, limit or self.settings.dispatch_batch_size, ids, channels=channels)
            stats.claimed = len(rows)
            contacts = {c.id: c for c in session.scalars(select(Contact).where(
                Contact.id.in_({r.contact_id for r in rows if r.contact_id})))}
            media = attachments_for(session, [r.id for r in rows])
            chats: OrderedDict[tuple[str, str], list[tuple[int, int, Outbound]]] = OrderedDict()
            for row in rows:
                contact = contacts.get(row.contact_id) if row.contact_id else None
                if row.kind in CONSENT_KINDS and (contact is None or not contact.reachable):
                    row.status, row.last_error, row.locked_until = "cancelled", "contact stopped or unsubscribed", None
                    stats.cancelled += 1
                    continue
                chats.setdefault((row.channel, row.address), []).append(
                    (row.id, row.attempts, to_outbound(row, contact, at, media.get(row.id))))
        deadline = time.monotonic() + LEASE.total_seconds() - LEASE_MARGIN
        work = list(chats.values())
        if len(work) > 1 and self.workers > 1:
            for chat in list(work):
                channel = chat[0][2].channel
                if channel in self._warm:
                    continue
                # a sender's first call may stall (PTB's getMe): alone, so the paced sends behind it don't bunch
                self._send_chat(chat, now, stats, deadline)
                self._warm.add(channel)
                work.remove(chat)
        if len(work) <= 1 or self.workers == 1:
            for chat in work:
                self._send_chat(chat, now, stats, deadline)
        else:
            pool = self._pool.get()
            for future in [pool.submit(self._send_chat, chat, now, stats, deadline) for chat in work]:
                future.result()
        return stats

    def drain(self, now: datetime | None = None, max_batches: int = 10000) -> DispatchStats:
        """Send everything due at `now` (catch-up); stops when a batch comes back empty."""
        total = DispatchStats()
        for _ in range(max_batches):
            stats = self.run_once(now)
            for name in ("sent", "retried", "dead", "cancelled", "claimed", "released"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
            if stats.claimed == 0 or stats.sent + stats.dead + stats.cancelled == 0:
                break
        return total

    def send_claimed(self, messages: Sequence[Outbound]) -> DispatchStats:
        """Send replies that the webhook wrote already claimed (no claim round trip, nothing to read).

        Each chat's messages go in order; the outcome is recorded as usual. If
        this process dies first, the rows' short lease lapses and the poll sends them.
        """
        stats = DispatchStats()
        chats: OrderedDict[tuple[str, str], list[tuple[int, int, Outbound]]] = OrderedDict()
        for message in messages:
            if message.channel in self.senders:
                chats.setdefault((message.channel.value, message.address), []).append((message.id, 1, message))
        deadline = time.monotonic() + LEASE.total_seconds() - LEASE_MARGIN
        for chat in chats.values():
            self._send_chat(chat, None, stats, deadline)
        return stats

    def send_ids(self, ids: Iterable[int]) -> DispatchStats:
        """Send these rows now (the webhook's fresh replies); the poller is only the safety net."""
        ids = list(ids)
        return self.run_once(ids=ids, limit=len(ids)) if ids else DispatchStats()

    def close(self) -> None:
        self._pool.close()

    # -- internals ---------------------------------------------------------
    def _send_chat(self, chat: list[tuple[int, int, Outbound]], now: datetime | None, stats: DispatchStats,
                   deadline: float) -> None:
        """One chat's rows, in order; what the lease no longer covers goes back to the queue."""
        for index, (row_id, attempts, outbound) in enumerate(chat):
            if time.monotonic() >= deadline:
                self._release([r for r, _a, _o in chat[index:]])
                stats.add("released", len(chat) - index)
                return
            result = self._send(outbound)
            self._record(row_id, attempts, result, now, stats)

    def _release(self, row_ids: list[int]) -> None:
        with transaction(self.session_factory) as session:
            for row in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(row_ids),
                                                                   OutboxMessage.status == "sending")):
                row.status, row.locked_until = "pending", None
                row.attempts = max(0, row.attempts - 1)

    def _send(self, outbound: Outbound) -> SendResult:
        sender = self.senders[outbound.channel]
        pacer = self.pacers.get(outbound.channel)
        if pacer is not None:
            pacer.wait(outbound.address)
        try:
            result = sender.send(outbound)
        except Exception as exc:  # a sender must not raise, but a bug must not lose the row
            log.exception("sender %s raised", outbound.channel.value)
            result = RetryLater(f"sender error: {type(exc).__name__}")
        if isinstance(result, RetryLater) and result.after_seconds and pacer is not None:
            pacer.pause(result.after_seconds)
        return result

    def _record(self, row_id: int, attempts: int, result: SendResult, now: datetime | None,
                stats: DispatchStats) -> None:
        at = now or self.clock.now()
        if isinstance(result, Sent):  # the common case: one statement, no read
            with transaction(self.session_factory) as session:
                session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
                    status="sent", sent_at=at, provider_message_id=result.provider_message_id,
                    last_error=None, locked_until=None))
            stats.add("sent")
            return
        with transaction(self.session_factory) as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                return
            row.locked_until = None
            if isinstance(result, RetryLater) and attempts < self.settings.dispatch_max_attempts:
                # flood control names its own wait; other transient errors back off exponentially
                delay = result.after_seconds if result.after_seconds else backoff_seconds(attempts)
                row.status, row.next_attempt_at, row.last_error = "pending", at + timedelta(seconds=delay), result.reason[:300]
                stats.add("retried")
            else:
                reason = result.reason if isinstance(result, (Failed, RetryLater)) else "unknown"
                if isinstance(result, RetryLater):
                    reason = f"gave up after {attempts} attempts: {reason}"
                row.status, row.last_error = "dead", reason[:300]
                stats.add("dead")
                if isinstance(result, Failed) and result.unreachable and row.contact_id:
                    contact = session.get(Contact, row.contact_id)
                    if contact is not None and contact.stopped_at is None:
                        contact.stopped_at = at
                log.warning("outbox %s to %s failed for good: %s", row.id, pseudonym(row.address), reason)


def default_pacers(settings: Settings, share: float = 1.0) -> dict[Channel, Pacer]:
    """Pacers at `SAFETY` of each channel's rate; `share` splits the rate between dispatcher processes."""
    telegram, twilio = settings.telegram_messages_per_second * share, settings.twilio_messages_per_second * share
    sms = settings.twilio_sms_per_second * share
    return {
        Channel.TELEGRAM: Pacer(telegram * SAFETY, 1.0 / (settings.telegram_per_chat_per_second * SAFETY)
                                if settings.telegram_per_chat_per_second > 0 else 0.0,
                                window_limit=max(1, math.floor(telegram)) if telegram > 0 else 0),
        Channel.WHATSAPP: Pacer(twilio * SAFETY, window_limit=max(1, math.floor(twilio)) if twilio > 0 else 0),
        Channel.SMS: Pacer(sms * SAFETY, window_limit=max(1, math.floor(sms)) if sms > 0 else 0),
    }


class SendNow:
    """A small per-process thread pool that sends a request's replies right after its commit.

    The webhook answers the provider at once; the replies follow within
    milliseconds. If the process dies first, the rows' lease lapses and the
    dispatcher's poll sends them.
    """

    def __init__(self, dispatcher: Dispatcher, workers: int = 4) -> None:
        self.dispatcher = dispatcher
        self.workers = workers
        self._pool = ProcessPool(workers, "send-now")

    def submit(self, ids: Sequence[int]):  # type: ignore[no-untyped-def]
        if not ids:
            return None
        return self._pool.get().submit(self._safe_send, list(ids))

    def submit_claimed(self, messages: Sequence[Outbound]):  # type: ignore[no-untyped-def]
        if not messages:
            return None
        return self._pool.get().submit(self._safe, self.dispatcher.send_claimed, list(messages))

    def _safe_send(self, ids: list[int]) -> None:
        self._safe(self.dispatcher.send_ids, ids)

    @staticmethod
    def _safe(call, arg) -> None:  # type: ignore[no-untyped-def]
        try:
            call(arg)
        except Exception:
            log.exception("send-now failed; the dispatcher will retry")

    def shutdown(self) -> None:
        self._pool.close()
