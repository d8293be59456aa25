"""Narrow interfaces between the core and the edges (clock, senders)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Protocol, Sequence, Union

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.messages import Channel, Outbound


class Clock(Protocol):
    """Injected everywhere time matters, so tests can freeze or move it."""

    def now(self) -> datetime:  # aware, UTC
        ...


class SystemClock:
    """The real clock (aware UTC)."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


@dataclass
class FixedClock:
    """A clock tests set and move by hand."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.current = self.current + timedelta(**delta)


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message."""

    provider_message_id: str | None = None


@dataclass(frozen=True)
class RetryLater:
    """A transient failure: try again no sooner than `after_seconds` (None: use backoff)."""

    reason: str
    after_seconds: float | None = None


@dataclass(frozen=True)
class Failed:
    """A permanent failure: never retry. `unreachable` means the person blocked or opted out."""

    reason: str
    unreachable: bool = False


SendResult = Union[Sent, RetryLater, Failed]


class Sender(Protocol):
    """Delivers one outbox message on one channel. Never raises: it sorts errors.

    A sender may also say how many requests a message makes to its provider (`requests(message)`,
    one when it does not): a text past the provider's length goes in parts, each counted against
    the account's limit."""

    channel: Channel

    def send(self, message: Outbound, plan: Any = None) -> SendResult:
        """`plan`: what the sender's own `plan(message)` gave, when it has one (the dispatcher keeps it)."""
        ...


# SATUSEHAT's answers to one visit's Bundle (sending/satusehat_client.py gives them,
# sending/satusehat_sync.py acts on them): outcomes, not exceptions.
@dataclass(frozen=True)
class Accepted:
    ids: list[str | None]  # SATUSEHAT's id of each entry, in Bundle order


@dataclass(frozen=True)
class Refused:
    status: int
    reason: str


@dataclass(frozen=True)
class CredentialRejected:
    reason: str


FhirOutcome = Union[Accepted, Refused, RetryLater, CredentialRejected]


class FhirClient(Protocol):
    """Sends one transaction Bundle for a puskesmas' credentials (the HTTP edge: sending/satusehat_client.py)."""

    def send_bundle(self, access: Any, bundle: dict[str, Any]) -> FhirOutcome:
        ...

    def close(self) -> None:
        ...


class SendsNow(Protocol):
    """The process's send-now pool (`sending.dispatch.SendNow`): replies go out right after the commit."""

    def submit_claimed(self, messages: Sequence[Outbound]) -> Any:
        ...

    def submit(self, ids: Sequence[int]) -> Any:
        ...


class Running(Protocol):
    """What the core and the edges use of a process's wiring. `app.runtime.Runtime` is one; the composition root
    hands it in, so nothing below `app/` imports it."""

    @property
    def settings(self) -> Settings:
        ...

    @property
    def clock(self) -> Clock:
        ...

    @property
    def session_factory(self) -> sessionmaker[Session]:
        ...

    @property
    def send_now(self) -> SendsNow:
        ...
