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
    interval = runtime.settings.dispatch_interval_seconds
    while not stop.is_set():
        try:
            stats = runtime.dispatcher.run_once()
            busy = stats.claimed >= runtime.settings.dispatch_batch_size
        except Exception:
            log.exception("dispatch round failed; trying again")
            busy = False
        if not busy:
            stop.wait(interval)


def main() -> None:
    from webhooks.runtime import build_runtime

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
