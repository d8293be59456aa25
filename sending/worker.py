"""The outbox worker's loop (Procfile `worker`, `app/worker.py`): drain the outbox forever. Several may run at
once on PostgreSQL.

The poll is the safety net for replies (they are normally sent right after the
webhook commits) and the main road for reminders and broadcasts.
"""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Protocol

from bot.ports import Running

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import Engine

    from sending.dispatch import Dispatcher

log = logging.getLogger(__name__)


class Sending(Running, Protocol):
    """What the loop uses of the process's wiring (`app.runtime.Runtime` is one, handed in by `app/worker.py`)."""

    @property
    def dispatcher(self) -> Dispatcher:
        ...

    @property
    def engine(self) -> Engine:
        ...


class Wakeup:
    """Waits for the poll interval, or less: on PostgreSQL a web process's NOTIFY (SEND_FROM=dispatcher)
    wakes every dispatcher at its commit, so a reply is claimed within milliseconds."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: psycopg.Connection[Any] | None = None

    def _listen(self) -> psycopg.Connection[Any] | None:
        if self._conn is None and self.engine.dialect.name == "postgresql":
            from storage.outbox import WAKE_CHANNEL

            raw = self.engine.raw_connection()
            conn = raw.driver_connection
            assert conn is not None, "a live pooled connection has its driver's"  # (wait() then polls)
            raw.detach()  # this connection only listens; it never goes back to the pool
            conn.autocommit = True
            conn.execute(f"LISTEN {WAKE_CHANNEL}")
            self._conn = conn
        return self._conn

    def wait(self, seconds: float, stop: threading.Event) -> None:
        try:
            conn = self._listen()
        except Exception:
            log.warning("cannot LISTEN for new outbox rows; polling")
            conn = None
        if conn is None:
            stop.wait(seconds)
            return
        try:
            for _ in conn.notifies(timeout=seconds, stop_after=1):
                pass
        except Exception:
            log.warning("the LISTEN connection failed; polling until it is back")
            self.close()
            stop.wait(seconds)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass


def run_forever(runtime: Sending, stop: threading.Event) -> None:
    """Keep this process's fair queue fed: claim more when it holds less than half a batch, so a chat
    waiting for its gap never leaves the account's pace unused; replies and alerts are claimed whenever
    they come, however full the queue; wait for a NOTIFY or the interval when nothing is due."""
    from storage.outbox import PRIORITY_ALERT

    dispatcher = runtime.dispatcher
    batch = runtime.settings.dispatch_batch_size
    interval = runtime.settings.dispatch_interval_seconds
    wakeup = Wakeup(runtime.engine)
    try:
        while not stop.is_set():
            try:
                room = batch - dispatcher.queued()
                if room > batch // 2:
                    claimed = dispatcher.start_batch(limit=room)[0].claimed
                else:  # full of bulk: still take what a person is waiting for
                    claimed = dispatcher.start_batch(limit=batch // 2, most_priority=PRIORITY_ALERT)[0].claimed
                    room = batch // 2
            except Exception:
                log.exception("dispatch round failed; trying again")
                claimed, room = 0, 1
            if claimed == 0 or claimed < room:
                wakeup.wait(interval, stop)
            else:
                stop.wait(0.05)
    finally:
        wakeup.close()

