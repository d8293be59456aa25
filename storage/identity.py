"""A member's NIK: who is missing one, who already holds one, and setting it.

Why its own module: without a NIK (or, for a baby, the mother's) a visit
cannot be sent to SATUSEHAT (docs/satusehat.md), so the bidan is shown who
is missing one and a kader can add it later in chat (`nik NAME 3201...`).
Setting it sends that member's waiting visits again.
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import AuditEvent, Measurement, Member, SatusehatSync
from storage.records import MemberRecord
from storage.satusehat_queue import requeue_member


def members_missing_nik(session: Session, posyandu_ids: Sequence[int],
                        limit: int = 10) -> tuple[list[tuple[Member, int]], int]:
    """Members of these posyandu with neither NIK nor NIK ibu, those with visits waiting first;
    each with how many visits wait for it, and the total count."""
    if not posyandu_ids:
        return [], 0
    missing = (Member.posyandu_id.in_(list(posyandu_ids)), Member.nik.is_(None), Member.mother_nik.is_(None))
    total = session.scalar(select(func.count()).select_from(Member).where(*missing)) or 0
    # each member's waiting visits counted beside it (an index probe per member of these posyandu): a grouped
    # subquery made PostgreSQL scan the kabupaten's members for this posyandu's (50 ms against 3-15)
    waiting = (select(func.count()).select_from(Measurement)
               .join(SatusehatSync, SatusehatSync.measurement_id == Measurement.id)
               .where(Measurement.member_id == Member.id, SatusehatSync.status != "sent")
               .correlate(Member).scalar_subquery())
    rows = session.execute(select(Member, waiting).where(*missing)
                           .order_by(waiting.desc(), Member.name_key).limit(limit)).all()
    return [(m, int(n or 0)) for m, n in rows], total


def nik_holder(session: Session, nik: str, other_than: int) -> Member | None:
    """Another member already recorded with this NIK (own or as NIK ibu is fine: a mother and her baby)."""
    return session.scalars(select(Member).where(Member.nik == nik, Member.id != other_than).limit(1)).first()


def set_nik(session: Session, member: Member, nik: str, contact_id: int | None, now: datetime) -> int:
    """Record the member's NIK; their visits waiting for it go back to the SATUSEHAT queue (returned: how many)."""
    member.nik = nik
    session.add(AuditEvent(contact_id=contact_id, action="member.nik_set", subject=f"member:{member.id}", at=now))
    session.flush()
    return requeue_member(session, member.id, now)


def mother_on_record(session: Session, child: MemberRecord, nik: str) -> tuple[Member | None, bool]:
    """The child's mother as a member, when we can tell, and whether the NIK belongs to someone else.

    (mother, False): a woman of the child's household holds this NIK as her own, or - none holds it - the
    household's one woman named as the child's guardian. (None, True): another member holds this NIK as
    her or his own (not the child's mother): refused like a NIK taken. (None, False): not on record.
    """
    holder = nik_holder(session, nik, child.id)
    if holder is not None:
        same_household = holder.household_id is not None and holder.household_id == child.household_id
        return (holder, False) if same_household and holder.sex == "P" else (None, True)
    if child.household_id is None or not child.guardian_name:
        return None, False
    from storage.members import name_key

    named = list(session.scalars(select(Member).where(Member.household_id == child.household_id,
                                                      Member.sex == "P", Member.id != child.id,
                                                      Member.name_key == name_key(child.guardian_name))))
    return (named[0], False) if len(named) == 1 else (None, False)


def set_mother_nik(session: Session, child: Member, nik: str, contact_id: int | None, now: datetime) -> int:
    """Record the child's mother's NIK (where `members import` keeps it, `Member.mother_nik`); a child
    without NIK of their own can then be sent under it: the waiting visits go back to the queue."""
    child.mother_nik = nik
    session.add(AuditEvent(contact_id=contact_id, action="member.mother_nik_set", subject=f"member:{child.id}",
                           at=now))
    session.flush()
    return requeue_member(session, child.id, now)
