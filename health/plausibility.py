"""Plausible and possible body sizes of a child, read from WHO's own growth references.

Why: a school child's weight cannot be judged against adult ranges (a thin,
stunted 10-year-old of 18,7 kg is real; 119 kg is not a 10-year-old's weight),
and no fixed range fits every age from birth to 18. WHO's software flags a
z-score beyond its limits as implausible (anthro 1.1 for 0-59 months, anthroplus
1.0 for 5-19 years: health.growth.FLAG_RULES_2006/2007), so:

* soft limits (ask back) = the measurement at WHO's flag limits for this sex
  and age (restricted beyond +-3 SD for weight-based indicators, as WHO
  computes them). After 10 years WHO has no weight-for-age: a weight alone is
  judged by BMI-for-age at its flag limits times height-for-age at +-3 SD
  (`WEIGHT_ALONE_HEIGHT_Z`); the pair is then judged by BMI-for-age itself.
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
# ⚠ (GK) After 10 years WHO publishes no weight-for-age (growth reference 2007): a weight typed without a
# height is judged by the body at BMI-for-age's flag limits (+-5) and the height-for-age at +-3 SD (the
# lightest plausible body is very thin and very short, the heaviest very fat and very tall). With +-6 SD
# heights (the flag limits) the band let 119 kg pass for a 10-year-old; +-3 SD keeps it continuous with
# WHO's weight-for-age at 10 years (upper 79 kg -> 88 kg at 10,5 years for a boy) and accepts a thin,
# stunted 10-year-old of 18,7 kg.
WEIGHT_ALONE_HEIGHT_Z: Band = (-3.0, 3.0)


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
    if i < 0 or i >= len(rows) or (lms := rows[i]) is None:
        return None
    l, m, s = lms
    diff = months - low
    if diff > 0 and i + 1 < len(rows) and (up := rows[i + 1]) is not None:
        l2, m2, s2 = up
        l, m, s = l + diff * (l2 - l), m + diff * (m2 - m), s + diff * (s2 - s)
    return l, m, s


def soft_limits(field: str, sex: int, age_days: int, widest: bool = False) -> Band | None:
    """WHO's flag limits for this field, sex and age as a measurement; None where WHO has no reference.

    `widest`: after 10 years a weight alone at the heights of WHO's flag limits (+-6 SD), for the hard
    limit (refuse only the impossible); else at +-3 SD (`WEIGHT_ALONE_HEIGHT_Z`), for asking back."""
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
    tall = height if widest else _band(_month_lms(_t.HFA_2007, sex, months), WEIGHT_ALONE_HEIGHT_Z, False)
    if bmi is None or tall is None:
        return None
    return bmi[0] * (tall[0] / 100) ** 2, bmi[1] * (tall[1] / 100) ** 2


@cache
def group_envelope(field: str, group: str) -> Band | None:
    """The widest soft limits over every age of the life-cycle group and both sexes."""
    first, last = GROUP_MONTHS[group]
    start, end = round(first * DAYS_PER_MONTH), math.ceil((last + 1) * DAYS_PER_MONTH) - 1
    step = 1 if end <= LAST_2006_DAY else 7  # the 2007 reference is monthly: a week is fine enough
    bands = [b for sex in (1, 2) for day in range(start, end + 1, step)
             if (b := soft_limits(field, sex, day, widest=True)) is not None]
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


# -- whom a WHO flag blames ------------------------------------------------------------------------------
# The measurements each WHO index is computed from (anthro 1.1 / anthroplus 1.0 flag one index each).
FLAG_FIELDS: dict[str, tuple[str, ...]] = {
    "waz": ("weight_kg",), "haz": ("height_cm",), "position": ("height_cm",), "hcz": ("head_cm",),
    "acz": ("muac_cm",), "whz": ("weight_kg", "height_cm"), "baz": ("weight_kg", "height_cm"),
}


def implausible_alone(values: dict[str, float | None], sex: int, age_days: int) -> set[str]:
    """The fields whose value is outside WHO's flag limits for this sex and age on its own (`soft_limits`)."""
    out = set()
    for field, value in values.items():
        if value is None:
            continue
        band = soft_limits(field, sex, age_days)
        if band is not None and not band[0] <= value <= band[1]:
            out.add(field)
    return out


def blamed_fields(flags: set[str] | frozenset[str], alone: set[str]) -> tuple[str, ...]:
    """Which measurement a doubt is about: each one checked against the age first, then their combination.

    A one-measurement flag (BB/U, PB/U, LK/U, LiLA/U) blames that measurement; a pair flag (BB/PB, IMT/U)
    blames the member of the pair that is implausible on its own (119 kg for a 10-year-old, not his
    plausible 119 cm), or both when each is plausible alone and only the combination is not."""
    out: list[str] = []
    for flag in sorted(flags):
        fields = FLAG_FIELDS.get(flag, ())
        culprits = [f for f in fields if f in alone] if len(fields) > 1 else list(fields)
        for field in culprits or fields:
            if field not in out:
                out.append(field)
    return tuple(out)
