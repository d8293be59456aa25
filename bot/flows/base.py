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
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable
from zoneinfo import ZoneInfo

from bot.messages import Attachment, Choice, Reply, Role
from bot.texts import render
from storage.records import ContactRecord

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session

    from bot.config import Settings


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
class Notice:
    """A message for someone other than the sender (an alert to the bidan, a result to a guardian)."""

    contact_id: int
    text: str
    kind: str = "alert"
    dedupe_key: str | None = None
    template_key: str | None = None
    template_vars: dict[str, str] = field(default_factory=dict)
    attachment: Attachment | None = None  # a picture or file; `text` is its caption


@dataclass
class Ctx:
    """Everything a flow may use during one step."""

    session: "Session"
    contact: ContactRecord
    now: datetime
    settings: "Settings"
    notices: list[Notice] = field(default_factory=list)
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

    def notify(self, contact_id: int, text: str, **kwargs: Any) -> None:
        """Queue a message to another contact, written to the outbox in this transaction."""
        self.notices.append(Notice(contact_id, text, **kwargs))


@dataclass
class Turn:
    """The outcome of one step: what to say, where to go next, what to remember.

    `then` names a flow to begin right after this one finishes (e.g. the
    subscription flow after a resident registered).
    """

    replies: list[Reply]
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
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

    @abc.abstractmethod
    def begin(self, ctx: Ctx, arg: str) -> Turn:
        """Start the conversation; `arg` is whatever followed the trigger word."""

    @abc.abstractmethod
    def handle(self, ctx: Ctx, step: str, data: dict[str, Any], answer: Answer) -> Turn:
        """Take the answer to `step`; `data` is a private copy the flow may change."""

    def unsaved(self, ctx: Ctx, data: dict[str, Any]) -> str | None:
        """What typed work `data` holds that is not saved yet (a short name for it), or None.

        Why: `menu` asks before throwing it away, and a timeout keeps it as a draft (bot.engine)."""
        return None


def ask(ctx: Ctx, step: str, data: dict[str, Any], key: str, choices: Iterable[Choice] = (),
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


Handler = Callable[[Ctx, dict[str, Any], Answer], Turn]


class StepFlow(Flow):
    """A flow whose steps are methods named `on_<step>`: one small function per question."""

    def handle(self, ctx: Ctx, step: str, data: dict[str, Any], answer: Answer) -> Turn:
        handler: Handler | None = getattr(self, f"on_{step}", None)
        if handler is None:
            raise LookupError(f"{self.name} has no step {step}")
        return handler(ctx, data, answer)
