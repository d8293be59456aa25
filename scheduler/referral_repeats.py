"""The next-morning repeat: an urgent ('today') referral nobody handled is told to the bidan once more.

Why a clock job: a 🚨 alert read late at night, or by a bidan on leave, must
not sink. At the reminder hour of each posyandu's own zone, the day after the
referral became urgent, every bidan of the desa gets it again, once: the row's
`repeated_at` and the outbox dedupe key make a rerun (or two clocks) write
nothing new.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session, sessionmaker

from bot.visit_text import alert_text
from bot.referral_alerts import VALUE_FIELDS, dated_by_estimate, with_pregnancy
from bot.texts import render
from bot.isolation import log_failure
from storage.db import transaction
from storage.models import Contact, Measurement, Member
from storage.referrals import mark_repeated, unhandled_urgent
from storage.reporting import bidan_contacts, reinterpret
from storage.repositories import enqueue_to_contact

log = logging.getLogger(__name__)


def repeat_in(session: Session, now: datetime, morning_hour: int, default_lang: str = "id") -> int:
    """Write the repeats due at `now`; returns how many referrals were repeated."""
    repeated = 0
    for referral, posyandu in unhandled_urgent(session, now, morning_hour):
        # each referral in its own savepoint: one that fails (a bug, bad data) is logged and left unmarked, to
        # be tried again next hour, and the others are still repeated
        savepoint = session.begin_nested()
        try:
            repeated += _repeat_one(session, referral, posyandu, now, default_lang)
            savepoint.commit()
        except Exception as exc:
            savepoint.rollback()
            log_failure(log, "repeat of urgent referral", referral.id, exc)
    return repeated


def _repeat_one(session: Session, referral: Any, posyandu: Any, now: datetime, default_lang: str) -> int:
    """One referral's repeat to every bidan of its desa (1), or 0 when its member or visit is gone."""
    member = session.get(Member, referral.member_id)
    measurement = session.get(Measurement, referral.measurement_id) if referral.measurement_id else None
    if member is None or measurement is None:
        mark_repeated(session, referral, now)
        return 0
    result = reinterpret(session, measurement)
    # the repeat is about this referral's problem: its reasons only, and its heading from their level
    result = replace(result, flags=[f for f in result.flags if not f.refer or f.code in (referral.reasons or [])])
    estimated = dated_by_estimate(session, member.id, measurement.measured_on)
    values = {name: getattr(measurement, name) for name in VALUE_FIELDS}
    kader = session.get(Contact, measurement.recorded_by_id) if measurement.recorded_by_id else None
    for bidan in bidan_contacts(session, posyandu):
        lang = bidan.language or default_lang
        reporter = (kader.display_name if kader is not None and kader.display_name else None) or render(
            lang, "referral.reporter_import" if measurement.source == "import" else "referral.reporter_unknown")
        alert = with_pregnancy(lang, alert_text(lang, posyandu.name, member, measurement.measured_on, result,
                                                values, reporter), result, estimated)
        enqueue_to_contact(session, bidan, render(lang, "referral.repeat", text=alert), now, kind="alert",
                           dedupe_key=f"referral-repeat:{referral.id}:{bidan.id}")
    mark_repeated(session, referral, now)
    return 1


def run(factory: sessionmaker[Session], settings: Any, now: datetime) -> int:
    with transaction(factory) as session:
        return repeat_in(session, now, settings.reminder_local_hour, settings.default_language)


def register(scheduler: BaseScheduler, runtime: Any) -> None:
    """Hourly at :05 UTC: each posyandu's zone reaches its morning hour at a different UTC hour."""
    scheduler.add_job(job, CronTrigger(minute=5, timezone=timezone.utc), args=(runtime,), id="referral-repeats",
                      name="repeat unhandled urgent referrals", replace_existing=True, coalesce=True,
                      max_instances=1, misfire_grace_time=3600)


def job(runtime: Any) -> None:
    """The clock's hourly call (each zone reaches its morning at another UTC hour)."""
    try:
        count = run(runtime.session_factory, runtime.settings, runtime.clock.now())
        if count:
            log.info("repeated %d unhandled urgent referrals", count)
    except Exception:  # the next hour tries again; nothing was marked
        log.exception("repeating urgent referrals failed")
