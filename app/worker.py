"""Procfile `worker` (`python -m app.worker`): the outbox dispatcher on its own, until SIGTERM."""
from __future__ import annotations

import logging
import signal
import threading

from app.runtime import build_runtime
from bot.config import Settings, configure_logging
from sending.worker import run_forever

log = logging.getLogger(__name__)


def main() -> None:
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
