"""The measurements a growth chart draws: a child's weights or lengths/heights, oldest first."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Measurement

COLUMN = {"wfa": (Measurement.weight_kg, "growth_flag:implausible_waz"),
          "lhfa": (Measurement.height_cm, "growth_flag:implausible_haz")}


def growth_points(session: Session, member_id: int, indicator: str, until: date) -> list[tuple[date, float]]:
    """(date, value) of every measurement up to `until`; a value WHO flags implausible is not drawn."""
    column, implausible = COLUMN[indicator]
    rows = session.execute(select(Measurement.measured_on, column, Measurement.flags).where(
        Measurement.member_id == member_id, column.is_not(None), Measurement.measured_on <= until)
        .order_by(Measurement.measured_on))
    return [(on, float(value)) for on, value, flags in rows if value is not None and implausible not in (flags or [])]
