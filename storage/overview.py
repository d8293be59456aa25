"""The first screen of the web page: per posyandu, what waits (referrals) and what was done (visits), in a
few grouped queries whatever the number of posyandu (a kabupaten has hundreds)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Measurement, Member, Referral


@dataclass(frozen=True)
class PosyanduOverview:
    urgent: int  # open referrals to follow up today
    open: int  # all open referrals
    visits: int  # visits recorded this month
    people: int  # people seen this month
    missing_nik: int  # members with neither NIK nor NIK ibu


def overview(session: Session, posyandu_ids: Sequence[int], first: date, last: date) -> dict[int, PosyanduOverview]:
    ids = list(posyandu_ids)
    referrals = open_referrals(session, ids)
    month = month_counts(session, ids, first, last)
    return {pid: PosyanduOverview(*referrals.get(pid, (0, 0)), *month.get(pid, (0, 0, 0))) for pid in ids}


def open_referrals(session: Session, posyandu_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Per posyandu: open referrals to follow up today, and all open ones (one grouped query)."""
    ids = list(posyandu_ids)
    if not ids:
        return {}
    return {pid: (int(u or 0), int(n or 0)) for pid, u, n in session.execute(
        select(Referral.posyandu_id, func.count().filter(Referral.urgency == "today"), func.count())
        .where(Referral.posyandu_id.in_(ids), Referral.status == "open").group_by(Referral.posyandu_id))}


def month_counts(session: Session, posyandu_ids: Sequence[int], first: date, last: date
                 ) -> dict[int, tuple[int, int, int]]:
    """Per posyandu: visits and people of the month, and members with neither NIK nor NIK ibu (two grouped
    queries; a kabupaten's month is 50,000 visits and 170,000 members, so the page keeps these a while)."""
    ids = list(posyandu_ids)
    if not ids:
        return {}
    visits = {pid: (int(v or 0), int(p or 0)) for pid, v, p in session.execute(
        select(Measurement.posyandu_id, func.count(), func.count(func.distinct(Measurement.member_id)))
        .where(Measurement.posyandu_id.in_(ids), Measurement.measured_on >= first, Measurement.measured_on <= last)
        .group_by(Measurement.posyandu_id))}
    missing = dict(session.execute(
        select(Member.posyandu_id, func.count()).where(Member.posyandu_id.in_(ids), Member.nik.is_(None),
                                                       Member.mother_nik.is_(None)).group_by(Member.posyandu_id)).all())
    return {pid: (*visits.get(pid, (0, 0)), int(missing.get(pid, 0))) for pid in ids}
