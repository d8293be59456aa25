"""`nik`: a kader or bidan adds a member's NIK later, and sees who is still missing one.

Without a NIK (or, for a baby, the mother's) a visit cannot be sent to
SATUSEHAT; the visits wait and go as soon as the NIK is added.

The NIK is checked (health.nik): 16 digits, a province, a real birth date
part. One that does not match the member's birth date or sex is asked back,
never refused: a NIK does not change when a birth date is corrected.

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/nik_tambah.txt.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.flows.reporting_render import member_label
from bot.flows.scope import ScopedFlow
from bot.messages import Choice, Role
from bot.parsing import parse_yes_no
from health.nik import nik_mismatch, nik_problem, parse_nik
from storage.identity import members_missing_nik, nik_holder, set_nik
from storage.models import Member
from storage.reporting import member_in_scope, search_members, visible_posyandu

# The NIK at the end of the message, digits possibly grouped: "nik budi 3201 0105 0325 0002".
TRAILING_DIGITS = re.compile(r"^(?P<name>.*?)\s*(?P<nik>\d[\d\s.-]*\d)\s*$")
SAVE, CANCEL = "simpan", "batal"


def masked(nik: str) -> str:
    """A stored NIK as shown back: province and last four digits only."""
    return f"{nik[:4]}••••••••{nik[-4:]}"


class NikFlow(ScopedFlow):
    name = "nik"
    triggers = ("nik", "tambah nik", "add nik")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "nik.menu"
    menu_order = 40

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        places = visible_posyandu(ctx.session, ctx.contact)
        if not places:
            return done(say(ctx, "report.no_posyandu"))
        match = TRAILING_DIGITS.match(arg)
        if not arg or match is None:
            return done(self._missing(ctx, [p.id for p in places], arg))
        name, typed = match.group("name").strip(), match.group("nik")
        problem = nik_problem(typed, ctx.today())
        if problem is not None:
            return done(say(ctx, f"nik.bad.{problem}"), say(ctx, "nik.usage"))
        if not name:
            return done(say(ctx, "nik.no_name"), say(ctx, "nik.usage"))
        parts = parse_nik(typed, ctx.today())
        assert parts is not None
        found = search_members(ctx.session, [p.id for p in places], name)
        data: dict[str, Any] = {"nik": parts.nik}
        if not found:
            return done(say(ctx, "nik.not_found", name=name), say(ctx, "nik.usage"))
        if len(found) == 1:
            return self._picked(ctx, data, found[0])
        offered = tuple(Choice(f"m{m.id}", member_label(ctx.lang, m, ctx.today())) for m in found)
        data["offered"] = len(offered) + 1
        return ask(ctx, "member", data, "nik.which", offered + (Choice(CANCEL, ctx.t("nik.cancel")),))

    def on_member(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if answer.value in (CANCEL, "cancel"):
            return done(say(ctx, "core.cancelled"))
        allowed = [p.id for p in visible_posyandu(ctx.session, ctx.contact)]
        member = None
        if answer.value.startswith("m") and answer.value[1:].isdigit():
            member = member_in_scope(ctx.session, int(answer.value[1:]), allowed)
        if member is None:
            raise Invalid("core.choose_from_list", count=data.get("offered", 2))
        return self._picked(ctx, data, member)

    def _picked(self, ctx: Ctx, data: dict[str, Any], member: Member) -> Turn:
        nik = data["nik"]
        other = nik_holder(ctx.session, nik, member.id)
        if other is not None:  # two people never share a NIK: refused, without naming the other
            return done(say(ctx, "nik.taken"))
        if member.nik == nik:
            return done(say(ctx, "nik.same", name=member.name))
        data["member"] = member.id
        label = member_label(ctx.lang, member, ctx.today())
        before = [say(ctx, "nik.replaces", old=masked(member.nik))] if member.nik else []
        parts = parse_nik(nik, ctx.today())
        assert parts is not None
        for what in nik_mismatch(parts, member.birth_date, member.sex):
            before.append(say(ctx, f"nik.mismatch.{what}", day=parts.birth_date,
                              recorded=member.birth_date, sex=ctx.t(f"nik.sex.{parts.sex}")))
        return ask(ctx, "confirm", data, "nik.confirm", choices(ctx, ((SAVE, "nik.save"), (CANCEL, "nik.cancel"))),
                   before=before, nik=nik, member=label)

    def on_confirm(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        said = parse_yes_no(answer.value, yes=frozenset({SAVE, "save"}), no=frozenset({CANCEL, "cancel"}))
        if said == "no":
            return done(say(ctx, "core.cancelled"))
        if said is None:
            raise Invalid("core.choose_from_list", count=2)
        member = ctx.session.get(Member, data["member"])
        if member is None:
            return done(say(ctx, "report.member_not_here"))
        if nik_holder(ctx.session, data["nik"], member.id) is not None:
            return done(say(ctx, "nik.taken"))
        waiting = set_nik(ctx.session, member, data["nik"], ctx.contact.id, ctx.now)
        return done(say(ctx, "nik.saved", name=member.name, nik=masked(data["nik"])),
                    *([say(ctx, "nik.requeued", count=waiting)] if waiting else []))

    def _missing(self, ctx: Ctx, posyandu_ids: list[int], arg: str):  # type: ignore[no-untyped-def]
        """Who still has no NIK (the bidan's list), then how to add one."""
        people, total = members_missing_nik(ctx.session, posyandu_ids)
        if not people:
            return say(ctx, "nik.none_missing")
        lines = [ctx.t("nik.missing_line" if n else "nik.missing_line_no_visit",
                       member=member_label(ctx.lang, m, ctx.today()), count=n) for m, n in people]
        more = ctx.t("nik.missing_more", count=total - len(people)) if total > len(people) else ""
        return say(ctx, "nik.missing", lines="\n".join(lines) + (f"\n{more}" if more else ""))


FLOWS = (NikFlow(),)
