"""One visit's interpretation: which of health/'s rules apply to whom, and what they say.

One pure function serves the chat summary, the save and the CSV import, so a
measurement means the same wherever it was entered (ilp-domain §3). Every
threshold stays in its own module; this one only decides which rule applies to
which member (age, sex, pregnancy) and collects the flags for the bidan.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .ages import age_in_days, age_in_months, age_months_decimal
from .category import Category, Severity
from .growth import Sex, child_zscores, reference2007_zscores
from .kms import months_between, weight_gain
from .measurements import CODE_COLUMNS, DECIMALS
from .life_stage import AGE_BANDS_MONTHS, LifeStage, primary_stage
from .child_flags import implausible, untrusted
from .urgency import TODAY, level_of, overall
from .nutrition import child_status, growth_flags, school_status
from .pregnancy import pregnancy_status, trimester
from .screening import (
    WAIST_MIN_AGE_YEARS, adult_bmi_category, anaemia_group, bmi, bp_category, glucose_category, hb_category,
    muac_category, waist_category,
)


# -- interpretation (pure) ----------------------------------------------------------
# One function for the chat summary, the save and the CSV import. Every threshold is
# health/'s; this only decides which rule applies to whom (ilp-domain 3).
_BANDS = {stage: first for stage, first, _ in AGE_BANDS_MONTHS}
ADULT_MONTHS = _BANDS["dewasa"]  # adult BMI from 18 years; IMT/U (WHO 2007) before (Permenkes 2/2020)
LANSIA_YEARS = _BANDS["lansia"] // 12
WUS_YEARS = (15, 49)  # ⚠ (GK, ilp-domain 1.4) wanita usia subur: LiLA read against the KEK-risk cut-off


# Decimals each column keeps (health.measurements, the precision of storage.models' columns): a register's
# precision is kept, so the z-scores agree with WHO's own code on the register's values.
VALUE_DECIMALS = DECIMALS


@dataclass(frozen=True)
class Values:
    """What was measured; None where not measured."""

    weight_kg: float | None = None
    height_cm: float | None = None
    position: str | None = None  # L lying (PB) | H standing (TB)
    head_cm: float | None = None
    muac_cm: float | None = None
    waist_cm: float | None = None
    systolic: int | None = None
    diastolic: int | None = None
    glucose_mgdl: int | None = None
    glucose_kind: str | None = None  # GDS | GDP
    hb_gdl: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Values":
        """From the chat state (strings) or a CSV row; unknown keys and blanks are ignored."""
        kwargs: dict[str, Any] = {}
        for name, decimals in VALUE_DECIMALS.items():
            value = data.get(name)
            if value not in (None, ""):
                number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
                kwargs[name] = int(number) if decimals == 0 else float(number)
        for name in CODE_COLUMNS:
            if data.get(name):
                kwargs[name] = str(data[name]).upper()
        if kwargs.get("glucose_mgdl") is not None and "glucose_kind" not in kwargs:
            kwargs["glucose_kind"] = "GDS"
        return cls(**kwargs)

    def columns(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @property
    def empty(self) -> bool:
        return all(getattr(self, name) is None for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class PastVisit:
    measured_on: date
    weight_kg: float | None
    height_cm: float | None
    weight_gain: str | None


@dataclass(frozen=True)
class History:
    """The member's earlier visits that matter: the last one, the last weighing of an earlier month."""

    last: PastVisit | None
    last_weighing: PastVisit | None
    weighed_before: bool


@dataclass(frozen=True)
class Flag:
    """One reason to look again: a health category, or `post_term` (no category of its own).

    `level` is how soon the bidan must see it (health.urgency: 'today' | 'week' | None when not referred).
    """

    code: str
    category: Category | None = None
    refer: bool = True
    level: str | None = None

    @classmethod
    def of(cls, category: Category) -> "Flag":
        return cls(f"{category.index}:{category.code}", category, category.refer)

    @property
    def urgent(self) -> bool:
        return self.level == TODAY


@dataclass
class Interpretation:
    """The reading of one visit: group, age, z-scores, categories, weight gain and flags."""

    stage: LifeStage
    age_days: int
    age_months: int
    waz: float | None = None
    haz: float | None = None
    whz: float | None = None
    baz: float | None = None
    hcz: float | None = None
    measure: str | None = None  # the position WHO used (L/H)
    bmi: float | None = None
    categories: dict[str, Category] = field(default_factory=dict)  # slot -> category, display order
    weight_gain: str | None = None
    gain_grams: int | None = None
    flags: list[Flag] = field(default_factory=list)
    gestational_weeks: int | None = None
    gestational_days: int | None = None
    hpl: date | None = None
    days_postpartum: int | None = None  # ibu nifas: days since the delivery
    pregnancy_undated: bool = False  # pregnant, HPHT unknown: the gestational age is unknown
    automatic_services: list[str] = field(default_factory=list)
    untrusted: set[str] = field(default_factory=set)  # z-scores WHO flags implausible, and those derived

    @property
    def remeasure(self) -> bool:
        """Whether a value was implausible: no category was read from it; it must be measured again."""
        return bool(self.untrusted)

    @property
    def statuses(self) -> dict[str, str]:
        return {cat.index: cat.code for cat in self.categories.values()}

    @property
    def flag_codes(self) -> list[str]:
        return [flag.code for flag in self.flags]

    @property
    def referral_reasons(self) -> list[str]:
        return [flag.code for flag in self.flags if flag.refer]

    @property
    def advice(self) -> list[Category]:
        """Findings that call for counselling at the posyandu, not a referral (`refer=False`, not normal)."""
        return [c for c in self.categories.values() if c.severity is not Severity.NORMAL and not c.refer
                and c.code != "normal"]

    @property
    def urgency(self) -> str | None:
        """'today' (danger sign), 'week' (any other referral) or None: health.urgency's table."""
        return overall([flag.level for flag in self.flags])

    @property
    def urgent(self) -> bool:
        return self.urgency == TODAY

    @property
    def referral_levels(self) -> dict[str, str]:
        """Each referral reason with its level."""
        return {flag.code: flag.level for flag in self.flags if flag.refer and flag.level}

    def columns(self) -> dict[str, Any]:
        """The interpretation's columns of `Measurement`."""
        return {"life_stage": self.stage.value, "age_days": self.age_days, "waz": self.waz, "haz": self.haz,
                "whz": self.whz, "baz": self.baz, "weight_gain": self.weight_gain, "statuses": self.statuses,
                "flags": self.flag_codes, "gestational_weeks": self.gestational_weeks,
                "referral_levels": self.referral_levels}


def _kms(result: Interpretation, values: Values, on: date, past: History) -> str | None:
    """N/T/O/B for a balita's weighing, and the 2T check against last month (health.kms)."""
    if values.weight_kg is None:
        return None
    if not past.weighed_before:
        result.weight_gain = "B"
        return None
    previous = past.last_weighing
    if previous is None or previous.weight_kg is None:
        result.weight_gain = "O"
        return None
    months = months_between(previous.measured_on, on)
    # KBM starts at 1 month; a baby weighed in its birth month is judged as a 1-month-old.
    result.weight_gain = weight_gain(max(1, result.age_months), values.weight_kg, previous.weight_kg, months, False)
    if months == 1:
        result.gain_grams = round((values.weight_kg - previous.weight_kg) * 1000)
        return previous.weight_gain
    return None


def _child(result: Interpretation, sex: str, values: Values, on: date, past: History) -> None:
    z = child_zscores(sex, result.age_days, values.weight_kg, values.height_cm, values.position,
                      values.head_cm, values.muac_cm)
    result.waz, result.haz, result.whz, result.baz, result.hcz = z.waz, z.haz, z.whz, z.baz, z.hcz
    result.measure, result.bmi = z.measure, z.bmi
    result.untrusted = untrusted(z.flags)
    status = child_status(z)
    for slot, name in (("bb_u", "waz"), ("pb_tb_u", "haz"), ("bb_pb_tb", "whz"), ("imt_u_0_60", "baz")):
        if slot in status and name not in result.untrusted:
            result.categories[slot] = status[slot]
    if values.muac_cm is not None and "acz" not in result.untrusted:
        lila = muac_category(values.muac_cm, "balita", result.age_months)
        if lila is not None:
            result.categories["lila"] = lila
    previous_gain = _kms(result, values, on, past)
    result.flags.extend(Flag.of(c) for c in growth_flags(age_months=result.age_months, z=z, gain=result.weight_gain,
                                                         previous_gain=previous_gain, muac_cm=values.muac_cm))


def _school(result: Interpretation, sex: str, birth: date, values: Values, on: date) -> None:
    z = reference2007_zscores(sex, age_months_decimal(birth, on), values.height_cm, values.weight_kg)
    result.waz, result.haz, result.baz, result.bmi = z.waz, z.haz, z.baz, z.bmi
    # A value WHO flags implausible gives no category; it is measured again (as for a balita).
    result.untrusted = untrusted(z.flags)
    for slot, category in school_status(z).items():
        if _SCHOOL_Z.get(slot) not in result.untrusted:
            result.categories[slot] = category
    result.flags.extend(Flag.of(implausible(name)) for name in sorted(z.flags))


def _adult(result: Interpretation, sex: str, values: Values, pregnant: bool, weeks: int | None) -> None:
    years = result.age_months // 12
    sex_code = int(Sex.parse(sex))
    if values.weight_kg is not None and values.height_cm is not None:
        result.bmi = bmi(values.weight_kg, values.height_cm)
        if result.age_months >= ADULT_MONTHS and not pregnant:
            result.categories["imt"] = adult_bmi_category(result.bmi)
    if values.waist_cm is not None and years >= WAIST_MIN_AGE_YEARS and not pregnant:
        result.categories["lp"] = waist_category(values.waist_cm, sex_code)
    if values.muac_cm is not None:
        group = ("ibu_hamil" if pregnant else "lansia" if years >= LANSIA_YEARS
                 else "wus" if sex_code == 2 and WUS_YEARS[0] <= years <= WUS_YEARS[1] else None)
        if group is not None and (lila := muac_category(values.muac_cm, group)) is not None:
            result.categories["lila"] = lila


def _common(result: Interpretation, sex: str, values: Values, pregnant: bool, weeks: int | None) -> None:
    years = result.age_months // 12
    sex_code = int(Sex.parse(sex))
    if values.systolic is not None and values.diastolic is not None:
        category = bp_category(values.systolic, values.diastolic, years, sex_code, pregnant,
                               nifas=result.stage is LifeStage.IBU_NIFAS)
        if category is not None:
            result.categories["td"] = category
    if values.glucose_mgdl is not None:
        result.categories["gula"] = glucose_category(values.glucose_mgdl, values.glucose_kind or "GDS")
    if values.hb_gdl is not None:
        group = anaemia_group(result.age_months, sex_code, pregnant)
        if group is not None:
            result.categories["hb"] = hb_category(values.hb_gdl, group, trimester(weeks) if weeks is not None else None)


def _automatic(result: Interpretation, sex: str, values: Values) -> list[str]:
    """Reminder codes a visit itself fulfils (ilp-domain 9): weighing, lansia check, PTM, Hb of girls."""
    codes = []
    years = result.age_months // 12
    if result.stage is LifeStage.BAYI_BALITA and values.weight_kg is not None:
        codes.append("TIMBANG")
    if result.stage is LifeStage.LANSIA:
        codes.append("LANSIA")
    if years >= WAIST_MIN_AGE_YEARS and values.systolic is not None:
        codes.append("PTM")
    if result.stage is LifeStage.REMAJA and Sex.parse(sex) is Sex.FEMALE and values.hb_gdl is not None:
        codes.append("HB-REMAJA")
    return codes


def interpret(sex: str, birth: date, on: date, hpht: date | None, values: Values, past: History,
              delivered_on: date | None = None, pregnant_since: date | None = None) -> Interpretation:
    """Read one visit with health/'s rules: z-scores and Permenkes categories, KMS, screening, flags.

    `delivered_on` is the latest recorded delivery: within 42 days the mother is in nifas.
    `pregnant_since`: she is pregnant though the HPHT is unknown (health.life_stage.is_pregnant): every
    pregnancy rule applies (BP >= 140/90 is hypertension in pregnancy, Hb and LiLA cut-offs of pregnancy);
    only the gestational age is unknown.
    """
    stage = primary_stage(birth, sex, on, hpht, delivered_on, pregnant_since)
    result = Interpretation(stage, age_in_days(birth, on), age_in_months(birth, on))
    pregnant = stage is LifeStage.IBU_HAMIL
    result.pregnancy_undated = pregnant and hpht is None
    if stage is LifeStage.IBU_NIFAS and delivered_on is not None:
        result.days_postpartum = (on - delivered_on).days
    weeks = None
    if pregnant and hpht is not None:
        status = pregnancy_status(hpht, on)
        result.gestational_weeks, result.gestational_days, result.hpl = status.weeks, status.days, status.hpl
        weeks = status.weeks
        if status.post_term:
            result.flags.append(Flag("pregnancy:post_term", None, True))
    if result.age_months < 60:
        _child(result, sex, values, on, past)
    elif result.age_months < ADULT_MONTHS and not pregnant:
        _school(result, sex, birth, values, on)
    _adult(result, sex, values, pregnant, weeks)
    _common(result, sex, values, pregnant, weeks)
    child_flags = {flag.code for flag in result.flags}
    for slot, category in result.categories.items():
        code = f"{category.index}:{category.code}"
        if category.refer and code not in child_flags and not (result.age_months < 60 and slot in _GROWTH_SLOTS):
            result.flags.append(Flag.of(category))
    measured = values.columns()
    result.flags = [replace(f, level=level_of(f.code, f.refer, result.age_days, measured)) for f in result.flags]
    order = {Severity.SEVERE: 0, Severity.WARNING: 1, Severity.NORMAL: 2}
    result.flags.sort(key=lambda f: (not f.urgent, order[f.category.severity] if f.category else 0))
    result.automatic_services = _automatic(result, sex, values)
    return result


_SCHOOL_Z = {"imt_u_5_18": "baz", "tb_u_5_18": "haz"}
_GROWTH_SLOTS = {"bb_u", "pb_tb_u", "bb_pb_tb", "imt_u_0_60", "lila"}  # growth_flags already judged these


# -- scope ---------------------------------------------------------------------
