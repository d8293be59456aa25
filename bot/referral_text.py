"""A referral in words: its problem by name and the values that made it, for the bidan's queue in chat
(`rujukan`) and on the page, so both say it the same way."""
from __future__ import annotations

from typing import Protocol

from bot.referral_alerts import VALUE_FIELDS
from bot.texts import catalogue
from bot.visit_text import label_key, value_text
from health.measurements import ITEM_NAMES, MEASUREMENTS
from health.problems import problem
from storage.referrals import QueueEntry

VALUE_ITEMS = ITEM_NAMES  # health.measurements, in the form's order
FIELD_OF_ITEM = {m.item: m.value_column for m in MEASUREMENTS}


class Speaker(Protocol):
    """Who the text is for: the chat's step context (`bot.flows.base.Ctx`) or the page's."""

    @property
    def lang(self) -> str:
        ...

    def t(self, key: str, **params: object) -> str:
        ...


def values_text(ctx: Speaker, entry: QueueEntry) -> str:
    """The latest values of the referral's problem (health.problems), e.g. only the BP for a blood-pressure case."""
    m = entry.measurement
    if m is None:
        return "-"
    values = {name: getattr(m, name) for name in VALUE_FIELDS}
    area = problem(entry.referral.problem)
    items = [item for item in VALUE_ITEMS if area is None or item in area.items]
    shown = [f"{ctx.t('report.item.' + label_key(item, m.age_days or 0))} {value_text(ctx.lang, item, values)}"
             for item in items if values.get(FIELD_OF_ITEM[item]) is not None]
    return "; ".join(shown) or "-"


def problem_text(ctx: Speaker, code: str) -> str:
    """A referral's problem by name (health.problems), in the reader's words; never the code's underscores."""
    key = f"referral.problem.{code}"
    return ctx.t(key) if key in catalogue(ctx.lang) else code.replace("_", " ")
