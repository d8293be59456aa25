"""Posyandu days, announcements, invites, births and the audit trail: the rows the staff's flows write and read.

Why here: flows hold no SQL (docs/architecture.md); each function answers one question or writes one
kind of fact in the caller's transaction and never commits.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.values import Role
from storage.records import ContactRecord, InviteRecord, SessionRecord
from storage.reporting import visible_posyandu
from storage.models import Announcement, AuditEvent, Contact, Invite, Member, Posyandu, PosyanduSession, Pregnancy


def audit(session: Session, contact_id: int | None, action: str, subject: str, at: datetime) -> None:
    """One line of who did what to which record (docs/privacy.md)."""
    session.add(AuditEvent(contact_id=contact_id, action=action, subject=subject, at=at))


def staff_posyandu(session: Session, contact: ContactRecord) -> list[Posyandu]:
    """The posyandu a staff member works for: one rule for reporting and broadcasting
    (`storage.reporting.visible_posyandu`: a kader their own, a bidan their desa's, an admin all)."""
    return visible_posyandu(session, contact)


def session_by_id(session: Session, session_id: int | None) -> PosyanduSession | None:
    """A posyandu day by id (None for None or an unknown id)."""
    return session.get(PosyanduSession, session_id) if session_id is not None else None


def create_session(session: Session, posyandu_id: int, starts_at: datetime, place: str | None,
                   groups: Sequence[str], by_id: int, now: datetime) -> PosyanduSession:
    record = PosyanduSession(posyandu_id=posyandu_id, starts_at=starts_at, place=place, groups=list(groups),
                             status="scheduled", revision=1, created_by_id=by_id, created_at=now, updated_at=now)
    session.add(record)
    session.flush()
    return record


def revise_session(session: Session, day: SessionRecord, kind: str, starts_at: datetime | None,
                   place: str | None, now: datetime) -> None:
    """A change (`change`: new time and place) or a cancellation (`cancel`), as a new revision."""
    record = session.get(PosyanduSession, day.id)  # the step's own row: no query
    assert record is not None
    record.revision += 1
    record.updated_at = now
    if kind == "cancel":
        record.status = "cancelled"
    else:
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


def contacts_by_id(session: Session, ids: Sequence[int]) -> list[Contact]:
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


def redeem_invite(session: Session, who: ContactRecord, code: InviteRecord, now: datetime) -> Posyandu:
    """Bind the contact to the invite's posyandu and role (a bidan also to its desa) and use the invite up;
    the caller checked it is unused and unexpired (`invite_by_code` locked it)."""
    contact, invite = session.get(Contact, who.id), session.get(Invite, code.id)  # this step's rows: no query
    posyandu = session.get(Posyandu, code.posyandu_id)
    assert contact is not None and invite is not None and posyandu is not None
    contact.role = invite.role
    contact.posyandu_id = posyandu.id
    if invite.role == Role.BIDAN.value:
        contact.desa_id = posyandu.desa_id
    contact.opted_in = True
    invite.used_by_id = contact.id
    invite.used_at = now
    audit(session, contact.id, "invite.redeemed", f"invite:{invite.id}", now)
    session.flush()
    return posyandu


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


def pregnancy_by_id(session: Session, pregnancy_id: int) -> Pregnancy | None:
    return session.get(Pregnancy, pregnancy_id)


def record_delivery(session: Session, pregnancy: Pregnancy, on: date, place: str | None, attendant: str | None,
                    by_id: int | None, now: datetime) -> None:
    """She gave birth on `on` (the nifas visits start from it), where (faskes | rumah) and attended by whom
    (nakes | non_nakes); None: not known."""
    pregnancy.delivered_on = on
    pregnancy.delivery_place, pregnancy.delivery_attendant = place, attendant
    audit(session, by_id, "pregnancy.delivered", f"member:{pregnancy.member_id}", now)


def record_end(session: Session, pregnancy: Pregnancy, on: date, reason: str, by_id: int | None,
               now: datetime) -> None:
    """The pregnancy ended without a birth on `on` (`keguguran`, or `lainnya`: moved away, recorded by mistake);
    ANC reminders stop."""
    pregnancy.ended_on = on
    pregnancy.end_reason = reason
    audit(session, by_id, "pregnancy.ended", f"member:{pregnancy.member_id}", now)
