"""Drain the outbox: claim due rows, send them through the channel's sender, record the outcome.

Every row is claimed with a lease (`status='sending'`, `locked_until`), so a
process that dies mid-send leaves a row another dispatcher picks up when the
lease runs out. On PostgreSQL, claims use `FOR UPDATE SKIP LOCKED`, so several
dispatchers share the outbox without sending a row twice. A row whose turn
does not come before its lease nears its end is given back unsent rather than
raced for by another dispatcher.

What goes next is decided by one pump thread per process over a fair queue
(`sending.fairness`): per-chat queues, replies before bulk, each channel on
its own, and one budget per provider account shared by every process
(`sending.budget`). Sender threads only wait on the provider's answer; no
thread sleeps for a chat's gap or a channel's pace. A reminder, broadcast or
result to a contact who stopped or deleted their data is cancelled at claim
time, whenever it was planned.
"""
from __future__ import annotations

import logging
import os
import random
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterable, Mapping, Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.forking import forget_in_forked_child
from bot.messages import Attachment, Channel, Choice, Outbound
from bot.ports import Clock, Failed, RetryLater, Sender, SendResult, Sent
from bot.privacy import pseudonym
from sending.budget import Budget, Limit, LocalBudget, make_budget
from sending.fairness import FairQueue, Job
from storage.db import transaction
from storage.media import attachments_for
from storage.models import Contact, OutboxMessage
from storage.outbox import PRIORITY_ALERT, PRIORITY_REPLY, waits_behind
from storage.outbox_types import CONSENT_KINDS, OutboxStatus
from storage.repositories import is_postgres

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)
URGENT_LEASE = timedelta(seconds=30)  # replies and alerts: if their dispatcher dies, another sends them after this
LEASE_MARGIN = 20.0  # seconds: a row not started this long before its lease ends goes back to the outbox
DEFAULT_WORKERS = 16  # sender threads: each waits only on a provider's answer
SESSION_WINDOW = timedelta(hours=24)
BACKOFF_BASE = 5.0
BACKOFF_CAP = 3600.0


def backoff_seconds(attempts: int, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: 5 s, 10 s, 20 s ... capped at an hour."""
    base = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return base * (0.8 + 0.4 * rng())


def channel_limits(settings: Settings) -> dict[Channel, Limit]:
    """Each channel's provider account and what it allows (the published rates: the budget's slots keep
    every second at the provider within them, see `sending.budget`)."""
    bot_id = settings.telegram_token.split(":", 1)[0] if settings.telegram_token else "bot"
    return {
        Channel.TELEGRAM: Limit.per_second(f"telegram:{bot_id}", settings.telegram_messages_per_second,
                                           settings.telegram_per_chat_per_second),
        Channel.WHATSAPP: Limit.per_second(f"twilio:{settings.twilio_account_sid}:{settings.twilio_whatsapp_from}",
                                           settings.twilio_messages_per_second),
        # SMS is a sender of its own at Twilio (its own pace, TWILIO_SMS_PER_SECOND): its own account and lane
        # the local chat (`python -m bot chat`, the transcripts): every chat prints on one screen, so one
        # message at a time, in the order the fair queue picks (a person's replies, then alerts to others)
        Channel.TERMINAL: Limit("terminal", one_at_a_time=True),
        Channel.SMS: Limit.per_second(f"twilio:{settings.twilio_account_sid}:sms:{settings.twilio_sms_from}",
                                      settings.twilio_sms_per_second),
    }


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


def lease_for(priority: int) -> timedelta:
    """How long a claim holds a row: a person waiting for a reply or an alert must not wait two minutes
    for a dead dispatcher's lease; bulk may wait its turn in a long queue."""
    return URGENT_LEASE if priority <= PRIORITY_ALERT else LEASE


def start_deadline(lease: timedelta, monotonic: float) -> float:
    """The instant (the pump's clock) after which a claimed row is given back unsent rather than started:
    a send may take LEASE_MARGIN (the senders' timeouts), so it must start before its lease ends."""
    seconds = lease.total_seconds()
    return monotonic + (seconds - LEASE_MARGIN if seconds > LEASE_MARGIN else seconds / 2)


def claim(session: Session, now: datetime, limit: int, ids: Sequence[int] | None = None,
          channel: str | None = None, channels: Sequence[str] | None = None,
          most_priority: int | None = None) -> list[OutboxMessage]:
    """Take up to `limit` due rows for this process (pending and due, or a lapsed lease).

    `channels` limits the claim to the channels this process can send on: a row
    for a channel with no sender configured stays pending for a process that has one.
    """
    due = or_(
        (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.locked_until < now),
    )
    stmt = select(OutboxMessage).where(due)
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(list(ids)))
    if channel is not None:
        stmt = stmt.where(OutboxMessage.channel == channel)
    if channels is not None:
        stmt = stmt.where(OutboxMessage.channel.in_(list(channels)))
    if most_priority is not None:  # only as urgent as this (replies, alerts) or more
        stmt = stmt.where(OutboxMessage.priority <= most_priority)
    stmt = stmt.order_by(OutboxMessage.priority, OutboxMessage.id).limit(limit)
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list(session.scalars(stmt))
    for row in rows:
        row.status = OutboxStatus.SENDING
        row.locked_until = now + lease_for(row.priority)
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
        language=contact.language if contact is not None else None,
    )


class Dispatcher:
    """Sends what is due. Thread-safe: any thread may hand messages over; one pump thread per process
    decides what goes next, a pool of sender threads waits only on the providers."""

    def __init__(self, session_factory: sessionmaker[Session], senders: Mapping[Channel, Sender],
                 clock: Clock, settings: Settings, budget: Budget | None = None,
                 workers: int = DEFAULT_WORKERS, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.session_factory = session_factory
        self.senders = dict(senders)
        self.clock = clock
        self.settings = settings
        self.monotonic = monotonic
        if budget is None:
            budget = make_budget(settings.send_budget, session_factory.kw.get("bind"), settings.redis_url)
        self.budget = budget
        self.limits = channel_limits(settings)
        self.workers = max(1, workers)
        self._pool = ProcessPool(self.workers, "send")
        self._pump = Pump(self)

    # -- what callers use ----------------------------------------------------
    def run_once(self, now: datetime | None = None, ids: Sequence[int] | None = None,
                 limit: int | None = None) -> DispatchStats:
        """Claim one batch of due rows and send them; returns when the batch is done.
        `now` fixes the instant (catch-up, tests)."""
        stats, futures = self.start_batch(now, ids, limit)
        for future in futures:
            future.result()
        return stats

    def start_batch(self, now: datetime | None = None, ids: Sequence[int] | None = None,
                    limit: int | None = None, most_priority: int | None = None) -> tuple[DispatchStats, list[Future]]:
        """Claim one batch and hand it to the pump without waiting (the worker keeps its queue full)."""
        stats = DispatchStats()
        at = now or self.clock.now()
        channels = [c.value for c in self.senders]
        jobs: list[Job] = []
        with transaction(self.session_factory) as session:
            rows = claim(session, at, limit or self.settings.dispatch_batch_size, ids, channels=channels,
                         most_priority=most_priority)
            stats.claimed = len(rows)
            contacts = {c.id: c for c in session.scalars(select(Contact).where(
                Contact.id.in_({r.contact_id for r in rows if r.contact_id})))}
            media = attachments_for(session, [r.id for r in rows])
            started = self.monotonic()
            for row in rows:
                contact = contacts.get(row.contact_id) if row.contact_id else None
                # the last guard: consent was checked when the row was written (bot.notices), but one may stop since
                if row.kind in CONSENT_KINDS and (contact is None or not contact.reachable):
                    row.status, row.last_error, row.locked_until = (OutboxStatus.CANCELLED,
                                                                    "contact stopped or unsubscribed", None)
                    stats.cancelled += 1
                    continue
                outbound = to_outbound(row, contact, at, media.get(row.id))
                plan, cost = self.plan(outbound)
                jobs.append(Job(outbound, row.attempts, row.priority, start_deadline(lease_for(row.priority), started),
                                Ticket(stats, now, Future()), cost=cost, plan=plan))
        return stats, self._pump.submit(jobs)

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

    def start_claimed(self, messages: Sequence[Outbound], lease: timedelta = LEASE,
                      stats: DispatchStats | None = None) -> list[Future]:
        """Hand over replies the webhook wrote already claimed (no claim round trip, nothing to read);
        returns at once. If this process dies first, the rows' lease lapses and the poll sends them."""
        stats = stats or DispatchStats()
        deadline = start_deadline(lease, self.monotonic())
        jobs = []
        for m in messages:
            if m.channel in self.senders:
                plan, cost = self.plan(m)
                jobs.append(Job(m, 1, PRIORITY_REPLY, deadline, Ticket(stats, None, Future()), cost=cost, plan=plan))
        return self._pump.submit(jobs)

    def send_claimed(self, messages: Sequence[Outbound], lease: timedelta = LEASE) -> DispatchStats:
        """`start_claimed`, waiting for the outcome."""
        stats = DispatchStats()
        for future in self.start_claimed(messages, lease, stats):
            future.result()
        return stats

    def send_ids(self, ids: Iterable[int]) -> DispatchStats:
        """Send these rows now (the webhook's fresh replies); the poller is only the safety net."""
        ids = list(ids)
        return self.run_once(ids=ids, limit=len(ids)) if ids else DispatchStats()

    def queued(self) -> int:
        """Messages this process holds and has not finished with."""
        return self._pump.queued()

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until what this process holds is sent, given back or recorded for a retry."""
        self._pump.flush(timeout)

    def close(self) -> None:
        self._pump.close()
        self._pool.close()

    def requests(self, message: Outbound) -> int:
        """Requests the message makes to its provider (a text past the provider's length goes in parts):
        each takes a slot of the account's budget."""
        return self.plan(message)[1]

    def plan(self, message: Outbound) -> tuple[object, int]:
        """The sender's rendering of the message (`plan`, when it has one), made once, and the requests
        it makes. The job keeps the plan and the sender is handed it back: a message is rendered once."""
        sender = self.senders.get(message.channel)
        planner = getattr(sender, "plan", None)
        count = getattr(sender, "requests", None)
        try:
            plan = planner(message) if planner is not None else None
            if count is None:
                return plan, 1
            return plan, max(1, int(count(message, plan) if plan is not None else count(message)))
        except Exception:  # a sender must not raise, but a bug must not stop the batch
            log.exception("counting a message's requests failed; counting one")
            return None, 1

    # -- the pump calls these ------------------------------------------------
    def in_turn(self, job: Job) -> bool:
        """No older message to this chat is still with another process (several processes send)."""
        with self.session_factory() as session:
            return not waits_behind(session, job.outbound.channel.value, job.outbound.address,
                                    job.outbound.id, job.priority)

    def send(self, job: Job) -> SendResult:
        try:
            sender = self.senders[job.outbound.channel]
            if job.plan is not None:
                return sender.send(job.outbound, job.plan)
            return sender.send(job.outbound)
        except Exception as exc:  # a sender must not raise, but a bug must not lose the row
            log.exception("sender %s raised", job.outbound.channel.value)
            return RetryLater(f"sender error: {type(exc).__name__}")

    def release(self, jobs: Sequence[Job]) -> None:
        """Give rows back to the outbox unsent: their lease would lapse before their turn."""
        with transaction(self.session_factory) as session:
            for row in session.scalars(select(OutboxMessage).where(
                    OutboxMessage.id.in_([j.outbound.id for j in jobs]), OutboxMessage.status == OutboxStatus.SENDING)):
                row.status, row.locked_until = OutboxStatus.PENDING, None
                row.attempts = max(0, row.attempts - 1)
        for job in jobs:
            job.context.stats.add("released")

    def record(self, job: Job, result: SendResult) -> None:
        row_id, attempts, stats = job.outbound.id, job.attempts, job.context.stats
        at = job.context.now or self.clock.now()
        if isinstance(result, Sent):  # the common case: one statement, no read
            with transaction(self.session_factory) as session:
                session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
                    status=OutboxStatus.SENT, sent_at=at, provider_message_id=result.provider_message_id,
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
                row.status, row.next_attempt_at, row.last_error = (OutboxStatus.PENDING, at + timedelta(seconds=delay),
                                                                   result.reason[:300])
                stats.add("retried")
            else:
                reason = result.reason  # (a Failed, or a RetryLater out of attempts: Sent returned above)
                if isinstance(result, RetryLater):
                    reason = f"gave up after {attempts} attempts: {reason}"
                row.status, row.last_error = OutboxStatus.DEAD, reason[:300]
                stats.add("dead")
                if isinstance(result, Failed) and result.unreachable and row.contact_id:
                    contact = session.get(Contact, row.contact_id)
                    if contact is not None and contact.stopped_at is None:
                        contact.stopped_at = at
                log.warning("outbox %s to %s failed for good: %s", row.id, pseudonym(row.address), reason)


@dataclass
class Ticket:
    """What a job carries for whoever handed it over: its stats, the instant to record, its future."""

    stats: DispatchStats
    now: datetime | None
    future: Future


class Pump:
    """The one thread per process that decides what is sent next. It never sleeps on anyone's
    behalf: it waits for an event (a message handed over, a send returned) or the instant the
    fair queue names. Made on first use in each process (gunicorn forks after import)."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self._cond = threading.Condition()
        self._events: list[tuple[str, Job, float]] = []
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._closing = False
        self._queued = 0
        forget_in_forked_child(self)

    def submit(self, jobs: Sequence[Job]) -> list[Future]:
        if not jobs:
            return []
        with self._cond:
            self._ensure()
            self._events += [("add", job, 0.0) for job in jobs]
            self._queued += len(jobs)
            self._cond.notify_all()
        return [job.context.future for job in jobs]

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until everything handed over was sent, given back or recorded for a retry."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queued and self._pid == os.getpid() and time.monotonic() < deadline:
                self._cond.wait(0.05)

    def queued(self) -> int:
        with self._cond:
            return self._queued if self._pid == os.getpid() else 0

    def close(self, timeout: float = 30.0) -> None:
        """Give back what has not started (at once, not when its lease lapses), let the sends under
        way finish and be recorded, then stop the thread."""
        with self._cond:
            thread = self._thread if self._pid == os.getpid() else None
            if thread is None:
                return
            self._closing = True
            self._cond.notify_all()
        thread.join(timeout)
        with self._cond:
            self._thread, self._pid, self._closing = None, None, False

    def _ensure(self) -> None:
        pid = os.getpid()
        if self._pid != pid:  # first use, or a forked child: the parent's thread and queue are not ours
            self._events, self._queued, self._thread = [], 0, None
        if self._thread is None:
            self._pid, self._closing = pid, False
            d = self.dispatcher
            queue = FairQueue(d.budget, d.limits, d.monotonic,
                              None if isinstance(d.budget, LocalBudget) else d.in_turn, max_in_flight=d.workers)
            self._thread = threading.Thread(target=self._run, args=(queue,), name="send-pump", daemon=True)
            self._thread.start()

    def _forget(self) -> None:
        """In a forked child: a lock held by a parent thread at fork time would never be released."""
        self._cond = threading.Condition()
        self._pid, self._thread, self._events, self._queued = None, None, [], 0

    def _finished(self, job: Job, result: SendResult | None) -> None:
        with self._cond:
            self._queued -= 1
            self._cond.notify_all()
        if not job.context.future.done():
            job.context.future.set_result(result)

    def _start(self, job: Job, started: float) -> None:
        """An asynchronous sender (Telegram's bot loop) gets the message straight from the pump: one
        thread hand-off less between the budget's grant and the provider; others use a sender thread."""
        d = self.dispatcher
        sender = d.senders[job.outbound.channel]
        start = getattr(sender, "start", None)
        if start is None:
            d._pool.get().submit(self._send, job, started)
            return
        try:
            future = start(job.outbound, job.plan) if job.plan is not None else start(job.outbound)
        except Exception as exc:  # a sender must not raise, but a bug must not lose the row
            log.exception("sender %s raised", job.outbound.channel.value)
            future = Future()
            future.set_result(RetryLater(f"sender error: {type(exc).__name__}"))
        future.add_done_callback(lambda f: d._pool.get().submit(self._after, job, started, f.result()))

    def _send(self, job: Job, started: float) -> None:
        self._after(job, started, self.dispatcher.send(job))

    def _after(self, job: Job, started: float, result: SendResult) -> None:
        d = self.dispatcher
        if isinstance(result, RetryLater) and result.after_seconds:
            with self._cond:  # a 429 pauses this lane (and, through the budget, every process) at once
                self._events.append(("pause", job, result.after_seconds))
                self._cond.notify_all()
        try:
            d.record(job, result)
        except Exception:
            log.exception("recording outbox %s failed; its lease lapses and it is sent again", job.outbound.id)
        try:  # after the record (a crash between the answer and the record is the one that sends twice: keep
            # it short); the slot's second starts from here for every process, later than the answer (safe)
            d.budget.release(job.grant)
        except Exception:
            log.exception("releasing a send slot failed; it frees itself when its lease lapses")
        with self._cond:  # recorded and released: the chat's next message may go after its gap
            self._events.append(("done", job, d.monotonic()))
            self._cond.notify_all()
        self._finished(job, result)

    def _run(self, queue: FairQueue) -> None:
        while True:
            try:
                if not self._turn(queue):
                    return
            except Exception:  # a bug here must not silently stop this process's sending
                log.exception("send pump turn failed; going on")
                time.sleep(0.2)

    def _give_back(self, jobs: list[Job]) -> None:
        """Rows this process will not send go back to the outbox now (else their lease lapses)."""
        if not jobs:
            return
        try:
            self.dispatcher.release(jobs)
        except Exception:
            log.exception("giving rows back failed; their lease lapses")
        for job in jobs:
            self._finished(job, None)

    def _turn(self, queue: FairQueue) -> bool:
        """One round: take the events, start what is due, give back what is late; wait. False: stop."""
        d = self.dispatcher
        with self._cond:
            events, self._events = self._events, []
            closing = self._closing
        if closing and not events:
            self._give_back(queue.take_all())  # stopping: what has not started goes back at once
            with self._cond:
                if not self._queued:
                    return False
                self._cond.wait(0.05)
            return True
        for kind, job, value in events:
            if kind == "add":
                queue.add(job)
            elif kind == "done":
                queue.done(job, value)
            else:
                try:
                    queue.pause(job.outbound.channel, value)
                except Exception:
                    log.exception("sharing a 429 pause failed")
        try:
            start, expired = queue.due()
        except Exception:  # the budget's store is away: ask again shortly, nothing is lost
            log.exception("send budget unavailable; trying again")
            start, expired = [], []
            time.sleep(0.2)
        for job in start:
            self._start(job, d.monotonic())
        self._give_back(expired)
        wake = queue.next_wake()
        with self._cond:
            if not self._events and not self._closing:
                self._cond.wait(1.0 if wake is None else max(0.0, wake - d.monotonic()) + 0.0005)
        return True


class SendNow:
    """Hands a request's replies to this process's pump right after the commit, without waiting.

    The webhook answers the provider at once; the replies follow within
    milliseconds when the provider has room. If the process dies first, the
    rows' lease lapses and the dispatcher's poll sends them.
    """

    def __init__(self, dispatcher: Dispatcher, workers: int = 1) -> None:
        self.dispatcher = dispatcher
        self._pool = ProcessPool(workers, "send-now")  # claims alerts to others (a short transaction)

    def submit(self, ids: Sequence[int]) -> Future[None] | None:
        """Rows for other people (alerts, results): claimed the usual way, then handed over."""
        if not ids:
            return None
        return self._pool.get().submit(self._safe, lambda: self.dispatcher.start_batch(ids=list(ids), limit=len(ids)))

    def submit_claimed(self, messages: Sequence[Outbound], lease: timedelta | None = None) -> list[Future[None]] | None:
        if not messages:
            return None
        try:
            from bot.service import REPLY_LEASE

            return self.dispatcher.start_claimed(list(messages), lease or REPLY_LEASE)
        except Exception:
            log.exception("send-now failed; the dispatcher will send them when the lease lapses")
            return None

    @staticmethod
    def _safe(call: Callable[[], object]) -> None:
        try:
            call()
        except Exception:
            log.exception("send-now failed; the dispatcher will retry")

    def shutdown(self) -> None:
        """Wait until what was handed over is sent (tests, the terminal chat)."""
        self._pool.close()
        self.dispatcher.flush()

    def close(self) -> None:
        """A stopping process: finish the claims under way; the dispatcher gives back the rest."""
        self._pool.close()
