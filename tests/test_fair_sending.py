"""Sending fairly at the providers' limits: a waiting chat, a paused channel or a burst of bulk delays no
one else; one budget per provider account is shared by every process (PostgreSQL or Redis); the
dispatcher keeps each chat in order and gives back what its lease no longer covers.

The fair queue runs on an injected clock: no test here sleeps to measure fairness."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from bot.messages import Channel, Outbound
from bot.ports import SendResult, Sent
from sending import dispatch
from sending.budget import MARGIN, DatabaseBudget, Grant, Limit, LocalBudget, RedisBudget, make_budget
from sending.dispatch import Dispatcher, channel_limits
from sending.fairness import FairQueue, Job
from storage.db import transaction
from storage.models import OutboxMessage
from storage.repositories import enqueue

TG = Limit.per_second("telegram:1", 30, 1)
WA = Limit.per_second("twilio:AC:+1", 10)
REPLY, BULK = 0, 10


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def make_queue(ft: FakeTime) -> FairQueue:
    return FairQueue(LocalBudget(ft), {Channel.TELEGRAM: TG, Channel.WHATSAPP: WA}, ft)


_ids = iter(range(1, 10**9))


def job(chat: str, priority: int = REPLY, channel: Channel = Channel.TELEGRAM, deadline: float = 1e9) -> Job:
    return Job(Outbound(next(_ids), channel, chat, f"to {chat}"), 1, priority, deadline)


def run(queue: FairQueue, ft: FakeTime, until: float, send_time: float = 0.0,
        arrivals: dict[float, list[Job]] | None = None) -> dict[int, float]:
    """Drive the queue as the pump does: start what is due, finish each send `send_time` later, sleep to the
    next wake or arrival. Returns each job's start time by outbox id."""
    started: dict[int, float] = {}
    running: list[tuple[float, Job, float]] = []
    arrivals = dict(arrivals or {})
    while ft.t <= until:
        for at in sorted(a for a in arrivals if a <= ft.t):
            for j in arrivals.pop(at):
                queue.add(j)
        for end, j, began in [r for r in running if r[0] <= ft.t]:
            running.remove((end, j, began))
            queue.budget.release(j.grant)  # as the pump does when the answer comes back
            queue.done(j, ft.t)
        start, _ = queue.due()
        for j in start:
            started[j.outbound.id] = ft.t
            running.append((ft.t + send_time, j, ft.t))
        if any(r[0] <= ft.t for r in running):
            continue  # sends that returned at once: tell the queue before time moves
        wakes = [w for w in [queue.next_wake()] if w is not None] + [r[0] for r in running] + list(arrivals)
        later = [w for w in wakes if w > ft.t]
        if not later:
            if not running and not arrivals and queue.next_wake() is None:
                break
            ft.t += 0.001
            continue
        ft.t = min(later)
    return started


def test_sends_keep_the_accounts_pace_in_every_sliding_second():
    ft = FakeTime()
    queue = make_queue(ft)
    jobs = [job(f"chat{i}") for i in range(300)]
    for j in jobs:
        queue.add(j)
    started = sorted(run(queue, ft, 60).values())
    assert len(started) == 300
    assert all(later - first >= 1.0 for first, later in zip(started, started[30:]))  # never 31 in a second
    assert 300 / 30 <= started[-1] - started[0] + TG.interval <= 10 * TG.hold + 1e-6  # and at the limit's pace
    assert all(b - a >= TG.interval - 1e-9 for a, b in zip(started, started[1:]))  # evenly, not in bursts


def test_a_slow_answer_keeps_its_slot_so_no_second_at_the_provider_holds_more_than_the_limit():
    """The provider saw each request somewhere between its start and its answer: with answers taking
    0.4 s, every second of arrivals (wherever in that span they landed) still holds at most 30."""
    ft = FakeTime()
    queue = make_queue(ft)
    for j in [job(f"chat{i}") for i in range(200)]:
        queue.add(j)
    started = run(queue, ft, 60, send_time=0.4)
    spans = sorted((t, t + 0.4) for t in started.values())
    for t in [a for a, _ in spans] + [b for _, b in spans]:
        # requests whose span touches [t, t + 1): any of them may have arrived inside that second
        assert sum(1 for a, b in spans if a < t + 1.0 and b >= t) <= 30
    assert len(started) == 200 and max(started.values()) < 200 / 30 * (1 + 0.4 + MARGIN) + 1


def test_a_chat_waiting_for_its_gap_does_not_delay_other_chats():
    ft = FakeTime()
    queue = make_queue(ft)
    a1, a2, a3 = job("a"), job("a"), job("a")
    others = [job(f"b{i}") for i in range(20)]
    for j in [a1, a2, a3, *others]:
        queue.add(j)
    started = run(queue, ft, 10, send_time=0.2)
    assert started[a2.outbound.id] - started[a1.outbound.id] >= 1.0  # the chat's own gap
    assert started[a3.outbound.id] - started[a2.outbound.id] >= 1.0
    assert max(started[o.outbound.id] for o in others) < 21 * TG.interval + 1e-9  # the others at the account's pace
    assert [started[j.outbound.id] for j in (a1, a2, a3)] == sorted(started[j.outbound.id] for j in (a1, a2, a3))


def test_a_channel_paused_after_a_429_does_not_delay_the_other_channel():
    ft = FakeTime()
    queue = make_queue(ft)
    telegram = [job(f"t{i}") for i in range(5)]
    whatsapp = [job(f"+6281{i}", channel=Channel.WHATSAPP) for i in range(5)]
    for j in telegram + whatsapp:
        queue.add(j)
    queue.pause(Channel.TELEGRAM, 5.0)
    started = run(queue, ft, 20)
    assert max(started[j.outbound.id] for j in whatsapp) < 5 * WA.interval + 1e-9
    assert min(started[j.outbound.id] for j in telegram) >= 5.0


def test_a_burst_of_bulk_never_delays_a_reply():
    ft = FakeTime()
    queue = make_queue(ft)
    bulk = [job(f"h{i}", BULK) for i in range(600)]
    for j in bulk:
        queue.add(j)
    reply = job("person")
    started = run(queue, ft, 60, arrivals={2.0: [reply]})
    assert started[reply.outbound.id] - 2.0 <= 0.1  # the account's next free slot, not the 20 s of bulk
    assert sum(1 for j in bulk if started[j.outbound.id] < 2.0) >= 2 * TG.slots  # bulk kept the pace


def test_a_reply_overtakes_bulk_queued_for_the_same_chat():
    ft = FakeTime()
    queue = make_queue(ft)
    reminder, news, reply = job("x", BULK), job("x", BULK), job("x")
    for j in (reminder, news, reply):
        queue.add(j)
    started = run(queue, ft, 10)
    assert started[reply.outbound.id] < started[reminder.outbound.id] < started[news.outbound.id]


def test_a_message_whose_lease_runs_out_goes_back_with_the_rest_of_its_chat():
    ft = FakeTime()
    queue = make_queue(ft)
    paused = [job("a", deadline=2.0), job("a", deadline=30.0)]
    for j in paused:
        queue.add(j)
    queue.pause(Channel.TELEGRAM, 10.0)
    ft.t = 2.5
    start, expired = queue.due()
    assert start == [] and expired == paused  # in order, and the lane's pause did not keep them


def test_a_chat_another_process_just_wrote_to_steps_aside():
    """The shared budget says this chat must wait (another process sent to it): the next chat goes now."""
    ft = FakeTime()
    budget = LocalBudget(ft)
    elsewhere = budget.take(TG, "a")  # "another process" sends to chat a at t=0 ...
    assert elsewhere.go
    queue = FairQueue(budget, {Channel.TELEGRAM: TG}, ft)
    ft.t = 0.1
    a, b = job("a"), job("b")
    queue.add(a)
    queue.add(b)
    start, _ = queue.due()
    assert start == [b]
    budget.release(elsewhere.grant)  # ... and its answer comes back at 0.1
    ft.t = 0.1 + TG.chat_hold - 0.001
    assert queue.due()[0] == []  # a second after that answer, not before
    ft.t = 0.1 + TG.chat_hold
    assert queue.due()[0] == [a]


def test_channel_limits_come_from_the_settings_below_the_published_rates(settings):
    limits = channel_limits(settings.with_(telegram_messages_per_second=30, telegram_per_chat_per_second=1,
                                           twilio_messages_per_second=10, telegram_token="4242:secret"))
    assert limits[Channel.TELEGRAM].key == "telegram:4242"  # the bot's id, never its secret
    telegram, whatsapp = limits[Channel.TELEGRAM], limits[Channel.WHATSAPP]
    assert (telegram.slots, telegram.window, telegram.chat_window) == (30, 1.0, 1.0)  # 30 in any second, 1 a chat
    assert 1.0 < telegram.hold < 1.05 and 1.0 < telegram.chat_hold < 1.05  # held a second after the answer
    assert telegram.interval == pytest.approx(1 / 30)  # spread evenly over the second
    assert (whatsapp.slots, whatsapp.window, whatsapp.chat_window) == (10, 1.0, 0.0)
    assert limits[Channel.TELEGRAM].chat_key("+6281234567890").count("6281234567890") == 0  # pseudonymous


def test_sms_is_its_own_account_with_its_own_pace(settings):
    """The SMS fallback is a Twilio sender of its own (TWILIO_SMS_PER_SECOND): its own budget key, so it
    neither takes WhatsApp's slots nor is unpaced."""
    limits = channel_limits(settings.with_(twilio_messages_per_second=10, twilio_sms_per_second=1,
                                           twilio_sms_from="POSYANDU"))
    sms, whatsapp = limits[Channel.SMS], limits[Channel.WHATSAPP]
    assert sms.key != whatsapp.key and "POSYANDU" in sms.key
    assert (sms.slots, sms.window) == (1, 1.0)
    slow = Limit.per_second("twilio:AC:sms:SLOW", 0.5)
    assert (slow.slots, slow.window) == (1, 2.0)  # under one a second: one per 2 s
    assert len(sms.key) <= 80  # send_budget.key


def test_sms_waiting_for_its_slow_pace_does_not_delay_whatsapp():
    ft = FakeTime()
    sms_limit = Limit.per_second("twilio:AC:sms:POSYANDU", 1)
    queue = FairQueue(LocalBudget(ft), {Channel.WHATSAPP: WA, Channel.SMS: sms_limit}, ft)
    sms = [job(f"+6282{i}", BULK, channel=Channel.SMS) for i in range(5)]
    whatsapp = [job(f"+6281{i}", BULK, channel=Channel.WHATSAPP) for i in range(20)]
    for j in sms + whatsapp:
        queue.add(j)
    started = run(queue, ft, 30)
    assert max(started[j.outbound.id] for j in whatsapp) < 20 * WA.interval + 1e-9  # WhatsApp at its own pace
    times = sorted(started[j.outbound.id] for j in sms)
    assert all(b - a >= sms_limit.hold - 1e-9 for a, b in zip(times, times[1:]))  # SMS at its own


def test_the_terminal_prints_one_message_at_a_time_replies_first_each_as_written():
    """One screen shows every chat (the local chat, the transcripts): a slow send (a chart being drawn)
    must not let an alert to someone else slip between a person's replies."""
    ft = FakeTime()
    queue = FairQueue(LocalBudget(ft), {Channel.TERMINAL: Limit("terminal", one_at_a_time=True)}, ft)
    saved, chart, more = (job("kader", channel=Channel.TERMINAL) for _ in range(3))
    alert = job("bidan", 1, channel=Channel.TERMINAL)
    for j in (saved, alert, chart, more):
        queue.add(j)
    started = run(queue, ft, 10, send_time=0.5)
    assert sorted(started, key=started.get) == [j.outbound.id for j in (saved, chart, more, alert)]
    assert len(set(started.values())) == 4  # never two at once


# -- the shared budget ----------------------------------------------------------------------------

def test_a_late_take_does_not_cost_the_pace_yet_never_crowds_a_second():
    """The pump wakes 10 ms after the instant it was told: the account still sends close to its rate,
    and no second ever holds more than its slots."""
    ft = FakeTime()
    budget = LocalBudget(ft)
    starts = []
    while len(starts) < 300:
        wait = budget.take(TG, f"chat{len(starts)}")
        if wait.go:
            starts.append(ft.t)
            budget.release(wait.grant)  # answered at once
        else:
            ft.t += wait.seconds + 0.010  # woke late
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    assert rate > 0.95 * TG.slots / TG.window  # the lag is made up
    assert all(later - first >= TG.hold - 1e-9 for first, later in zip(starts, starts[30:]))


def test_a_send_in_parts_takes_a_slot_for_each_request():
    """A long text goes as several requests: each counts against the account's second."""
    ft = FakeTime()
    budget = LocalBudget(ft)
    four = Limit("twilio:AC:+2", slots=4, window=1.0)
    parts = budget.take(four, "a", cost=3)
    assert parts.go and len(parts.grant.slots) == 3
    assert not budget.take(four, "b", cost=2).go  # one slot left
    one = budget.take(four, "c")
    assert one.go
    budget.release(parts.grant)
    ft.t = 0.5
    assert not budget.take(four, "d").go  # the parts' slots: a second after their answer
    ft.t = four.hold
    assert budget.take(four, "d", cost=3).go
    assert four.cost(99) == 4  # never more than the account has


def shared_budgets(database_url):  # type: ignore[no-untyped-def]
    """Two processes' budgets on one store: two engines on PostgreSQL."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the database budget is PostgreSQL's")
    engines = [sa.create_engine(database_url) for _ in range(2)]
    return engines, [DatabaseBudget(e) for e in engines]


def test_the_database_budget_is_one_budget_for_every_process(database_url, db_engine):
    engines, (one, two) = shared_budgets(database_url)
    slow = Limit("telegram:7", slots=30, window=3600.0, interval=3600.0)
    try:
        assert one.take(slow, "a").go
        wait = two.take(slow, "b")
        assert not wait.go and not wait.chat and 3590 < wait.seconds <= 3600  # the account's pace
        chatty = Limit("telegram:8", slots=100, interval=0.001, chat_window=3600.0)
        first = one.take(chatty, "a")
        assert first.go
        time.sleep(0.002)
        under_way = two.take(chatty, "a")
        assert under_way.chat and under_way.seconds <= 0.1  # only that chat waits, and asks again soon ...
        assert two.take(chatty, "b").go  # ... another goes at once
        one.release(first.grant)
        answered = two.take(chatty, "a")
        assert answered.chat and 3590 < answered.seconds <= 3601  # after the answer: the chat's gap
        parts = Limit("twilio:13", slots=3, window=3600.0)
        three = one.take(parts, "p", cost=3)
        assert three.go and sorted(three.grant.slots) == [1, 2, 3]
        assert not two.take(parts, "q").go  # all three taken by one send in parts
        one.release(three.grant)
        fast = Limit("twilio:9", slots=100, interval=0.001)
        two.pause(fast, 60.0)
        wait = one.take(fast, "c")
        assert not wait.go and 59 < wait.seconds <= 60  # a 429 seen by one process pauses all
    finally:
        for e in engines:
            e.dispose()


def test_a_slot_is_free_again_only_a_window_after_its_answer(database_url, db_engine):
    engines, (one, two) = shared_budgets(database_url)
    two_slots = Limit("twilio:12", slots=2, window=3600.0, interval=0.0)
    try:
        a, b = one.take(two_slots, "a"), two.take(two_slots, "b")
        assert a.go and b.go
        full = one.take(two_slots, "c")
        assert not full.go and not full.chat and full.seconds <= 0.1  # both under way: ask again soon
        two.release(b.grant)
        after = one.take(two_slots, "c")
        assert not after.go and 3590 < after.seconds <= 3601  # answered: free a window later
        one.release(Grant(two_slots, "a", a.grant.slots, -1.0))  # a stale booking frees nothing
        assert not two.take(two_slots, "d").go
    finally:
        for e in engines:
            e.dispose()


def test_concurrent_takes_never_exceed_the_limit_in_any_window(database_url, db_engine):
    """4 takers on 2 connection pools: each grant is noted between its take and its release, so any
    window of the limit's length holds at most its slots, however the threads were scheduled."""
    engines, budgets = shared_budgets(database_url)
    limit = Limit("telegram:10", slots=3, window=0.2, interval=0.0)
    granted: list[float] = []
    lock = threading.Lock()

    def hammer(budget) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + 0.8
        while time.monotonic() < end:
            wait = budget.take(limit, "x")
            if wait.go:
                with lock:
                    granted.append(time.monotonic())
                budget.release(wait.grant)

    threads = [threading.Thread(target=hammer, args=(b,)) for b in budgets * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    granted.sort()
    assert len(granted) >= 6  # it did grant, window after window
    assert all(later - first >= 0.2 for first, later in zip(granted, granted[3:]))
    new_chat = Limit("telegram:11", slots=100, interval=0.0001, chat_window=3600.0)
    barrier = threading.Barrier(4)
    chat_grants: list[bool] = []

    def first_message(budget) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        chat_grants.append(budget.take(new_chat, "a-new-chat").go)

    threads = [threading.Thread(target=first_message, args=(b,)) for b in budgets * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.dispose()
    assert chat_grants.count(True) == 1  # four processes' first message to one new chat: one goes


def redis_answers() -> bool:
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
        return True
    except Exception:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_the_redis_budget_is_shared_and_pauses_all():
    import uuid

    one, two = RedisBudget("redis://127.0.0.1:6379/15"), RedisBudget("redis://127.0.0.1:6379/15")
    key = f"telegram:test-{uuid.uuid4().hex[:8]}"
    limit = Limit(key, slots=2, window=3600.0, interval=0.0, chat_window=3600.0)
    first = one.take(limit, "a")
    assert first.go
    assert two.take(limit, "a").chat  # under way
    assert two.take(limit, "b").go
    full = two.take(limit, "c")
    assert not full.go and not full.chat and full.seconds <= 0.1  # both slots under way
    one.release(first.grant)
    after = two.take(limit, "c")
    assert not after.go and 3590 < after.seconds <= 3601  # a window after the answer
    assert 3590 < two.take(limit, "a").seconds <= 3601 and two.take(limit, "a").chat
    parts = Limit(key + "-m", slots=3, window=3600.0)
    three = one.take(parts, "p", cost=3)
    assert three.go and sorted(three.grant.slots) == [1, 2, 3] and not two.take(parts, "q").go
    one.release(three.grant)
    assert 3590 < two.take(parts, "q").seconds <= 3601
    fresh = Limit(key + "-p", slots=10, interval=0.001)
    one.pause(fresh, 30)
    assert 29 < two.take(fresh, "z").seconds <= 30
    one.client.delete(*[f"posyandu:budget:{k}" for k in (key, key + "-p", key + "-m", limit.chat_key("a"),
                                                           limit.chat_key("b"))])


def test_auto_picks_the_shared_budget_on_postgresql_and_memory_on_sqlite(db_engine):
    budget = make_budget("auto", db_engine)
    expected = DatabaseBudget if db_engine.dialect.name == "postgresql" else LocalBudget
    assert isinstance(budget, expected)
    with pytest.raises(ValueError):
        make_budget("redis", db_engine, "")


# -- the dispatcher ---------------------------------------------------------------------------------

class SlowSender:
    channel = Channel.TELEGRAM

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.sent: list[Outbound] = []
        self.lock = threading.Lock()

    def send(self, message: Outbound) -> SendResult:
        time.sleep(self.delay)
        with self.lock:
            self.sent.append(message)
        return Sent(str(message.id))


def queue(runtime, clock, chats: dict[str, int]) -> None:
    with transaction(runtime.session_factory) as s:
        for chat, n in chats.items():
            for i in range(n):
                enqueue(s, channel="telegram", address=chat, text=f"{chat}-{i}", now=clock.now(), kind="nudge",
                        dedupe_key=f"{chat}:{i}")


def test_a_batch_is_sent_in_parallel_but_each_chat_in_order(runtime, clock, settings):
    queue(runtime, clock, {"1": 4, "2": 4, "3": 4})
    sender = SlowSender(0.01)
    dispatcher = Dispatcher(runtime.session_factory, {Channel.TELEGRAM: sender}, clock, settings, workers=3)
    assert dispatcher.run_once().sent == 12
    for chat in "123":
        assert [m.text for m in sender.sent if m.address == chat] == [f"{chat}-{i}" for i in range(4)]
    dispatcher.close()


class TickingSender(SlowSender):
    """Each send takes 100 ms of the dispatcher's (fake) monotonic clock."""

    def __init__(self, ft: FakeTime) -> None:
        super().__init__()
        self.ft = ft

    def send(self, message: Outbound) -> SendResult:
        self.ft.t += 0.1
        return super().send(message)


def test_a_batch_that_outlives_its_lease_gives_the_rest_back(runtime, clock, settings, session, monkeypatch):
    monkeypatch.setattr(dispatch, "LEASE_MARGIN", dispatch.LEASE.total_seconds() - 0.15)  # 150 ms of lease
    queue(runtime, clock, {"9": 6})
    ft = FakeTime()
    sender = TickingSender(ft)
    dispatcher = Dispatcher(runtime.session_factory, {Channel.TELEGRAM: sender}, clock, settings, workers=1,
                            monotonic=ft)
    stats = dispatcher.run_once()
    assert stats.sent == 2 and stats.released == 4
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [r.status for r in rows] == ["sent"] * 2 + ["pending"] * 4
    assert all(r.attempts == 0 for r in rows[2:])  # giving back is not a failed attempt
    monkeypatch.setattr(dispatch, "LEASE_MARGIN", 20.0)
    assert dispatcher.run_once().sent == 4
    assert [m.text for m in sender.sent] == [f"9-{i}" for i in range(6)]
    dispatcher.close()


def test_a_stopping_dispatcher_gives_back_at_once_what_has_not_started(runtime, clock, settings, session):
    """SIGTERM to a worker: a chat's later messages, waiting for its gap, go back to the outbox now,
    not when their lease lapses two minutes later (and it is no failed attempt)."""
    queue(runtime, clock, {"5": 3})
    sender = SlowSender()
    slow_chat = settings.with_(telegram_per_chat_per_second=0.05)  # 20 s between two messages to one chat
    dispatcher = Dispatcher(runtime.session_factory, {Channel.TELEGRAM: sender}, clock, slow_chat)
    stats, futures = dispatcher.start_batch()
    futures[0].result(timeout=10)
    dispatcher.close()
    assert [m.text for m in sender.sent] == ["5-0"] and stats.released == 2
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1), ("pending", 0), ("pending", 0)]


def test_a_chat_whose_older_message_is_with_another_process_waits_its_turn():
    ft = FakeTime()
    older_elsewhere = {"a"}
    queue = FairQueue(LocalBudget(ft), {Channel.TELEGRAM: TG}, ft, in_turn=lambda j: j.chat not in older_elsewhere)
    a, b = job("a"), job("b")
    queue.add(a)
    queue.add(b)
    assert queue.due()[0] == [b]  # a steps aside, b is not held up
    older_elsewhere.clear()  # the other process sent it
    ft.t = 0.2
    assert queue.due()[0] == [a]


class GatedSender(SlowSender):
    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def send(self, message: Outbound) -> SendResult:
        self.gate.wait(10)
        return super().send(message)


def test_two_processes_keep_a_chats_order(runtime, clock, settings, session):
    """Process A holds a chat's first message (its provider is slow), process B claims the second:
    B waits until A's has gone, though the budget has room."""
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("several sending processes share PostgreSQL")
    paced = settings.with_(telegram_messages_per_second=1000, telegram_per_chat_per_second=1000)
    with transaction(runtime.session_factory) as s:
        first = enqueue(s, channel="telegram", address="77", text="first", now=clock.now(), kind="nudge")
    slow, fast = GatedSender(), SlowSender()
    a = Dispatcher(runtime.session_factory, {Channel.TELEGRAM: slow}, clock, paced)
    b = Dispatcher(runtime.session_factory, {Channel.TELEGRAM: fast}, clock, paced)
    try:
        _, held = a.start_batch()
        with transaction(runtime.session_factory) as s:
            enqueue(s, channel="telegram", address="77", text="second", now=clock.now(), kind="nudge")
        _, later = b.start_batch()
        time.sleep(0.5)
        assert fast.sent == [] and len(later) == 1  # claimed, waiting its turn
        slow.gate.set()
        held[0].result(timeout=10)
        later[0].result(timeout=10)
        assert [m.text for m in slow.sent + fast.sent] == ["first", "second"]
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert rows[0].id == first and [r.status for r in rows] == ["sent", "sent"]
    finally:
        slow.gate.set()
        a.close()
        b.close()


def test_a_message_claimed_again_after_a_retry_keeps_its_place_in_its_chat():
    """A 429'd reply comes back (a later claim) behind a newer reply to the same chat that waits for it:
    it goes first, as it was written first, and the newer one follows (no wait for a lease to lapse)."""
    ft = FakeTime()
    newer = job("x")
    older = Job(Outbound(newer.outbound.id - 100_000, Channel.TELEGRAM, "x", "older"), 2, REPLY, 1e9)

    def in_turn(j: Job) -> bool:  # the older row is "still being sent" until it leaves this very queue
        waiting = [e[1] for e in queue.lanes[Channel.TELEGRAM].chats.get("x", [])]
        return j is older or older not in waiting

    queue = FairQueue(LocalBudget(ft), {Channel.TELEGRAM: TG}, ft, in_turn=in_turn)
    queue.add(newer)
    queue.add(older)
    started = run(queue, ft, 10)
    assert started[older.outbound.id] < started[newer.outbound.id] < 10


def test_no_more_sends_under_way_at_once_than_the_cap_even_without_a_rate_limit():
    ft = FakeTime()
    queue = FairQueue(LocalBudget(ft), {}, ft, max_in_flight=4)  # no limit for the channel
    jobs = [job(f"c{i}") for i in range(10)]
    for j in jobs:
        queue.add(j)
    first, _ = queue.due()
    assert first == jobs[:4] and queue.due()[0] == []
    queue.done(first[0], ft.t)
    assert queue.due()[0] == [jobs[4]]  # one returned, one more goes


class PlanningSender(SlowSender):
    """A sender that renders a message into parts (`plan`), counts them (`requests`) and sends a plan."""

    def __init__(self) -> None:
        super().__init__()
        self.rendered = 0
        self.sent_plans: list[object] = []

    def plan(self, message: Outbound) -> list[str]:
        with self.lock:
            self.rendered += 1
        return [message.text[i:i + 10] for i in range(0, len(message.text), 10)]

    def requests(self, message: Outbound, plan: list[str] | None = None) -> int:
        return len(self.plan(message) if plan is None else plan)

    def send(self, message: Outbound, plan: list[str] | None = None) -> SendResult:  # type: ignore[override]
        with self.lock:
            self.sent_plans.append(plan)
        return super().send(message)


def test_a_message_is_rendered_once_its_plan_kept_on_the_job(runtime, clock, settings):
    """Counting a message's requests (the budget's slots) and sending it use one rendering: the job keeps
    the plan and hands it to the sender (issue 18: it was rendered twice)."""
    with transaction(runtime.session_factory) as s:
        enqueue(s, channel="telegram", address="31", text="x" * 25, now=clock.now(), kind="nudge")
    sender = PlanningSender()
    dispatcher = Dispatcher(runtime.session_factory, {Channel.TELEGRAM: sender}, clock, settings)
    try:
        assert dispatcher.run_once().sent == 1
        claimed = Outbound(999_999, Channel.TELEGRAM, "32", "y" * 12)
        assert dispatcher.send_claimed([claimed]).sent == 1  # written claimed by a webhook (no row here: an UPDATE of none)
    finally:
        dispatcher.close()
    assert sender.rendered == 2  # once per message
    assert sender.sent_plans == [["x" * 10, "x" * 10, "x" * 5], ["y" * 10, "y" * 2]]
