"""A household's consent to messages, as the kader records it (paper form, or said to the kader).

Why on the household: the register's families have no chat; their consent is given once for the
family's phone (UU 27/2022: who recorded it, when, how; data-out.md §4.2), and a chat that later
writes from that number joins the household (docs/privacy.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.members import name_key
from storage.models import AuditEvent, Household, Member
from storage.records import ContactRecord
from storage.phones import mobile_number

METHODS = ("paper", "chat", "import")


@dataclass(frozen=True)
class Family:
    """A household (or a member with none yet) as the kader picks it: named by its eldest member."""

    key: str  # 'h<household id>' or 'm<member id>'
    name: str
    phone: str | None


def families_matching(session: Session, posyandu_id: int, text: str, limit: int = 8) -> list[Family]:
    """Households of the posyandu with a member whose name contains `text`, or with that phone number."""
    phone, _problem = mobile_number(text)
    key = name_key(text)
    if not key and phone is None:
        return []
    cond = [Member.name_key.contains(key)] if key and phone is None else []
    if phone is not None:
        cond += [Member.guardian_phone == phone, Member.household_id.in_(
            select(Household.id).where(Household.posyandu_id == posyandu_id, Household.phone == phone))]
    members = list(session.scalars(select(Member).where(Member.posyandu_id == posyandu_id, or_(*cond))
                                   .order_by(Member.birth_date, Member.id).limit(200)))
    homes = {h.id: h for h in session.scalars(select(Household).where(
        Household.id.in_({m.household_id for m in members if m.household_id is not None})))}
    out: dict[str, Family] = {}
    for member in members:
        if member.household_id is not None:
            home = homes.get(member.household_id)
            out.setdefault(f"h{member.household_id}", Family(f"h{member.household_id}", member.name,
                                                             home.phone if home else None))
        else:
            out.setdefault(f"m{member.id}", Family(f"m{member.id}", member.name, member.guardian_phone))
    return list(out.values())[:limit]


def family(session: Session, posyandu_id: int, key: str) -> Family | None:
    """The family `key` if it belongs to this posyandu (a forged or stale key is None)."""
    if key[:1] == "h" and key[1:].isdigit():
        home = session.get(Household, int(key[1:]))
        if home is None or home.posyandu_id != posyandu_id:
            return None
        eldest = session.scalars(select(Member).where(Member.household_id == home.id)
                                 .order_by(Member.birth_date, Member.id).limit(1)).first()
        return Family(key, eldest.name if eldest else (home.name or "-"), home.phone)
    if key[:1] == "m" and key[1:].isdigit():
        member = session.get(Member, int(key[1:]))
        if member is None or member.posyandu_id != posyandu_id:
            return None
        if member.household_id is not None:
            return family(session, posyandu_id, f"h{member.household_id}")
        return Family(key, member.name, member.guardian_phone)
    return None


def phone_taken(session: Session, posyandu_id: int, key: str, phone: str) -> bool:
    """Whether another household of the posyandu already has this number."""
    other = session.scalars(select(Household.id).where(Household.posyandu_id == posyandu_id,
                                                       Household.phone == phone)).first()
    return other is not None and key != f"h{other}"


def _household(session: Session, posyandu_id: int, key: str, phone: str | None, now: datetime) -> Household:
    """The family's household, made for a member registered without one (the kader now gives the number)."""
    if key[:1] == "h":
        home = session.get(Household, int(key[1:]))
        assert home is not None and home.posyandu_id == posyandu_id
        if phone and not home.phone:
            home.phone = phone
        return home
    member = session.get(Member, int(key[1:]))
    assert member is not None and member.posyandu_id == posyandu_id
    home = Household(posyandu_id=posyandu_id, name=member.guardian_name, phone=phone, opted_in=False, created_at=now)
    session.add(home)
    session.flush()
    member.household_id = home.id
    if phone and not member.guardian_phone:
        member.guardian_phone = phone
    return home


def record_consent(session: Session, by: ContactRecord, posyandu_id: int, key: str, phone: str | None, method: str,
                   now: datetime) -> Household:
    """The family agreed to reminders and schedules: opted in, with how, when and who wrote it down."""
    if method not in METHODS:
        raise ValueError(method)
    home = _household(session, posyandu_id, key, phone, now)
    home.opted_in = True
    home.consent_method, home.consent_recorded_at, home.consent_recorded_by_id = method, now, by.id
    session.add(AuditEvent(contact_id=by.id, action="consent.recorded", subject=f"household:{home.id}", at=now))
    return home


def withdraw_consent(session: Session, by: ContactRecord, posyandu_id: int, key: str,
                     now: datetime) -> Household | None:
    """The family does not (or no longer) agree: nothing is sent to its number; its chats keep their own consent."""
    if key[:1] == "m":
        member = session.get(Member, int(key[1:]))
        if member is None or member.household_id is None:
            session.add(AuditEvent(contact_id=by.id, action="consent.refused", subject=key, at=now))
            return None
        key = f"h{member.household_id}"
    home = session.get(Household, int(key[1:]))
    assert home is not None and home.posyandu_id == posyandu_id
    home.opted_in = False
    home.consent_method, home.consent_recorded_at, home.consent_recorded_by_id = None, now, by.id
    session.add(AuditEvent(contact_id=by.id, action="consent.withdrawn", subject=f"household:{home.id}", at=now))
    return home
