"""The last steps of `/lapor`: the summary, an edit from it, the save and "next member?".

    summary (-> edit -> item/services -> summary) -> save -> next (the member part again, or done).
Nothing is written before the save; `storage.reporting.save_visit` then writes everything in the step's
transaction and the notices (bidan, family) go out with it.
"""
from __future__ import annotations

from datetime import date
from typing import Callable, Iterable

from bot import flows as registry
from bot.choices import keyword
from bot.flows import reporting_visit as visit
from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.flows.reporting_draft import ReportDraft
from bot.flows.reporting_expert import parse_expert
from bot.flows.reporting_items import ITEMS, ORDER, items_for, label_key
from bot.flows.reporting_measure import DONE, MeasurePart, strip_save
from bot.flows.reporting_member import MemberPart
from bot.flows.reporting_notices import notify_visit, visit_charts
from bot.visit_text import summary_text, value_text
from bot.flows.reporting_services import label_for
from bot.flows.reporting_visit import SKIP
from bot.messages import Choice, Reply
from bot.parsing import parse_yes_no
from storage.reporting import Interpretation, NewMember, Values, Visit, assess, save_visit

NEXT_WORDS = {"lanjut", "lanjutkan", "berikutnya", "next", "continue"}  # "Lanjut ke anggota berikutnya?"
SAVE = {"save", "simpan"}  # and every yes word of bot.parsing
EDIT = {"edit", "ubah", "ganti", "koreksi"}
SHOWN_DUE = 3  # the summary names a few services still to record; `ubah` -> Layanan lists them all


class SummaryPart:
    """The summary, edit, save and next steps: an edit hands back to the measuring part, `next` to the member
    part, or to `restart` (the flow's `begin`) when the kader types the flow's command again with a name."""

    def __init__(self, member: MemberPart, measure: MeasurePart, restart: Callable[[Ctx, str], Turn],
                 flow_name: str) -> None:
        self.member = member
        self.measure = measure
        self.restart = restart
        self.flow_name = flow_name

    def _interpret(self, ctx: Ctx, data: ReportDraft) -> Interpretation:
        sex, born, hpht = visit.facts(ctx, data)
        return assess(ctx.session, data.get("member"), sex, born, visit.day_of(data), hpht,
                      Values.from_dict(data["values"]), visit.pregnant_since(ctx, data))

    def _summary_text(self, ctx: Ctx, data: ReportDraft) -> str:
        sex, born, _ = visit.facts(ctx, data)
        result = self._interpret(ctx, data)
        return summary_text(ctx.lang, visit.name(ctx, data), sex, born, visit.day_of(data), result,
                            data["values"], [label_for(c, ctx.lang) for c in data.get("services") or []],
                            estimated=visit.hpht_estimated(ctx, data))

    def show(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn:
        text = self._summary_text(ctx, data)
        given = set(data.get("services") or [])
        services = self.measure.services(ctx, data)
        due = [s.label(ctx.lang) for s in services if s.code not in given]
        if len(due) > SHOWN_DUE:
            due = due[:SHOWN_DUE] + [ctx.t("report.and_more")]
        if due:  # what can still be recorded, typed by name right here (`vit a, dpt4`)
            text += "\n\n" + ctx.t("report.summary_services_due", services=", ".join(due))
        if data.get("member") and any(s.late and s.code not in given for s in services):  # given elsewhere?
            text += "\n" + ctx.t("history.hint", name=visit.name(ctx, data))
        offered = choices(ctx, (("save", "report.save"), ("edit", "report.edit"), ("cancel", "report.cancel")))
        return Turn([*before, Reply(text + "\n\n" + ctx.t("report.ask_save"), offered)], "summary", data)

    def on_summary(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        word = answer.value.strip().lower()
        if word in SAVE or parse_yes_no(word) == "yes":
            return self.save(ctx, data)
        if word in EDIT:
            return self._ask_edit(ctx, data)
        if word in ("cancel", "batal"):
            return done(say(ctx, "core.cancelled"), then="menu")
        text, finish = strip_save(answer.text)
        if text.lower() in SKIP:  # `-` (no services, nothing more): the summary stands
            return self.save(ctx, data) if finish else self.show(ctx, data)
        line = parse_expert(text, self.measure.service_words(ctx, data)) if text else None
        if line is None or line.unknown:  # neither a choice nor services/values: the list again
            raise Invalid("report.summary_unknown")
        if finish:
            data["finish"] = True
        data["services"] = list(dict.fromkeys((data.get("services") or []) + line.services))
        if line.values:  # `lk 45 lila 14` added at the summary: checked like any other value
            data["mode"] = "edit"
            return self.measure.apply_line(ctx, data, line)
        return self.measure.ask_next(ctx, data)

    def _ask_edit(self, ctx: Ctx, data: ReportDraft) -> Turn:
        stage, months, days = visit.stage(ctx, data)
        present = [i for i in ORDER if any(data["values"].get(f) is not None for f in ITEMS[i].fields)]
        items = list(dict.fromkeys(items_for(stage, months) + present))
        offered = [Choice(i, ctx.t("report.edit_item", item=ctx.t(f"report.item.{label_key(i, days)}"),
                                   value=value_text(ctx.lang, i, data["values"]))) for i in items]
        chosen = ", ".join(label_for(c, ctx.lang) for c in data.get("services") or []) or "-"
        offered.append(Choice("services", ctx.t("report.edit_services", value=chosen)))
        offered.append(Choice("back", ctx.t("report.edit_back")))
        return ask(ctx, "edit", data, "report.ask_edit", offered)

    def on_edit(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        value = answer.value
        if value == "back":
            return self.show(ctx, data)
        data["mode"] = "edit"
        if value == "services":
            data["svc_pick"] = list(data.get("services") or [])
            data["services"] = None
            return self.measure.ask_services(ctx, data)
        if value in ITEMS:
            data.pop("pending", None)
            return self.measure.ask_item(ctx, data, value)
        data.pop("mode")
        raise Invalid("report.choose_edit")

    def save(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = (),
              show_summary: bool = False) -> Turn:
        """Write the visit; `show_summary` when `simpan` came with the last value, so the kader still
        reads the values, the categories and every danger sign (in the same reply as the save)."""
        summary = [Reply(self._summary_text(ctx, data))] if show_summary else []
        new = data.get("new")
        record = Visit(
            posyandu_id=data["pid"], measured_on=visit.day_of(data), values=Values.from_dict(data["values"]),
            member_id=data.get("member"),
            new_member=NewMember(new["name"], new["sex"], date.fromisoformat(new["birth"]), new.get("phone"),
                                 new.get("nik")) if new else None,
            hpht=date.fromisoformat(typed) if (typed := data.get("hpht")) else None,
            hpht_estimate=data.get("hpht_estimate"), pregnant=bool(data.get("pregnant")),
            services=list(data.get("services") or []), source="chat", recorded_by_id=ctx.contact.id)
        saved = save_visit(ctx.session, record, ctx.now)
        alerted = notify_visit(ctx, saved)
        replies = [*before, *summary, say(ctx, "report.saved_replaced" if saved.replaced else "report.saved",
                                          name=saved.member.name)]
        if alerted:
            replies.append(say(ctx, "report.saved_alerted", count=alerted))
        replies.extend(visit_charts(ctx.session, saved, ctx.lang))
        kept: ReportDraft = {"pid": data["pid"], "date": data["date"], "saved": data.get("saved", 0) + 1}
        offered = choices(ctx, (("next", "report.next"), ("done", "report.finish")))
        return ask(ctx, "next", kept, "report.ask_next", offered, before=replies)  # the next report starts here

    def on_next(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        word = keyword(answer.text)
        if answer.value == "next" or word in NEXT_WORDS or parse_yes_no(word) == "yes":  # "Lanjut ...?" `lanjut`
            return self.member.ask_member(ctx, data)
        if answer.value == "done" or word in DONE or parse_yes_no(word) == "no":
            return self.member.bye(ctx, data)
        other, arg = registry.find(answer.text)
        if other is not None and other.name == self.flow_name:
            return self.restart(ctx, arg)  # `lapor joko bb 70 ...` straight away
        if other is not None:  # another command word (`rujukan`, `rekap november`...): the kader is done here
            return done(then=f"{other.name} {arg}".strip())
        return self.member.search(ctx, data, answer.text)

