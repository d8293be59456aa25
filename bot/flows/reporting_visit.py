"""The facts of one `/lapor` report: who, when, which group; read by every part of the flow.

Why functions over (ctx, draft) and not a base class: the member part, the measuring
part and the summary all read the same few facts from the draft (`pid`, `date`,
`member` or `new`, `hpht`, `values`); one module reads them, so they cannot
disagree, and no part inherits from another to get them. Database facts are read
once per step (`Ctx.once`): a step asks them many times.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from bot.flows.base import Ctx, Invalid
from bot.formats import number
from bot.flows.reporting_items import Checked, check_item, label_key
from bot.flows.reporting_draft import ReportDraft
from health.ages import age_in_months
from health.life_stage import LifeStage, primary_stage
from storage.members import member_by_id
from storage.places import posyandu_by_id
from storage.reporting import given_codes, last_visit, pregnancy_facts

SKIP = {"-", "--", "lewat", "lewati", "skip", "tidak diukur", "tdk diukur", "tidak", "x"}


def member(ctx: Ctx, member_id: int) -> Any:
    """The stored member (None when gone)."""
    return ctx.once(("member", member_id), lambda: member_by_id(ctx.session, member_id))


def place(ctx: Ctx, data: ReportDraft) -> Any:
    """The posyandu reported for (None when gone)."""
    return ctx.once(("posyandu", data["pid"]), lambda: posyandu_by_id(ctx.session, data["pid"]))


def place_name(ctx: Ctx, data: ReportDraft) -> str:
    found = place(ctx, data)
    return found.name if found else ""


def _pregnancy_facts(ctx: Ctx, member_id: int | None, on: date) -> Any:
    return ctx.once(("pregnancy", member_id, on), lambda: pregnancy_facts(ctx.session, member_id, on))


def _pregnancy(ctx: Ctx, member_id: int, on: date) -> Any:
    return _pregnancy_facts(ctx, member_id, on)[0]


def given(ctx: Ctx, member_id: int | None, since: date | None = None) -> dict[str, date]:
    return ctx.once(("given", member_id, since), lambda: given_codes(ctx.session, member_id, since=since))


def today(ctx: Ctx, data: ReportDraft) -> date:
    """Today where the posyandu is."""
    found = place(ctx, data)
    return ctx.today(found.timezone if found else None)


def day_of(data: ReportDraft) -> date:
    """The posyandu day reported."""
    return date.fromisoformat(data["date"])


def facts(ctx: Ctx, data: ReportDraft) -> tuple[str, date, date | None]:
    """Sex, birth date and the HPHT of an ongoing (or newly told) pregnancy."""
    on = day_of(data)
    if data.get("new"):
        sex, born = data["new"]["sex"], date.fromisoformat(data["new"]["birth"])
        pregnancy = None
    else:
        person = member(ctx, data["member"])
        assert person is not None
        sex, born = person.sex, person.birth_date
        pregnancy = _pregnancy(ctx, person.id, on)
    hpht = pregnancy.hpht if pregnancy is not None else None
    if hpht is None and (typed := data.get("hpht")):
        hpht = date.fromisoformat(typed)
    return sex, born, hpht


def pregnant_since(ctx: Ctx, data: ReportDraft) -> date | None:
    """The day an undated pregnancy (she is pregnant, no HPHT known) was told, else None: the pregnancy
    is a status, not a date (health.life_stage.is_pregnant)."""
    on = day_of(data)
    if not data.get("new") and data.get("member"):
        pregnancy = _pregnancy(ctx, data["member"], on)
        if pregnancy is not None:
            return pregnancy.reported_on if pregnancy.hpht is None and not data.get("hpht") else None
    return on if data.get("pregnant") and not data.get("hpht") else None


def hpht_estimated(ctx: Ctx, data: ReportDraft) -> bool:
    """Whether the pregnancy's HPHT is an estimate (from the HPL or the weeks/months told)."""
    if data.get("hpht_estimate"):
        return True
    if data.get("new") or not data.get("member"):
        return False
    pregnancy = _pregnancy(ctx, data["member"], day_of(data))
    return bool(pregnancy is not None and pregnancy.hpht_estimate)


def name(ctx: Ctx, data: ReportDraft) -> str:
    if data.get("new"):
        return data["new"]["name"]
    person = member(ctx, data["member"])
    return person.name if person else ""


def delivered(ctx: Ctx, data: ReportDraft) -> date | None:
    """The member's latest recorded delivery (a new member has none)."""
    if data.get("new"):
        return None
    return _pregnancy_facts(ctx, data.get("member"), day_of(data))[1]


def stage(ctx: Ctx, data: ReportDraft) -> tuple[LifeStage, int, int]:
    """The member's group on the day, the age in months and in days."""
    sex, born, hpht = facts(ctx, data)
    on = day_of(data)
    return primary_stage(born, sex, on, hpht, delivered(ctx, data), pregnant_since(ctx, data)), \
        age_in_months(born, on), \
        (on - born).days


def previous(ctx: Ctx, data: ReportDraft) -> tuple[dict[str, Any] | None, int | None]:
    """The last visit's weight and height, and how many days ago it was."""
    member_id, on = data.get("member"), day_of(data)
    past = ctx.once(("last_visit", member_id, on), lambda: last_visit(ctx.session, member_id, on))
    if past is None:
        return None, None
    return ({"weight_kg": past.weight_kg, "height_cm": past.height_cm, "date": past.measured_on},
            (on - past.measured_on).days)


def check(ctx: Ctx, data: ReportDraft, item: str, raw: str) -> Checked:
    """`raw` read and checked as `item` for this member; the reason in the reader's words when refused."""
    group, months, days = stage(ctx, data)
    sex = facts(ctx, data)[0]
    try:
        checked = check_item(item, raw, group, months, sex, days)
        if group is not LifeStage.BAYI_BALITA:
            checked.values.pop("position", None)  # lying or standing matters for WHO's child tables only
        return checked
    except Invalid as problem:
        params = {k: number(v, ctx.lang) if isinstance(v, (int, float, Decimal)) else v
                  for k, v in problem.params.items()}
        named = params.get("item")
        if isinstance(named, str) and named.startswith("report.item."):
            params["item"] = ctx.t("report.item." + label_key(named[len("report.item."):], days))
        raise Invalid(problem.key, **params) from None


def drop(data: ReportDraft, item: str) -> None:
    """`item` is no longer asked."""
    if item in data["queue"]:
        data["queue"].remove(item)


def numeric(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) or bool(re.fullmatch(r"-?\d+(\.\d+)?", str(value)))
