"""Procfile `clock`: one APScheduler process that plans reminders in each posyandu's time zone.

Only one clock may plan at a time: on PostgreSQL it holds an advisory lock
(a second clock waits for it), and planning is idempotent anyway (dedupe keys).
Jobs are defined in code (memory job store) and re-added at every start.
"""
from __future__ import annotations

import logging
import signal
import time
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import text

from bot.config import Settings, configure_logging

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x504F5359  # "POSY"


def register_jobs(scheduler: BaseScheduler, runtime: Any) -> None:
    """Every job the clock runs. Reminder planning registers its own jobs (scheduler.jobs), and so do the
    next-morning repeat of urgent referrals (scheduler.referral_repeats) and the month's recap (scheduler.recap_job)."""
    from scheduler.recap_job import register_recap_jobs
    from scheduler.referral_repeats import register as register_referral_repeats

    register_referral_repeats(scheduler, runtime)
    register_recap_jobs(scheduler, runtime)
    try:
        from scheduler.jobs import register_planning_jobs
    except ModuleNotFoundError as exc:
        if exc.name != "scheduler.jobs":
            raise
        log.warning("no reminder planning jobs are installed")
        return
    register_planning_jobs(scheduler, runtime)


def hold_leadership(runtime: Any) -> Any:
    """Block until this process is the only clock (PostgreSQL advisory lock); SQLite: one host, go."""
    if runtime.engine.dialect.name != "postgresql":
        return None
    conn = runtime.engine.connect()
    while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar():
        conn.rollback()
        log.info("another clock holds the lock; waiting")
        time.sleep(15)
    conn.commit()
    return conn


def main() -> None:
    from bot.runtime import build_runtime

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
