"""`sambungan`: a kader or the bidan confirms (or refuses) that a resident's chat belongs to a family they record.

Why staff decide: a chat without the household's number (Telegram, the
terminal, another phone) has no other proof; the kader knows the family and
can call its number. A refused chat is told nothing (that would say the child
exists); an accepted one is told it is linked. docs/privacy.md.

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/privasi_orang_asing.txt.
"""
from __future__ import annotations

from typing import Any

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.visit_text import member_label
from bot.flows.scope import ScopedFlow
from bot.messages import Choice, Reply, Role
from bot.texts import render
from storage.links import decide, pending_at, request_parties
from storage.reporting import visible_posyandu

DONE_WORDS = frozenset({"done", "selesai"})


class LinkRequestsFlow(ScopedFlow):
    name = "sambungan"
    triggers = ("sambungan", "permintaan sambungan", "link requests")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "link.menu"
    menu_order = 35

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        return self._list(ctx)

    def _list(self, ctx: Ctx, before: tuple[Reply, ...] = ()) -> Turn:
        places = visible_posyandu(ctx.session, ctx.contact)
        rows = pending_at(ctx.session, [p.id for p in places])
        if not rows:
            return done(*before, say(ctx, "link.none"), then="menu")
        names = {p.id: p.name for p in places}
        lines, offered = [ctx.t("link.title")], []
        for n, (request, member, asker, household) in enumerate(rows, 1):
            lines.append(ctx.t("link.entry", n=n, member=member_label(ctx.lang, member, ctx.today()),
                               posyandu=names.get(request.posyandu_id, ""),
                               requester=asker.display_name or ctx.t("link.no_name"),
                               channel=ctx.t(f"link.channel.{asker.channel}"), date=request.created_at.date(),
                               household=(household.name if household and household.name else "-"),
                               phone=(household.phone if household and household.phone else member.guardian_phone)
                               or "-"))
            offered.append(Choice(f"l{request.id}", member.name))
        offered.append(Choice("done", ctx.t("report.finish")))
        text = "\n".join(lines) + "\n\n" + ctx.t("link.ask_pick")
        return Turn([*before, Reply(text, tuple(offered))], "pick", {})

    def on_pick(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        value = answer.value.strip()
        if value == "done" or value.lower() in DONE_WORDS:
            return done(then="menu")
        if not (value.startswith("l") and value[1:].isdigit()):
            raise Invalid("link.choose")
        rows = pending_at(ctx.session, [p.id for p in visible_posyandu(ctx.session, ctx.contact)])
        row = next((r for r in rows if r[0].id == int(value[1:])), None)
        if row is None:
            return self._list(ctx, (say(ctx, "link.gone"),))
        return ask(ctx, "decide", {"request": row[0].id, "name": row[1].name}, "link.ask_decide",
                   choices(ctx, (("accept", "link.accept"), ("refuse", "link.refuse"), ("back", "link.back"))),
                   member=row[1].name)

    def on_decide(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        value = answer.value.strip().lower()
        if value in ("back", "kembali"):
            return self._list(ctx)
        if value not in ("accept", "refuse", "ya", "tolak"):
            raise Invalid("core.choose_from_list", count=3)
        accept = value in ("accept", "ya")
        allowed = [p.id for p in visible_posyandu(ctx.session, ctx.contact)]  # the scope again, at this step
        request = decide(ctx.session, ctx.contact, int(data["request"]), allowed, accept, ctx.now)
        if request is None:
            return self._list(ctx, (say(ctx, "link.gone"),))
        if request.status == "accepted":
            asker, member = request_parties(ctx.session, request)
            if asker is not None and member is not None:
                lang = asker.language or ctx.settings.default_language
                ctx.notify(asker.id, render(lang, "link.told_accepted", name=member.name), kind="result",
                           dedupe_key=f"link-accepted:{request.id}")
            return self._list(ctx, (say(ctx, "link.accepted", member=data.get("name", "")),))
        return self._list(ctx, (say(ctx, "link.refused", member=data.get("name", "")),))


FLOWS = (LinkRequestsFlow(),)
