"""The clock's planning jobs: one cron job per time zone, at the reminder hour, local time.

Why one job per zone rather than one per life-cycle group: a household gets
ONE message a day merging every member's reminders (a baby's immunisation,
the mother's ANC visit, the grandmother's monthly check), so all groups of a
zone are planned in one pass; inside it each rule (group) is its own
set-based query. The start-up job catches up whatever a stopped clock missed
(`plan_at(now)`, bounded by `reminder_catchup_days`).
"""
from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import DBAPIError

from scheduler.planner import ZONES, plan_at, plan_zone
from storage.places import zone_label

log = logging.getLogger(__name__)


def run_zone(runtime: Any, zone: str) -> None:
    """The daily run of one zone, for today's local date."""
    now = runtime.clock.now()
    day = now.astimezone(ZoneInfo(zone)).date()
    try:
        plan_zone(runtime.session_factory, runtime.settings, zone, day, now)
    except DBAPIError as exc:  # its text carries the statement's parameters (names, message texts): not logged
        log.error("reminder planning for %s failed: %s %s", zone_label(zone), type(exc.orig).__name__,
                  getattr(exc.orig, "sqlstate", "") or "")
    except Exception:  # the next run (or the start-up catch-up) plans what this one missed
        log.exception("reminder planning for %s failed", zone_label(zone))


def catch_up(runtime: Any) -> None:
    """At start-up: each zone's latest run, in case the clock was down at the hour."""
    try:
        plan_at(runtime.session_factory, runtime.settings, runtime.clock.now())
    except DBAPIError as exc:
        log.error("reminder catch-up failed: %s %s", type(exc.orig).__name__, getattr(exc.orig, "sqlstate", "") or "")
    except Exception:
        log.exception("reminder catch-up failed")


def register_planning_jobs(scheduler: BaseScheduler, runtime: Any) -> None:
    """Add the jobs (memory job store, re-added at every start)."""
    hour = runtime.settings.reminder_local_hour
    for zone in ZONES:
        scheduler.add_job(run_zone, CronTrigger(hour=hour, minute=0, timezone=ZoneInfo(zone)), args=(runtime, zone),
                          id=f"reminders-{zone_label(zone)}", name=f"plan reminders {zone_label(zone)}",
                          replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=3600)
    scheduler.add_job(catch_up, "date", args=(runtime,), id="reminders-catch-up", name="reminder catch-up",
                      replace_existing=True, misfire_grace_time=None)
