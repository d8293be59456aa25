"""Procfile `satusehat` (`python -m app.satusehat`): the SATUSEHAT sender, on its own, until SIGTERM."""
from __future__ import annotations

import logging
import signal
import threading

from app.runtime import build_runtime
from bot.config import Settings, configure_logging
from sending.satusehat_sync import SatusehatSender, run_forever

log = logging.getLogger(__name__)


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings)
    runtime = build_runtime(settings, senders={})
    sync = SatusehatSender(runtime.session_factory, settings, runtime.clock)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info("SATUSEHAT sync started (%s)", "credentials found" if sync.enabled() else
             "no puskesmas has credentials: nothing is sent")
    try:
        run_forever(sync, stop)
    finally:
        sync.close()
        runtime.close()


if __name__ == "__main__":
    main()
