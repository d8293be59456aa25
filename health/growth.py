"""WHO growth z-scores: Child Growth Standards 2006 (0-60 mo) and the 2007
Growth Reference (61-228 mo), computed the way WHO's own R code does.

Why our own code: no PyPI package matched WHO on every indicator
(shared/docs/libraries.md), so this module re-implements WHO anthro 1.1 /
anthroplus 1.0 rules and is tested row-for-row against WHO's output:

* LMS z = ((y/M)^L - 1) / (L*S).
* Weight-based indicators (weight-for-age, weight-for-length/height,
  BMI-for-age, arm circumference-for-age) use WHO's restricted computation
  beyond +-3 SD: z = 3 + (y - SD3pos) / (SD3pos - SD2pos), mirrored below -3.
* 2006 tables are looked up by age in whole days; z-scores only for
  age < 60 months (days / 30.4375 < 60, i.e. <= 1826 days).
* Length/height: table rows < 731 days are length, >= 731 days height. A
  lying measurement at >= 731 days loses 0.7 cm, a standing one < 731 days
  gains 0.7 cm. As in anthro 1.1, a standing measurement under 9 months
  (days / 30.4375 < 9) is implausible: it is NOT corrected and the result
  carries the 'position' flag.
* Weight-for-length (45-110 cm) below 731 days, weight-for-height
  (65-120 cm) from 731 days, on the corrected length, interpolating L, M, S
  linearly between the 0.1 cm rows. BMI uses the corrected length.
* 2007 reference: age in decimal months, L, M, S interpolated linearly
  between the monthly rows; height- and BMI-for-age for 61-228 months,
  weight-for-age for 61-120 months only.
* z-scores are rounded to 2 decimals as WHO reports them, and WHO's
  implausibility flags are judged on the rounded value (as anthro does).

None means WHO gives no z-score (missing/invalid input, outside the table);
the functions never raise for numeric input, including NaN and infinity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import SupportsFloat, TypeGuard

from . import who_tables as _t
from .ages import DAYS_PER_MONTH, age_in_days, age_in_months, age_months_decimal

__all__ = [
    "Sex", "ChildZ", "SchoolZ", "child_zscores", "reference2007_zscores",
    "age_in_days", "age_in_months", "age_months_decimal", "lms_zscore", "zscores_2006",
    "lms_value", "FLAG_RULES_2006", "FLAG_RULES_2007",
]

FLAG_SOURCE = "WHO anthro 1.1 / anthroplus 1.0 flag rules (R packages, WHO)"
# Implausible if z < low or z > high (judged on the 2-decimal z).
FLAG_RULES_2006: dict[str, tuple[float, float]] = {
    "waz": (-6.0, 5.0), "haz": (-6.0, 6.0), "whz": (-5.0, 5.0),
    "baz": (-5.0, 5.0), "hcz": (-5.0, 5.0), "acz": (-5.0, 5.0),
}
FLAG_RULES_2007: dict[str, tuple[float, float]] = {
    "haz": (-6.0, 6.0), "waz": (-6.0, 5.0), "baz": (-5.0, 5.0),
}

LENGTH_TABLE_LAST_DAY = 730  # WHO: 24 months = 731 days is the first height day
POSITION_CORRECTION_CM = 0.7
MIN_MONTHS_STANDING = 9.0  # anthro 1.1: standing under 9 months is implausible
WFL_RANGE_CM = (45.0, 110.0)
WFH_RANGE_CM = (65.0, 120.0)
MAX_MONTHS_2006 = 60.0  # exclusive
REF2007_MONTHS = (61.0, 228.0)
REF2007_WFA_MAX_MONTHS = 120.0


def too_young_to_stand(age_days: int | float) -> bool:
    """WHO anthro 1.1: a standing measure under 9 months is implausible; the baby is measured lying
    (length, PB: ilp-domain 2.3, every child under 24 months is measured lying)."""
    return age_days / DAYS_PER_MONTH < MIN_MONTHS_STANDING


class Sex(IntEnum):
    """WHO coding: 1 male, 2 female."""

    MALE = 1
    FEMALE = 2

    @property
    def code(self) -> str:
        """'L' or 'P': how the KMS and our database write it."""
        return "L" if self is Sex.MALE else "P"

    @classmethod
    def parse(cls, value: object) -> "Sex":
        """Accept 1/2, 'L'/'P' (laki-laki/perempuan), 'M'/'F' and the words people type in chat."""
        if isinstance(value, Sex):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        text = str(value).strip().lower()
        if text in _SEX_WORDS:
            return _SEX_WORDS[text]
        raise ValueError(f"unknown sex: {value!r}")


_SEX_WORDS = {
    "1": Sex.MALE, "l": Sex.MALE, "m": Sex.MALE, "male": Sex.MALE,
    "laki-laki": Sex.MALE, "laki laki": Sex.MALE, "laki": Sex.MALE, "lk": Sex.MALE,
    "pria": Sex.MALE, "cowok": Sex.MALE,
    "2": Sex.FEMALE, "p": Sex.FEMALE, "f": Sex.FEMALE, "female": Sex.FEMALE,
    "perempuan": Sex.FEMALE, "pr": Sex.FEMALE, "wanita": Sex.FEMALE, "cewek": Sex.FEMALE,
}


@dataclass(frozen=True, slots=True)
class ChildZ:
    """WHO 2006 z-scores for one measurement (None = WHO gives none)."""

    waz: float | None = None  # weight-for-age (BB/U)
    haz: float | None = None  # length/height-for-age (PB/U, TB/U)
    whz: float | None = None  # weight-for-length/height (BB/PB, BB/TB)
    baz: float | None = None  # BMI-for-age (IMT/U)
    hcz: float | None = None  # head circumference-for-age (LK/U)
    acz: float | None = None  # arm circumference-for-age (LiLA/U), from 91 days
    corrected_length_cm: float | None = None
    bmi: float | None = None
    measure: str | None = None  # 'L'/'H' used; None if unknown or implausible
    whz_table: str | None = None  # 'wfl' or 'wfh'
    # Names of flagged indicators ('waz', ...) plus 'position' when a child
    # under 9 months was measured standing (anthro's c9mo_flag).
    flags: frozenset[str] = frozenset()

    @property
    def implausible(self) -> bool:
        """True when any WHO flag is set: ask the kader to re-measure."""
        return bool(self.flags)


@dataclass(frozen=True, slots=True)
class SchoolZ:
    """WHO 2007 reference z-scores for 5-19 years (None = WHO gives none)."""

    haz: float | None = None
    waz: float | None = None
    baz: float | None = None
    bmi: float | None = None
    flags: frozenset[str] = frozenset()

    @property
    def implausible(self) -> bool:
        return bool(self.flags)


def lms_value(l: float, m: float, s: float, z: float) -> float:
    """Measurement at z-score z: M * (1 + L*S*z)^(1/L)."""
    if l == 0:
        return m * math.exp(s * z)
    value: float = m * (1 + l * s * z) ** (1 / l)  # float ** float is typed Any (a negative base gives complex)
    return value


def lms_zscore(y: float, l: float, m: float, s: float, restricted: bool) -> float | None:
    """Unrounded z for measurement y; `restricted` applies WHO's +-3 SD rule."""
    if not 0 < y < math.inf:
        return None
    try:
        if l == 0:
            z = math.log(y / m) / s
        else:
            z = ((y / m) ** l - 1) / (s * l)
    except (OverflowError, ValueError, ZeroDivisionError):
        z = math.inf if y > m else -math.inf
    if restricted and (z > 3 or z < -3):
        if z > 3:
            sd3 = lms_value(l, m, s, 3)
            z = 3 + (y - sd3) / (sd3 - lms_value(l, m, s, 2))
        else:
            sd3 = lms_value(l, m, s, -3)
            z = -3 + (y - sd3) / (lms_value(l, m, s, -2) - sd3)
    if not math.isfinite(z):
        return None
    return z


def _ok(x: float | None) -> TypeGuard[float]:
    """A usable positive finite measurement (WHO: measure <= 0 gives NA)."""
    return x is not None and x > 0 and x < math.inf


def _num(x: SupportsFloat | str | None) -> float | None:
    """A finite float or None; bad input (text, NaN, inf) counts as missing."""
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError, OverflowError):
        return None
    return f if -math.inf < f < math.inf else None


def _bmi(weight: float | None, height_cm: float | None) -> float | None:
    """kg/m^2, or None when either input is unusable or the result overflows."""
    if not _ok(weight) or not _ok(height_cm):
        return None
    try:
        value = weight / ((height_cm / 100) ** 2)
    except (OverflowError, ZeroDivisionError):
        return None
    return value if 0 < value < math.inf else None


def _sex(sex: Sex | int | str) -> int | None:
    if sex == 1 or sex == 2:
        return int(sex)
    try:
        return int(Sex.parse(sex))
    except ValueError:
        return None


def _day_z(rows: list[_t.LMS | None], day: int, y: float | None,
           restricted: bool) -> float | None:
    """Rounded z from a by-day table; None without a usable value or row."""
    if y is None or not 0 < y < math.inf or day >= len(rows):
        return None
    lms = rows[day]
    if lms is None:
        return None
    z = lms_zscore(y, lms[0], lms[1], lms[2], restricted)
    return None if z is None else round(z, 2)


def _weight_for_lenhei(rows: list[_t.LMS | None], first_tenths: int, weight: float,
                       clen: float) -> float | None:
    """WHO's weight-for-length/height with interpolation between 0.1 cm rows."""
    # Same float steps as anthro: low = trunc(x*10)/10, diff = (x - low)/0.1.
    tenths = math.trunc(clen * 10)
    diff = (clen - tenths / 10) / 0.1
    lms = rows[tenths - first_tenths]
    if lms is None:
        return None
    l, m, s = lms
    if diff > 0:
        up_idx = tenths + 1 - first_tenths
        if up_idx >= len(rows) or (up := rows[up_idx]) is None:
            return None
        l2, m2, s2 = up
        l, m, s = l + diff * (l2 - l), m + diff * (m2 - m), s + diff * (s2 - s)
    z = lms_zscore(weight, l, m, s, True)
    return None if z is None else round(z, 2)


def zscores_2006(sex: int, age_days: int, weight_kg: float | None,
                 clen_cm: float | None) -> tuple[float | None, float | None,
                                                 float | None, float | None]:
    """Fast path: (waz, haz, whz, baz) from clean inputs.

    For batch jobs that already hold clean data: sex is 1 or 2, age_days an
    int in 0..1826 (< 60 months), clen_cm the position-corrected length
    (see `child_zscores`), measurements positive finite floats or None. No
    flags and no input cleaning; `child_zscores` calls this same code.
    """
    waz = _day_z(_t.WFA[sex], age_days, weight_kg, True)
    haz = _day_z(_t.LHFA[sex], age_days, clen_cm, False)
    whz = baz = None
    if weight_kg is not None and clen_cm is not None and weight_kg > 0 and clen_cm > 0:
        if age_days <= LENGTH_TABLE_LAST_DAY:
            lo, hi = WFL_RANGE_CM
            if lo <= clen_cm <= hi:
                whz = _weight_for_lenhei(_t.WFL[sex], _t.WFL_FIRST_TENTHS, weight_kg, clen_cm)
        else:
            lo, hi = WFH_RANGE_CM
            if lo <= clen_cm <= hi:
                whz = _weight_for_lenhei(_t.WFH[sex], _t.WFH_FIRST_TENTHS, weight_kg, clen_cm)
        baz = _day_z(_t.BFA[sex], age_days, _bmi(weight_kg, clen_cm), True)
    return waz, haz, whz, baz


def _flagged(rules: dict[str, tuple[float, float]], name: str, z: float | None) -> bool:
    if z is None:
        return False
    low, high = rules[name]
    return z < low or z > high


def _position(position: str | None) -> str | None:
    if position == "L" or position == "H":
        return position
    if isinstance(position, str):
        p = position.strip().upper()
        if p in ("L", "H"):
            return p
    return None


_NO_FLAGS: frozenset[str] = frozenset()


def child_zscores(
    sex: Sex | int | str,
    age_days: int | float,
    weight_kg: float | None = None,
    length_cm: float | None = None,
    position: str | None = None,
    head_cm: float | None = None,
    muac_cm: float | None = None,
) -> ChildZ:
    """WHO 2006 z-scores for a child 0-59 months on the day of measurement.

    `position` is 'L' (lying, PB) or 'H' (standing, TB); None means unknown
    and WHO then assumes the position matching the age (no correction).
    """
    sx = _sex(sex)
    if sx is None:
        return ChildZ()
    age = _num(age_days)
    if age is None or age < 0:
        return ChildZ()
    weight, length = _num(weight_kg), _num(length_cm)
    # anthro rounds a fractional day half up before the table join.
    day = int(math.floor(age + 0.5))
    months = age / DAYS_PER_MONTH

    measure = _position(position)
    flags: list[str] = []
    if measure == "H" and months < MIN_MONTHS_STANDING:
        measure = None
        flags.append("position")
    clen = length
    if clen is not None:
        if measure == "H" and day <= LENGTH_TABLE_LAST_DAY:
            clen = clen + POSITION_CORRECTION_CM
        elif measure == "L" and day > LENGTH_TABLE_LAST_DAY:
            clen = clen - POSITION_CORRECTION_CM
    bmi = _bmi(weight, clen)

    if months >= MAX_MONTHS_2006:
        return ChildZ(corrected_length_cm=clen, bmi=bmi, measure=measure,
                      flags=frozenset(flags))

    waz, haz, whz, baz = zscores_2006(sx, day, weight, clen if _ok(clen) else None)
    hcz = acz = None
    if head_cm is not None:
        hcz = _day_z(_t.HCFA[sx], day, _num(head_cm), False)
    if muac_cm is not None:
        acz = _day_z(_t.ACFA[sx], day, _num(muac_cm), True)
    rules = FLAG_RULES_2006
    for name, z in (("waz", waz), ("haz", haz), ("whz", whz), ("baz", baz),
                    ("hcz", hcz), ("acz", acz)):
        if z is not None and _flagged(rules, name, z):
            flags.append(name)
    return ChildZ(waz=waz, haz=haz, whz=whz, baz=baz, hcz=hcz, acz=acz,
                  corrected_length_cm=clen, bmi=bmi, measure=measure,
                  whz_table=None if whz is None else (
                      "wfl" if day <= LENGTH_TABLE_LAST_DAY else "wfh"),
                  flags=frozenset(flags) if flags else _NO_FLAGS)


def _by_month(table: _t.Table, sex: int, age: float, y: float | None,
              restricted: bool) -> float | None:
    if not _ok(y):
        return None
    rows = table[sex]
    low = math.trunc(age)
    diff = age - low
    i = low - _t.REF2007_FIRST_MONTH
    if i < 0 or i >= len(rows) or (lms := rows[i]) is None:
        return None
    l, m, s = lms
    if diff > 0:
        if i + 1 >= len(rows) or (up := rows[i + 1]) is None:
            return None
        l2, m2, s2 = up
        l, m, s = l + diff * (l2 - l), m + diff * (m2 - m), s + diff * (s2 - s)
    z = lms_zscore(y, l, m, s, restricted)
    return None if z is None else round(z, 2)


def reference2007_zscores(
    sex: Sex | int | str,
    age_months: float,
    height_cm: float | None = None,
    weight_kg: float | None = None,
) -> SchoolZ:
    """WHO 2007 z-scores for 61-228 months (weight-for-age to 120 months).

    `age_months` is decimal months (use `age_months_decimal`), as anthroplus.
    """
    sx = _sex(sex)
    if sx is None:
        return SchoolZ()
    age = _num(age_months)
    height, weight = _num(height_cm), _num(weight_kg)
    bmi = _bmi(weight, height)
    lo, hi = REF2007_MONTHS
    if age is None or not lo <= age <= hi:
        return SchoolZ(bmi=bmi)
    haz = _by_month(_t.HFA_2007, sx, age, height, False)
    baz = _by_month(_t.BFA_2007, sx, age, bmi, True)
    waz = None
    if age <= REF2007_WFA_MAX_MONTHS:
        waz = _by_month(_t.WFA_2007, sx, age, weight, True)
    flags = frozenset(name for name, z in (("haz", haz), ("waz", waz), ("baz", baz))
                      if _flagged(FLAG_RULES_2007, name, z))
    return SchoolZ(haz=haz, waz=waz, baz=baz, bmi=bmi, flags=flags)
