"""Age arithmetic from dates; every function takes the reference date.

Why: z-scores use WHO's day age, Permenkes/KMS use completed months, and the
2007 reference uses decimal months; mixing them silently shifts children
across table rows, so each convention has exactly one function here.
"""

from __future__ import annotations

import calendar
from datetime import date

# WHO anthro's constant (ANTHRO_DAYS_OF_MONTH): 365.25 / 12.
DAYS_PER_MONTH = 30.4375
MAX_AGE_YEARS = 120  # an older birth date is a typo in the year


def age_in_days(birth: date, on: date) -> int:
    """Whole days from birth to `on` (WHO's age_days); ValueError if negative."""
    days = (on - birth).days
    if days < 0:
        raise ValueError(f"date {on} is before birth date {birth}")
    return days


def add_months(start: date, months: int) -> date:
    """`start` plus whole calendar months, clamping the day to the month end."""
    total = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def age_in_months(birth: date, on: date) -> int:
    """Completed calendar months at `on` (ilp-domain 1.4).

    Born 28 Jul: 0 months on 1 Aug, 1 month on 28 Aug. A month is complete on
    the same day-of-month; when that day does not exist (born 31 Jan) it is
    complete on the month's last day (28/29 Feb), like `add_months`.
    """
    if on < birth:
        raise ValueError(f"date {on} is before birth date {birth}")
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    # the month is incomplete only when `on` is earlier in its month than the birthday (whose day `add_months`
    # can only clamp down): the calendar is asked only then (a recap asks this thousands of times)
    if on.day < birth.day and add_months(birth, months) > on:
        months -= 1
    return months


def age_in_years(birth: date, on: date) -> int:
    """Completed years (birthday on 28 Feb in non-leap years for 29 Feb births)."""
    return age_in_months(birth, on) // 12


def age_months_decimal(birth: date, on: date) -> float:
    """WHO's decimal months: days / 30.4375 (used by the 2007 reference)."""
    return age_in_days(birth, on) / DAYS_PER_MONTH


def birth_problem(birth: date, on: date) -> str | None:
    """Why a birth date cannot be right on `on`: 'birth_in_future', 'birth_too_old' (> 120 years), or None."""
    if birth > on:
        return "birth_in_future"
    if age_in_years(birth, on) > MAX_AGE_YEARS:
        return "birth_too_old"
    return None
