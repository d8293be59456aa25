"""`grafik NAME`: a child's growth chart (weight-for-age, and length/height-for-age where measured).

The chart goes as a picture after the text; it is drawn at send time. Staff
find only children of the posyandu they may see; a subscribed family only its
own household's children (a forged button gets nothing either way).

Conversation (the golden transcript, replayed by the tests): tests/transcripts/rekap_grafik.txt.
"""
from __future__ import annotations

from typing import Any

from bot.charts import chart_attachments, is_balita
from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, done, say
from bot.visit_text import member_label
from bot.flows.scope import ScopedFlow
from bot.messages import Choice, Reply, Role
from storage.members import name_key, sure_match
from storage.households import household_members
from storage.links import typed_by
from storage.posyandu_days import audit
from storage.records import MemberRecord
from storage.reporting import member_in_scope, search_members, visible_posyandu

ECHO_MAX = 40


def chart_replies(ctx: Ctx, member: MemberRecord) -> list[Reply]:
    """The member's charts as replies, or the reason there is none."""
    today = ctx.today()
    if not is_balita(member, today):
        return [say(ctx, "chart.not_balita", name=member.name)]
    charts = chart_attachments(ctx.session, member, ctx.lang, today)
    if not charts:
        return [say(ctx, "chart.no_weight", name=member.name)]
    audit(ctx.session, ctx.contact.id, "chart.viewed", f"member:{member.id}", ctx.now)
    return [Reply(caption, attachment=attachment) for caption, attachment in charts]


def _family(ctx: Ctx) -> list[MemberRecord]:
    """A resident's own household's children: the only charts a family may see."""
    household = ctx.contact.household_id
    return [m for m in household_members(ctx.session, household) if is_balita(m, ctx.today())] if household else []


def _typed(ctx: Ctx) -> list[MemberRecord]:
    """The balita this chat asked to be linked to and that no one confirmed yet, as the chat typed them (never
    the record they may point at): answered exactly as a child added new, so whether a record exists does not
    show (docs/privacy.md). Transient, negative ids (`storage.links.typed_by`)."""
    today = ctx.today()
    return [m for m, _ in typed_by(ctx.session, ctx.contact) if is_balita(m, today)]


def _replies_for(ctx: Ctx, member: MemberRecord) -> list[Reply]:
    if member.id < 0:  # typed, unconfirmed: no weighing of it can be shown
        return [say(ctx, "chart.no_weight", name=member.name)]
    return chart_replies(ctx, member)


def _allowed(ctx: Ctx, member_id: int) -> MemberRecord | None:
    """The member, when this contact may see their chart (checked again at every step)."""
    if ctx.role is Role.RESIDENT:
        return next((m for m in _family(ctx) + _typed(ctx) if m.id == member_id), None)
    allowed = [p.id for p in visible_posyandu(ctx.session, ctx.contact)]
    return member_in_scope(ctx.session, member_id, allowed)


class GrafikFlow(ScopedFlow):
    name = "grafik"
    steps = ("name", "pick")
    triggers = ("grafik", "chart", "kms")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN, Role.RESIDENT})
    menu_key = "chart.menu"
    menu_order = 35

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        if ctx.role is Role.RESIDENT:
            return self._family_chart(ctx, arg)
        if not visible_posyandu(ctx.session, ctx.contact):
            return done(say(ctx, "report.no_posyandu"))
        if not arg.strip():
            return ask(ctx, "name", {}, "chart.ask_name")
        return self._search(ctx, {}, arg)

    def on_name(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        return self._search(ctx, data, answer.text)

    def _search(self, ctx: Ctx, data: dict[str, Any], text: str) -> Turn:
        if len(name_key(text)) < 2:
            raise Invalid("report.search_short")
        allowed = [p.id for p in visible_posyandu(ctx.session, ctx.contact)]
        found = search_members(ctx.session, allowed, text)
        if not found:
            shown = text if len(text) <= ECHO_MAX else text[:ECHO_MAX].rstrip() + "…"
            return ask(ctx, "name", data, "chart.ask_name", before=[say(ctx, "chart.no_member", name=shown)])
        exact = [m for m in found if m.name_key == name_key(text)]
        sure = exact[0] if len(exact) == 1 else sure_match(text, found)
        if sure is not None:
            return done(*chart_replies(ctx, sure))
        today = ctx.today()
        offered = tuple(Choice(f"m{m.id}", member_label(ctx.lang, m, today)) for m in found)
        return ask(ctx, "pick", data, "chart.pick", offered)

    def _family_chart(self, ctx: Ctx, arg: str) -> Turn:
        """A resident: their own children only; by name when there are several."""
        children = _family(ctx) + _typed(ctx)
        if not children:
            return done(say(ctx, "chart.no_family"))
        key = name_key(arg)
        found = [m for m in children if key in m.name_key] if key else children
        if not found:
            return done(say(ctx, "chart.not_in_family", name=arg[:ECHO_MAX]))
        if len(found) == 1:
            return done(*_replies_for(ctx, found[0]))
        today = ctx.today()
        offered = tuple(Choice(f"m{m.id}", member_label(ctx.lang, m, today)) for m in found)
        return ask(ctx, "pick", {}, "chart.pick", offered)

    def on_pick(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        value = answer.value
        if value.startswith("m") and value[1:].lstrip("-").isdigit():
            member = _allowed(ctx, int(value[1:]))
            if member is None:
                return done(say(ctx, "chart.not_allowed"))
            return done(*_replies_for(ctx, member))
        if ctx.role is Role.RESIDENT:
            return self._family_chart(ctx, answer.text)
        return self._search(ctx, data, answer.text)


FLOWS = (GrafikFlow(),)
