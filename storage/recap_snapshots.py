"""A level recap kept for a while: the area dashboard reads a kabupaten's month without counting its year again.

Why: a kabupaten's recap by level costs about 3 s of database work (docs/benchmarks.md), fine for the CLI
and the month's workbook, too slow for a page opened many times a day. The page shows the figures as of
`computed_at` (said on the page) and recomputes them when they are older than `max_age`; a new visit
appears on the area dashboard within that time (the posyandu's own Rekap and the chat are always live).
Functions take a session and never commit.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.levels import level_recap
from storage.models import RecapSnapshot


def snapshot_recap(session: Session, level: str, unit_id: int | None, year: int, month: int, now: datetime,
                   max_age: timedelta) -> tuple[dict[str, Any], datetime]:
    """The level recap of this unit and month, and when it was computed: kept if younger than `max_age`."""
    key = str(unit_id) if unit_id is not None else "all"
    found = session.scalars(select(RecapSnapshot).where(
        RecapSnapshot.level == level, RecapSnapshot.unit_key == key, RecapSnapshot.year == year,
        RecapSnapshot.month == month)).first()
    if found is not None and now - found.computed_at < max_age:
        return found.data, found.computed_at
    data = level_recap(session, level, None, year, month, unit_id=unit_id)
    if found is not None:
        found.data, found.computed_at = data, now
        return data, now
    try:
        with session.begin_nested():  # two browsers computing at once: the second keeps its own answer
            session.add(RecapSnapshot(level=level, unit_key=key, year=year, month=month, data=data, computed_at=now))
    except IntegrityError:
        pass
    return data, now
