"""The state of one `/lapor` conversation: who, when, which group; shared by its steps.

Why a base class: the member steps, the measurement steps and the summary all
read the same few facts from the conversation data (`pid`, `date`, `member` or
`new`, `hpht`, `values`); one place reads them, so they cannot disagree.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from bot.flows.base import Ctx, Invalid, StepFlow, Turn
from bot.formats import number
from bot.flows.reporting_items import Checked, check_item, label_key
from bot.flows.reporting_draft import ReportDraft
from bot.messages import Reply
from health.ages import age_in_months
from health.life_stage import LifeStage, primary_stage
from storage.models import Member, Posyandu
from storage.reporting import given_codes, last_visit, pregnancy_facts

SKIP = {"-", "--", "lewat", "lewati", "skip", "tidak diukur", "tdk diukur", "tidak", "x"}


class VisitBase(StepFlow):
    """Reads the visit's facts from the conversation data; the steps live in the subclasses."""

    # Steps one part of the flow hands over to another part.
    def _start_items(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn:
        raise NotImplementedError

    def _summary(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn:
        raise NotImplementedError

    def _save(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = (),
              show_summary: bool = False) -> Turn:
        raise NotImplementedError

    def _ask_member(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = (),
                    found: list[Member] | None = None) -> Turn:
        raise NotImplementedError

    # Facts read from the database, once per step (`Ctx.once`): a step asks them many times.
    @staticmethod
    def _member(ctx: Ctx, member_id: int) -> Member | None:
        return ctx.once(("member", member_id), lambda: ctx.session.get(Member, member_id))

    @staticmethod
    def _pregnancy_facts(ctx: Ctx, member_id: int | None, on: date) -> Any:
        return ctx.once(("pregnancy", member_id, on), lambda: pregnancy_facts(ctx.session, member_id, on))

    def _pregnancy(self, ctx: Ctx, member_id: int, on: date) -> Any:
        return self._pregnancy_facts(ctx, member_id, on)[0]

    @staticmethod
    def _given(ctx: Ctx, member_id: int | None, since: date | None = None) -> dict[str, date]:
        return ctx.once(("given", member_id, since), lambda: given_codes(ctx.session, member_id, since=since))

    def _place(self, ctx: Ctx, data: ReportDraft) -> Posyandu | None:
        return ctx.once(("posyandu", data["pid"]), lambda: ctx.session.get(Posyandu, data["pid"]))

    def _today(self, ctx: Ctx, data: ReportDraft) -> date:
        place = self._place(ctx, data)
        return ctx.today(place.timezone if place else None)

    @staticmethod
    def _date(data: ReportDraft) -> date:
        return date.fromisoformat(data["date"])

    def _facts(self, ctx: Ctx, data: ReportDraft) -> tuple[str, date, date | None]:
        """Sex, birth date and the HPHT of an ongoing (or newly told) pregnancy."""
        on = self._date(data)
        if data.get("new"):
            sex, born = data["new"]["sex"], date.fromisoformat(data["new"]["birth"])
            pregnancy = None
        else:
            member = self._member(ctx, data["member"])
            assert member is not None
            sex, born = member.sex, member.birth_date
            pregnancy = self._pregnancy(ctx, member.id, on)
        hpht = pregnancy.hpht if pregnancy is not None else None
        if hpht is None and (typed := data.get("hpht")):
            hpht = date.fromisoformat(typed)
        return sex, born, hpht

    def _pregnant_since(self, ctx: Ctx, data: ReportDraft) -> date | None:
        """The day an undated pregnancy (she is pregnant, no HPHT known) was told, else None: the pregnancy
        is a status, not a date (health.life_stage.is_pregnant)."""
        on = self._date(data)
        if not data.get("new") and data.get("member"):
            pregnancy = self._pregnancy(ctx, data["member"], on)
            if pregnancy is not None:
                return pregnancy.reported_on if pregnancy.hpht is None and not data.get("hpht") else None
        return on if data.get("pregnant") and not data.get("hpht") else None

    def _hpht_estimated(self, ctx: Ctx, data: ReportDraft) -> bool:
        """Whether the pregnancy's HPHT is an estimate (from the HPL or the weeks/months told)."""
        if data.get("hpht_estimate"):
            return True
        if data.get("new") or not data.get("member"):
            return False
        pregnancy = self._pregnancy(ctx, data["member"], self._date(data))
        return bool(pregnancy is not None and pregnancy.hpht_estimate)

    def _name(self, ctx: Ctx, data: ReportDraft) -> str:
        if data.get("new"):
            return data["new"]["name"]
        member = self._member(ctx, data["member"])
        return member.name if member else ""

    def _delivered(self, ctx: Ctx, data: ReportDraft) -> date | None:
        """The member's latest recorded delivery (a new member has none)."""
        if data.get("new"):
            return None
        return self._pregnancy_facts(ctx, data.get("member"), self._date(data))[1]

    def _stage(self, ctx: Ctx, data: ReportDraft) -> tuple[LifeStage, int, int]:
        sex, born, hpht = self._facts(ctx, data)
        on = self._date(data)
        return primary_stage(born, sex, on, hpht, self._delivered(ctx, data), self._pregnant_since(ctx, data)), \
            age_in_months(born, on), \
            (on - born).days

    def _previous(self, ctx: Ctx, data: ReportDraft) -> tuple[dict[str, Any] | None, int | None]:
        member_id, on = data.get("member"), self._date(data)
        past = ctx.once(("last_visit", member_id, on), lambda: last_visit(ctx.session, member_id, on))
        if past is None:
            return None, None
        return ({"weight_kg": past.weight_kg, "height_cm": past.height_cm, "date": past.measured_on},
                (self._date(data) - past.measured_on).days)

    def _check(self, ctx: Ctx, data: ReportDraft, item: str, raw: str) -> Checked:
        stage, months, days = self._stage(ctx, data)
        sex = self._facts(ctx, data)[0]
        try:
            checked = check_item(item, raw, stage, months, sex, days)
            if stage is not LifeStage.BAYI_BALITA:
                checked.values.pop("position", None)  # lying or standing matters for WHO's child tables only
            return checked
        except Invalid as problem:
            params = {k: number(v, ctx.lang) if isinstance(v, (int, float, Decimal)) else v
                      for k, v in problem.params.items()}
            named = params.get("item")
            if isinstance(named, str) and named.startswith("report.item."):
                params["item"] = ctx.t("report.item." + label_key(named[len("report.item."):], days))
            raise Invalid(problem.key, **params) from None

    @staticmethod
    def _drop(data: ReportDraft, item: str) -> None:
        if item in data["queue"]:
            data["queue"].remove(item)



def numeric(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) or bool(re.fullmatch(r"-?\d+(\.\d+)?", str(value)))
