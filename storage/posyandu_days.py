"""Posyandu days, announcements, invites and the audit trail: the rows the staff's flows write and read.

Why here: flows hold no SQL (docs/architecture.md); each function answers one question or writes one
kind of fact in the caller's transaction and never commits.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.reporting import visible_posyandu
from storage.models import Announcement, AuditEvent, Contact, Invite, Member, Posyandu, PosyanduSession, Pregnancy


def audit(session: Session, contact_id: int | None, action: str, subject: str, at: datetime) -> None:
    """One line of who did what to which record (docs/privacy.md)."""
    session.add(AuditEvent(contact_id=contact_id, action=action, subject=subject, at=at))


def staff_posyandu(session: Session, contact: Contact) -> list[Posyandu]:
    """The posyandu a staff member works for: one rule for reporting and broadcasting
    (`storage.reporting.visible_posyandu`: a kader their own, a bidan their desa's, an admin all)."""
    return visible_posyandu(session, contact)


def create_session(session: Session, posyandu_id: int, starts_at: datetime, place: str | None,
                   groups: Sequence[str], by_id: int, now: datetime) -> PosyanduSession:
    record = PosyanduSession(posyandu_id=posyandu_id, starts_at=starts_at, place=place, groups=list(groups),
                             status="scheduled", revision=1, created_by_id=by_id, created_at=now, updated_at=now)
    session.add(record)
    session.flush()
    return record


def revise_session(session: Session, record: PosyanduSession, kind: str, starts_at: datetime | None,
                   place: str | None, now: datetime) -> None:
    """A change (`change`: new time and place) or a cancellation (`cancel`), as a new revision."""
    record.revision += 1
    record.updated_at = now
    if kind == "cancel":
        record.status = "cancelled"
    else:
        if starts_at is None:
            raise ValueError("a changed session needs its new time")
        record.starts_at, record.place = starts_at, place
    session.flush()


def upcoming_sessions(session: Session, posyandu_ids: Sequence[int], now: datetime,
                      limit: int = 8) -> list[PosyanduSession]:
    return list(session.scalars(select(PosyanduSession).where(
        PosyanduSession.posyandu_id.in_(list(posyandu_ids)), PosyanduSession.status == "scheduled",
        PosyanduSession.starts_at > now).order_by(PosyanduSession.starts_at).limit(limit)))


def next_session(session: Session, posyandu_id: int, now: datetime) -> PosyanduSession | None:
    """The coming (or still running, started < 4 h ago) scheduled session of a posyandu."""
    return session.scalars(select(PosyanduSession).where(
        PosyanduSession.posyandu_id == posyandu_id, PosyanduSession.status == "scheduled",
        PosyanduSession.starts_at >= now - timedelta(hours=4)).order_by(PosyanduSession.starts_at).limit(1)).first()


def contacts_by_id(session: Session, ids: Collection[int]) -> list[Contact]:
    return list(session.scalars(select(Contact).where(Contact.id.in_(list(ids))))) if ids else []


def record_announcement(session: Session, posyandu_id: int, kind: str, text: str, groups: Sequence[str],
                        recipients: int, by_id: int, now: datetime,
                        session_id: int | None = None) -> Announcement:
    record = Announcement(posyandu_id=posyandu_id, session_id=session_id, kind=kind, text=text, groups=list(groups),
                          recipients=recipients, created_by_id=by_id, created_at=now)
    session.add(record)
    session.flush()
    return record


def free_announcements_since(session: Session, posyandu_id: int, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(Announcement).where(
        Announcement.posyandu_id == posyandu_id, Announcement.kind == "free", Announcement.created_at >= since)) or 0


def invite_by_code(session: Session, code: str) -> Invite | None:
    """The invite, locked for this transaction (two people typing one code: one wins)."""
    return session.scalars(select(Invite).where(Invite.code == code).with_for_update()).one_or_none()


def ongoing_pregnancies(session: Session, posyandu_id: int, today: date,
                        longest: timedelta) -> list[tuple[Member, Pregnancy]]:
    """Pregnancies not delivered nor ended whose HPHT (or, undated, the day it was told) is within `longest`
    of today, earliest first."""
    start = func.coalesce(Pregnancy.hpht, Pregnancy.reported_on)
    rows = session.execute(
        select(Member, Pregnancy).join(Pregnancy, Pregnancy.member_id == Member.id)
        .where(Member.posyandu_id == posyandu_id, Pregnancy.delivered_on.is_(None), Pregnancy.ended_on.is_(None),
               start > today - longest, start <= today)
        .order_by(start, Member.name)).all()
    return [(m, p) for m, p in rows]
