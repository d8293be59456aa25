"""The bidan's tools: invite codes for new kaders and bidan, and the open referrals of their desa.

    > undangan
    Kode undangan untuk posyandu mana?  1. Posyandu Mawar 7  2. Posyandu Melati 3 ...
    > 1
    Untuk peran apa?  1. Kader  2. Bidan
    > 1
    Kode undangan kader Posyandu Mawar 7: *K7M2QP*
    Berlaku sampai 29-11-2026, untuk satu orang. ...

    > rujukan
    Rujukan yang belum ditangani (Posyandu Mawar 7, ...):
    1. Aisyah Putri (P, 9 bulan) — 22-11-2026: Bawah garis merah (BGM)
    Pilih untuk menandai sudah ditangani:  1. Aisyah Putri ...  2. Selesai
    > 1
    Rujukan Aisyah Putri ditandai sudah ditangani.

Roles are checked on every step: a bidan sees the posyandu of their desa, an admin all,
a kader (referrals only) their own posyandu (`storage.reporting.visible_posyandu`).
"""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.flows.reporting_format import day
from bot.flows.reporting_render import flag_label, member_label
from bot.flows.scope import ScopedFlow, choose_posyandu, pick_posyandu
from bot.messages import Choice, Reply, Role
from storage.models import Member, Posyandu, Referral
from storage.reporting import create_invite, mark_referral_handled, open_referrals, reinterpret, visible_posyandu


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
        place = ctx.session.get(Posyandu, data["pid"])
        assert place is not None
        invite = create_invite(ctx.session, place.id, role, ctx.now, ctx.settings.invite_valid_days, ctx.contact.id)
        until = invite.expires_at.astimezone(ZoneInfo(place.timezone)).date()
        return done(say(ctx, "invite.created", code=invite.code, role=ctx.t(f"invite.role.{role}").lower(),
                        posyandu=place.name, until=day(until)), then="menu")


class ReferralsFlow(ScopedFlow):
    name = "rujukan"
    triggers = ("rujukan", "referrals")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "report.menu.rujukan"
    menu_order = 30

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        return self._list(ctx)

    def _list(self, ctx: Ctx, before: tuple[Reply, ...] = ()) -> Turn:
        places = visible_posyandu(ctx.session, ctx.contact)
        rows = open_referrals(ctx.session, [p.id for p in places])
        if not rows:
            return done(*before, say(ctx, "report.referrals_none"), then="menu")
        names = {p.id: p.name for p in places}
        lines, offered = [], []
        for i, (referral, member, measurement) in enumerate(rows, 1):
            on = measurement.measured_on if measurement is not None else referral.created_at.date()
            reasons = [flag_label(f, ctx.lang) for f in reinterpret(ctx.session, measurement).flags if f.refer] \
                if measurement is not None else list(referral.reasons)
            lines.append(ctx.t("report.referral_line", n=i, member=member_label(ctx.lang, member, on),
                               posyandu=names.get(referral.posyandu_id, ""), date=day(on),
                               reasons="; ".join(reasons)))
            offered.append(Choice(f"r{referral.id}", member.name))
        offered.append(Choice("done", ctx.t("report.finish")))
        text = ctx.t("report.referrals_title") + "\n" + "\n".join(lines) + "\n\n" + ctx.t("report.ask_referral")
        return Turn([*before, Reply(text, tuple(offered))], "referral", {})

    def on_referral(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        value = answer.value
        if value == "done" or value.strip().lower() in ("selesai", "done"):
            return done(then="menu")
        if not (value.startswith("r") and value[1:].isdigit()):
            raise Invalid("report.choose_referral")
        allowed = [p.id for p in visible_posyandu(ctx.session, ctx.contact)]
        referral = ctx.session.get(Referral, int(value[1:]))
        if referral is None or referral.posyandu_id not in allowed or referral.status != "open":
            raise Invalid("report.choose_referral")
        member = ctx.session.get(Member, referral.member_id)
        return ask(ctx, "handled", {"referral": referral.id}, "report.ask_referral_handled",
                   choices(ctx, (("yes", "report.referral_yes"), ("no", "report.referral_no"))),
                   name=member.name if member is not None else "")

    def on_handled(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        """One tap could close a referral by mistake: it is only marked after a `Ya`."""
        word = answer.value.strip().lower()
        if word in ("no", "tidak", "batal", "bukan"):
            return self._list(ctx)
        if word not in ("yes", "ya", "y", "sudah"):
            raise Invalid("core.choose_from_list", count=2)
        allowed = [p.id for p in visible_posyandu(ctx.session, ctx.contact)]  # the scope again, at this step
        referral = mark_referral_handled(ctx.session, int(data["referral"]), allowed, ctx.now, ctx.contact.id)
        if referral is None:
            return self._list(ctx, (say(ctx, "report.choose_referral"),))
        return self._list(ctx, (say(ctx, "report.referral_handled"),))


FLOWS = (InviteFlow(), ReferralsFlow())
