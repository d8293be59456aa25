"""The month's recap to the bidan without asking, once: after the month's last posyandu day.

Rule: a posyandu's recap of month M goes to the bidan(s) of its desa at
`recap_local_hour` local time on the day of M's last scheduled posyandu
session, or, when M had no session (or the clock was down that day), on the
first days of the next month (up to `reminder_catchup_days`). "Once" is the
outbox's unique dedupe key per posyandu, month and bidan: a second run, a
second clock or a restart writes nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.recap_text import recap_replies
from bot.notices import MONTH_RECAP, tell
from health.recap import month_bounds
from bot.isolation import log_failure
from scheduler.planner import ZONES, zone_of
from storage.db import transaction
from storage.media import forget_old_media
from storage.models import Posyandu
from storage.outbox_keys import RecapKey
from storage.places import zone_info, zone_label
from storage.recap import month_recap
from storage.reminders import session_days
from storage.reporting import bidan_contacts

log = logging.getLogger(__name__)


def recap_month_due(today: date, session_days_this_month: list[date], catchup_days: int) -> tuple[int, int] | None:
    """The (year, month) whose recap is due today, if any (see the module's rule)."""
    if session_days_this_month and today >= max(session_days_this_month):
        return today.year, today.month
    if today.day <= max(1, catchup_days):
        first = today.replace(day=1) - timedelta(days=1)
        return first.year, first.month
    return None


@dataclass
class RecapStats:
    posyandu: int = 0
    sent_to: int = 0
    failed: int = 0  # posyandu whose recap failed this run (logged; tried again at the next run)


def send_monthly_recaps(session_factory: sessionmaker[Session], settings: Settings, now: datetime,
                        zone: str | None = None) -> RecapStats:
    """Write the due recaps to the outbox (text, then the workbook) for every posyandu (of `zone`).

    Each posyandu in its own transaction: one that fails (a bug, bad data) is rolled back alone, logged and
    counted, and the posyandu after it still get theirs; nothing of it was written, so the next run (the
    next day, while the recap is due) tries it again.
    """
    stats = RecapStats()
    with transaction(session_factory) as session:
        rows = session.execute(select(Posyandu.id, Posyandu.timezone).order_by(Posyandu.id)).all()
    # by planning zone, as the reminders (Asia/Pontianak is WIB; an unknown name is planned with WIB)
    ids = [pid for pid, tz in rows if zone is None or zone_of(tz, now) == zone]
    for posyandu_id in ids:
        try:
            with transaction(session_factory) as session:
                posyandu = session.get(Posyandu, posyandu_id)
                if posyandu is None:  # deleted since the list was read
                    continue
                stats.sent_to += _one(session, posyandu, settings, now)
            stats.posyandu += 1
        except Exception as exc:
            stats.failed += 1
            log_failure(log, "monthly recap of posyandu", posyandu_id, exc, private=False)
    return stats


def _one(session: Session, posyandu: Posyandu, settings: Settings, now: datetime) -> int:
    today = now.astimezone(zone_info(posyandu.timezone)).date()
    first, last = month_bounds(today.year, today.month)
    due = recap_month_due(today, session_days(session, posyandu.id, posyandu.timezone, first, last),
                          settings.reminder_catchup_days)
    if due is None:
        return 0
    year, month = due
    bidans = bidan_contacts(session, posyandu)
    if not bidans:
        return 0
    recap = month_recap(session, posyandu, year, month)
    written = 0
    for bidan in bidans:
        lang = bidan.language or settings.default_language
        replies = recap_replies(lang, recap)
        for index, reply in enumerate(replies):
            key = RecapKey(posyandu.id, year, month, bidan.id, part=index)
            if not tell(session, MONTH_RECAP.to(bidan.id, key, reply.text, attachment=reply.attachment), now, bidan):
                break  # already sent: once
            written += index == 0
    return written


def run_zone(runtime: Any, zone: str) -> None:
    try:
        stats = send_monthly_recaps(runtime.session_factory, runtime.settings, runtime.clock.now(), zone)
        if stats.failed:
            log.error("monthly recap for %s: %d posyandu failed, %d done", zone_label(zone), stats.failed,
                      stats.posyandu)
    except DBAPIError as exc:  # its text carries parameters (names): not logged
        log.error("monthly recap for %s failed: %s", zone_label(zone), type(exc.orig).__name__)
    except Exception:
        log.exception("monthly recap for %s failed", zone_label(zone))


def forget_media(runtime: Any) -> None:
    """Daily: empty the copies of delivered charts and recaps older than `media_keep_days`."""
    now = runtime.clock.now()
    try:
        with transaction(runtime.session_factory) as session:
            emptied = forget_old_media(session, now - timedelta(days=runtime.settings.media_keep_days))
        log.info("media retention: %d delivered attachments emptied", emptied)
    except Exception:
        log.exception("media retention failed")


def register_recap_jobs(scheduler: BaseScheduler, runtime: Any) -> None:
    scheduler.add_job(forget_media, CronTrigger(hour=3, minute=30, timezone=ZoneInfo("UTC")), args=(runtime,),
                      id="media-retention", name="media retention", replace_existing=True, coalesce=True,
                      max_instances=1, misfire_grace_time=3600)
    hour = runtime.settings.recap_local_hour
    for zone in ZONES:
        scheduler.add_job(run_zone, CronTrigger(hour=hour, minute=0, timezone=ZoneInfo(zone)), args=(runtime, zone),
                          id=f"recap-{zone_label(zone)}", name=f"monthly recap {zone_label(zone)}",
                          replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=3600)
