"""A broadcast to 1,000 households through the real PTB `Bot` (`TelegramSender`) and a loopback Telegram
that answers 429 past its rate: everyone gets it once, and the pace never breaks the limit.

The fake's limit is raised to 150 a second (Telegram's is about 30) so the test takes seconds, yet
stays low enough that our pacer, not the machine, sets the pace; the benchmark (bench/reminders.py)
runs 10,000 messages at the real 30.
"""
from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from bot.messages import Channel
from bot.ports import SystemClock
from sending.dispatch import Dispatcher
from storage.models import OutboxMessage
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.harness import Person
from tests.reminders.test_concurrency import many_families
from tests.reminders.helpers import mawar
from sending.telegram_client import BotRunner, TelegramSender

TOKEN = "123456:TEST-token_abc"


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


def broadcast_to_everyone(runtime) -> int:
    """The bidan announces a posyandu day for all groups at Posyandu Mawar 7."""
    bidan = Person(runtime, "bidan")
    bidan.say("buat jadwal")
    bidan.say("Posyandu Mawar 7")
    bidan.say("3 desember")
    bidan.say("08.00")
    bidan.say("1")
    preview = bidan.say("semua")
    assert "Akan dikirim ke" in preview
    bidan.say("Kirim")
    with runtime.session_factory() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "broadcast"))


def send_until_done(runtime, dispatcher, timeout=60.0):
    """Run the dispatcher as the worker does until no broadcast is pending (retries included)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dispatcher.drain()
        with runtime.session_factory() as s:
            left = s.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.kind == "broadcast", OutboxMessage.status.in_(("pending", "sending"))))
            if not left:
                return
            due = s.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending"))
        if due is not None:
            time.sleep(max(0.05, min(1.0, (due - SystemClock().now()).total_seconds())))
    raise AssertionError("broadcast not delivered in time")


def statuses(runtime):
    with runtime.session_factory() as s:
        return Counter(s.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == "broadcast")))


def test_a_broadcast_to_1000_households_is_delivered_once_each_within_the_rate(runtime, demo, session, clock):
    many_families(session, mawar(session), 1000, clock.now())
    assert broadcast_to_everyone(runtime) == 1000
    limit = 150
    settings = runtime.settings.with_(telegram_messages_per_second=limit, telegram_per_chat_per_second=1)
    with FakeTelegramAPI(global_per_second=limit, per_chat_per_second=1) as tg:
        runner = BotRunner(TOKEN, tg.base_url)
        dispatcher = Dispatcher(runtime.session_factory, {Channel.TELEGRAM: TelegramSender(runner)}, SystemClock(),
                                settings)
        started = time.monotonic()
        try:
            send_until_done(runtime, dispatcher)
        finally:
            dispatcher.close()
            runner.close()
        elapsed = time.monotonic() - started
        sent = tg.sent_messages()
        chats = Counter(m["chat_id"] for m in sent)
        assert len(sent) == 1000 and len(chats) == 1000 and set(chats.values()) == {1}  # all, none twice
        assert tg.max_rate() <= limit  # never above the limit in any sliding second
        assert len(sent) / elapsed <= limit
        assert all("📢 Jadwal Posyandu Mawar 7" in m["text"] for m in sent)
    assert statuses(runtime) == {"sent": 1000}


def test_429s_are_honoured_and_nothing_is_lost_or_doubled(runtime, demo, session, clock):
    """Our pace set above what the provider takes: it answers 429 + retry_after; we pause and retry."""
    many_families(session, mawar(session), 150, clock.now())
    assert broadcast_to_everyone(runtime) == 150
    settings = runtime.settings.with_(telegram_messages_per_second=400, telegram_per_chat_per_second=0)
    with FakeTelegramAPI(global_per_second=60) as tg:
        runner = BotRunner(TOKEN, tg.base_url)
        dispatcher = Dispatcher(runtime.session_factory, {Channel.TELEGRAM: TelegramSender(runner)}, SystemClock(),
                                settings)
        try:
            send_until_done(runtime, dispatcher)
        finally:
            dispatcher.close()
            runner.close()
        rejected = [c for c in tg.calls("sendMessage")]
        assert len(rejected) > 150  # some were refused with 429 ...
        chats = Counter(m["chat_id"] for m in tg.sent_messages())
        assert len(chats) == 150 and set(chats.values()) == {1}  # ... yet all arrived, once
        assert tg.max_rate() <= 60
    assert statuses(runtime) == {"sent": 150}
    with runtime.session_factory() as s:
        retried = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.attempts > 1))
    assert retried > 0
