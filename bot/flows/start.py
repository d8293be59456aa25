"""`/start`: greet, choose the language, choose the role (resident, or kader/bidan by invite code).

Conversations (the golden transcripts, replayed by the tests): tests/transcripts/resident_start.txt,
tests/transcripts/undangan.txt, tests/transcripts/warga_daftar_halo.txt (`daftar` at the language question,
a greeting where a name is asked).
"""
from __future__ import annotations

from typing import Any


from bot.flows.base import Answer, Ctx, Flow, Invalid, StepFlow, Turn, ask, choices, done, say
from bot.messages import Role
from storage.members import person_name
from storage import posyandu_days as days
from storage.contacts import set_display_name, set_language
from storage.places import posyandu_by_id
from storage.records import InviteRecord

LANGUAGE_CHOICES = (("id", "core.lang.id"), ("en", "core.lang.en"))
# Command words only an English speaker types: typed at the language question, they choose English.
ENGLISH_COMMANDS = frozenset({"subscribe", "schedule", "family", "my family", "report", "chart", "delete my data",
                              "forget me", "language", "referrals", "recap", "summary", "home visits", "visits",
                              "birth", "delivery", "miscarriage", "pregnancy ended", "consent", "record consent",
                              "new session", "change session", "announce", "invite", "add nik", "link requests"})
LANGUAGE_WORDS = {"id": "id", "indonesia": "id", "bahasa indonesia": "id", "en": "en", "english": "en",
                  "inggris": "en"}


def parse_language(answer: Answer) -> str:
    lang = LANGUAGE_WORDS.get(answer.value.strip().lower())
    if lang is None:
        raise Invalid("core.choose_from_list", count=len(LANGUAGE_CHOICES))
    return lang


def normalise_invite(text: str) -> str:
    """Invite codes are typed on phones: ignore case, spaces and dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def redeem_invite(ctx: Ctx, code: str) -> InviteRecord:
    """Bind the contact to the invite's posyandu and role; raises Invalid with the reason."""
    invite = days.invite_by_code(ctx.session, code)
    if invite is None:
        raise Invalid("core.invite_unknown")
    if invite.used_at is not None:
        raise Invalid("core.invite_used")
    if invite.expires_at <= ctx.now:
        raise Invalid("core.invite_expired")
    days.redeem_invite(ctx.session, ctx.contact, invite, ctx.now)
    return invite


def _command(answer: Answer) -> Flow | None:
    """The flow a typed answer names on its own (`daftar`, `lapor`), other than `start` itself."""
    if answer.choice is not None:
        return None
    from bot.flows import find  # the registry imports this module

    flow, rest = find(answer.text)
    return flow if flow is not None and flow.name not in ("start", "bahasa") else None


class StartFlow(StepFlow):
    name = "start"
    triggers = ("start", "mulai daftar")
    roles = frozenset(Role)

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        if ctx.contact.language and arg == "":
            return done(say(ctx, "core.welcome"), then="menu")
        return ask(ctx, "language", {}, "core.ask_language", choices(ctx, LANGUAGE_CHOICES),
                   before=[say(ctx, "core.welcome")])

    def on_language(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        wanted = _command(answer)
        if wanted is not None:  # `daftar` where the language is asked: the default language, and on with it
            typed = answer.text.strip().lower().lstrip("/")
            set_language(ctx.session, ctx.contact, "en" if typed in ENGLISH_COMMANDS else
                         (ctx.contact.language or ctx.settings.default_language))
            return self._go(ctx, data, wanted)
        set_language(ctx.session, ctx.contact, parse_language(answer))
        if ctx.role is not Role.RESIDENT:
            return done(say(ctx, "core.language_set"), then="menu")
        return ask(ctx, "role", data, "core.ask_role",
                   choices(ctx, (("resident", "core.role.resident"), ("worker", "core.role.worker"))))

    def _go(self, ctx: Ctx, data: dict[str, Any], wanted: Flow) -> Turn:
        """A newcomer's command honoured: a resident's own (`daftar`, `jadwal`) starts; a kader's (`lapor`)
        asks for the invite code first."""
        if ctx.role in wanted.roles:
            return done(then=wanted.name)
        if Role.KADER in wanted.roles:
            return ask(ctx, "invite", data, "core.staff_only")
        return done(say(ctx, "core.not_allowed"), then="menu")

    def on_role(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        wanted = _command(answer)
        if wanted is not None and answer.choice is None:
            return self._go(ctx, data, wanted)
        if answer.value == "resident":
            return done(say(ctx, "core.registered_resident"), then="daftar")
        if answer.value == "worker":
            return ask(ctx, "invite", data, "core.ask_invite")
        raise Invalid("core.choose_from_list", count=2)

    def on_invite(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        invite = redeem_invite(ctx, normalise_invite(answer.text))
        posyandu = posyandu_by_id(ctx.session, invite.posyandu_id)
        role_name = ctx.t(f"core.role_name.{invite.role}")
        return ask(ctx, "name", {}, "core.ask_staff_name",
                   before=[say(ctx, "core.invite_ok", role=role_name, posyandu=posyandu.name if posyandu else "")])

    def on_name(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        """The name the bidan reads in every alert ("Dilaporkan oleh ..."): asked, not taken from a chat profile."""
        from bot.flows import find  # the registry imports this module

        flow, _ = find(answer.text)
        if flow is not None:  # went straight to work (`/lapor`): the chat profile's name stays
            return done(then=flow.name)
        name = person_name(answer.text)
        if name is None:
            raise Invalid("core.staff_name_invalid")
        set_display_name(ctx.session, ctx.contact, name)
        return done(say(ctx, "core.staff_name_ok", name=name), then="menu")


class LanguageFlow(StepFlow):
    name = "bahasa"
    triggers = ("bahasa", "language")
    menu_key = "core.menu.bahasa"
    menu_order = 90

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        return ask(ctx, "language", {}, "core.ask_language", choices(ctx, LANGUAGE_CHOICES))

    def on_language(self, ctx: Ctx, data: dict[str, Any], answer: Answer) -> Turn:
        set_language(ctx.session, ctx.contact, parse_language(answer))
        return done(say(ctx, "core.language_set"), then="menu")


FLOWS = (StartFlow(), LanguageFlow())
