"""Every outbox row's identity: one frozen type per kind of planned or notified message.

Why types: the key is the row's unique `dedupe_key`, the only thing that keeps
a replayed step, a rerun job or a second clock from telling someone twice. A
key built by hand in two places drifts (the referral alert's key and its hash
were once written twice); here each is built in one place, and the formats
are the ones production rows carry already (`tests/test_notices.py` pins them
byte for byte), so a message planned before a deploy is still recognised after
it. Code builds and reads keys through these types, never with its own
f-strings or `split(":")`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping, Protocol


class Key(Protocol):
    """What every key type offers: the stored string."""

    def format(self) -> str: ...


def visit_stamp(values: Mapping[str, Any], flag_codes: Iterable[str]) -> str:
    """A short hash of what a visit reported (its values and flags): a corrected report alerts again,
    a replayed one does not. The same for the chat and the register import."""
    return hashlib.sha256(repr((sorted(values.items()), flag_codes)).encode()).hexdigest()[:12]


# -- planned: reminders, announcements, nudges, introductions --------------------------------------
@dataclass(frozen=True)
class ReminderKey:
    """A household's one reminder message of a local day, to one chat."""

    household_id: int
    day: date
    contact_id: int

    def format(self) -> str:
        return f"reminder:h{self.household_id}:{self.day.isoformat()}:c{self.contact_id}"

    @classmethod
    def parse(cls, key: str) -> "ReminderKey":
        kind, h, day, c = key.split(":")
        if kind != "reminder" or h[:1] != "h" or c[:1] != "c":
            raise ValueError(f"not a reminder key: {key!r}")
        return cls(int(h[1:]), date.fromisoformat(day), int(c[1:]))

    @staticmethod
    def day_prefix(household_id: int, day: date) -> str:
        """What every chat's key of that household and day begins with (a LIKE pattern's stem)."""
        return f"reminder:h{household_id}:{day.isoformat()}:c"


@dataclass(frozen=True)
class BroadcastKey:
    """One revision of a posyandu session's announcement, to one chat of one household."""

    session_id: int
    revision: int
    household_id: int | None
    contact_id: int

    def format(self) -> str:
        return f"broadcast:s{self.session_id}:r{self.revision}:h{self.household_id}:c{self.contact_id}"

    @classmethod
    def parse(cls, key: str) -> "BroadcastKey":
        kind, s, r, h, c = key.split(":")
        if kind != "broadcast" or s[:1] != "s" or r[:1] != "r" or h[:1] != "h" or c[:1] != "c":
            raise ValueError(f"not a broadcast key: {key!r}")
        return cls(int(s[1:]), int(r[1:]), None if h[1:] == "None" else int(h[1:]), int(c[1:]))

    @staticmethod
    def session_prefix(session_id: int) -> str:
        return f"broadcast:s{session_id}:r"

    @staticmethod
    def revision_prefix(session_id: int, revision: int) -> str:
        return f"broadcast:s{session_id}:r{revision}:"


@dataclass(frozen=True)
class AnnounceKey:
    """A kader's free announcement, to one chat of one household."""

    announcement_id: int
    household_id: int | None
    contact_id: int

    def format(self) -> str:
        return f"announce:a{self.announcement_id}:h{self.household_id}:c{self.contact_id}"


@dataclass(frozen=True)
class NudgeKey:
    """The day-after nudge to one kader about one session with nothing recorded."""

    session_id: int
    contact_id: int

    def format(self) -> str:
        return f"nudge:s{self.session_id}:c{self.contact_id}"


@dataclass(frozen=True)
class IntroKey:
    """The one WhatsApp introduction of a registered household, to one chat."""

    household_id: int
    contact_id: int

    def format(self) -> str:
        return f"intro:h{self.household_id}:c{self.contact_id}"


@dataclass(frozen=True)
class RecapKey:
    """The month's recap of one posyandu to one bidan; `part` > 0 for the messages after the first
    (the workbook), so the first one decides "once"."""

    posyandu_id: int
    year: int
    month: int
    contact_id: int
    part: int = 0

    def format(self) -> str:
        key = f"recap:{self.posyandu_id}:{self.year:04d}-{self.month:02d}:{self.contact_id}"
        return key if self.part == 0 else f"{key}:{self.part}"


# -- told from a step: alerts to the bidan, results to a family, link requests ---------------------
@dataclass(frozen=True)
class AlertKey:
    """A visit's referral alert to one bidan, per version of what was reported (`visit_stamp`)."""

    measurement_id: int
    contact_id: int
    stamp: str

    def format(self) -> str:
        return f"alert:{self.measurement_id}:{self.contact_id}:{self.stamp}"


@dataclass(frozen=True)
class CorrectionKey:
    """A corrected visit's "what changed" to a bidan who was alerted before."""

    measurement_id: int
    contact_id: int
    stamp: str

    def format(self) -> str:
        return f"correction:{self.measurement_id}:{self.contact_id}:{self.stamp}"


@dataclass(frozen=True)
class ResultKey:
    """A child's weighing result to one chat of its household."""

    measurement_id: int
    contact_id: int
    stamp: str

    def format(self) -> str:
        return f"result:{self.measurement_id}:{self.contact_id}:{self.stamp}"


@dataclass(frozen=True)
class ChartKey:
    """The `index`th growth chart of a weighing to one chat of the household."""

    measurement_id: int
    contact_id: int
    stamp: str
    index: int

    def format(self) -> str:
        return f"chart:{self.measurement_id}:{self.contact_id}:{self.stamp}:{self.index}"


@dataclass(frozen=True)
class FollowupKey:
    """A follow-up (a miscarriage recorded) to one bidan of the desa."""

    referral_id: int
    reason: str
    day: date
    contact_id: int

    def format(self) -> str:
        return f"followup:{self.referral_id}:{self.reason}:{self.day.isoformat()}:{self.contact_id}"


@dataclass(frozen=True)
class ReferralRepeatKey:
    """The next-morning repeat of an unhandled urgent referral, to one bidan."""

    referral_id: int
    contact_id: int

    def format(self) -> str:
        return f"referral-repeat:{self.referral_id}:{self.contact_id}"


@dataclass(frozen=True)
class LinkRequestKey:
    """A chat's request to see a member, put to one of the posyandu's staff."""

    asker_id: int
    member_id: int
    contact_id: int

    def format(self) -> str:
        return f"link:{self.asker_id}:{self.member_id}:{self.contact_id}"


@dataclass(frozen=True)
class LinkAcceptedKey:
    """The asker told that their link request was accepted."""

    request_id: int

    def format(self) -> str:
        return f"link-accepted:{self.request_id}"


# -- the outbox's own copies -----------------------------------------------------------------------
@dataclass(frozen=True)
class SmsFallbackKey:
    """The SMS copy of one bulk WhatsApp message that failed because the number is not on WhatsApp."""

    outbox_id: int

    def format(self) -> str:
        return f"sms:{self.outbox_id}"


def part_key(dedupe_key: str | None, index: int) -> str | None:
    """The dedupe key of a message's later part (the first part keeps the message's own key, so a
    message written again is refused whole)."""
    return None if dedupe_key is None or index == 0 else f"{dedupe_key}#part{index + 1}"
