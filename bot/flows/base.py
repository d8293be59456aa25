"""What a conversation is: a small state machine over text answers.

A flow gets a `Ctx` (the contact, `now`, the database session of this
transaction, the settings) and the person's `Answer`, and returns a `Turn`: the
replies and the next step (None when it is finished). It never sends anything,
never reads the wall clock and never imports a channel: the engine stores the
state and the service turns replies into outbox rows, all in one transaction.

To re-ask, a flow raises `Invalid(text_key, **params)`: the engine says why and
repeats the last question, leaving the state as it was.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping
from zoneinfo import ZoneInfo

from bot.messages import Choice, Reply, Role
from bot.texts import render
from storage.records import ContactRecord

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session

    from bot.config import Settings
    from bot.notices import Told


class Invalid(Exception):
    """The answer cannot be used; `key` names the sentence that says why, kindly."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Answer:
    """The person's input to the current step.

    `text` is stripped; `choice` is the value of an offered choice when the
    person pressed a button, typed its number or its label.
    """

    text: str
    choice: str | None = None

    @property
    def value(self) -> str:
        """The choice's value if one was picked, else the text."""
        return self.choice if self.choice is not None else self.text


@dataclass
class Ctx:
    """Everything a flow may use during one step."""

    session: "Session"
    contact: ContactRecord
    now: datetime
    settings: "Settings"
    notices: list["Told"] = field(default_factory=list)  # for others: written by `bot.notices.tell` after the step
    memo: dict[Any, Any] = field(default_factory=dict)  # facts a flow computed once for this step

    def once(self, key: Any, compute: Any) -> Any:
        """`compute()` the first time `key` is asked during this step, then the same answer: a step reads
        a member's facts many times (group, pregnancy, delivery), the database once."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @property
    def lang(self) -> str:
        return self.contact.language or self.settings.default_language

    @property
    def role(self) -> Role:
        return Role(self.contact.role)

    def t(self, key: str, **params: object) -> str:
        return render(self.lang, key, **params)

    def today(self, tz: str | None = None) -> date:
        """Today's date where the person is (their posyandu's zone; WIB when unknown)."""
        if tz is None:
            posyandu = self.contact.posyandu
            tz = posyandu.timezone if posyandu is not None else "Asia/Jakarta"
        return self.now.astimezone(ZoneInfo(tz)).date()

    def notify(self, told: "Told") -> None:
        """Queue a notice to another contact (`bot.notices`: `VISIT_ALERT.to(bidan.id, key, text)`), written to
        the outbox in this transaction, after the step."""
        self.notices.append(told)


# A flow's own draft: a plain dict, or a TypedDict (`ReportDraft`) that the stored state is read back as:
# the one place where stored data is taken for the flow's type, hence Any (step functions and `unsaved`).
Draft = Any


@dataclass
class Turn:
    """The outcome of one step: what to say, where to go next, what to remember.

    `then` names a flow to begin right after this one finishes (e.g. the
    subscription flow after a resident registered).
    """

    replies: list[Reply]
    step: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)  # the engine keeps a copy
    then: str | None = None


class Flow(abc.ABC):
    """A conversation. Subclasses set the class attributes and implement `begin`/`handle`."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    triggers: ClassVar[tuple[str, ...]] = ()  # words (lower case, without '/') that start it
    roles: ClassVar[frozenset[Role]] = frozenset(Role)
    menu_key: ClassVar[str | None] = None  # text key of its menu entry, if it has one
    menu_order: ClassVar[int] = 100
    # A staff flow lets a lone command word of another flow (`rekap` typed where a name is asked) switch to
    # it, asking first when typed values would be lost; the residents' flows answer "that is a command word".
    switches_on_command_words: ClassVar[bool] = False
    # Every step the flow may wait at, in one literal (tests/test_flow_steps.py: each has a handler, no handler
    # is left without a step, each is reached from `begin`); a flow that never waits declares ().
    steps: ClassVar[tuple[str, ...]] = ()
    # Steps no question leads to any more, kept so that a conversation (or a kept draft) stored at one goes on.
    stored_only: ClassVar[frozenset[str]] = frozenset()

    @abc.abstractmethod
    def begin(self, ctx: Ctx, arg: str) -> Turn:
        """Start the conversation; `arg` is whatever followed the trigger word."""

    @abc.abstractmethod
    def handle(self, ctx: Ctx, step: str, data: dict[str, Any], answer: Answer) -> Turn:
        """Take the answer to `step`; `data` is a private copy the flow may change."""

    def handlers(self) -> dict[str, "Handler"]:
        """Each step the flow may wait at, with the function that takes its answer; none when it never waits."""
        return {}

    def parts(self) -> tuple[object, ...]:
        """The objects holding its `on_<step>` functions (a flow built from parts names them)."""
        return (self,)

    def unsaved(self, ctx: Ctx, data: Draft) -> str | None:
        """What typed work `data` holds that is not saved yet (a short name for it), or None.

        Why: `menu` asks before throwing it away, and a timeout keeps it as a draft (bot.engine)."""
        return None


def ask(ctx: Ctx, step: str, data: Mapping[str, Any], key: str, choices: Iterable[Choice] = (),
        before: Iterable[Reply] = (), **params: object) -> Turn:
    """Ask the question `key` and wait at `step`."""
    return Turn([*before, Reply(ctx.t(key, **params), tuple(choices))], step, data)


def done(*replies: Reply, then: str | None = None) -> Turn:
    """Finish the flow with these replies; `then` starts another flow, its name and the words for it
    (`"rekap november"`)."""
    return Turn(list(replies), None, {}, then)


def say(ctx: Ctx, key: str, choices: Iterable[Choice] = (), **params: object) -> Reply:
    return Reply(ctx.t(key, **params), tuple(choices))


def choices(ctx: Ctx, pairs: Iterable[tuple[str, str]]) -> tuple[Choice, ...]:
    """Choices from (value, text key) pairs, labels in the person's language."""
    return tuple(Choice(value, ctx.t(key)) for value, key in pairs)


Handler = Callable[[Ctx, "Draft", Answer], Turn]


class StepFlow(Flow):
    """A flow that waits at named steps, one small function per question: by default the methods
    `on_<step>` of the steps it declares in `steps`; a flow built from parts maps them itself (`handlers`)."""

    def handlers(self) -> dict[str, Handler]:
        return {step: getattr(self, f"on_{step}") for step in self.steps}

    def handle(self, ctx: Ctx, step: str, data: dict[str, Any], answer: Answer) -> Turn:
        handler = self.handlers().get(step)
        if handler is None:
            raise LookupError(f"{self.name} has no step {step}")
        return handler(ctx, data, answer)
