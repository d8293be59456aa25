"""Plausible and possible body sizes of a child, read from WHO's own growth references.

Why: a school child's weight cannot be judged against adult ranges (a thin,
stunted 10-year-old of 18,7 kg is real; 119 kg is not a 10-year-old's weight),
and no fixed range fits every age from birth to 18. WHO's software flags a
z-score beyond its limits as implausible (anthro 1.1 for 0-59 months, anthroplus
1.0 for 5-19 years: health.growth.FLAG_RULES_2006/2007), so:

* soft limits (ask back) = the measurement at WHO's flag limits for this sex
  and age (restricted beyond +-3 SD for weight-based indicators, as WHO
  computes them). After 10 years WHO has no weight-for-age: a weight alone is
  judged by BMI-for-age at its flag limits times height-for-age at its flag
  limits (the lightest and heaviest body WHO would not flag); the pair is then
  judged by BMI-for-age itself.
* hard limits (refuse) = the widest soft limits of anyone in the child's
  life-cycle group (any age in the group, either sex), never narrower than the
  ilp-domain 2.3 balita row: a value no child of that group could have.
Length/height limits allow WHO's 0,7 cm lying/standing difference both ways.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from . import who_tables as _t
from .ages import DAYS_PER_MONTH
from .growth import FLAG_RULES_2006, FLAG_RULES_2007, POSITION_CORRECTION_CM, lms_value

SOURCE = ("WHO anthro 1.1 / anthroplus 1.0 implausibility flags (z-scores) applied to the WHO Child Growth "
          "Standards 2006 and Growth Reference 2007 tables [S25][S26]; group envelope for the hard limit ⚠ (GK)")
CHILD_FIELDS = ("weight_kg", "height_cm", "head_cm", "muac_cm")
LAST_2006_DAY = 1856  # the 2006 tables end here; the 2007 reference starts at 61 months
ACFA_FIRST_DAY = 91
# Completed-month bounds of the child life stages (health.life_stage.AGE_BANDS_MONTHS).
GROUP_MONTHS = {"bayi_balita": (0, 59), "anak": (60, 119), "remaja": (120, 215)}

Band = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Limits:
    """Hard (refuse) and soft (ask back) limits of one field for one child."""

    hard: Band
    soft: Band
    source: str = SOURCE


def value_at_z(lms: tuple[float, float, float], z: float, restricted: bool) -> float:
    """The measurement with this z-score; beyond +-3 SD WHO's restricted rule is linear in SD3-SD2."""
    l, m, s = lms
    if restricted and abs(z) > 3:
        sign = 1 if z > 0 else -1
        sd3, sd2 = lms_value(l, m, s, 3 * sign), lms_value(l, m, s, 2 * sign)
        return sd3 + (abs(z) - 3) * abs(sd3 - sd2) * sign
    return lms_value(l, m, s, z)


def _band(lms: tuple[float, float, float] | None, rule: Band, restricted: bool) -> Band | None:
    if lms is None:
        return None
    return value_at_z(lms, rule[0], restricted), value_at_z(lms, rule[1], restricted)


def _month_lms(table: _t.Table, sex: int, months: float) -> tuple[float, float, float] | None:
    """L, M, S at decimal months, interpolated like health.growth._by_month."""
    rows = table[sex]
    low = math.trunc(months)
    i = low - _t.REF2007_FIRST_MONTH
    if i < 0 or i >= len(rows) or rows[i] is None:
        return None
    l, m, s = rows[i]  # type: ignore[misc]
    diff = months - low
    if diff > 0 and i + 1 < len(rows) and rows[i + 1] is not None:
        l2, m2, s2 = rows[i + 1]  # type: ignore[misc]
        l, m, s = l + diff * (l2 - l), m + diff * (m2 - m), s + diff * (s2 - s)
    return l, m, s


def soft_limits(field: str, sex: int, age_days: int) -> Band | None:
    """WHO's flag limits for this field, sex and age as a measurement; None where WHO has no reference."""
    if age_days < 0:
        return None
    if age_days <= LAST_2006_DAY:
        rows = {"weight_kg": (_t.WFA, "waz", True), "height_cm": (_t.LHFA, "haz", False),
                "head_cm": (_t.HCFA, "hcz", False), "muac_cm": (_t.ACFA, "acz", True)}.get(field)
        if rows is None or (field == "muac_cm" and age_days < ACFA_FIRST_DAY):
            return None
        table, name, restricted = rows
        band = _band(table[sex][age_days], FLAG_RULES_2006[name], restricted)
        if band is not None and field == "height_cm":
            band = (band[0] - POSITION_CORRECTION_CM, band[1] + POSITION_CORRECTION_CM)
        return band
    months = max(float(_t.REF2007_FIRST_MONTH), age_days / DAYS_PER_MONTH)
    height = _band(_month_lms(_t.HFA_2007, sex, months), FLAG_RULES_2007["haz"], False)
    if field == "height_cm":
        return height
    if field != "weight_kg" or height is None:
        return None
    if months <= 120:
        return _band(_month_lms(_t.WFA_2007, sex, months), FLAG_RULES_2007["waz"], True)
    bmi = _band(_month_lms(_t.BFA_2007, sex, months), FLAG_RULES_2007["baz"], True)
    if bmi is None:
        return None
    return bmi[0] * (height[0] / 100) ** 2, bmi[1] * (height[1] / 100) ** 2


@cache
def group_envelope(field: str, group: str) -> Band | None:
    """The widest soft limits over every age of the life-cycle group and both sexes."""
    first, last = GROUP_MONTHS[group]
    start, end = round(first * DAYS_PER_MONTH), math.ceil((last + 1) * DAYS_PER_MONTH) - 1
    step = 1 if end <= LAST_2006_DAY else 7  # the 2007 reference is monthly: a week is fine enough
    bands = [b for sex in (1, 2) for day in range(start, end + 1, step)
             if (b := soft_limits(field, sex, day)) is not None]
    if not bands:
        return None
    return min(b[0] for b in bands), max(b[1] for b in bands)


def child_limits(field: str, sex: int, age_days: int, group: str,
                 floor: Band | None = None) -> Limits | None:
    """Hard and soft limits for a child of this group; `floor` is a fixed hard range never narrowed."""
    if group not in GROUP_MONTHS:
        return None
    soft = soft_limits(field, sex, age_days)
    hard = group_envelope(field, group)
    if soft is None or hard is None:
        return None
    if floor is not None:
        hard = (min(hard[0], floor[0]), max(hard[1], floor[1]))
    return Limits((math.floor(hard[0] * 10) / 10, math.ceil(hard[1] * 10) / 10), soft)
