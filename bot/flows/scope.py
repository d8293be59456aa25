"""Staff flows over the posyandu a contact may see (`storage.reporting.visible_posyandu`).

Why re-checked at every step: a conversation can outlive a role or a move to
another posyandu, and a forged button can name any id. `ScopedFlow` refuses
the step when the contact lost the flow's role, the posyandu in `data["pid"]`
or the member in `data["member"]`.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from bot.flows.base import Answer, Ctx, Invalid, StepFlow, Turn, ask, done, say
from bot.messages import Choice
from storage.members import name_key
from storage.records import MemberRecord, PosyanduRecord
from storage.reporting import member_in_scope, visible_posyandu


class ScopedFlow(StepFlow):
    """A step flow whose every step is checked against the contact's role and posyandu."""

    switches_on_command_words = True

    def handle(self, ctx: Ctx, step: str, data: dict[str, Any], answer: Answer) -> Turn:
        if ctx.role not in self.roles:
            return done(say(ctx, "core.not_allowed"), then="menu")
        allowed = [p.id for p in visible_posyandu(ctx.session, ctx.contact)]
        if data.get("pid") is not None and data["pid"] not in allowed:
            return done(say(ctx, "report.not_your_posyandu"), then="menu")
        member_id = data.get("member")
        if member_id is not None and ctx.once(("member", member_id),
                                              lambda: member_in_scope(ctx.session, member_id, allowed)) is None:
            return done(say(ctx, "report.member_not_here"), then="menu")
        return super().handle(ctx, step, data, answer)


def choose_posyandu(ctx: Ctx, data: dict[str, Any], ask_key: str,
                    then: Callable[[Ctx, dict[str, Any]], Turn]) -> Turn:
    """Begin at the posyandu: none visible -> refuse; one -> `then` with `data["pid"]`; several -> ask `ask_key`."""
    places = visible_posyandu(ctx.session, ctx.contact)
    if not places:
        return done(say(ctx, "report.no_posyandu"))
    if len(places) == 1:
        data["pid"] = places[0].id
        return then(ctx, data)
    return ask(ctx, "posyandu", data, ask_key, tuple(Choice(f"p{p.id}", p.name) for p in places))


def pick_member(ctx: Ctx, data: dict[str, Any], answer: Answer) -> MemberRecord:
    """The member a `m<id>` choice names, only when of a posyandu this contact may see (a forged or stale
    button is asked again with the list's size)."""
    allowed = [p.id for p in visible_posyandu(ctx.session, ctx.contact)]
    member = None
    if answer.value.startswith("m") and answer.value[1:].isdigit():
        member = member_in_scope(ctx.session, int(answer.value[1:]), allowed)
    if member is None:
        raise Invalid("core.choose_from_list", count=data.get("offered", 2))
    return member


def pick_posyandu(places: Sequence[PosyanduRecord], answer: Answer) -> PosyanduRecord:
    """The posyandu picked from `places` by its button (`p<id>`), its code or its name."""
    key = name_key(answer.value)
    picked = next((p for p in places if answer.value == f"p{p.id}" or key in (name_key(p.code), name_key(p.name))),
                  None)
    if picked is None:
        raise Invalid("core.choose_from_list", count=len(places))
    return picked
