"""A child's growth chart as an attachment: the spec `bot.media.chart` draws, in the reader's language.

Why a spec and not a picture: the chart is drawn at send time, after the text
reply, off the webhook's path; the spec is the snapshot of the points and of
this month's N/T at the moment the kader saved the weighing.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.formats import gain_words, number
from bot.messages import Attachment
from bot.recap_text import month_label
from bot.texts import render
from health import kms
from health.ages import age_in_months
from health.recap import Weighing, month_code
from storage.charts import growth_points
from storage.members import name_key
from storage.models import Member
from storage.records import MemberRecord

INDICATORS = ("wfa", "lhfa")
FILE_WORD = {"wfa": "bb-u", "lhfa": "tb-u"}
BALITA_MONTHS = 60


def is_balita(member: MemberRecord, on: date) -> bool:
    return member.birth_date <= on and age_in_months(member.birth_date, on) < BALITA_MONTHS


def _line_labels(lang: str | None, indicator: str) -> dict[str, str]:
    labels = {"-3": render(lang, "chart.line.red"), "-2": "-2", "0": render(lang, "chart.line.median"),
              "+2": "+2", "+3": "+3"}
    if indicator == "wfa":
        labels["+1"] = render(lang, "chart.line.orange")
    return labels


def _weight_note(lang: str | None, member: MemberRecord, points: list[tuple[date, float]]) -> list[str]:
    """This month's weight with N/T/O/B, and the gain against the KBM when it could be judged."""
    on, weight = points[-1]
    weighings = [Weighing(d, w) for d, w in points]
    code = month_code(member.birth_date, weighings, on.year, on.month)
    gain = f" — {gain_words(lang, code)}" if code in ("T", "O", "B") else ""
    lines = []
    earlier = [p for p in points if (p[0].year, p[0].month) < (on.year, on.month)]
    if code in ("N", "T") and earlier:
        grams = round((weight - earlier[-1][1]) * 1000)
        months = min(max(1, age_in_months(member.birth_date, on)), kms.KMS_MAX_MONTHS)
        gain = f" — {gain_words(lang, code, grams)}"
        key = "chart.note.kbm" if grams >= 0 else "chart.note.loss"
        lines.append(render(lang, key, grams=number(abs(grams), lang), months=months, kbm=kms.kbm_grams(months)))
    head = render(lang, "chart.note.weight", month=month_label(lang, on.year, on.month), weight=number(weight, lang),
                  gain=gain)
    return [head, *lines]


def chart_spec(session: Session, member: MemberRecord, indicator: str, lang: str | None, on: date) -> dict[str, Any] | None:
    """The spec of the member's chart up to `on`, or None when there is nothing to draw."""
    points = growth_points(session, member.id, indicator, on)
    if not points:
        return None
    if indicator == "wfa":
        note = _weight_note(lang, member, points)
    else:
        last_on, height = points[-1]
        note = [render(lang, "chart.note.height", month=month_label(lang, last_on.year, last_on.month),
                       height=number(height, lang))]
    return {
        "type": "chart", "indicator": indicator, "sex": member.sex, "birth": member.birth_date.isoformat(),
        "on": on.isoformat(), "points": [[d.isoformat(), v] for d, v in points],
        "line_labels": _line_labels(lang, indicator), "title": render(lang, f"chart.title.{indicator}"),
        "subtitle": render(lang, "chart.subtitle", name=member.name, sex=render(lang, f"chart.sex.{member.sex}"),
                           birth=member.birth_date),
        "xlabel": render(lang, "chart.xlabel"), "ylabel": render(lang, f"chart.ylabel.{indicator}"), "note": note,
        "legend": [render(lang, f"chart.legend.{indicator}")],  # what each colour means (bot.media.chart.Z_STYLE)
    }


def chart_attachments(session: Session, member: MemberRecord, lang: str | None, on: date,
                      indicators: tuple[str, ...] = INDICATORS) -> list[tuple[str, Attachment]]:
    """(caption, attachment) per chart that has points: weight-for-age, and length/height where measured."""
    out = []
    for indicator in indicators:
        spec = chart_spec(session, member, indicator, lang, on)
        if spec is None:
            continue
        caption = render(lang, "chart.caption", name=member.name, indicator=render(lang, f"chart.indicator.{indicator}"))
        slug = "-".join(name_key(member.name).split())[:60] or "anak"
        out.append((caption, Attachment("photo", f"grafik-{FILE_WORD[indicator]}-{slug}.png", spec)))
    return out
