"""Procfile `worker`: drain the outbox forever. Several may run at once on PostgreSQL.

The poll is the safety net for replies (they are normally sent right after the
webhook commits) and the main road for reminders and broadcasts.
"""
from __future__ import annotations

import logging
import signal
import threading

from bot.config import Settings, configure_logging

log = logging.getLogger(__name__)


def run_forever(runtime, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    """Keep this process's fair queue fed: claim more when it holds less than a batch, so a chat
    waiting for its gap never leaves the account's pace unused; sleep the interval when nothing is due."""
    dispatcher = runtime.dispatcher
    batch = runtime.settings.dispatch_batch_size
    interval = runtime.settings.dispatch_interval_seconds
    while not stop.is_set():
        try:
            room = batch - dispatcher.queued()
            claimed = dispatcher.start_batch(limit=room)[0].claimed if room > batch // 2 else 0
        except Exception:
            log.exception("dispatch round failed; trying again")
            claimed = 0
        if claimed == 0 or claimed < room:
            stop.wait(interval)
        else:
            stop.wait(0.05)


def main() -> None:
    from runtime import build_runtime

    settings = Settings.from_env()
    configure_logging(settings)
    settings.log_channel_state()
    runtime = build_runtime(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info("dispatcher started for %s", ", ".join(c.value for c in runtime.senders) or "no channel")
    try:
        run_forever(runtime, stop)
    finally:
        runtime.close()


if __name__ == "__main__":
    main()
