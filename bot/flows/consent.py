"""`persetujuan`: a kader records that a family of the register agreed (or not) to reminders and schedules.

A command of its own (not inside `lapor`): consent is asked of the family, not measured.
A family without a phone is asked for one; a landline or foreign number is refused kindly.

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/kunjungan_persetujuan.txt.
"""
from __future__ import annotations

from typing import Any

from bot.flows.base import Answer, Ctx, Invalid, Turn, ask, choices, done, say
from bot.flows.scope import ScopedFlow, choose_posyandu, pick_posyandu
from bot.messages import Choice, Role
from storage.consent import families_matching, family, phone_taken, record_consent, withdraw_consent
from storage.phones import mobile_number
from storage.places import posyandu_by_id
from storage.reporting import visible_posyandu

HOW = (("paper", "consent.how.paper"), ("chat", "consent.how.chat"), ("withdraw", "consent.how.withdraw"))


class ConsentFlow(ScopedFlow):
    name = "persetujuan"
    triggers = ("persetujuan", "catat persetujuan", "persetujuan keluarga", "consent", "record consent")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})
    menu_key = "consent.menu"
    menu_order = 24

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        data: dict[str, Any] = {"text": arg.strip()} if arg.strip() else {}
        return choose_posyandu(ctx, data, "consent.ask_posyandu", self._after_posyandu)

    def on_posyandu(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        data["pid"] = pick_posyandu(visible_posyandu(ctx.session, ctx.contact), answer).id
        return self._after_posyandu(ctx, data)

    def _after_posyandu(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        text = data.pop("text", None)
        if not text:
            return ask(ctx, "family", data, "consent.ask_family")
        place = posyandu_by_id(ctx.session, data["pid"])
        assert place is not None
        if families_matching(ctx.session, place.id, text):
            return self.on_family(ctx, data, Answer(text))
        return ask(ctx, "family", data, "consent.ask_family",
                   before=(say(ctx, "consent.not_found", text=text[:40], posyandu=place.name),))

    def on_family(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        place = posyandu_by_id(ctx.session, data["pid"])
        assert place is not None
        found = families_matching(ctx.session, place.id, answer.text)
        if not found:
            raise Invalid("consent.not_found", text=answer.text[:40], posyandu=place.name)
        if len(found) == 1:
            return self._picked(ctx, data, found[0].key)
        offered = tuple(Choice(f.key, f"{ctx.t('consent.family', name=f.name)} · {f.phone or '-'}") for f in found)
        data["offered"] = len(offered)
        return ask(ctx, "pick", data, "consent.pick", offered)

    def on_pick(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        if family(ctx.session, data["pid"], answer.value) is None:
            raise Invalid("core.choose_from_list", count=data.get("offered", 1))
        return self._picked(ctx, data, answer.value)

    def _picked(self, ctx: Ctx, data: dict[str, Any], key: str) -> Turn:
        picked = family(ctx.session, data["pid"], key)
        assert picked is not None
        data.update(key=key, name=picked.name, phone=picked.phone)
        if not picked.phone:
            return ask(ctx, "phone", data, "consent.ask_phone", name=picked.name)
        return self._ask_how(ctx, data)

    def on_phone(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        phone, problem = mobile_number(answer.text)
        if problem is not None:
            raise Invalid(f"consent.phone_{problem}")
        assert phone is not None
        if phone_taken(ctx.session, data["pid"], data["key"], phone):
            raise Invalid("consent.phone_taken")
        data["phone"] = phone
        return self._ask_how(ctx, data)

    def _ask_how(self, ctx: Ctx, data: dict[str, Any]) -> Turn:
        return ask(ctx, "how", data, "consent.ask_how", choices(ctx, HOW), name=data["name"], phone=data["phone"])

    def on_how(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        value = answer.value.strip().lower()
        if value not in {"paper", "chat", "withdraw"}:
            raise Invalid("core.choose_from_list", count=len(HOW))
        if family(ctx.session, data["pid"], data["key"]) is None:
            return done(say(ctx, "report.member_not_here"), then="menu")
        if value == "withdraw":
            withdraw_consent(ctx.session, ctx.contact, data["pid"], data["key"], ctx.now)
            return done(say(ctx, "consent.withdrawn", name=data["name"]))
        record_consent(ctx.session, ctx.contact, data["pid"], data["key"], data["phone"], value, ctx.now)
        return done(say(ctx, "consent.recorded", name=data["name"], method=ctx.t(f"consent.method.{value}"),
                        date=ctx.today()))


FLOWS = (ConsentFlow(),)
