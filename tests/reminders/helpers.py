"""Arranging households, posyandu and sessions for reminder tests, and reading what was planned."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.members import name_key
from storage.models import Contact, Household, Member, OutboxMessage, PlannedReminder, Posyandu, PosyanduSession, Pregnancy
from storage.places import desa_path, upsert_posyandu
from storage.repositories import posyandu_by_code

UTC = timezone.utc


def wit_posyandu(session: Session) -> Posyandu:
    """A posyandu in Mimika, Papua Tengah (WIT, ilp-domain §7); its name is made up."""
    desa = desa_path(session, "Papua Tengah", "Kabupaten Mimika", "Wania", "Kamoro Jaya", "Asia/Jayapura")
    posyandu, _ = upsert_posyandu(session, "ANGGREK1", "Posyandu Anggrek 1", desa, "Asia/Jayapura", None,
                                  "Jalan Anggrek")
    session.commit()
    return posyandu


def mawar(session: Session) -> Posyandu:
    found = posyandu_by_code(session, "MAWAR7")
    assert found is not None, "load the demo fixture"
    return found


@dataclass
class Family:
    household_id: int
    contact_id: int
    address: str
    members: dict[str, int]


def family(session: Session, posyandu: Posyandu, people: Sequence[tuple[str, str, date, date | None]],
           address: str, now: datetime, channel: str = "telegram", language: str = "id") -> Family:
    """A subscribed household with one chat and these members (name, sex, birth date, HPHT or None)."""
    household = Household(posyandu_id=posyandu.id, opted_in=True, created_at=now)
    session.add(household)
    session.flush()
    contact = Contact(channel=channel, address=address, role="resident", language=language, posyandu_id=posyandu.id,
                      household_id=household.id, opted_in=True, consent_at=now, created_at=now)
    session.add(contact)
    session.flush()
    members = {}
    for name, sex, born, hpht in people:
        member = add_person(session, posyandu, household.id, name, sex, born, now)
        if hpht is not None:
            session.add(Pregnancy(member_id=member.id, hpht=hpht, created_at=now))
        members[name] = member.id
    session.commit()
    return Family(household.id, contact.id, address, members)


def add_person(session: Session, posyandu: Posyandu, household_id: int | None, name: str, sex: str, born: date,
               now: datetime) -> Member:
    member = Member(posyandu_id=posyandu.id, household_id=household_id, name=name, name_key=name_key(name), sex=sex,
                    birth_date=born, created_at=now)
    session.add(member)
    session.flush()
    return member


def monthly_sessions(session: Session, posyandu: Posyandu, first: date, months: int, day: int = 10,
                     at: time = time(8, 0), groups: Iterable[str] = ()) -> list[int]:
    """A posyandu day on `day` of each month, at `at` local time."""
    ids = []
    tz = ZoneInfo(posyandu.timezone)
    year, month = first.year, first.month
    for _ in range(months):
        starts = datetime.combine(date(year, month, day), at, tz).astimezone(UTC)
        row = PosyanduSession(posyandu_id=posyandu.id, starts_at=starts, place="Balai warga", groups=list(groups),
                              status="scheduled", revision=1, created_at=starts - timedelta(days=40),
                              updated_at=starts - timedelta(days=40))
        session.add(row)
        session.flush()
        ids.append(row.id)
        month += 1
        if month == 13:
            year, month = year + 1, 1
    session.commit()
    return ids


def local_instant(day: date, hour: int, tz: str) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(tz)).astimezone(UTC)


def planned(session: Session, member_id: int) -> list[PlannedReminder]:
    session.expire_all()
    return list(session.scalars(select(PlannedReminder).where(PlannedReminder.member_id == member_id)
                                .order_by(PlannedReminder.due_on, PlannedReminder.code)))


def reminder_messages(session: Session, contact_id: int | None = None) -> list[OutboxMessage]:
    session.expire_all()
    stmt = select(OutboxMessage).where(OutboxMessage.kind == "reminder")
    if contact_id is not None:
        stmt = stmt.where(OutboxMessage.contact_id == contact_id)
    return list(session.scalars(stmt.order_by(OutboxMessage.id)))


def message_day(message: OutboxMessage) -> date:
    """The local day in the dedupe key `reminder:h{household}:{day}:c{contact}`."""
    return date.fromisoformat(message.dedupe_key.split(":")[2])
