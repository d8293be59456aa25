"""Input validation for measurements typed by kaders (ilp-domain 2.3).

Why: a typo in a child's weight becomes a false "gizi buruk" referral, so
every value passes two layers before it is stored:
* hard range -> Reject (impossible; ask again), unless multiplying by a
  usual unit slip (grams typed as kg, mm as cm, a missing decimal point)
  lands inside the range -> Confirm with that suggestion;
* soft range -> Confirm (possible but unusual; re-measure/confirm).
The ranges are ONE data table, RANGES, all '(GK) ilp-domain 2.3' except the
rows marked ⚠ (our additions where the domain table has no row). A child's
weight, length/height, head and arm circumference are judged against WHO's own
references instead (health.plausibility): the row's hard range is the widest
a child of the group can have, and given the sex and age in days the soft
range is WHO's implausibility flag limits for that child.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .growth import Sex
from .life_stage import LifeStage
from .parsing import parse_bp, parse_number
from .plausibility import SOURCE as SRC_WHO, child_limits, group_envelope

SRC = "(GK) ilp-domain 2.3"
SRC_EXTRA = "(GK) ⚠ project addition, no row in ilp-domain 2.3"

B, A, R, D, L, H, NF = (LifeStage.BAYI_BALITA, LifeStage.ANAK, LifeStage.REMAJA,
                        LifeStage.DEWASA, LifeStage.LANSIA, LifeStage.IBU_HAMIL,
                        LifeStage.IBU_NIFAS)
ALL = frozenset(LifeStage)
NOT_BALITA = ALL - {B}


@dataclass(frozen=True, slots=True)
class Range:
    """One validation row; soft bounds None = no soft check."""

    field: str
    stages: frozenset[LifeStage]
    hard: tuple[float, float]
    soft: tuple[float | None, float | None]
    source: str
    min_age_months: int | None = None
    max_age_months: int | None = None
    # Factors tried when a value is outside the hard range (unit slips).
    slips: tuple[float, ...] = ()


def _who(field: str, stage: LifeStage, floor: tuple[float, float] | None = None) -> tuple[float, float]:
    """The group's hard range from WHO's references (health.plausibility), never narrower than `floor`."""
    band = group_envelope(field, stage.value)
    if band is None:
        raise ValueError(f"no WHO reference for {field} in {stage.value}")
    low, high = band
    if floor is not None:
        low, high = min(low, floor[0]), max(high, floor[1])
    return math.floor(low * 10) / 10, math.ceil(high * 10) / 10


CHILD_STAGES = frozenset({B, A, R})
RANGES: tuple[Range, ...] = (
    # Children: soft checks for weight/length/head/arm are WHO's flag limits by sex and age
    # (check_value with sex and age_days; the balita chat also checks the z-scores together).
    Range("weight_kg", frozenset({B}), _who("weight_kg", B, (0.5, 35)), (None, None), f"{SRC}; {SRC_WHO}",
          slips=(0.001, 0.1)),
    Range("height_cm", frozenset({B}), _who("height_cm", B, (40, 130)), (None, None), f"{SRC}; {SRC_WHO}",
          slips=(10, 0.1, 100)),
    Range("head_cm", frozenset({B}), _who("head_cm", B, (25, 60)), (None, None), f"{SRC}; {SRC_WHO}",
          slips=(10, 0.1)),
    Range("muac_cm", frozenset({B}), (7, 25), (9, 20), SRC, slips=(0.1, 10)),
    Range("weight_kg", frozenset({A}), _who("weight_kg", A), (None, None), SRC_WHO, slips=(0.001, 0.1)),
    Range("height_cm", frozenset({A}), _who("height_cm", A), (None, None), SRC_WHO, slips=(10, 0.1, 100)),
    Range("weight_kg", frozenset({R}), _who("weight_kg", R), (None, None), SRC_WHO, slips=(0.001, 0.1)),
    Range("height_cm", frozenset({R}), _who("height_cm", R), (None, None), SRC_WHO, slips=(10, 0.1, 100)),
    Range("muac_cm", frozenset({A, R}), (10, 45), (13, 35), SRC_EXTRA, slips=(0.1, 10)),
    Range("weight_kg", frozenset({D, L, H, NF}), (20, 250), (35, 150), SRC,
          slips=(0.001, 0.1)),
    Range("height_cm", frozenset({D, L, H, NF}), (100, 210), (130, 195), SRC,
          slips=(10, 0.1, 100)),
    Range("muac_cm", frozenset({D, L, H, NF}), (12, 50), (18, 40), SRC, slips=(0.1, 10)),
    Range("waist_cm", NOT_BALITA, (40, 200), (55, 150), SRC, slips=(100, 0.1)),
    # Soft BP limits ask back what is unlikely, never an ordinary pressure: the Juknis table (ilp-domain 3.6) has
    # no lower bound for "optimal" (< 120 and < 80), so 100/58 is optimal and is not asked back; a low pressure
    # (< 90/60) is classified (health.screening: ask about complaints), asked back only when unlikely as a
    # measurement (⚠ GK: systolic < 80, diastolic < 40). The upper limits mirror the urgent >= 180/110 (2.3).
    Range("systolic", ALL, (60, 260), (80, 179), f"{SRC}; 3.6 ⚠ lower soft limit GK"),
    Range("diastolic", ALL, (30, 160), (40, 109), f"{SRC}; 3.6 ⚠ lower soft limit GK"),
    Range("glucose_mgdl", ALL, (20, 600), (70, 299), SRC, slips=(18.0,)),
    Range("cholesterol_mgdl", ALL, (50, 500), (None, None), SRC),
    Range("hb_gdl", ALL, (3, 22), (7, None), SRC, slips=(0.1,)),
    Range("gestational_weeks", frozenset({H}), (0, 45), (None, 42), SRC),
    Range("adl_score", frozenset({D, L}), (0, 20), (None, None), SRC),
    Range("srq20_yes", frozenset({R, D, L, H, NF}), (0, 20), (None, None), SRC),
)
INTEGER_FIELDS = frozenset({"systolic", "diastolic", "adl_score", "srq20_yes",
                            "gestational_weeks"})


@dataclass(frozen=True, slots=True)
class Accept:
    value: Decimal


@dataclass(frozen=True, slots=True)
class Reject:
    reason_code: str  # 'not_a_number', 'out_of_range', 'not_integer', 'no_range'
    hard_range: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class Confirm:
    reason_code: str  # 'unit_slip', 'outside_usual_range', 'implausible_change', ...
    suggestion: Decimal | None


Verdict = Accept | Reject | Confirm


def find_range(field: str, stage: LifeStage, age_months: int | None = None) -> Range | None:
    """The row for this field and stage (first match in RANGES)."""
    for row in RANGES:
        if row.field != field or stage not in row.stages:
            continue
        if age_months is not None:
            if row.min_age_months is not None and age_months < row.min_age_months:
                continue
            if row.max_age_months is not None and age_months > row.max_age_months:
                continue
        return row
    return None


def _to_decimal(value: object) -> Decimal | None:
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        return parse_number(value)
    return None


def child_row(row: Range, stage: LifeStage, sex: object, age_days: int | None) -> Range:
    """The row with this child's own limits (WHO flags by sex and age), when WHO has them."""
    if stage not in CHILD_STAGES or sex is None or age_days is None:
        return row
    try:
        sex_code = int(Sex.parse(sex))
    except ValueError:
        return row
    limits = child_limits(row.field, sex_code, age_days, stage.value, row.hard)
    if limits is None:
        return row
    # A balita's values are judged together by their z-scores (WHO flags) in the chat and the interpretation.
    soft = row.soft if stage is B else limits.soft
    return Range(row.field, row.stages, limits.hard, soft, f"{row.source}; {limits.source}",
                 row.min_age_months, row.max_age_months, row.slips)


def check_value(field: str, value: object, stage: LifeStage, age_months: int | None = None, *,
                sex: object = None, age_days: int | None = None) -> Verdict:
    """Accept, Reject(reason, hard range) or Confirm(reason, suggestion).

    For a child give `sex` and `age_days`: the soft limits are then WHO's for that child.
    """
    row = find_range(field, stage, age_months)
    if row is None:
        return Reject("no_range", None)
    row = child_row(row, stage, sex, age_days)
    number = _to_decimal(value)
    if number is None:
        return Reject("not_a_number", row.hard)
    lo, hi = row.hard
    if not lo <= number <= hi:
        for factor in row.slips:
            guess = (number * Decimal(str(factor))).normalize()
            if lo <= guess <= hi and _in_soft(row, guess):
                if field in INTEGER_FIELDS:
                    guess = guess.to_integral_value()
                return Confirm("unit_slip", guess)
        return Reject("out_of_range", row.hard)
    if field in INTEGER_FIELDS and number != number.to_integral_value():
        return Reject("not_integer", row.hard)
    if not _in_soft(row, number):
        return Confirm("outside_usual_range", None)
    return Accept(number)


def _in_soft(row: Range, value: Decimal) -> bool:
    s_lo, s_hi = row.soft
    return (s_lo is None or value >= s_lo) and (s_hi is None or value <= s_hi)


def check_bp(text_or_pair: str | tuple[object, object],
             stage: LifeStage) -> Reject | tuple[Verdict, Verdict]:
    """Validate a blood pressure; systolic must exceed diastolic.

    Returns one Reject for the pair, or the two per-field verdicts
    (Accept/Confirm) when the pair is consistent.
    """
    pair = parse_bp(text_or_pair) if isinstance(text_or_pair, str) else text_or_pair
    if pair is None:
        return Reject("not_a_blood_pressure", None)
    sys_v = check_value("systolic", pair[0], stage)
    dia_v = check_value("diastolic", pair[1], stage)
    for verdict in (sys_v, dia_v):
        if isinstance(verdict, Reject):
            return verdict
    s, d = _to_decimal(pair[0]), _to_decimal(pair[1])
    if s is not None and d is not None and s <= d:
        return Reject("systolic_not_above_diastolic", None)
    return sys_v, dia_v


# -------------------------------------------------------- change checks
# Balita weight change per month (ilp-domain 2.3): soft loss > 0.5 kg or gain
# > 1.5 kg; beyond -3 / +3 kg one of the two values is almost surely wrong.
BALITA_WEIGHT_CHANGE_SOFT = (-0.5, 1.5)
BALITA_WEIGHT_CHANGE_HARD = (-3.0, 3.0)
MAX_LOSS_FRACTION = 0.30  # any loss >= 30 % -> Confirm (project rule, GK)
HEIGHT_DECREASE_CM = 1.5  # ⚠ GK: length/height do not shrink beyond error
DAYS_PER_MONTH = 30.4375


def check_change(field: str, previous: float | Decimal, current: float | Decimal,
                 days_between: int, stage: LifeStage | None = None) -> Accept | Confirm:
    """Flag an implausible change since the last visit (never rejects).

    Balita weight thresholds are per month and scale with longer intervals
    (intervals under a month use the monthly thresholds unscaled). They apply
    when `stage` is bayi_balita or None; the >= 30 % loss rule applies to all.
    """
    prev, cur = Decimal(str(previous)), Decimal(str(current))
    delta = float(cur - prev)
    if prev > 0 and -delta / float(prev) >= MAX_LOSS_FRACTION:
        return Confirm("loss_30_percent", None)
    months = max(1.0, max(days_between, 0) / DAYS_PER_MONTH)
    if field == "weight_kg" and stage in (None, LifeStage.BAYI_BALITA):
        h_lo, h_hi = BALITA_WEIGHT_CHANGE_HARD
        if delta < h_lo * months or delta > h_hi * months:
            return Confirm("weight_change_extreme", None)
        s_lo, s_hi = BALITA_WEIGHT_CHANGE_SOFT
        if delta < s_lo * months:
            return Confirm("weight_loss", None)
        if delta > s_hi * months:
            return Confirm("weight_gain_high", None)
    if field == "height_cm" and delta < -HEIGHT_DECREASE_CM:
        return Confirm("height_decrease", None)
    return Accept(cur)


__all__ = [
    "Range", "RANGES", "Accept", "Reject", "Confirm", "Verdict", "find_range",
    "check_value", "check_bp", "check_change", "parse_number", "parse_bp",
]
