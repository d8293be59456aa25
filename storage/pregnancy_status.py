"""Pregnancy is a status, not a date: the two facts every reader of a `Pregnancy` row needs.

An undated pregnancy (she said she is pregnant, the HPHT is unknown) has `hpht` None and `reported_on`;
health's rules take it as `pregnant_since` (health.life_stage.is_pregnant), so screening, urgency, alerts,
recap counts and reminders treat her as ibu hamil whether or not her pregnancy can be dated.
"""
from __future__ import annotations

from datetime import date
from typing import Protocol


class Told(Protocol):
    """What these rules read of a pregnancy: a `Pregnancy` row, or a query's row with the same two columns."""

    @property
    def hpht(self) -> date | None: ...

    @property
    def reported_on(self) -> date | None: ...


def pregnancy_start(pregnancy: Told) -> date:
    """The date a pregnancy is ordered by: its HPHT, or the day an undated one was told."""
    return pregnancy.hpht or pregnancy.reported_on or date.min


def pregnancy_since(pregnancy: Told | None) -> date | None:
    """`pregnant_since` of health's rules: the day an undated pregnancy (HPHT unknown) was told, else None."""
    if pregnancy is None or pregnancy.hpht is not None:
        return None
    return pregnancy.reported_on
