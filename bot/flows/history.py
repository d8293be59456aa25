"""`riwayat` / `sudah di puskesmas`: a kader or bidan records a past dose or service given elsewhere.

Why its own words: a dose given at the puskesmas last month is not today's posyandu service; it is
recorded as history (`service_given.origin = 'history'`, storage.services) with its month, so the next
dose, the reminders, `keluarga` and the visit list follow it, while the month's recap and SATUSEHAT
(posyandu Immunization) never count it. The checks are the import's (`services import`): dose order,
minimum intervals, age limits (health.service_history, health.immunisation).

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/riwayat_puskesmas.txt.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.visit_text import member_label
from bot.flows.scope import ScopedFlow, pick_member
from bot.i18n.resident import fmt_date
from bot.messages import Choice, Reply, Role
from bot.parsing import parse_yes_no
from health.immunisation import next_doses
from health.service_history import VITA, check_service, name_service, resolve, service_name
from health.schedules import dose_name
from storage.members import member_by_id, sure_match
from storage.records import MemberRecord
from storage.reporting import search_members, visible_posyandu
from storage.services import HistoryProblem, member_services, parse_entry, problem_of, record_history_now, register_date

SAVE, CANCEL = "simpan", "batal"
DONE_WORDS = frozenset({"selesai", "sudah selesai", "done", "cukup", "tidak", "tidak ada"})
class HistoryFlow(ScopedFlow):
    name = "riwayat"
    steps = ("name", "member", "service", "when", "confirm")
    triggers = ("riwayat", "riwayat imunisasi", "riwayat layanan", "sudah di puskesmas", "imunisasi di puskesmas",
                "history")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        if not visible_posyandu(ctx.session, ctx.contact):
            return done(say(ctx, "report.no_posyandu"))
        if arg:
            return self._find(ctx, {}, arg)
        return ask(ctx, "name", {}, "history.ask_member")

    def on_name(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        return self._find(ctx, data, answer.text)

    def _find(self, ctx: Ctx, data: dict[str, Any], query: str) -> Turn:
        found = search_members(ctx.session, [p.id for p in visible_posyandu(ctx.session, ctx.contact)], query)
        if not found:
            return ask(ctx, "name", data, "history.ask_member", before=[say(ctx, "history.not_found", name=query)])
        sure = sure_match(query, found)
        if sure is not None:
            return self._picked(ctx, data, sure)
        offered = tuple(Choice(f"m{m.id}", member_label(ctx.lang, m, ctx.today())) for m in found)
        data["offered"] = len(offered)
        return ask(ctx, "member", data, "history.which", offered)

    def on_member(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        return self._picked(ctx, data, pick_member(ctx, data, answer))

    def _member(self, ctx: Ctx, data: dict[str, Any]) -> MemberRecord:
        member = member_by_id(ctx.session, data["member"])
        assert member is not None  # ScopedFlow checked it is in scope
        return member

    def _picked(self, ctx: Ctx, data: dict[str, Any], member: MemberRecord, before: list[Any] | None = None) -> Turn:
        data["member"] = member.id
        data.pop("offered", None)
        history = member_services(ctx.session, member.id)
        given = ", ".join(f"{service_name(code, ctx.lang)} ({fmt_date(ctx.lang, days[0], short=True)})"
                          for code, days in sorted(history.days.items(), key=lambda kv: kv[1][0]))
        return ask(ctx, "service", data, "history.ask_service", before=before or [],
                   member=member_label(ctx.lang, member, ctx.today()), given=given or ctx.t("history.none_given"))

    def on_service(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        text = answer.text.strip()
        if text.lower() in DONE_WORDS:
            return done(say(ctx, "history.done", member=self._member(ctx, data).name))
        named, words, when, place = parse_entry(text, ctx.today())
        if named is None:
            raise Invalid("history.problem.service", text=text[:30])
        data["service"], data["place"] = words, place
        if when is None:
            return ask(ctx, "when", data, "history.need_date")
        return self._confirm(ctx, data, when)

    def on_when(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        try:
            when = register_date(answer.text, ctx.today())
        except HistoryProblem as problem:
            raise Invalid(problem.key, **problem.params) from None
        return self._confirm(ctx, data, when)

    def _confirm(self, ctx: Ctx, data: dict[str, Any], when: tuple[date, str]) -> Turn:
        member = self._member(ctx, data)
        named = name_service(data["service"])
        assert named is not None
        history = member_services(ctx.session, member.id)
        code = resolve(named, {c: d[0] for c, d in history.days.items() if d}, when[0])
        problem = check_service(member.birth_date, history.for_checks(), code, when[0], ctx.today(), named.capsule,
                                tuple(history.days.get(VITA, ()))) if code else None
        if problem is not None and not (problem.key == "already" and when[0] in history.days.get(code or "", [])):
            return ask(ctx, "service", data, "history.retry", before=[_refused(ctx, problem_of(problem, ctx.lang))])
        data["when"], data["precision"] = when[0].isoformat(), when[1]
        return ask(ctx, "confirm", data, "history.confirm", choices(ctx, ((SAVE, "history.save"),
                                                                        (CANCEL, "history.cancel"))),
                   member=member.name, service=service_name(code, ctx.lang) if code else data["service"],
                   when=self._when(ctx, when[0], when[1]),
                   place=ctx.t("history.at_place", place=data["place"]) if data.get("place") else "")

    @staticmethod
    def _when(ctx: Ctx, on: date, precision: str) -> str:
        if precision == "month":
            return ctx.t("history.month", month=format_date(on, "MMMM y", locale="en" if ctx.lang == "en" else "id"))
        return fmt_date(ctx.lang, on, short=True)

    def on_confirm(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        said = parse_yes_no(answer.value, yes=frozenset({SAVE, "save"}), no=frozenset({CANCEL, "cancel"}))
        if said == "no":
            return done(say(ctx, "core.cancelled"))
        if said is None:
            if parse_entry(answer.text, ctx.today())[0] is not None:  # another line typed instead: that one
                return self.on_service(ctx, data, answer)
            raise Invalid("core.choose_from_list", count=2)
        member = self._member(ctx, data)
        named = name_service(data.pop("service"))
        assert named is not None
        on, precision = date.fromisoformat(data.pop("when")), data.pop("precision")
        history = member_services(ctx.session, member.id)
        try:
            saved = record_history_now(ctx.session, member, named, on, precision, ctx.today(), history,
                                   place=data.pop("place", None), recorded_by_id=ctx.contact.id)
        except HistoryProblem as problem:
            return ask(ctx, "service", data, "history.retry", before=[_refused(ctx, problem)])
        when = self._when(ctx, on, precision)
        if not saved.added:
            return ask(ctx, "service", data, "history.same", service=service_name(saved.code, ctx.lang), when=when,
                       member=member.name)
        days = {c: d[0] for c, d in history.days.items() if d}
        today = ctx.today()
        following = ", ".join(
            dose_name(n.code, ctx.lang) + ("" if n.earliest <= today else f" ({fmt_date(ctx.lang, n.earliest, short=True)})")
            for n in next_doses(member.birth_date, days, today, {"je_endemic": ctx.settings.je_endemic})[:6]
        ) or ctx.t("history.next_none")
        return ask(ctx, "service", data, "history.saved", service=service_name(saved.code, ctx.lang),
                   member=member.name, when=when, next=following)


def _refused(ctx: Ctx, problem: HistoryProblem) -> Reply:
    """A refused record said in the person's language."""
    return say(ctx, problem.key, (), **problem.params)


FLOWS = (HistoryFlow(),)
