"""SEND_FROM=dispatcher: the web process only commits and wakes the dispatchers (PostgreSQL NOTIFY,
delivered at the commit); a dispatcher waiting for its poll interval is woken at once."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from bot.messages import Channel, Inbound
from sending.worker import Wakeup
from storage.models import OutboxMessage
from bot.intake import process


def test_a_committed_reply_wakes_a_waiting_dispatcher(runtime, session, settings):
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; on SQLite the one process polls")
    runtime.settings = settings.with_(send_from="dispatcher", send_now=True)
    wakeup = Wakeup(runtime.engine)
    wakeup._listen()
    stop = threading.Event()
    waiter = threading.Thread(target=wakeup.wait, args=(120.0, stop))
    waiter.start()
    try:
        handled = process(runtime, Inbound(Channel.TELEGRAM, "4242", "/start", provider_id="u1"))
        waiter.join(60)
        assert not waiter.is_alive()  # woken by the commit, long before its two minutes
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(handled.outbox_ids))).all()
        assert rows and all(r.status == "pending" for r in rows)  # not claimed by the web process
    finally:
        stop.set()
        wakeup.close()


def test_without_postgresql_the_dispatcher_polls(runtime):
    if runtime.engine.dialect.name == "postgresql":
        pytest.skip("SQLite only")
    stop = threading.Event()
    stop.set()
    Wakeup(runtime.engine).wait(30.0, stop)  # returns at once: the stop event, no LISTEN connection
