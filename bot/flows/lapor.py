"""`/lapor`: a kader reports one member's posyandu visit; every value is checked and interpreted.

The conversations, as a kader sees them: tests/transcripts/lapor_balita.txt (a unit slip, a thin arm,
an edit), lapor_expert.txt (one line), lapor_lansia.txt (values in order, `simpan` with the last),
lapor_anggota_baru.txt, lapor_anak_sekolah.txt, lapor_hamil_tanpa_hpht.txt, lapor_nifas.txt and
lapor_menu_draf.txt (`menu` asks first), lapor_jebakan_kader.txt (the traps of issue 16: `lanjut`, a
birth date at the name question, a changed mind); docs/reporting.md has the steps.

Steps: posyandu (only when the contact sees several) -> member (the date is today unless typed
here; search, recent visitors, or new_name -> new_sex -> new_birth -> new_phone with the NIK) ->
pregnant/hpht (women 10-55 without an ongoing pregnancy) -> item (one per measurement; several
numbers answer the next ones in order; `confirm` when a value is asked back) -> services ->
summary (-> edit -> item/services -> summary) -> next. `simpan` at any item ends the questions
and saves with the summary in the same reply. Nothing is written before that;
`storage.reporting.save_visit` then writes everything in the step's transaction.
The member steps are in `reporting_member`, the measuring steps in `reporting_measure`,
the facts they share in `reporting_visit`; this module holds the summary, edit and save.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from bot import flows as registry
from bot.choices import keyword
from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.flows.reporting_expert import split_name_and_line
from bot.flows.reporting_items import ITEMS, ORDER, items_for, label_key
from bot.flows.reporting_expert import parse_expert
from bot.flows.reporting_measure import DONE, MeasureSteps, strip_save
from bot.flows.reporting_member import MemberSteps
from bot.flows.reporting_notices import notify_visit, visit_charts
from bot.visit_text import summary_text, value_text
from bot.flows.reporting_visit import SKIP
from bot.flows.reporting_services import label_for
from bot.flows.scope import ScopedFlow, choose_posyandu
from bot.flows.reporting_draft import ReportDraft
from bot.messages import Choice, Reply, Role
from bot.parsing import parse_yes_no
from storage.reporting import Interpretation, NewMember, Values, Visit, assess, save_visit

NEXT_WORDS = {"lanjut", "lanjutkan", "berikutnya", "next", "continue"}  # "Lanjut ke anggota berikutnya?"
SAVE = {"save", "simpan"}  # and every yes word of bot.parsing
EDIT = {"edit", "ubah", "ganti", "koreksi"}
SHOWN_DUE = 3  # the summary names a few services still to record; `ubah` -> Layanan lists them all


class LaporFlow(ScopedFlow, MemberSteps, MeasureSteps):
    """Every step is re-checked: the contact may still report for this posyandu and member (`ScopedFlow`)."""

    name = "lapor"
    version = 1
    triggers = ("lapor", "laporan", "timbang", "mau lapor", "report", "laporan posyandu", "penimbangan", "input")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "report.menu.lapor"
    menu_order = 10

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        data: ReportDraft = {}
        if arg:
            data["search"], data["line"] = split_name_and_line(arg)
        return choose_posyandu(ctx, data, "report.ask_posyandu", self._after_posyandu)

    def unsaved(self, ctx: Ctx, data: ReportDraft) -> str | None:
        if not (data.get("values") or data.get("new") or data.get("line")):
            return None
        return self._name(ctx, data) if data.get("member") or data.get("new") else ctx.t("report.draft_unnamed")

    # -- summary, edit, save ------------------------------------------------------------------------
    def _interpret(self, ctx: Ctx, data: ReportDraft) -> Interpretation:
        sex, born, hpht = self._facts(ctx, data)
        return assess(ctx.session, data.get("member"), sex, born, self._date(data), hpht,
                      Values.from_dict(data["values"]), self._pregnant_since(ctx, data))

    def _summary_text(self, ctx: Ctx, data: ReportDraft) -> str:
        sex, born, _ = self._facts(ctx, data)
        result = self._interpret(ctx, data)
        return summary_text(ctx.lang, self._name(ctx, data), sex, born, self._date(data), result,
                            data["values"], [label_for(c, ctx.lang) for c in data.get("services") or []],
                            estimated=self._hpht_estimated(ctx, data))

    def _summary(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn:
        text = self._summary_text(ctx, data)
        given = set(data.get("services") or [])
        services = self._services(ctx, data)
        due = [s.label(ctx.lang) for s in services if s.code not in given]
        if len(due) > SHOWN_DUE:
            due = due[:SHOWN_DUE] + [ctx.t("report.and_more")]
        if due:  # what can still be recorded, typed by name right here (`vit a, dpt4`)
            text += "\n\n" + ctx.t("report.summary_services_due", services=", ".join(due))
        if data.get("member") and any(s.late and s.code not in given for s in services):  # given elsewhere?
            text += "\n" + ctx.t("history.hint", name=self._name(ctx, data))
        offered = choices(ctx, (("save", "report.save"), ("edit", "report.edit"), ("cancel", "report.cancel")))
        return Turn([*before, Reply(text + "\n\n" + ctx.t("report.ask_save"), offered)], "summary", data)

    def on_summary(self, ctx: Ctx, data: ReportDraft, answer: Answer) -> Turn:
        word = answer.value.strip().lower()
        if word in SAVE or parse_yes_no(word) == "yes":
            return self._save(ctx, data)
        if word in EDIT:
            return self._ask_edit(ctx, data)
        if word in ("cancel", "batal"):
            return done(say(ctx, "core.cancelled"), then="menu")
        text, finish = strip_save(answer.text)
        if text.lower() in SKIP:  # `-` (no services, nothing more): the summary stands
            return self._save(ctx, data) if finish else self._summary(ctx, data)
        line = parse_expert(text, self._service_words(ctx, data)) if text else None
        if line is None or line.unknown:  # neither a choice nor services/values: the list again
            raise Invalid("report.summary_unknown")
        if finish:
            data["finish"] = True
        data["services"] = list(dict.fromkeys((data.get("services") or []) + line.services))
        if line.values:  # `lk 45 lila 14` added at the summary: checked like any other value
            data["mode"] = "edit"
            return self._apply_line(ctx, data, line)
        return self._ask_next(ctx, data)

    def _ask_edit(self, ctx: Ctx, data: ReportDraft) -> Turn:
        stage, months, days = self._stage(ctx, data)
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
            return self._summary(ctx, data)
        data["mode"] = "edit"
        if value == "services":
            data["svc_pick"] = list(data.get("services") or [])
            data["services"] = None
            return self._ask_services(ctx, data)
        if value in ITEMS:
            data.pop("pending", None)
            return self._ask_item(ctx, data, value)
        data.pop("mode")
        raise Invalid("report.choose_edit")

    def _save(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = (),
              show_summary: bool = False) -> Turn:
        """Write the visit; `show_summary` when `simpan` came with the last value, so the kader still
        reads the values, the categories and every danger sign (in the same reply as the save)."""
        summary = [Reply(self._summary_text(ctx, data))] if show_summary else []
        new = data.get("new")
        visit = Visit(
            posyandu_id=data["pid"], measured_on=self._date(data), values=Values.from_dict(data["values"]),
            member_id=data.get("member"),
            new_member=NewMember(new["name"], new["sex"], date.fromisoformat(new["birth"]), new.get("phone"),
                                 new.get("nik")) if new else None,
            hpht=date.fromisoformat(typed) if (typed := data.get("hpht")) else None,
            hpht_estimate=data.get("hpht_estimate"), pregnant=bool(data.get("pregnant")),
            services=list(data.get("services") or []), source="chat", recorded_by_id=ctx.contact.id)
        saved = save_visit(ctx.session, visit, ctx.now)
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
            return self._ask_member(ctx, data)
        if answer.value == "done" or word in DONE or parse_yes_no(word) == "no":
            return self._bye(ctx, data)
        other, arg = registry.find(answer.text)
        if other is not None and other.name == self.name:
            return self.begin(ctx, arg)  # `lapor joko bb 70 ...` straight away
        if other is not None:  # another command word (`rujukan`, `rekap november`...): the kader is done here
            return done(then=f"{other.name} {arg}".strip())
        return self._search(ctx, data, answer.text)



FLOWS = (LaporFlow(),)
