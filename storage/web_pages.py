"""Look-ups the web page needs beside the chat's: names behind a recap, a member's history, failure reasons,
SATUSEHAT states and the kaders' month, each in a few grouped queries (never one per row)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Sequence

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from storage.models import (
    AuditEvent, Contact, DeliveryEvent, Household, Measurement, Member, Puskesmas, Referral, SatusehatSync,
    ServiceGiven,
)


def members_named(session: Session, posyandu_id: int, names: Sequence[str]) -> list[tuple[str, int | None]]:
    """Each name with the id of a member of this posyandu who bears it (one query), for a link to their page;
    two namesakes link to the first recorded, and the page names the birth date to tell them apart."""
    if not names:
        return []
    found: dict[str, int] = {}
    for member_id, name in session.execute(select(Member.id, Member.name).where(
            Member.posyandu_id == posyandu_id, Member.name.in_(list(set(names)))).order_by(Member.id)):
        found.setdefault(name, member_id)
    return [(name, found.get(name)) for name in names]


def member_history(session: Session, member_id: int) -> tuple[list[Measurement], list[ServiceGiven], list[Referral]]:
    """A member's visits (newest first), services and referrals (open first): three queries."""
    visits = list(session.scalars(select(Measurement).where(Measurement.member_id == member_id)
                                  .order_by(Measurement.measured_on.desc(), Measurement.id.desc())))
    services = list(session.scalars(select(ServiceGiven).where(ServiceGiven.member_id == member_id)
                                    .order_by(ServiceGiven.given_on, ServiceGiven.id)))
    referrals = list(session.scalars(select(Referral).where(Referral.member_id == member_id)
                                     .order_by(Referral.status != "open", Referral.created_at.desc())))
    return visits, services, referrals


FAILURE_CODES = ("63003", "63024", "63016", "21610", "30003", "30005", "30006", "30007")  # named in web texts


def failure_reasons(session: Session, posyandu_ids: Sequence[int], since: datetime | None = None
                    ) -> list[tuple[str, int]]:
    """Why messages to these posyandu's families failed since `since` (the month the page shows; the providers'
    error codes, most frequent first); codes the page has no words for are counted together as 'other'."""
    rows = session.execute(
        select(DeliveryEvent.error_code, func.count())
        .join(Contact, Contact.id == DeliveryEvent.contact_id).join(Household, Household.id == Contact.household_id)
        .where(Household.posyandu_id.in_(list(posyandu_ids)), DeliveryEvent.status.in_(("failed", "undelivered")),
               *((DeliveryEvent.at >= since,) if since is not None else ()))
        .group_by(DeliveryEvent.error_code)).all()
    counted: dict[str, int] = {}
    for code, n in rows:
        key = code if code in FAILURE_CODES else "other"
        counted[key] = counted.get(key, 0) + int(n)
    return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))


SYNC_STATES = ("pending", "sending", "sent", "refused", "waiting")


def sync_counts(session: Session, posyandu_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per posyandu the visits by SATUSEHAT state, every state named (one grouped query)."""
    ids = list(posyandu_ids)
    counts: dict[int, dict[str, int]] = {pid: {s: 0 for s in SYNC_STATES} for pid in ids}
    if not ids:
        return counts
    for pid, status, n in session.execute(select(SatusehatSync.posyandu_id, SatusehatSync.status, func.count())
                                          .where(SatusehatSync.posyandu_id.in_(ids))
                                          .group_by(SatusehatSync.posyandu_id, SatusehatSync.status)):
        counts[pid][status] = int(n)
    return counts


def sync_problems(session: Session, posyandu_ids: Sequence[int], listed: int = 50
                  ) -> list[tuple[SatusehatSync, Member, date]]:
    """The refused or retried visits of these posyandu with the reason SATUSEHAT gave, newest first (one query)."""
    ids = list(posyandu_ids)
    if not ids:
        return []
    return [(sync, member, on) for sync, member, on in session.execute(
        select(SatusehatSync, Member, Measurement.measured_on)
        .join(Measurement, Measurement.id == SatusehatSync.measurement_id)
        .join(Member, Member.id == Measurement.member_id)
        .where(SatusehatSync.posyandu_id.in_(ids), SatusehatSync.last_error.is_not(None),
               SatusehatSync.status != "sent")
        .order_by(Measurement.measured_on.desc(), SatusehatSync.id.desc()).limit(listed))]


def puskesmas_names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    """The names of these puskesmas, in one query (a kabupaten's level view names each of its puskesmas)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {pid: name for pid, name in session.execute(select(Puskesmas.id, Puskesmas.name)
                                                        .where(Puskesmas.id.in_(wanted)))}


ASKED_BACK = "report.asked_back"  # the audit action of a value the bot asked back (bot/flows/reporting_measure.py)


def kader_figures(session: Session, posyandu_ids: Sequence[int], first: date, last: date,
                  only_contact: int | None = None) -> list[dict[str, object]]:
    """Per kader (whoever recorded visits here this month): visits, people, visits of members without a NIK,
    values asked back (a data-quality sign: the audit of `report.asked_back`), and late entries (typed more than a day after the posyandu day, by the UTC date it was typed). Counted by
    the database in one grouped query: a kabupaten's month is some 50,000 visits."""
    ids = list(posyandu_ids)
    if not ids:
        return []
    imported = Measurement.source == "import"
    no_nik = and_(or_(Member.nik.is_(None), Member.nik == ""), or_(Member.mother_nik.is_(None), Member.mother_nik == ""))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    late = case(*[(and_(Measurement.measured_on == d,
                        Measurement.created_at >= datetime.combine(d + timedelta(days=2), time(), timezone.utc)), 1)
                  for d in days], else_=0)
    key = case((imported, None), else_=Measurement.recorded_by_id)
    rows = session.execute(
        select(key, func.max(Contact.display_name), func.max(Contact.role), func.max(case((imported, 1), else_=0)),
               func.count(), func.count(distinct(Measurement.member_id)), func.sum(case((no_nik, 1), else_=0)),
               func.sum(case((imported, 0), else_=late)))
        .join(Member, Member.id == Measurement.member_id)
        .outerjoin(Contact, Contact.id == Measurement.recorded_by_id)
        .where(Measurement.posyandu_id.in_(ids), Measurement.measured_on >= first, Measurement.measured_on <= last,
               *((Measurement.recorded_by_id == only_contact,) if only_contact is not None else ()))
        .group_by(key, imported)).all()
    out: dict[object, dict[str, object]] = {}
    for by, name, role, is_import, visits, people, without, late_n in rows:
        k = "import" if is_import else by
        out[k] = {"contact_id": None if is_import else by, "name": None if is_import else name,
                  "role": None if is_import else role, "import": bool(is_import), "visits": int(visits),
                  "people": int(people), "no_nik": int(without or 0), "late": int(late_n or 0), "asked_back": 0}
    reporters = [k for k in out if k != "import" and k is not None]
    if reporters:  # values the bot asked back (unusual for the age, a big change): one grouped count
        start = datetime.combine(first, time(), timezone.utc)
        end = datetime.combine(last + timedelta(days=1), time(), timezone.utc)
        for contact_id, n in session.execute(
                select(AuditEvent.contact_id, func.count()).where(
                    AuditEvent.action == ASKED_BACK, AuditEvent.contact_id.in_(reporters), AuditEvent.at >= start,
                    AuditEvent.at < end).group_by(AuditEvent.contact_id)):
            out[contact_id]["asked_back"] = int(n)
    return sorted(out.values(), key=lambda r: (bool(r["import"]), -int(r["visits"])))  # type: ignore[call-overload]
