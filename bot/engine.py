"""One step of a conversation: route the person's message and run the active flow.

The engine works on the contact's `ConversationState` row and returns the
replies; it never commits and never sends (see `bot.service`). Global words
work anywhere, in Indonesian and English: `batal`/`cancel`, `bantuan`/`help`,
`menu`, `berhenti`/`stop` and `mulai`.
"""
from __future__ import annotations

import copy
import logging
from collections import Counter
import re
from typing import Any

from rapidfuzz import fuzz

from bot import flows as registry
from bot.choices import keyword, pick_numbered
from bot.engine_state import migrate
from bot.parsing import GREETING_START, GREETINGS
from bot.flows.base import Answer, Ctx, Flow, Invalid, Turn, ask
from bot.texts import catalogue
from bot.messages import MEDIA_TYPES, PHONE_SHARED, Choice, Inbound, InboundKind, Reply, Role
from storage.models import ConversationState
from storage.contacts import resume, set_verified_phone, stop
from storage.phones import normalise_phone
from storage.repositories import state_expiry

log = logging.getLogger(__name__)

MAX_TEXT = 1000  # longer messages are refused kindly, not parsed
CANCEL = {"batal", "cancel", "batalkan"}
HELP = {"bantuan", "help", "tolong", "?"}
MENU = {"menu", "home"}
STOP = {"berhenti", "stop", "unsubscribe", "stopall", "end", "quit"}
RESUME = {"mulai", "resume"}
START = {"start"}
WORDS_SHOWN = 4
LEAVE_WORDS = {"keluar", "ya", "yes", "leave", "buang"}
RESUME_DRAFT = {"lanjut", "lanjutkan", "draf", "draft", "continue"}
DROP_DRAFT = {"buang", "buang draf", "hapus draf", "discard"}
MAX_CHAIN = 3  # flows may hand over to another flow, but never loop
NEAR_COMMAND = 80  # rapidfuzz ratio from which a typed word is said back as the command it misspells
# The staff's daily tasks, one glance away (the same numbers for a kader and a bidan); the rest under
# "Lainnya". Every word command works from either screen, and from anywhere.
DAILY = {Role.KADER: ("lapor", "rujukan", "rekap", "kunjungan"),
         Role.BIDAN: ("lapor", "rujukan", "rekap", "jadwal_baru"),
         Role.ADMIN: ("lapor", "rujukan", "rekap", "jadwal_baru")}
MORE = "lainnya"
MORE_WORDS = {MORE, "more", "menu lainnya", "menu lengkap", "semua menu", "other"}


def _stored_choices(state: ConversationState) -> tuple[Choice, ...]:
    return tuple(Choice(str(v), str(label)) for v, label in (state.choices or []))


def resolve_choice(inbound: Inbound, offered: tuple[Choice, ...]) -> str | None:
    """Which offered choice the person meant: a button, its number, its label or its value."""
    if not offered:
        return inbound.text if inbound.kind is InboundKind.CHOICE else None
    text = inbound.text.strip()
    if inbound.kind is InboundKind.CHOICE:
        return text
    picked = pick_numbered(text, offered)
    if picked is not None:
        return picked.value
    key = keyword(text)
    for choice in offered:
        if key and (key == keyword(choice.label) or key == keyword(choice.value)):
            return choice.value
    typed = re.findall(r"[^\W\d_]+", key)
    if typed and re.fullmatch(r"[^\W\d_ ,]{3,}", key.replace(" ", "")):  # words of one label only: `selesai`
        words = Counter(typed)  # `lestari lestari` is two words, never held by "Lestari Santoso" (issue 16)
        holding = [c for c in offered if not words - Counter(re.findall(r"[^\W\d_]+", keyword(c.label)))]
        if len(holding) == 1:  # for "✅ Selesai" or "Sudah, selesai"; a word in two labels picks nothing
            return holding[0].value
    return None


class Engine:
    """Routes one inbound message for one contact and returns the replies."""

    def __init__(self, ctx: Ctx, state: ConversationState) -> None:
        self.ctx = ctx
        self.state = state
        migrate(state)  # a state stored with the engine's keys in `data` (before 0017)

    def _own(self, key: str) -> Any:
        """One of the engine's keys (bot.engine_state): version, prompt, draft, leave, then."""
        return (self.state.engine or {}).get(key)

    def _set_own(self, **changes: Any) -> None:
        """Change the engine's keys (None drops one), in a new dict: the JSON column sees it."""
        own = {**(self.state.engine or {}), **changes}
        self.state.engine = {k: v for k, v in own.items() if v is not None}

    # -- public -------------------------------------------------------------
    def step(self, inbound: Inbound) -> list[Reply]:
        ctx = self.ctx
        if inbound.kind is InboundKind.MEDIA:  # a location is not needed; anything else: we read text only
            key = f"core.media.{inbound.media}" if inbound.media in MEDIA_TYPES else "core.media"
            return [Reply(ctx.t(key))] + (self._reprompt() if self.state.flow else self._menu_if_known())
        if inbound.kind is InboundKind.CONTACT:
            return self._phone_shared(inbound)
        text = inbound.text.strip()
        if not text:
            return [Reply(ctx.t("core.empty"))] + self._reprompt()
        if len(text) > MAX_TEXT:
            return [Reply(ctx.t("core.too_long", length=len(text)))] + self._reprompt()

        replies: list[Reply] = []
        if self.state.flow and self._expired():
            kept = self._keep_draft()
            replies.append(Reply(ctx.t("core.expired_draft", what=kept) if kept else ctx.t("core.expired")))
        word = keyword(text) if inbound.kind is InboundKind.TEXT else ""
        if self._own("leave") and word not in CANCEL:  # `menu` was typed inside unsaved work: the answer
            return self._leave_answer(inbound, word)  # (`batal` there cancels, as everywhere: found by the fuzzer)
        if self._own("draft") and word in RESUME_DRAFT | DROP_DRAFT and \
                (not self.state.flow or not self._unsaved()):  # also where a new report has nothing typed yet
            self._clear()
            return replies + self._draft_answer(word)
        global_replies = self._global(word)
        if global_replies is not None:
            return replies + global_replies

        flow = registry.get(self.state.flow) if self.state.flow else None
        if self.state.flow and (flow is None or self._own("version") != flow.version):
            self._clear()
            return replies + [Reply(ctx.t("core.restarted"))] + self.menu()
        if flow is not None:
            picked = resolve_choice(inbound, _stored_choices(self.state))
            command = self._command_in_flow(flow, inbound, text) if picked is None else None
            if command is not None:
                return replies + self._leave_for(*command)
            answer = Answer(text, picked)
            return replies + self._run(flow, lambda data: flow.handle(ctx, self.state.step or "", data, answer))
        return replies + self._idle(inbound, text)

    def menu(self, more: bool = False) -> list[Reply]:
        """The menu for the contact's role, as choices (buttons or a numbered list): for the staff their
        daily tasks and "Lainnya" (`more`: the other tasks)."""
        ctx = self.ctx
        items = registry.menu_for(ctx.role)
        if not items:
            return [Reply(ctx.t("core.menu_empty"))]
        daily = [f for name in DAILY.get(ctx.role, ()) for f in items if f.name == name]
        if daily and len(items) > len(daily) + 1:
            items = [f for f in items if f not in daily] if more else daily
        else:
            more, daily = False, []
        choice_list = tuple(Choice(f.triggers[0], ctx.t(f.menu_key or f.name)) for f in items)
        if daily and not more:
            choice_list += (Choice(MORE, ctx.t("core.menu_more")),)
        self.state.choices = [[c.value, c.label] for c in choice_list]
        draft = self._own("draft") if not self.state.flow else None
        title = ctx.t("core.menu_more_title" if more else "core.menu_title")
        if draft:  # offered back until it is resumed or thrown away
            title = ctx.t("core.draft_waiting", what=draft["what"]) + "\n\n" + title
        return [Reply(title, choice_list)]

    def begin(self, name: str, arg: str = "") -> list[Reply]:
        flow = registry.get(name)
        if flow is None:
            raise LookupError(name)
        if self.ctx.role not in flow.roles:
            if self.ctx.role is Role.RESIDENT and Role.KADER in flow.roles:
                return self._join_as_worker()
            return [Reply(self.ctx.t("core.not_allowed"))] + self.menu()
        self._clear()
        return self._run(flow, lambda data: flow.begin(self.ctx, arg), fresh=True)

    def _join_as_worker(self) -> list[Reply]:
        """A kader's work asked for by a chat with no invite yet: how to get one, and the code is read right here."""
        start = registry.get("start")
        assert start is not None, "the start flow is always registered"
        self._clear()
        return self._run(start, lambda data: ask(self.ctx, "invite", data, "core.staff_only"), fresh=True)

    # -- routing --------------------------------------------------------------
    def _global(self, word: str) -> list[Reply] | None:
        ctx = self.ctx
        contact = ctx.contact
        if word in CANCEL:
            had_flow = bool(self.state.flow)
            self._clear()
            return [Reply(ctx.t("core.cancelled" if had_flow else "core.nothing_to_cancel"))] + self.menu()
        if word in HELP:
            if self.state.flow:
                return [Reply(ctx.t("core.help"))] + self._reprompt()
            return [Reply(ctx.t("core.help_idle") + self._words())] + self.menu()
        if word in MENU:
            return self._leave_for(None)
        if word in STOP:
            self._clear()
            if contact.stopped_at is not None:
                return [Reply(ctx.t("core.already_stopped"))]
            stop(ctx.session, contact, ctx.now)
            return [Reply(ctx.t("core.stopped"))]
        if word in RESUME or (word in START and contact.stopped_at is not None):
            self._clear()
            if contact.stopped_at is not None:
                resume(ctx.session, contact, ctx.now)  # what fell due while stopped is not sent in a burst
                return [Reply(ctx.t("core.resumed"))] + self.menu()
            return self.begin("start")
        return None

    def _idle(self, inbound: Inbound, text: str) -> list[Reply]:
        ctx = self.ctx
        picked = resolve_choice(inbound, _stored_choices(self.state))
        candidate = picked if picked is not None else text
        if keyword(candidate) in MORE_WORDS:
            return self.menu(more=True)
        flow, arg = registry.find(candidate)
        if flow is None and not ctx.contact.language:
            return self.begin("start")  # a newcomer's first words: greet them
        if flow is None:
            if text.startswith("/"):
                command = text.split()[0][:32]
                return [Reply(ctx.t("core.unknown_command", command=command))] + self.menu()
            if keyword(text) in GREETINGS or GREETING_START.match(keyword(text)):
                return [Reply(ctx.t("core.greeting_back"))] + self.menu()
            near = self._near_command(text)
            if near is not None:  # `lapr`, `rujuk`, `rekp`: the command meant, said back, not guessed
                return [Reply(ctx.t("core.did_you_mean", word=near))] + self.menu()
            return [Reply(ctx.t("core.unknown"))] + self.menu()
        return self.begin(flow.name, arg)

    def _near_command(self, text: str) -> str | None:
        """The one command word of this person's role that a typed word misspells (one or two letters off)."""
        word = keyword(text)
        if not re.fullmatch(r"[a-z]{3,}( [a-z]+)?", word):
            return None
        words = {t for f in registry.flows() if self.ctx.role in f.roles for t in f.triggers if len(t) >= 4}
        close = sorted(t for t in words if fuzz.ratio(word, t) >= NEAR_COMMAND)
        return close[0] if len(close) == 1 else None

    # -- running a flow ---------------------------------------------------------
    def _run(self, flow: Flow, call: Any, fresh: bool = False, depth: int = 0) -> list[Reply]:
        data = {} if fresh else copy.deepcopy(self.state.data)
        try:
            turn: Turn = call(data)
        except Invalid as problem:
            return [Reply(self.ctx.t(problem.key, **problem.params))] + self._reprompt()
        replies = list(turn.replies)
        if turn.step is None:
            self._clear()
            if turn.then:
                then, _, then_arg = turn.then.partition(" ")  # `rekap november`: a flow's name, then its words
                nxt = registry.get(then)
                if nxt is not None and self.ctx.role in nxt.roles and depth < MAX_CHAIN:
                    return replies + self._run(nxt, lambda d: nxt.begin(self.ctx, then_arg), fresh=True,
                                               depth=depth + 1)
                return replies + self.menu()
            return replies
        last = replies[-1] if replies else Reply("")
        self.state.flow = flow.name
        self.state.step = turn.step
        self.state.data = dict(turn.data)
        self.state.engine = {**({"draft": self._own("draft")} if self._own("draft") else {}), "version": flow.version,
                             "prompt": [last.text, [[c.value, c.label] for c in last.choices]]}
        self.state.choices = [[c.value, c.label] for c in last.choices]
        self.state.expires_at = state_expiry(self.ctx.now, self.ctx.settings.conversation_timeout_minutes)
        return replies

    def _phone_shared(self, inbound: Inbound) -> list[Reply]:
        """The person's own number, vouched for by the channel: kept on the contact (proof of their household,
        docs/privacy.md), then given to the waiting step as the `PHONE_SHARED` choice."""
        ctx = self.ctx
        phone = normalise_phone(inbound.text, strict=False)
        if phone is None:
            return [Reply(ctx.t("core.media"))] + self._reprompt()
        set_verified_phone(ctx.session, ctx.contact, phone)
        flow = registry.get(self.state.flow) if self.state.flow else None
        if flow is None or self._expired() or self._own("version") != flow.version:
            self._clear()
            return [Reply(ctx.t("core.phone_saved"))] + self.menu()
        answer = Answer(phone, PHONE_SHARED)
        return self._run(flow, lambda data: flow.handle(ctx, self.state.step or "", data, answer))

    def _menu_if_known(self) -> list[Reply]:
        """Outside a conversation, the menu for someone who chose a language (a newcomer is greeted on text)."""
        return self.menu() if self.ctx.contact.language else []

    def _reprompt(self) -> list[Reply]:
        prompt = self._own("prompt") if self.state.flow else None
        if not prompt:
            return []
        text, offered = prompt
        return [Reply(text, tuple(Choice(str(v), str(label)) for v, label in offered))]

    def _words(self) -> str:
        """The words this person's role may type, each flow's first few (`lapor, laporan, timbang`)."""
        lines = [f"• {self.ctx.t(f.menu_key or f.name)}: {self._words_of(f)}"
                 for f in registry.menu_for(self.ctx.role) if f.triggers]
        return ("\n\n" + self.ctx.t("core.help_words") + "\n" + "\n".join(lines)) if lines else ""

    def _words_of(self, flow: Flow) -> str:
        """A service's words in the reader's language (`help.words.<flow>`), else its first triggers."""
        key = f"help.words.{flow.name}"
        return self.ctx.t(key) if key in catalogue("id") else ", ".join(flow.triggers[:WORDS_SHOWN])

    def _unsaved(self) -> str | None:
        flow = registry.get(self.state.flow) if self.state.flow else None
        if flow is None or self._own("version") != flow.version:
            return None
        return flow.unsaved(self.ctx, dict(self.state.data))

    def _command_in_flow(self, flow: Flow, inbound: Inbound, text: str) -> tuple[Flow, str] | None:
        """A command typed inside a flow that means a change of task, with its words:
        the running flow's own command again with something after it, or typed alone over unsaved values
        (`lapor rizky bb 9,5` inside Aisyah's report: a new report, never her values); or, in a staff flow,
        another flow's command word typed alone (`rekap` where a family's name is asked). Words with more
        after them stay answers of another flow (`kunjungan nifas` may be a service)."""
        if inbound.kind is not InboundKind.TEXT:
            return None
        found, arg = registry.find(text)
        if found is None:
            return None
        if found.name == flow.name:
            return (found, arg) if arg or self._unsaved() else None
        if arg or not flow.switches_on_command_words or self.ctx.role not in found.roles:
            return None
        return found, ""

    def _leave_for(self, then: Flow | None, arg: str = "") -> list[Reply]:
        """Leave the running flow for `then` (None: the menu); never lose typed values silently: ask first."""
        unsaved = self._unsaved()
        if not unsaved:
            self._clear()
            return self.begin(then.name, arg) if then is not None else self.menu()
        restart = then is not None and then.name == self.state.flow
        self._set_own(leave=True, then=[then.name, arg] if then is not None else None)
        offered = (Choice("stay", self.ctx.t("core.leave_stay")),
                   Choice("leave", self.ctx.t("core.restart_go" if restart else "core.leave_go")))
        self.state.choices = [[c.value, c.label] for c in offered]
        return [Reply(self.ctx.t("core.restart_ask" if restart else "core.leave_ask", what=unsaved), offered)]

    def _leave_answer(self, inbound: Inbound, word: str) -> list[Reply]:
        picked = resolve_choice(inbound, _stored_choices(self.state))
        then = self._own("then")
        self._set_own(leave=None, then=None)
        if picked == "leave" or word in MENU | LEAVE_WORDS:
            self._clear()
            if then:  # the command typed inside the unsaved work, now started
                return [Reply(self.ctx.t("core.left"))] + self.begin(then[0], then[1])
            return [Reply(self.ctx.t("core.left"))] + self.menu()
        prompt = self._own("prompt") or ["", []]
        self.state.choices = [list(c) for c in prompt[1]]
        return self._reprompt()

    def _keep_draft(self) -> str | None:
        """An expired conversation with unsaved typed values is kept as a draft (one per contact)."""
        what = self._unsaved()
        draft = {"flow": self.state.flow, "step": self.state.step, "what": what, "data": dict(self.state.data),
                 "version": self._own("version"), "prompt": self._own("prompt")} if what else None
        self._clear()
        if draft:
            self.state.engine = {"draft": draft}
        return what

    def _draft_answer(self, word: str) -> list[Reply]:
        draft = self._own("draft")
        self._set_own(draft=None)
        if word in DROP_DRAFT:
            return [Reply(self.ctx.t("core.draft_dropped"))] + self.menu()
        self.state.flow, self.state.step, self.state.data = draft["flow"], draft["step"], draft["data"]
        self.state.engine = {"version": draft.get("version"), "prompt": draft.get("prompt")}
        self.state.choices = [list(c) for c in (draft.get("prompt") or ["", []])[1]]
        self.state.expires_at = state_expiry(self.ctx.now, self.ctx.settings.conversation_timeout_minutes)
        return [Reply(self.ctx.t("core.draft_resumed", what=draft["what"]))] + self._reprompt()

    def _expired(self) -> bool:
        return self.state.expires_at is not None and self.ctx.now >= self.state.expires_at

    def _clear(self) -> None:
        draft = self._own("draft")
        self.state.flow = None
        self.state.step = None
        self.state.data = {}
        self.state.engine = {"draft": draft} if draft else {}
        self.state.choices = []
        self.state.expires_at = None
