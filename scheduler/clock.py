"""The clock's jobs and its leadership (Procfile `clock`, `app/clock.py`): one APScheduler process that plans
reminders in each posyandu's time zone.

Only one clock may plan at a time: on PostgreSQL it holds an advisory lock
(a second clock waits for it), and planning is idempotent anyway (dedupe keys).
Jobs are defined in code (memory job store) and re-added at every start.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import text

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

