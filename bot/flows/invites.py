"""The bidan's tools: invite codes for new kaders and bidan.

The referral queue (`rujukan`) is `bot/flows/referrals.py`.
Roles are checked on every step: a bidan sees the posyandu of their desa, an admin all,
a kader their own posyandu (`storage.reporting.visible_posyandu`).

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/undangan.txt.
"""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.flows.scope import ScopedFlow, choose_posyandu, pick_posyandu
from bot.messages import Role
from storage.places import posyandu_by_id
from storage.reporting import create_invite, visible_posyandu


class InviteFlow(ScopedFlow):
    name = "undangan"
    triggers = ("undangan", "invite", "kode undangan")
    roles = frozenset({Role.BIDAN, Role.ADMIN})
    menu_key = "invite.menu"
    menu_order = 50

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        return choose_posyandu(ctx, {}, "invite.ask_posyandu", self._ask_role)

    def on_posyandu(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        picked = pick_posyandu(visible_posyandu(ctx.session, ctx.contact), answer)
        return self._ask_role(ctx, {"pid": picked.id})

    def _ask_role(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        return ask(ctx, "role", data, "invite.ask_role",
                   choices(ctx, (("kader", "invite.role.kader"), ("bidan", "invite.role.bidan"))))

    def on_role(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        role = {"kader": "kader", "bidan": "bidan", "midwife": "bidan"}.get(answer.value.strip().lower())
        if role is None:
            raise Invalid("core.choose_from_list", count=2)
        place = posyandu_by_id(ctx.session, data["pid"])
        assert place is not None
        invite = create_invite(ctx.session, place.id, role, ctx.now, ctx.settings.invite_valid_days, ctx.contact.id)
        until = invite.expires_at.astimezone(ZoneInfo(place.timezone)).date()
        return done(say(ctx, "invite.created", code=invite.code, role=ctx.t(f"invite.role.{role}").lower(),
                        posyandu=place.name, until=until), then="menu")


FLOWS = (InviteFlow(),)
