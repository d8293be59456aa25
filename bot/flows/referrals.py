"""`rujukan`: the bidan's queue of open referrals, urgent first, a page at a time; she records the outcome.

One entry per member and problem (health.problems): a child with two problems
has two entries, each named with its problem and showing that problem's values,
each closed with its own outcome.

A kader sees her posyandu's queue (who is waiting) but cannot close a referral:
closing is the bidan's (or an admin's) record that someone followed it up.

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/rujukan_bidan.txt,
tests/transcripts/rujukan.txt.
"""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.formats import day
from bot.visit_text import flag_label, member_label
from bot.flows.scope import ScopedFlow
from bot.paging import fitting
from bot.messages import Choice, Reply, Role
from bot.referral_alerts import dated_by_estimate
from bot.referral_text import FIELD_OF_ITEM, VALUE_ITEMS, problem_text, values_text  # noqa: F401  (the page's too)
from bot.texts import catalogue
from health.problems import problem
from health.findings import evidence_name, group
from storage import access
from storage.referrals import (
    OUTCOMES, PAGE_SIZE, QueueEntry, count_urgent, may_close, open_in_scope, open_problems, queue, record_outcome,
    visits_flagging,
)
from storage.reporting import reinterpret, visible_posyandu

NEXT_WORDS = frozenset({"lagi", "next", "berikutnya", "more", "lanjut"})
DONE_WORDS = frozenset({"selesai", "done", "sudah"})
SKIP_WORDS = frozenset({"lewati", "skip", "-", "tidak", "tidak ada", "no"})


def reasons_text(ctx: Ctx, entry: QueueEntry, result: Any) -> str:
    """The referral's reasons by name: the latest visit's flags, then any an earlier visit added (named by the
    visit that raised them)."""
    labels: dict[str, str] = {}
    readings = [result]
    missing = set(entry.referral.reasons or []) - {f.code for f in (result.flags if result is not None else [])}
    for visit in visits_flagging(ctx.session, entry.referral, missing) if missing else []:
        readings.append(reinterpret(ctx.session, visit))
        missing -= set(visit.flags or [])
        if not missing:
            break
    for reading in readings:
        for flag in reading.flags if reading is not None else []:
            labels.setdefault(flag.code, flag_label(flag, ctx.lang))
    known = catalogue(ctx.lang)
    out = []
    for finding, codes in group(list(entry.referral.reasons or []), lambda code: code):
        if finding is not None:  # one finding, its indicators named (health.findings)
            out.append(f"{finding.label(ctx.lang)} ({', '.join(evidence_name(c, ctx.lang) for c in codes)})")
            continue
        code = codes[0]
        key = f"report.flag.{code}"
        out.append(labels.get(code) or (ctx.t(key) if key in known else code.split(":")[-1].replace("_", " ")))
    return "; ".join(out) or "-"


def others_text(ctx: Ctx, entry: QueueEntry, problems: dict[int, list[Any]]) -> str:
    """The member's other open problems, so the bidan sees the whole person on any page of the queue."""
    others = [r for r in problems.get(entry.member.id, []) if r.id != entry.referral.id]
    if not others:
        return ""
    listed = ", ".join(f"{problem_text(ctx, r.problem)} ({ctx.t(f'referral.level.{r.urgency}')})" for r in others)
    return "\n" + ctx.t("referral.others", problems=listed)


def entry_text(ctx: Ctx, n: int, entry: QueueEntry, places: dict[int, str],
               problems: dict[int, list[Any]] | None = None) -> str:
    referral, member, m = entry.referral, entry.member, entry.measurement
    on = m.measured_on if m is not None else ctx.today()
    who = member_label(ctx.lang, member, on)
    result = reinterpret(ctx.session, m) if m is not None else None
    if result is not None and result.days_postpartum is not None:
        who += " · " + ctx.t("referral.nifas", days=result.days_postpartum)
    if m is not None and m.gestational_weeks is not None:
        estimated = dated_by_estimate(ctx.session, member.id, m.measured_on)
        key = "referral.pregnant_estimate" if estimated else "referral.pregnant"
        who += " · " + ctx.t(key, weeks=m.gestational_weeks)
    elif result is not None and result.pregnancy_undated:
        who += " · " + ctx.t("referral.pregnant_undated")
    # since the visit that opened it (an imported visit is dated by the register, not by the import)
    opened = entry.since or referral.created_at.astimezone(ZoneInfo(member.posyandu.timezone or "Asia/Jakarta")).date()
    if m is not None and m.source == "import":
        reporter = ctx.t("referral.reporter_import")
    else:
        reporter = entry.reporter or ctx.t("referral.reporter_unknown")
    return ctx.t("referral.entry", n=n, level=ctx.t(f"referral.level.{referral.urgency}"),
                 problem=problem_text(ctx, referral.problem), member=who,
                 posyandu=places.get(referral.posyandu_id, ""), date=day(on, ctx.lang),
                 times=ctx.t("referral.first_time", date=day(opened, ctx.lang)), values=values_text(ctx, entry),
                 reasons=reasons_text(ctx, entry, result), reporter=reporter, phone=entry.phone or "-") \
        + others_text(ctx, entry, problems or {})


class ReferralsFlow(ScopedFlow):
    """The queue, paged; a bidan or admin picks an entry to record its outcome and an optional note."""

    name = "rujukan"
    triggers = ("rujukan", "referrals")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "report.menu.rujukan"
    menu_order = 30

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        return self._page(ctx, 0)

    def _page(self, ctx: Ctx, offset: int, before: tuple[Reply, ...] = ()) -> Turn:
        places = visible_posyandu(ctx.session, ctx.contact)
        ids = [p.id for p in places]
        entries, total = queue(ctx.session, ids, offset, PAGE_SIZE)
        if not entries and offset:
            offset = 0
            entries, total = queue(ctx.session, ids, 0, PAGE_SIZE)
        entries = [e for e in entries if access.may_see_member(ctx.session, ctx.contact, e.member)]
        if not entries:
            return done(*before, say(ctx, "referral.none"), then="menu")
        urgent = count_urgent(ctx.session, ids)
        names = {p.id: p.name for p in places}
        problems = open_problems(ctx.session, [e.member.id for e in entries])
        closer = may_close(ctx.contact)
        ask_key = "referral.ask_pick" if closer else "referral.ask_pick_kader"

        def page(count: int) -> tuple[str, tuple[Choice, ...]]:
            shown = entries[:count]
            lines = [ctx.t("referral.title", total=total, today=urgent)]
            lines += [entry_text(ctx, i, e, names, problems) for i, e in enumerate(shown, 1)]  # numbered as the choices
            last = offset + len(shown)
            footer = ctx.t("referral.page" if last > offset + 1 else "referral.page_one", first=offset + 1, last=last,
                           total=total)
            if last < total:
                footer += " " + ctx.t("referral.more", n=min(PAGE_SIZE, total - last))
            offered = [Choice(f"r{e.referral.id}", f"{e.member.name} · {problem_text(ctx, e.referral.problem)}")
                       for e in shown] if closer else []
            if last < total:
                offered.append(Choice("next", ctx.t("referral.next_page")))
            elif offset:
                offered.append(Choice("first", ctx.t("referral.first_page")))
            offered.append(Choice("done", ctx.t("report.finish")))
            return "\n\n".join(lines) + "\n\n" + footer + "\n" + ctx.t(ask_key), tuple(offered)

        count = fitting(ctx.contact.channel, ctx.lang, len(entries), page)  # whole entries in one message
        text, offered = page(count)
        return Turn([*before, Reply(text, offered)], "pick", {"offset": offset, "shown": count})

    def on_pick(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        value = answer.value.strip()
        word = value.lower()
        offset = int(data.get("offset", 0))
        if value == "done" or word in DONE_WORDS:
            return done(then="menu")
        if value == "next" or word in NEXT_WORDS:
            return self._page(ctx, offset + int(data.get("shown", PAGE_SIZE)))
        if value == "first" or word in self.triggers:  # 'rujukan' again: the list afresh
            return self._page(ctx, 0)
        if not (value.startswith("r") and value[1:].isdigit()):
            value = self._by_name(ctx, word, offset)
        if not may_close(ctx.contact):
            return done(say(ctx, "referral.kader_cannot_close"), then="menu")
        entry = open_in_scope(ctx.session, int(value[1:]), [p.id for p in visible_posyandu(ctx.session, ctx.contact)])
        if entry is None:
            return self._page(ctx, offset, (say(ctx, "referral.gone"),))
        offered = choices(ctx, [(o, f"referral.outcome.{o}") for o in OUTCOMES] + [("back", "referral.back")])
        name = f"{entry.member.name} ({problem_text(ctx, entry.referral.problem)})"
        return ask(ctx, "outcome", {"offset": offset, "referral": entry.referral.id, "name": name},
                   "referral.ask_outcome", offered, name=name)

    def _by_name(self, ctx: Ctx, word: str, offset: int) -> str:
        """A name typed instead of a number picks the one entry of this page it names; else ask for the number."""
        entries, _ = queue(ctx.session, [p.id for p in visible_posyandu(ctx.session, ctx.contact)], offset, PAGE_SIZE)
        found = [e for e in entries if len(word) >= 3 and word in e.member.name.lower()
                 and access.may_see_member(ctx.session, ctx.contact, e.member)]
        if len(found) != 1:
            raise Invalid("referral.choose")
        return f"r{found[0].referral.id}"

    def on_outcome(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        value = answer.value.strip().lower()
        if value in ("back", "kembali", "batal"):
            return self._page(ctx, int(data.get("offset", 0)))
        if value not in OUTCOMES:
            raise Invalid("core.choose_from_list", count=len(OUTCOMES) + 1)
        data["outcome"] = value
        return ask(ctx, "note", data, "referral.ask_note", choices(ctx, (("skip", "referral.skip"),)))

    def on_note(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        note = None if answer.value == "skip" or answer.text.strip().lower() in SKIP_WORDS else answer.text
        if note is not None and note.strip().isdigit():  # a number typed for a button that is not there
            raise Invalid("referral.note_number")
        allowed = [p.id for p in visible_posyandu(ctx.session, ctx.contact)]  # the scope again, at this step
        closed = record_outcome(ctx.session, ctx.contact, int(data["referral"]), allowed, data["outcome"], note,
                                ctx.now)
        offset = int(data.get("offset", 0))
        if closed is None:
            return self._page(ctx, offset, (say(ctx, "referral.gone"),))
        told = say(ctx, "referral.closed", name=data.get("name", ""), outcome=ctx.t(f"referral.outcome.{data['outcome']}"))
        return self._page(ctx, offset, (told,))


FLOWS = (ReferralsFlow(),)
