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
The flow is built from three parts, each a small object with its own steps, given the parts it hands
over to: `MemberPart` (reporting_member: who and when) -> `MeasurePart` (reporting_measure: values
and services) -> `SummaryPart` (reporting_summary: summary, edit, save, next; back to either). The
facts they all read are functions of `reporting_visit`; the draft they share is `ReportDraft`.
`LaporFlow.handlers` lists every step and the part that answers it.
"""
from __future__ import annotations

from typing import Iterable

from bot.flows.base import Ctx, Handler, Turn
from bot.flows import reporting_visit as visit
from bot.flows.reporting_draft import ReportDraft
from bot.flows.reporting_expert import split_name_and_line
from bot.flows.reporting_measure import MeasurePart
from bot.flows.reporting_member import MemberPart
from bot.flows.reporting_summary import SummaryPart
from bot.flows.scope import ScopedFlow, choose_posyandu
from bot.messages import Reply, Role


class LaporFlow(ScopedFlow):
    """Every step is re-checked: the contact may still report for this posyandu and member (`ScopedFlow`)."""

    name = "lapor"
    version = 1
    triggers = ("lapor", "laporan", "timbang", "mau lapor", "report", "laporan posyandu", "penimbangan", "input")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "report.menu.lapor"
    menu_order = 10
    stored_only = frozenset({"date", "new_nik", "position"})

    def __init__(self) -> None:
        self.measure = MeasurePart(ending=self)
        self.member = MemberPart(self.measure, self.name)
        self.summary = SummaryPart(self.member, self.measure, restart=self.begin, flow_name=self.name)
        member, measure, summary = self.member, self.measure, self.summary
        self._steps: dict[str, Handler] = {
            # who and when
            "posyandu": member.on_posyandu, "member": member.on_member, "which_date": member.on_which_date,
            "new_name": member.on_new_name, "new_sex": member.on_new_sex, "new_birth": member.on_new_birth,
            "new_phone": member.on_new_phone, "pregnant": member.on_pregnant, "hpht": member.on_hpht,
            "hpht_estimate": member.on_hpht_estimate,
            # what was measured and given
            "item": measure.on_item, "confirm": measure.on_confirm, "services": measure.on_services,
            # the summary, the save and the next member
            "summary": summary.on_summary, "edit": summary.on_edit, "next": summary.on_next,
            # asked until a12729c (date, nik and position became parts of other answers): a conversation or
            # a kept draft stored at one of them still goes on
            "date": member.on_date, "new_nik": member.on_new_nik, "position": measure.on_position,
        }

    def handlers(self) -> dict[str, Handler]:
        return self._steps

    def parts(self) -> tuple[object, ...]:
        return (self.member, self.measure, self.summary)

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        data: ReportDraft = {}
        if arg:
            data["search"], data["line"] = split_name_and_line(arg)
        return choose_posyandu(ctx, data, "report.ask_posyandu", self.member.after_posyandu)

    # Where the measuring part ends (reporting_measure.Ending): the summary part.
    def show_summary(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = ()) -> Turn:
        return self.summary.show(ctx, data, before)

    def save(self, ctx: Ctx, data: ReportDraft, before: Iterable[Reply] = (), show_summary: bool = False) -> Turn:
        return self.summary.save(ctx, data, before, show_summary)

    def unsaved(self, ctx: Ctx, data: ReportDraft) -> str | None:
        if not (data.get("values") or data.get("new") or data.get("line")):
            return None
        return visit.name(ctx, data) if data.get("member") or data.get("new") else ctx.t("report.draft_unnamed")


FLOWS = (LaporFlow(),)
