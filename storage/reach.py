"""Who the posyandu can reach, and how its reminders fared: one answer per household, and the month's figures.

Why one function: the kader's visiting list ("cannot be reached") and the bidan's reach figures must
agree on what "reachable" means; both ask `household_reach`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable, Protocol, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import Contact, Household, OutboxMessage, Posyandu
from storage.outbox_types import BULK_KINDS, OutboxStatus

# How a household hears from the posyandu, best first; the rest are the reasons it does not.
CHANNELS = ("whatsapp", "telegram", "sms", "terminal")
UNREACHABLE = ("not_on_whatsapp", "paused", "stopped", "no_phone", "no_consent", "no_chat")


def household_reach(session: Session, posyandu_id: int, household_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Per household of the posyandu: the channel its messages go by, or why nothing reaches it.

    A chat that consented, has not stopped and is not paused reaches it (WhatsApp before Telegram);
    else a paused chat, a stopped one; else no phone, no recorded consent, or a phone with consent
    but no chat yet (the register's families: docs/reminders.md, "Reach").
    """
    stmt = select(Household).where(Household.posyandu_id == posyandu_id)
    if household_ids is not None:
        stmt = stmt.where(Household.id.in_(list(household_ids)))
    households = list(session.scalars(stmt))
    chats: dict[int, list[Contact]] = defaultdict(list)
    if households:
        for contact in session.scalars(select(Contact).where(
                Contact.household_id.in_([h.id for h in households])).order_by(Contact.id)):
            if contact.household_id is not None:  # always, by the query
                chats[contact.household_id].append(contact)
    return {h.id: _reach(h, chats.get(h.id, [])) for h in households}


class _HomeFacts(Protocol):
    """What `_reach` reads of a household: a `Household`, or `_Home` read as plain columns."""

    @property
    def phone(self) -> str | None: ...

    @property
    def opted_in(self) -> bool: ...


class _ChatFacts(Protocol):
    """What `_reach` reads of a chat: a `Contact`, or `_Chat` read as plain columns."""

    @property
    def channel(self) -> str: ...

    @property
    def fallback_channel(self) -> str | None: ...

    @property
    def opted_in(self) -> bool: ...

    @property
    def stopped_at(self) -> datetime | None: ...

    @property
    def paused_at(self) -> datetime | None: ...

    @property
    def paused_reason(self) -> str | None: ...

    @property
    def reachable(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class _Home:
    id: int
    posyandu_id: int
    phone: str | None
    opted_in: bool


@dataclass(frozen=True, slots=True)
class _Chat:
    channel: str
    fallback_channel: str | None
    opted_in: bool
    stopped_at: datetime | None
    paused_at: datetime | None
    paused_reason: str | None
    reachable: bool


def _reach(household: _HomeFacts, chats: Sequence[_ChatFacts]) -> str:
    live = [c.fallback_channel or c.channel for c in chats if c.reachable]
    for channel in CHANNELS:
        if channel in live:
            return channel
    if live:
        return live[0]
    paused = [c for c in chats if c.opted_in and c.stopped_at is None and c.paused_at is not None]
    if paused:
        return "not_on_whatsapp" if any(c.paused_reason == "not_on_whatsapp" for c in paused) else "paused"
    if any(c.stopped_at is not None for c in chats):
        return "stopped"
    if not household.phone:
        return "no_phone"
    if not household.opted_in:
        return "no_consent"
    return "no_chat"


@dataclass(frozen=True)
class ReachFigures:
    """One posyandu's reach (households) and its bulk messages of one month (reminders and broadcasts)."""

    code: str
    name: str
    households: dict[str, int]  # whatsapp, telegram, sms, unreachable (+ the reasons of the unreachable)
    messages: dict[str, int]  # written, sent, delivered, read, failed


def reach_figures(session: Session, posyandu: Posyandu, today: date) -> ReachFigures:
    """The bidan's figures for one posyandu: households by channel, and this month's bulk messages by outcome."""
    counts: dict[str, int] = {"whatsapp": 0, "telegram": 0, "sms": 0, "unreachable": 0}
    for how in household_reach(session, posyandu.id).values():
        if how in UNREACHABLE:
            counts["unreachable"] += 1
            counts[how] = counts.get(how, 0) + 1
        else:
            counts[how] = counts.get(how, 0) + 1
    tz = ZoneInfo(posyandu.timezone)
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    start, end = datetime.combine(first, time(0), tz), datetime.combine(following, time(0), tz)
    delivered = OutboxMessage.provider_status.in_(("delivered", "read"))
    failed = or_(OutboxMessage.status.in_((OutboxStatus.FAILED, OutboxStatus.DEAD)),
                 OutboxMessage.provider_status.in_(("failed", "undelivered")))
    sent = OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.FAILED))
    row = session.execute(select(
        func.count(), func.count().filter(sent), func.count().filter(delivered),
        func.count().filter(OutboxMessage.provider_status == "read"), func.count().filter(failed))
        .join(Contact, Contact.id == OutboxMessage.contact_id)
        .join(Household, Household.id == Contact.household_id)
        .where(Household.posyandu_id == posyandu.id, OutboxMessage.kind.in_(BULK_KINDS),
               OutboxMessage.created_at >= start, OutboxMessage.created_at < end)).one()
    messages = dict(zip(("written", "sent", "delivered", "read", "failed"), (int(v or 0) for v in row)))
    return ReachFigures(posyandu.code, posyandu.name, counts, messages)


def reach_by_posyandu(session: Session, places: Sequence[Posyandu], now: datetime) -> dict[int, ReachFigures]:
    """`reach_figures` of several posyandu in three queries whatever their number (the web page's table):
    households and chats read as plain columns, the month's bulk messages counted per posyandu by the
    database. The same counting as `reach_figures`: one never disagrees with the other."""
    ids = [p.id for p in places]
    if not ids:
        return {}
    households: dict[int, _Home] = {}
    for hid, posyandu_id, phone, opted_in in session.execute(
            select(Household.id, Household.posyandu_id, Household.phone, Household.opted_in)
            .where(Household.posyandu_id.in_(ids))):
        households[hid] = _Home(id=hid, posyandu_id=posyandu_id, phone=phone, opted_in=opted_in)
    chats: dict[int, list[_Chat]] = defaultdict(list)
    for row in session.execute(
            select(Contact.household_id, Contact.channel, Contact.fallback_channel, Contact.opted_in,
                   Contact.stopped_at, Contact.paused_at, Contact.paused_reason)
            .join(Household, Household.id == Contact.household_id)
            .where(Household.posyandu_id.in_(ids)).order_by(Contact.id)):
        chat_home, channel, fallback, opted_in, stopped_at, paused_at, paused_reason = row
        if chat_home is None:  # never: joined to its household
            continue
        chats[chat_home].append(_Chat(
            channel=channel, fallback_channel=fallback, opted_in=opted_in, stopped_at=stopped_at,
            paused_at=paused_at, paused_reason=paused_reason,
            reachable=bool(opted_in) and stopped_at is None and paused_at is None))
    counts: dict[int, dict[str, int]] = {i: {"whatsapp": 0, "telegram": 0, "sms": 0, "unreachable": 0} for i in ids}
    for household in households.values():
        how = _reach(household, chats.get(household.id, []))
        mine = counts[household.posyandu_id]
        if how in UNREACHABLE:
            mine["unreachable"] += 1
        mine[how] = mine.get(how, 0) + 1
    messages: dict[int, dict[str, int]] = {}
    by_zone: dict[str, list[int]] = defaultdict(list)
    for p in places:
        by_zone[p.timezone or "Asia/Jakarta"].append(p.id)
    delivered = OutboxMessage.provider_status.in_(("delivered", "read"))
    failed = or_(OutboxMessage.status.in_((OutboxStatus.FAILED, OutboxStatus.DEAD)),
                 OutboxMessage.provider_status.in_(("failed", "undelivered")))
    sent = OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.FAILED))
    for zone, zone_ids in by_zone.items():
        tz = ZoneInfo(zone)
        first = now.astimezone(tz).date().replace(day=1)  # each posyandu's own month, as `reach_figures`
        following = (first + timedelta(days=32)).replace(day=1)
        start, end = datetime.combine(first, time(0), tz), datetime.combine(following, time(0), tz)
        for counted in session.execute(select(
                Household.posyandu_id, func.count(), func.count().filter(sent), func.count().filter(delivered),
                func.count().filter(OutboxMessage.provider_status == "read"), func.count().filter(failed))
                .join(Contact, Contact.id == OutboxMessage.contact_id)
                .join(Household, Household.id == Contact.household_id)
                .where(Household.posyandu_id.in_(zone_ids), OutboxMessage.kind.in_(BULK_KINDS),
                       OutboxMessage.created_at >= start, OutboxMessage.created_at < end)
                .group_by(Household.posyandu_id)):
            messages[counted[0]] = dict(zip(("written", "sent", "delivered", "read", "failed"),
                                            (int(v or 0) for v in counted[1:])))
    empty = {"written": 0, "sent": 0, "delivered": 0, "read": 0, "failed": 0}
    return {p.id: ReachFigures(p.code, p.name, counts[p.id], messages.get(p.id, dict(empty))) for p in places}


def reachable_since(session: Session, household_ids: Iterable[int]) -> dict[int, datetime]:
    """Households whose every reachable chat came back (`mulai` after `berhenti`, or a pause lifted): when the
    earliest came back. The planner plans nothing that fell due before it, so a return is not a burst."""
    from storage.households import reachable_clause

    ids = sorted(set(household_ids))
    out: dict[int, datetime] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        for household_id, earliest, chats, resumed in session.execute(
                select(Contact.household_id, func.min(Contact.resumed_at), func.count(), func.count(Contact.resumed_at))
                .where(Contact.household_id.in_(chunk), reachable_clause()).group_by(Contact.household_id)):
            if chats == resumed and earliest is not None and household_id is not None:
                out[household_id] = earliest
    return out
