"""SQL statements per answer, pinned (issue 18: "9 in the step, 16 with the send"). Counted with
SQLAlchemy's `before_cursor_execute` over every thread (the pump and its sender threads too), on both
databases. A change that adds a round trip to the step or to the send fails here: lower the pins when
you take one away."""
from __future__ import annotations

import threading

from sqlalchemy import event

from bot.messages import Channel, Inbound
from bot.intake import process

# the step's own transaction (what `process` does before it returns, the send not counted) and the send
# that follows it in the web process (the claimed reply: its turn, the budget's take and release, the record)
STEP_VALUE = {"sqlite": 9, "postgresql": 8}  # answering the weight question (`8,1`) in `lapor`
SEND_TERMINAL = {"sqlite": 2, "postgresql": 1}  # SQLite: BEGIN and the record; PostgreSQL: the record
SEND_TELEGRAM_PACED = {"sqlite": 2, "postgresql": 4}  # PostgreSQL: its turn, the take, the record, the release


class Counter:
    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.n = 0
        self.lock = threading.Lock()
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self)

    def __call__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        with self.lock:
            self.n += 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self)


def say(runtime, counter: Counter, channel: Channel, address: str, text: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    runtime.dispatcher.flush()
    before = counter.n
    process(runtime, Inbound(channel, address, text))
    step = counter.n - before
    runtime.dispatcher.flush()
    return step, counter.n - before - step


def test_statements_per_answer_in_the_step_and_the_send(settings, clock, senders, db_engine, demo):
    from app.runtime import build_runtime

    runtime = build_runtime(settings.with_(send_now=True), clock=clock, senders=senders, engine=db_engine)
    counter = Counter(runtime.engine)
    dialect = runtime.engine.dialect.name
    try:
        for text in ("lapor", "aisyah"):
            say(runtime, counter, Channel.TERMINAL, "kader1", text)
        step, send = say(runtime, counter, Channel.TERMINAL, "kader1", "8,1")
        assert (step, send) == (STEP_VALUE[dialect], SEND_TERMINAL[dialect])
    finally:
        counter.close()
        runtime.close()


def test_statements_of_a_paced_send(settings, clock, senders, db_engine):
    """A person on Telegram with the account's and the chat's limits (the account's at 1,000 a second so
    that no take is refused for its spacing: a refused take asks again, a count that depends on timing)."""
    from app.runtime import build_runtime

    paced = settings.with_(send_now=True, telegram_messages_per_second=1000, telegram_per_chat_per_second=1)
    runtime = build_runtime(paced, clock=clock, senders=senders, engine=db_engine)
    counter = Counter(runtime.engine)
    dialect = runtime.engine.dialect.name
    try:
        say(runtime, counter, Channel.TELEGRAM, "7001", "/start")  # a new person; the budget's rows made
        say(runtime, counter, Channel.TELEGRAM, "7002", "/start")
        _, send = say(runtime, counter, Channel.TELEGRAM, "7003", "/start")
        assert send == SEND_TELEGRAM_PACED[dialect]
    finally:
        counter.close()
        runtime.close()
