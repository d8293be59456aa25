"""One referral's story for the web page: the case, the visits behind it, who did what and when."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent, Contact, Measurement, Member, Referral


@dataclass(frozen=True)
class ReferralStory:
    referral: Referral
    member: Member
    visits: list[Measurement]  # the member's visits since the first behind it, newest first
    events: list[tuple[AuditEvent, str | None]]  # what was done to it, with who did it


def referral_in_scope(session: Session, referral_id: int, posyandu_ids: Sequence[int]) -> Referral | None:
    """Open or closed, only when it belongs to one of these posyandu (a forged id gets None)."""
    found = session.get(Referral, referral_id)
    return found if found is not None and found.posyandu_id in list(posyandu_ids) else None


def referral_story(session: Session, referral: Referral) -> ReferralStory:
    member = session.get(Member, referral.member_id)
    assert member is not None
    since = session.get(Measurement, referral.first_measurement_id or referral.measurement_id or -1)
    visits = select(Measurement).where(Measurement.member_id == member.id)
    if since is not None:
        visits = visits.where(Measurement.measured_on >= since.measured_on)
    rows = list(session.scalars(visits.order_by(Measurement.measured_on.desc(), Measurement.id.desc()).limit(24)))
    events = [(e, name) for e, name in session.execute(
        select(AuditEvent, Contact.display_name).outerjoin(Contact, Contact.id == AuditEvent.contact_id)
        .where(AuditEvent.subject == f"referral:{referral.id}").order_by(AuditEvent.at, AuditEvent.id))]
    return ReferralStory(referral, member, rows, events)
