"""The texts of a visit: the kader's summary, the bidan's alert and the guardian's result.

Why one module: the three must show a value and a category the same way; the
category names are `health`'s own (Permenkes 2/2020, screening tables), the
sentences around them are in `bot/i18n/report.py`. The guardian never sees a
z-score: their message says what the category means and what to do.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from bot.formats import age, day, gain_words, number
from bot.texts import render
from health.category import Category
from health.feeding import SIX_MONTHS_DAYS, TWO_YEARS_DAYS
from health.findings import group
from health.growth import LENGTH_TABLE_LAST_DAY
from health.measurements import BY_ITEM, ITEM_NAMES, SLOT_OF_ITEM
from health.urgency import TODAY
from storage.models import Member
from storage.records import MemberRecord
from storage.reporting import Flag, Interpretation

# Which z-score goes with which Permenkes index (the summary shows both).
Z_OF_INDEX = {"bb_u": "waz", "pb_tb_u": "haz", "bb_pb_tb": "whz", "imt_u_0_60": "baz", "imt_u_5_18": "baz",
              "tb_u_5_18": "haz"}
GROWTH_SLOTS = ("bb_u", "pb_tb_u", "bb_pb_tb", "imt_u_0_60", "imt_u_5_18", "tb_u_5_18")


def label_key(item: str, age_days: int) -> str:
    """The text key of an item for this age: from 24 months (WHO's height tables, ilp-domain 3.1) the
    height is "Tinggi badan" whatever the position; before that "Tinggi/panjang badan"."""
    return "height_tall" if item == "height" and age_days > LENGTH_TABLE_LAST_DAY else item


def label(category: Category, lang: str) -> str:
    return category.label_en if lang == "en" else category.label_id


def flag_label(flag: Flag, lang: str) -> str:
    if flag.category is not None:
        return label(flag.category, lang)
    return render(lang, f"report.flag.{flag.code}")


def sex_letter(lang: str, sex: str) -> str:
    """The stored `L`/`P` as the reader's letter: L/P in Indonesian, M/F in English."""
    return render(lang, f"report.sex_short.{sex}") if sex in ("L", "P") else sex


def member_label(lang: str, member: MemberRecord, on: date) -> str:
    """`Aisyah Putri (P, 9 bulan)`: enough to tell two namesakes apart."""
    return render(lang, "report.member_label", name=member.name, sex=sex_letter(lang, member.sex),
                  age=age(member.birth_date, on, lang))


def value_text(lang: str, item: str, values: dict[str, Any]) -> str:
    """One item's value as typed units: `9,5 kg`, `120/80 mmHg`, `GDS 110 mg/dL`, `75 cm (berbaring)`."""
    def get(name: str) -> Any:
        return values.get(name)

    if item == "bp":
        if get("systolic") is None:
            return "-"
        return f"{get('systolic')}/{get('diastolic')} mmHg"
    if item == "glucose":
        if get("glucose_mgdl") is None:
            return "-"
        kind = render(lang, f"report.glucose_kind.{get('glucose_kind') or 'GDS'}")  # GDS / random
        return f"{kind} {number(get('glucose_mgdl'), lang)} mg/dL"
    field_name, unit = BY_ITEM[item].value_column, BY_ITEM[item].unit
    if get(field_name) is None:
        return "-"
    text = f"{number(get(field_name), lang)} {unit}"
    if item == "height" and get("position"):
        text += " " + render(lang, f"report.position_short.{get('position')}")
    return text


def _gain(lang: str, result: Interpretation) -> str:
    words = gain_words(lang, result.weight_gain, result.gain_grams)
    return f" — {words}" if words else ""


def _value_lines(lang: str, result: Interpretation, values: dict[str, Any]) -> list[str]:
    lines = []
    for item in ITEM_NAMES:
        text = value_text(lang, item, values)
        if text == "-":
            continue
        line = f"• {render(lang, f'report.item.{label_key(item, result.age_days)}')}: {text}"
        if item == "weight":
            line += _gain(lang, result)
        slot = SLOT_OF_ITEM.get(item)
        if slot and slot in result.categories:
            line += f" — {label(result.categories[slot], lang)}"
        lines.append(line)
    if result.bmi is not None and "imt" in result.categories:
        lines.append(f"• {render(lang, 'report.item.bmi')}: {number(round(result.bmi, 1), lang)} — "
                     f"{label(result.categories['imt'], lang)}")
    return lines


def _growth_lines(lang: str, result: Interpretation, values: dict[str, Any] | None = None) -> list[str]:
    lines = []
    # PB/U and BB/PB before 24 months, TB/U and BB/TB from then on, by age whatever the position
    # (the 0,7 cm correction is health.growth's; ilp-domain 3.1)
    table = "H" if label_key("height", result.age_days) == "height_tall" else "L"
    for slot in GROWTH_SLOTS:
        category = result.categories.get(slot)
        if category is None and slot == "bb_pb_tb" and _wasting_unread(result, values):
            # Under five, weight-for-length/height is the wasting index (Permenkes 2/2020): always said,
            # also when it cannot be read, so a missing line is never taken for "normal"
            why = "remeasure" if "whz" in result.untrusted else "no_table"
            lines.append(f"• {render(lang, f'report.index.bb_pb_tb.{table}')}: "
                         f"{render(lang, f'report.wasting_unread.{why}')}")
            continue
        if category is None or (slot == "imt_u_0_60" and "bb_pb_tb" in result.categories):
            continue
        z = getattr(result, Z_OF_INDEX[slot])
        name = render(lang, f"report.index.{slot}.{table}")
        lines.append(f"• {name}: {label(category, lang)} (z {number(z, lang, 2)})")
    return lines


def _wasting_unread(result: Interpretation, values: dict[str, Any] | None) -> bool:
    """An under-five weighed and measured whose weight-for-length/height has no category."""
    if result.age_months >= 60 or not values:
        return False
    return values.get("weight_kg") not in (None, "") and values.get("height_cm") not in (None, "")


def flag_lines(lang: str, flags: Iterable[Flag], grams: int | None = None, result: Interpretation | None = None,
               values: dict[str, Any] | None = None) -> list[str]:
    """One line per finding (health.findings: BB/PB and LiLA saying "gizi kurang" are one finding, its evidence
    listed under it); a T with its weighing's change (`Berat badan turun 200 gram (T)`), as the value says."""
    lines = []
    for finding, members in group(list(flags), lambda f: f.code):
        if finding is not None:
            lines.append(f"• {finding.label(lang)}")
            lines.extend(f"   ◦ {evidence(lang, f, result, values)}" for f in members)
        elif members[0].code in GAIN_FLAGS and grams is not None:
            lines.append(f"• {render(lang, 'report.weight_word')} {gain_words(lang, 'T', grams)}")
        else:
            lines.append(f"• {flag_label(members[0], lang)}")
    return lines


def evidence(lang: str, flag: Flag, result: Interpretation | None, values: dict[str, Any] | None) -> str:
    """What one indicator of a finding showed: `BB/PB: z -2,45`, `LiLA: 12 cm`; else the reason's own label."""
    index = flag.category.index if flag.category is not None else ""
    if result is not None and index in Z_OF_INDEX and getattr(result, Z_OF_INDEX[index], None) is not None:
        table = "H" if label_key("height", result.age_days) == "height_tall" else "L"
        return f"{render(lang, f'report.index.{index}.{table}')}: z {number(getattr(result, Z_OF_INDEX[index]), lang, 2)}"
    if index == "lila_balita" and values and values.get("muac_cm") not in (None, ""):
        return f"{render(lang, 'report.item.muac')}: {number(values['muac_cm'], lang)} cm"
    return flag_label(flag, lang)


GAIN_FLAGS = {"growth_flag:weight_not_gaining"}


def summary_text(lang: str, name: str, sex: str, born: date, on: date, result: Interpretation,
                 values: dict[str, Any], services: list[str], estimated: bool = False) -> str:
    """The kader's summary before `simpan`: values, interpretation, services and flags.

    `estimated`: the pregnancy is dated from an estimated HPHT, which the summary says."""
    parts = [render(lang, "report.summary_title", name=name, sex=sex_letter(lang, sex), age=age(born, on, lang), date=day(on, lang),
                    group=result.stage.label(lang))]
    if result.days_postpartum is not None:
        parts.append(render(lang, "report.alert_nifas", days=result.days_postpartum))
    if result.gestational_weeks is not None:
        parts.append(render(lang, "report.summary_pregnancy", weeks=result.gestational_weeks,
                            days=result.gestational_days, hpl=day(result.hpl, lang) if result.hpl else "-")
                     + (" " + render(lang, "report.estimated") if estimated else ""))
    elif result.pregnancy_undated:
        parts.append(render(lang, "report.summary_pregnancy_undated"))
    measured = _value_lines(lang, result, values)
    parts.append("\n".join(measured) if measured else render(lang, "report.nothing_measured"))
    growth = _growth_lines(lang, result, values)
    if growth:
        parts.append(render(lang, "report.growth_title") + "\n" + "\n".join(growth))
    parts.append(render(lang, "report.services_line", services=", ".join(services) or "-"))
    today = [f for f in result.flags if f.refer and f.level == TODAY]
    week = [f for f in result.flags if f.refer and f.level != TODAY]
    recheck = [f for f in result.flags if not f.refer]
    # Danger signs under SEGERA, every other referral under its own heading (health.urgency)
    if today:
        parts.append(render(lang, "report.flags_urgent") + "\n" + "\n".join(flag_lines(lang, today, result.gain_grams, result, values)))
    if week:
        parts.append(render(lang, "report.flags_title") + "\n" + "\n".join(flag_lines(lang, week, result.gain_grams, result, values)))
    if recheck:
        parts.append(render(lang, "report.recheck_title") + "\n" + "\n".join(flag_lines(lang, recheck)))
    flagged = {f.code for f in result.flags}
    advice = [c for c in result.advice if f"{c.index}:{c.code}" not in flagged]
    if advice:
        parts.append(render(lang, "report.advice_title") + "\n" + "\n".join(f"• {label(c, lang)}" for c in advice))
    if not result.flags:
        parts.append(render(lang, "report.no_flags"))
    return "\n\n".join(parts)


def alert_text(lang: str, posyandu: str, member: Member, on: date, result: Interpretation,
               values: dict[str, Any], reporter: str) -> str:
    """The bidan's alert: who, where, the values and why, urgent first."""
    head = render(lang, "report.alert_urgent" if result.urgent else "report.alert_title", posyandu=posyandu,
                  date=day(on, lang))
    who = render(lang, "report.alert_member", member=member_label(lang, member, on),
                 phone=member.guardian_phone or "-")
    if result.days_postpartum is not None:
        who += "\n" + render(lang, "report.alert_nifas", days=result.days_postpartum)
    measured = "\n".join(_value_lines(lang, result, values) + _growth_lines(lang, result, values))
    reasons = render(lang, "report.alert_reasons") + "\n" + "\n".join(
        flag_lines(lang, [f for f in result.flags if f.refer], result.gain_grams, result, values))
    by = render(lang, "report.alert_by", reporter=reporter)
    return "\n\n".join(p for p in (head, who, measured, reasons, by) if p)


def correction_text(lang: str, posyandu: str, member: Member, on: date, before: list[Flag],
                    result: Interpretation, reporter: str) -> str:
    """The bidan's short notice that a report she was alerted about was corrected."""
    now = [f for f in result.flags if f.refer]
    return "\n".join((
        render(lang, "report.correction_title", posyandu=posyandu, date=day(on, lang)),
        render(lang, "report.alert_member", member=member_label(lang, member, on), phone=member.guardian_phone or "-"),
        render(lang, "report.correction_before", reasons=", ".join(flag_label(f, lang) for f in before)),
        render(lang, "report.correction_now", reasons=", ".join(flag_label(f, lang) for f in now))
        if now else render(lang, "report.correction_none"),
        render(lang, "report.alert_by", reporter=reporter),
    ))


def result_text(lang: str, member: Member, on: date, result: Interpretation, values: dict[str, Any]) -> str:
    """The guardian's message about a child: plain words, what it means, what to do; no z-scores.

    Never a diagnosis (`report.meaning.*` say what was seen and that the bidan will look);
    a value WHO flags implausible is neither shown nor explained: it is measured again.
    """
    parts = [render(lang, "report.result_title", name=member.name, date=day(on, lang))]
    weight_ok = "waz" not in result.untrusted
    height_ok = not {"haz"} & result.untrusted
    lost = result.weight_gain == "T" and result.gain_grams is not None and result.gain_grams < 0
    if values.get("weight_kg") is not None and weight_ok:
        words = gain_words(lang, result.weight_gain, result.gain_grams)
        parts.append(render(lang, "report.result_weight", weight=number(values["weight_kg"], lang))
                     + (f", {words}." if words else ".")
                     + (" " + render(lang, "report.result_well_done") if result.weight_gain == "N" else ""))
    if values.get("height_cm") is not None and height_ok:
        parts.append(render(lang, "report.result_height", height=number(values["height_cm"], lang)))
    meanings = []
    for slot in ("bb_u", "pb_tb_u", "bb_pb_tb", "lila"):
        category = result.categories.get(slot)
        if category is not None and category.code != "normal":
            meanings.append(render(lang, f"report.meaning.{category.index}.{category.code}"))
    if result.weight_gain == "T" and weight_ok:
        meanings.insert(0, render(lang, "report.meaning.gain_down" if lost else "report.meaning.gain_T"))
    if result.remeasure:
        meanings.append(render(lang, "report.meaning.remeasure"))
    parts.append("\n".join(meanings) if meanings else render(lang, "report.meaning.all_good"))
    refer = [f for f in result.flags if f.refer]
    feeding = render(lang, f"report.feeding.{feeding_advice(result.age_days)}")
    if refer and all(f.code.startswith("growth_flag:implausible_") for f in refer):
        todo = render(lang, "report.todo_remeasure", name=member.name)
    elif refer:  # when depends on the urgency (health.urgency): today for a danger sign, else this week
        todo = render(lang, f"report.todo_refer_{result.urgency or 'week'}", name=member.name) + " " + feeding
    else:
        todo = feeding + " " + render(lang, "report.todo_next_month")
    parts.append(todo)
    return "\n\n".join(parts)


# What a family is told to feed, by age (WHO/UNICEF infant and young child feeding; Buku KIA 2023 [S30]):
# breast milk only under 6 months, breast milk with complementary food from 6 to 23 months, family food after.
FEEDING_BANDS_DAYS = ((SIX_MONTHS_DAYS, "asi"), (TWO_YEARS_DAYS, "mpasi"))  # health.feeding's boundaries


def feeding_advice(age_days: int) -> str:
    """`asi` (under 6 months), `mpasi` (6-23 months) or `family`."""
    for below, key in FEEDING_BANDS_DAYS:
        if age_days < below:
            return key
    return "family"
