"""`jangkauan`: the bidan sees, per posyandu, how many households each channel reaches and how this month's
reminders and announcements fared (sent, delivered, read, failed). Figures: `storage.reach.reach_figures`.

Conversation (the golden transcript, replayed by the tests): tests/transcripts/jangkauan_kunjungan_bidan.txt.
"""
from __future__ import annotations

from bot.flows.base import Ctx, Turn, done, say
from bot.flows.scope import ScopedFlow
from bot.messages import Reply, Role
from bot.recap_text import month_label
from storage.posyandu_days import audit
from storage.reach import UNREACHABLE, reach_figures
from storage.reporting import visible_posyandu


class ReachFlow(ScopedFlow):
    name = "jangkauan"
    triggers = ("jangkauan", "jangkauan pesan", "reach", "message reach")
    roles = frozenset({Role.BIDAN, Role.ADMIN})
    menu_key = "reach.menu"
    menu_order = 29

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        places = visible_posyandu(ctx.session, ctx.contact)
        if not places:
            return done(say(ctx, "reach.none"))
        today = ctx.today()
        blocks = [ctx.t("reach.title", month=month_label(ctx.lang, today.year, today.month))]
        for place in places:
            figures = reach_figures(ctx.session, place, ctx.today(place.timezone))
            parts = [ctx.t(f"reach.part.{why}", n=figures.households[why]) for why in UNREACHABLE
                     if figures.households.get(why)]
            why = ctx.t("reach.why", parts=", ".join(parts)) if parts else ""
            blocks.append(ctx.t("reach.posyandu", posyandu=place.name, code=place.code, why=why,
                                **{k: figures.households.get(k, 0) for k in ("whatsapp", "telegram", "sms",
                                                                             "unreachable")},
                                **figures.messages))
            audit(ctx.session, ctx.contact.id, "reach.viewed", f"posyandu:{place.id}", ctx.now)
        blocks.append(ctx.t("reach.footer"))
        return done(Reply("\n\n".join(blocks)))

FLOWS = (ReachFlow(),)
