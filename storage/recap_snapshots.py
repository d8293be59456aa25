"""Figures kept for a while: the web page reads a kabupaten's month without counting it again at every view.

Why: a kabupaten's recap by level costs about 3 s of database work (docs/benchmarks.md), and its month's figures
per posyandu (the Beranda's visits and missing NIKs, the kaders' month, the SATUSEHAT queue by puskesmas) a few
hundred milliseconds on a busy machine: fine for the CLI and the month's workbook, too slow for a page opened many
times a day. One mechanism keeps them all (`recap_snapshot`, one row per kind, unit and month): the page shows
the figures as of `computed_at` (said on the page) and recomputes them when they are older than `max_age`; a new
visit appears there within that time (one posyandu's own pages and the chat are always live).
Functions take a session and never commit.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.levels import level_recap
from storage.models import RecapSnapshot


def kept(session: Session, kind: str, unit_key: str, year: int, month: int, now: datetime, max_age: timedelta,
         compute: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], datetime]:
    """`compute()`'s figures of this kind, unit and month, and when they were computed: the kept ones if younger
    than `max_age`, else computed now and kept. `kind` is at most 12 characters, `unit_key` 40; the figures are
    stored as JSON (keys become strings)."""
    found = session.scalars(select(RecapSnapshot).where(
        RecapSnapshot.level == kind, RecapSnapshot.unit_key == unit_key, RecapSnapshot.year == year,
        RecapSnapshot.month == month)).first()
    if found is not None and now - found.computed_at < max_age:
        return found.data, found.computed_at
    data = compute()
    if found is not None:
        found.data, found.computed_at = data, now
        return data, now
    try:
        with session.begin_nested():  # two browsers computing at once: the second keeps its own answer
            session.add(RecapSnapshot(level=kind, unit_key=unit_key, year=year, month=month, data=data,
                                      computed_at=now))
    except IntegrityError:
        pass
    return data, now


def snapshot_recap(session: Session, level: str, unit_id: int | None, year: int, month: int, now: datetime,
                   max_age: timedelta) -> tuple[dict[str, Any], datetime]:
    """The level recap of this unit and month, and when it was computed: kept if younger than `max_age`."""
    return kept(session, level, str(unit_id) if unit_id is not None else "all", year, month, now, max_age,
                lambda: level_recap(session, level, None, year, month, unit_id=unit_id))
