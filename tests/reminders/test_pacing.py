"""The pacer (even gaps, per-chat gaps that do not hold up other chats, 429 pauses) and the dispatcher's
batch habits (one chat in order, a lease that runs short gives the rest back)."""
from __future__ import annotations

import threading
import time

from sqlalchemy import select

from bot.messages import Channel, Outbound
from bot.ports import SendResult, Sent
from scheduler import dispatch
from scheduler.dispatch import Dispatcher, default_pacers
from scheduler.pacing import SAFETY, Pacer
from storage.db import transaction
from storage.models import OutboxMessage
from storage.repositories import enqueue


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def test_sends_are_spaced_evenly_never_in_bursts():
    ft = FakeTime()
    pacer = Pacer(100, clock=ft.now, sleep=ft.sleep)
    times = []
    for i in range(50):
        pacer.wait(f"chat{i}")
        times.append(ft.t)
    gaps = {round(b - a, 6) for a, b in zip(times, times[1:])}
    assert gaps == {0.01}


def test_a_late_send_never_crowds_the_providers_window():
    """One sender thread wakes 60 ms late; the next thirty must not all land within a second of it."""
    ft = FakeTime()
    woke_late = [False]

    def sleep(seconds: float) -> None:
        ft.sleep(seconds)
        if not woke_late[0] and ft.t > 0.3:
            woke_late[0] = True
            ft.t += 0.06  # this thread was scheduled late

    pacer = Pacer(30 * SAFETY, clock=ft.now, sleep=sleep, window_limit=30)
    starts = []
    for i in range(120):
        pacer.wait(f"chat{i}")
        starts.append(ft.t)
    assert woke_late[0]
    assert all(later - first >= 1.0 for first, later in zip(starts, starts[30:]))
    assert len(starts) / (starts[-1] - starts[0]) > 0.95 * 30  # and the pace stays near the limit


def test_the_same_chat_waits_its_gap():
    ft = FakeTime()
    pacer = Pacer(100, per_chat_interval=1.0, clock=ft.now, sleep=ft.sleep)
    pacer.wait("a")
    pacer.wait("a")
    assert ft.t >= 1.0
    assert 0.99 <= pacer.chat_wait("a") <= 1.0


def test_a_429_pauses_the_whole_channel():
    ft = FakeTime()
    pacer = Pacer(100, clock=ft.now, sleep=ft.sleep)
    pacer.wait("a")
    pacer.pause(3.0)
    pacer.wait("b")
    assert ft.t >= 3.0


def test_a_chat_that_must_wait_does_not_hold_up_the_others():
    pacer = Pacer(1000, per_chat_interval=0.3)
    went: dict[str, float] = {}
    start = time.monotonic()

    def twice_to_a():
        pacer.wait("a")
        pacer.wait("a")
        went["a2"] = time.monotonic() - start

    first = threading.Thread(target=twice_to_a)
    first.start()
    time.sleep(0.05)
    pacer.wait("b")
    went["b"] = time.monotonic() - start
    first.join()
    assert went["b"] < 0.2 <= went["a2"]


def test_default_pacers_stay_below_the_configured_rates(settings):
    pacers = default_pacers(settings.with_(telegram_messages_per_second=30, telegram_per_chat_per_second=1,
                                           twilio_messages_per_second=10))
    assert abs(pacers[Channel.TELEGRAM].interval - 1 / (30 * SAFETY)) < 1e-9
    assert pacers[Channel.TELEGRAM].per_chat_interval > 1.0
    assert abs(pacers[Channel.WHATSAPP].interval - 1 / (10 * SAFETY)) < 1e-9
    half = default_pacers(settings.with_(telegram_messages_per_second=30), share=0.5)
    assert abs(half[Channel.TELEGRAM].interval - 1 / (15 * SAFETY)) < 1e-9


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


def test_a_batch_that_outlives_its_lease_gives_the_rest_back(runtime, clock, settings, session, monkeypatch):
    monkeypatch.setattr(dispatch, "LEASE_MARGIN", dispatch.LEASE.total_seconds() - 0.15)  # 150 ms of lease
    queue(runtime, clock, {"9": 6})
    sender = SlowSender(0.1)
    dispatcher = Dispatcher(runtime.session_factory, {Channel.TELEGRAM: sender}, clock, settings, workers=1)
    stats = dispatcher.run_once()
    assert stats.sent == 2 and stats.released == 4
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [r.status for r in rows] == ["sent"] * 2 + ["pending"] * 4
    assert all(r.attempts == 0 for r in rows[2:])  # giving back is not a failed attempt
    monkeypatch.setattr(dispatch, "LEASE_MARGIN", 20.0)
    assert dispatcher.run_once().sent == 4
    assert [m.text for m in sender.sent] == [f"9-{i}" for i in range(6)]
