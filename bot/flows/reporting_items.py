"""What is measured for each life-cycle group, and how one typed value is judged.

Why here: the guided questions, the expert line and `ubah` all go through
`check_item`, so `9500` is caught the same way whichever path typed it. The
ranges, unit slips and change rules are `health.validation`'s; this module
only maps chat answers onto them and names the sentence that explains a
problem.

Order per group follows the posyandu form (ilp-domain 2.2): balita BB, PB/TB
(+ lying or standing), LK, LiLA (from 6 months); ibu hamil BB, LiLA, TD
(+ Hb, from a point-of-care test or the puskesmas' K1/K5 labs: ilp-domain 4.5); anak BB, TB (TD from 7 years); remaja BB, TB, LP, TD (gula darah and Hb when
typed); dewasa, lansia BB, TB, LP, TD, gula darah, Hb; ibu nifas BB, TD, Hb.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot.flows.base import Invalid
from bot.visit_text import label_key  # noqa: F401  (the item's words live with the renderer)
from health.ages import age_in_months, age_months_decimal
from health.child_flags import shown_flags
from health.growth import LENGTH_TABLE_LAST_DAY, MAX_MONTHS_2006, Sex, child_zscores, reference2007_zscores
from health.plausibility import blamed_fields, implausible_alone
from health.life_stage import LifeStage
from health.parsing import parse_bp, parse_number
from health.measurements import BP_FROM_MONTHS, MEASUREMENTS, Z_OF_ITEM, items_asked
from health.validation import Accept, Confirm, Reject, check_bp, check_change, check_value, find_range


@dataclass(frozen=True)
class Item:
    """One question of the form: the columns it fills and the unit it is typed in (health.measurements)."""

    name: str
    fields: tuple[str, ...]
    unit: str


ITEMS: dict[str, Item] = {m.item: Item(m.item, m.fields, m.unit) for m in MEASUREMENTS}
ORDER = tuple(ITEMS)


def assumed_position(age_days: int) -> str:
    """How a balita's length is measured when the kader does not say: lying (`L`, PB) up to 24 months,
    standing (`H`, TB) from then (ilp-domain 3.1; WHO's tables switch on the same day)."""
    return "H" if age_days > LENGTH_TABLE_LAST_DAY else "L"


def items_for(stage: LifeStage, age_months: int) -> list[str]:
    """The questions for this group, in the order of the form (health.measurements: who is asked what)."""
    return items_asked(stage, age_months)


def allowed(item: str, stage: LifeStage, age_months: int) -> bool:
    """Whether the item has a plausible range for this group (the expert line may name any item)."""
    if item == "bp":
        return age_months >= BP_FROM_MONTHS or stage in (LifeStage.IBU_HAMIL, LifeStage.IBU_NIFAS)
    if item == "head":
        return stage is LifeStage.BAYI_BALITA
    return find_range(ITEMS[item].fields[0], stage, age_months) is not None


@dataclass
class Checked:
    """A value that passed the hard limits; `confirm` names why it must be asked back, if so."""

    values: dict[str, Any]
    confirm: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


# An unreadable weight or height is answered with an example of that group's size (`report.bad.weight_adult`).
SIZED_EXAMPLES = {"weight", "height"}


def _bad_key(item: Item, stage: LifeStage) -> str:
    if item.name not in SIZED_EXAMPLES or stage is LifeStage.BAYI_BALITA:
        return f"report.bad.{item.name}"
    return f"report.bad.{item.name}_{'anak' if stage is LifeStage.ANAK else 'adult'}"


def _reject(item: Item, verdict: Reject, stage: LifeStage) -> Invalid:
    if verdict.reason_code == "not_a_number":
        return Invalid(_bad_key(item, stage))
    if verdict.reason_code == "out_of_range" and verdict.hard_range:
        low, high = verdict.hard_range
        return Invalid("report.out_of_range", item=f"report.item.{item.name}", low=low, high=high, unit=item.unit)
    if verdict.reason_code == "not_integer":
        return Invalid("report.not_integer")
    return Invalid(_bad_key(item, stage))


def _number(item: Item, field_name: str, raw: str, stage: LifeStage, age_months: int,
            who: dict[str, Any] | None = None) -> Checked:
    verdict = check_value(field_name, raw, stage, age_months, **(who or {}))
    if isinstance(verdict, Reject):
        if verdict.reason_code == "no_range":
            raise Invalid("report.not_for_group", item=f"report.item.{item.name}")
        raise _reject(item, verdict, stage)
    if isinstance(verdict, Accept):
        return Checked({field_name: _plain(verdict.value)})
    if verdict.reason_code == "unit_slip" and verdict.suggestion is not None:
        return Checked({field_name: _plain(verdict.suggestion)}, "unit_slip",
                       {"typed": raw.strip(), "suggestion": _plain(verdict.suggestion), "unit": item.unit})
    number = parse_number(raw)
    assert number is not None  # check_value parsed it
    return Checked({field_name: _plain(number)}, "unusual", {"value": _plain(number), "unit": item.unit})


def _height(raw: str, stage: LifeStage, age_months: int, who: dict[str, Any] | None = None) -> Checked:
    """`75`, or `L75`/`H75` from the expert line (`pb 75` lying, `tb 75` standing)."""
    text = raw.strip()
    position = None
    if text[:1].upper() in ("L", "H") and text[1:2].strip()[:1].isdigit():
        position, text = text[0].upper(), text[1:].strip()
    checked = _number(ITEMS["height"], "height_cm", text, stage, age_months, who)
    if position:
        checked.values["position"] = position
    return checked


def _bp(raw: str, stage: LifeStage) -> Checked:
    verdict = check_bp(raw, stage)
    pair = parse_bp(raw)
    if isinstance(verdict, Reject) or pair is None or not isinstance(verdict, tuple):
        if isinstance(verdict, Reject) and verdict.reason_code == "out_of_range":
            raise Invalid("report.bad.bp_range")
        if isinstance(verdict, Reject) and verdict.reason_code == "systolic_not_above_diastolic":
            raise Invalid("report.bad.bp_order")
        raise Invalid("report.bad.bp")
    systolic, diastolic = pair
    values = {"systolic": systolic, "diastolic": diastolic}
    if any(isinstance(v, Confirm) for v in verdict):
        return Checked(values, "unusual", {"value": f"{systolic}/{diastolic}", "unit": "mmHg"})
    return Checked(values)


def _glucose(raw: str, stage: LifeStage, age_months: int) -> Checked:
    """`110` (GDS, random), `GDP 95`, `95 puasa` or `fasting 95` (fasting)."""
    text = raw.strip().lower()
    kind = "GDP" if re.search(r"\b(gdp|puasa|fasting|fbg)\b", text) else "GDS"
    text = re.sub(r"\b(gds|gdp|puasa|sewaktu|fasting|fbg|random|rbg)\b", " ", text).strip()
    checked = _number(ITEMS["glucose"], "glucose_mgdl", text, stage, age_months)
    checked.values["glucose_mgdl"] = str(int(Decimal(checked.values["glucose_mgdl"]).to_integral_value()))
    checked.values["glucose_kind"] = kind
    if checked.confirm == "unit_slip":
        checked.params["suggestion"] = checked.values["glucose_mgdl"]
    return checked


def check_item(item: str, raw: str, stage: LifeStage, age_months: int, sex: str | None = None,
               age_days: int | None = None) -> Checked:
    """Judge one typed answer; raises `Invalid` with a kind reason when it cannot be a value.

    With the sex and age in days a child's body sizes are judged by WHO's limits for that child.
    """
    if not allowed(item, stage, age_months):
        raise Invalid("report.not_for_group", item=f"report.item.{item}")
    who = {"sex": sex, "age_days": age_days}
    if item == "height":
        return _height(raw, stage, age_months, who)
    if item == "bp":
        return _bp(raw, stage)
    if item == "glucose":
        return _glucose(raw, stage, age_months)
    spec = ITEMS[item]
    return _number(spec, spec.fields[0], raw, stage, age_months, who)


def change_problem(item: str, values: dict[str, Any], previous: dict[str, Any] | None,
                   days: int | None, stage: LifeStage) -> str | None:
    """Why a change since the last visit looks wrong (health.validation.check_change), if it does."""
    if previous is None or days is None or item not in ("weight", "height"):
        return None
    field_name = ITEMS[item].fields[0]
    before, now = previous.get(field_name), values.get(field_name)
    if before in (None, "") or now in (None, ""):
        return None
    verdict = check_change(field_name, Decimal(str(before)), Decimal(str(now)), days, stage)
    return verdict.reason_code if isinstance(verdict, Confirm) else None


FIELD_ITEMS = {"weight_kg": "weight", "height_cm": "height", "head_cm": "head", "muac_cm": "muac"}


@dataclass(frozen=True)
class ZDoubt:
    """WHO implausibility flags this item takes part in, and the items they blame (health.plausibility:
    each value against the age first, then their combination)."""

    flags: frozenset[str]
    blamed: tuple[str, ...]


def z_problems(item: str, values: dict[str, Any], sex: str, birth: date, on: date) -> set[str]:
    """The flags of `z_doubt` (kept for callers that only ask whether there is a doubt)."""
    return set(z_doubt(item, values, sex, birth, on).flags)


def z_doubt(item: str, values: dict[str, Any], sex: str, birth: date, on: date) -> ZDoubt:
    """WHO implausibility flags this item takes part in: a child under five (2006 standards: every index's
    own flag, IMT/U only where BB/PB cannot be read), or the BMI-for-age of a school child or adolescent
    (2007 reference; its height and weight alone were already judged by `check_value`); and which items
    they blame: the value implausible on its own for the age, else both of the pair."""
    wanted = Z_OF_ITEM.get(item)
    if not wanted:
        return ZDoubt(frozenset(), ())

    def num(name: str) -> float | None:
        value = values.get(name)
        return float(value) if value not in (None, "") else None

    days = (on - birth).days
    if age_in_months(birth, on) >= MAX_MONTHS_2006:
        school = reference2007_zscores(sex, age_months_decimal(birth, on), num("height_cm"), num("weight_kg"))
        flags = set(school.flags) & wanted & {"baz"}
    else:
        z = child_zscores(sex, days, num("weight_kg"), num("height_cm"), values.get("position"),
                          num("head_cm"), num("muac_cm"))
        flags = shown_flags(z.flags, z.whz is not None) & wanted
    if not flags:
        return ZDoubt(frozenset(), ())
    alone = implausible_alone({f: num(f) for f in FIELD_ITEMS}, int(Sex.parse(sex)), days)
    blamed = tuple(FIELD_ITEMS[f] for f in blamed_fields(flags, alone))
    return ZDoubt(frozenset(flags), blamed)
