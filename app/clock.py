"""Procfile `clock` (`python -m app.clock`): the one process that runs the scheduler's jobs, until SIGTERM."""
from __future__ import annotations

import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler

from app.runtime import build_runtime
from bot.config import Settings, configure_logging
from scheduler.clock import hold_leadership, register_jobs

log = logging.getLogger(__name__)


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings)
    runtime = build_runtime(settings, senders={})
    lock = hold_leadership(runtime)
    scheduler = BlockingScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    register_jobs(scheduler, runtime)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("clock started with %d jobs", len(scheduler.get_jobs()))
    try:
        scheduler.start()
    finally:
        if lock is not None:
            lock.close()
        runtime.close()


if __name__ == "__main__":
    main()
