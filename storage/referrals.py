"""The bidan's referral queue: one open referral per member and problem, urgent first, closed only by the bidan.

Why one module: the chat report, the register import, the bidan's `rujukan`
list and the clock's next-morning repeat must agree on what an open referral
is. A problem is a health area (health.problems: child nutrition, blood
pressure, glucose, anaemia...), each followed up and closed with its own
outcome, so a member has at most one open referral per problem (a unique
partial index makes it so even when two kaders save at once); a new visit
updates it (its values, its reasons added, its urgency raised), a finding of
another problem opens its own. Urgency is health.urgency's level of the
problem's reasons. Functions take a session and never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from storage.values import Role
from health.problems import by_problem
from health.priority import case_priority
from health.urgency import TODAY, WEEK, overall
from storage.places import zone_info
from storage.models import AuditEvent, Contact, Household, Measurement, Member, Posyandu, Referral
from storage.records import ContactRecord, MemberRecord

URGENCIES = ("today", "week")  # the order of the queue
OUTCOMES = ("dikunjungi", "dirujuk", "membaik", "tidak_ditemukan")  # what the bidan records when she closes one
CLOSERS = frozenset({Role.BIDAN.value, Role.ADMIN.value})  # a kader reports, only the bidan closes
PAGE_SIZE = 5


def referral_urgency(result: Any, reasons: Sequence[str] | None = None) -> str:
    """'today' or 'week' for these reasons of a visit (all its reasons by default): the one place urgency
    enters the queue. Each flag's level comes from health.urgency's table (`result.referral_levels`)."""
    levels = getattr(result, "referral_levels", {}) or {}
    codes = list(result.referral_reasons) if reasons is None else list(reasons)
    return overall([levels.get(code) or WEEK for code in codes]) or WEEK


def open_referral(session: Session, member_id: int, problem: str) -> Referral | None:
    return session.scalars(select(Referral).where(Referral.member_id == member_id, Referral.problem == problem,
                                                  Referral.status == "open")).first()


def open_referrals(session: Session, member_id: int) -> list[Referral]:
    return list(session.scalars(select(Referral).where(Referral.member_id == member_id, Referral.status == "open")
                                .order_by(Referral.id)))


def _merged(old: Sequence[str], new: Sequence[str]) -> list[str]:
    out = list(old)
    out += [code for code in new if code not in out]
    return out


def _only_visit(found: Referral, measurement: Measurement) -> bool:
    """Whether this measurement alone is behind the referral (then a correction of it rewrites the referral)."""
    return found.measurement_id == measurement.id and found.first_measurement_id in (None, measurement.id)


def record_referrals(session: Session, member: Member, measurement: Measurement, result: Any,
                     now: datetime) -> list[Referral]:
    """Open or update the member's referral of each problem this visit refers; returns them, most urgent first.

    A correction of the only visit behind a referral replaces its reasons (or
    removes the referral when nothing of its problem refers any more); a later
    visit adds its reasons and may raise the urgency, never lower it: the
    bidan decides. A problem this visit does not touch keeps its referral.
    """
    grouped = by_problem(list(result.referral_reasons))
    for found in open_referrals(session, member.id):
        if found.problem not in grouped and _only_visit(found, measurement):
            session.delete(found)
    session.flush()
    touched = [_record_problem(session, member, measurement, problem, reasons, referral_urgency(result, reasons), now)
               for problem, reasons in grouped.items()]
    touched.sort(key=lambda r: URGENCIES.index(r.urgency) if r.urgency in URGENCIES else len(URGENCIES))
    return touched


def record_referral(session: Session, member: Member, measurement: Measurement, result: Any,
                    now: datetime) -> Referral | None:
    """The most urgent referral this visit opened or updated (`record_referrals`), or None."""
    touched = record_referrals(session, member, measurement, result, now)
    return touched[0] if touched else None


def _record_problem(session: Session, member: Member, measurement: Measurement, problem: str, reasons: list[str],
                    urgency: str, now: datetime) -> Referral:
    found = open_referral(session, member.id, problem)
    if found is None:
        savepoint = session.begin_nested()
        try:
            found = Referral(member_id=member.id, problem=problem, measurement_id=measurement.id,
                             first_measurement_id=measurement.id, posyandu_id=measurement.posyandu_id,
                             reasons=reasons, urgency=urgency, status="open", created_at=now, updated_at=now,
                             urgent_since=now if urgency == TODAY else None)
            session.add(found)
            session.flush()
            savepoint.commit()
        except IntegrityError:  # another report opened this problem's referral a moment ago: update that one
            savepoint.rollback()
            return _record_problem(session, member, measurement, problem, reasons, urgency, now)
        session.add(AuditEvent(action="referral.opened", subject=f"referral:{found.id}", at=now))
        session.flush()
        return found
    if _only_visit(found, measurement):
        found.reasons = reasons
        found.urgency = urgency
    else:
        found.reasons = _merged(found.reasons or [], reasons)
        latest = session.get(Measurement, found.measurement_id) if found.measurement_id else None
        if latest is None or latest.measured_on <= measurement.measured_on:
            found.measurement_id = measurement.id
        if urgency == TODAY:
            found.urgency = TODAY
    if found.urgency == TODAY and found.urgent_since is None:
        found.urgent_since, found.repeated_at = now, None
    if found.urgency != TODAY:
        found.urgent_since = None
    found.posyandu_id = measurement.posyandu_id
    found.updated_at = now
    session.flush()
    return found


def record_followup(session: Session, member: MemberRecord, posyandu_id: int, reason: str, problem: str, urgency: str,
                    now: datetime) -> Referral:
    """A case the bidan must follow up that no measurement raised (a miscarriage: postabortion care): the same
    queue, one open referral per member and problem; an open one takes the reason."""
    found = open_referral(session, member.id, problem)
    if found is None:
        found = Referral(member_id=member.id, problem=problem, posyandu_id=posyandu_id, reasons=[reason],
                         urgency=urgency, status="open", created_at=now, updated_at=now,
                         urgent_since=now if urgency == TODAY else None)
        session.add(found)
        session.flush()
        session.add(AuditEvent(action="referral.opened", subject=f"referral:{found.id}", at=now))
    else:
        found.reasons = _merged(found.reasons or [], [reason])
        if urgency == TODAY and found.urgency != TODAY:
            found.urgency, found.urgent_since, found.repeated_at = TODAY, now, None
        found.updated_at = now
    session.flush()
    return found


# -- the queue ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueEntry:
    """One line of the bidan's list: the case, its latest values and who to call."""

    referral: Referral
    member: Member
    measurement: Measurement | None
    reporter: str | None  # the kader's name (or None: an import, or a contact without a name)
    phone: str | None  # the household's phone, else the guardian's
    since: date | None = None  # the day of the first visit behind it (`opened_on`)


def opened_on(referral: Referral, first_visit_on: date | None, tz: str | None) -> date:
    """Since when the case is known: the date of the visit that opened it (an imported register's visit of
    last month is "since" that visit, not the day of the import); the day it was written when no visit is left."""
    if first_visit_on is not None:
        return first_visit_on
    return referral.created_at.astimezone(zone_info(tz)).date()


def first_visit_dates(session: Session, referrals: Sequence[Referral]) -> dict[int, date]:
    """The date of the first visit behind each referral (by referral id), in one query."""
    ids = {r.first_measurement_id or r.measurement_id for r in referrals} - {None}
    if not ids:
        return {}
    on = dict(session.execute(select(Measurement.id, Measurement.measured_on).where(Measurement.id.in_(ids))).all())
    return {r.id: on[m] for r in referrals if (m := r.first_measurement_id or r.measurement_id) in on}


def queue_key(entry: QueueEntry) -> tuple[Any, ...]:
    """The queue's order (health.priority.case_priority, as `kunjungan`): today first, the more severe first
    within a level, then the oldest case (by its visit's date)."""
    return (*case_priority(entry.referral.urgency, entry.referral.reasons or []),
            entry.since or date.max, entry.referral.id)


def queue(session: Session, posyandu_ids: Sequence[int], offset: int = 0,
          limit: int = PAGE_SIZE, *, problem: str | None = None) -> tuple[list[QueueEntry], int]:
    """A page of the open referrals of these posyandu (of one problem when named) in `queue_key` order, and
    the total."""
    if not posyandu_ids:
        return [], 0
    where = (Referral.posyandu_id.in_(list(posyandu_ids)), Referral.status == "open",
             *((Referral.problem == problem,) if problem else ()))
    # the order from a few columns of every open case (a kabupaten has thousands), then the page's cases whole
    first = aliased(Measurement)
    keys = sorted((*case_priority(urgency, reasons or []), opened_on_of(created_at, first_on, tz), rid)
                  for rid, urgency, reasons, created_at, first_on, tz in session.execute(
                      select(Referral.id, Referral.urgency, Referral.reasons, Referral.created_at, first.measured_on,
                             Posyandu.timezone)
                      .outerjoin(first, first.id == func.coalesce(Referral.first_measurement_id, Referral.measurement_id))
                      .outerjoin(Posyandu, Posyandu.id == Referral.posyandu_id).where(*where)))
    shown = [key[-1] for key in keys[offset:offset + limit]]
    found = {row[0].id: _entry(row) for row in session.execute(_entries().where(Referral.id.in_(shown)))} if shown else {}
    return [found[rid] for rid in shown if rid in found], len(keys)


def opened_on_of(created_at: datetime, first_visit_on: date | None, tz: str | None) -> date:
    """`opened_on` from the referral's columns."""
    return first_visit_on if first_visit_on is not None else created_at.astimezone(zone_info(tz)).date()


def _entries() -> Any:
    first = aliased(Measurement)
    return (select(Referral, Member, Measurement, Contact.display_name, Household.phone, first.measured_on,
                   Posyandu.timezone)
            .join(Member, Member.id == Referral.member_id)
            .outerjoin(Measurement, Measurement.id == Referral.measurement_id)
            .outerjoin(first, first.id == func.coalesce(Referral.first_measurement_id, Referral.measurement_id))
            .outerjoin(Posyandu, Posyandu.id == Referral.posyandu_id)
            .outerjoin(Contact, Contact.id == Measurement.recorded_by_id)
            .outerjoin(Household, Household.id == Member.household_id))


def _entry(row: Any) -> QueueEntry:
    referral, member, measurement, name, phone, first_on, tz = row
    return QueueEntry(referral, member, measurement, name, phone or member.guardian_phone,
                      opened_on(referral, first_on, tz))


def open_problems(session: Session, member_ids: Sequence[int]) -> dict[int, list[Referral]]:
    """Each member's open referrals, urgent first: a queue entry names the member's other problems."""
    if not member_ids:
        return {}
    out: dict[int, list[Referral]] = {}
    found = list(session.scalars(select(Referral).where(Referral.member_id.in_(list(member_ids)),
                                                        Referral.status == "open").order_by(Referral.id)))
    for referral in sorted(found, key=lambda r: (*case_priority(r.urgency, r.reasons or []), r.created_at, r.id)):
        out.setdefault(referral.member_id, []).append(referral)
    return out


def visits_flagging(session: Session, referral: Referral, codes: set[str], recent: int = 24) -> list[Measurement]:
    """The member's recent visits (newest first) that raised any of these reasons: where an earlier visit's
    reason of an updated referral can be read again."""
    rows = session.scalars(select(Measurement).where(Measurement.member_id == referral.member_id)
                           .order_by(Measurement.measured_on.desc(), Measurement.id.desc()).limit(recent))
    return [m for m in rows if codes & set(m.flags or [])]


def count_urgent(session: Session, posyandu_ids: Sequence[int]) -> int:
    """Open 'today' referrals of these posyandu."""
    if not posyandu_ids:
        return 0
    return session.scalar(select(func.count()).select_from(Referral).where(
        Referral.posyandu_id.in_(list(posyandu_ids)), Referral.status == "open", Referral.urgency == "today")) or 0


def open_in_scope(session: Session, referral_id: int, posyandu_ids: Sequence[int]) -> QueueEntry | None:
    """One open referral of these posyandu as a queue entry (a forged or stale id gets None)."""
    if not posyandu_ids:
        return None
    row = session.execute(_entries().where(Referral.id == referral_id, Referral.status == "open",
                                           Referral.posyandu_id.in_(list(posyandu_ids)))).first()
    return _entry(row) if row is not None else None


def may_close(contact: ContactRecord) -> bool:
    return contact.role in CLOSERS


def record_outcome(session: Session, contact: ContactRecord, referral_id: int, posyandu_ids: Sequence[int],
                   outcome: str, note: str | None, now: datetime) -> Referral | None:
    """The bidan (or an admin) closes an open referral of her posyandu with an outcome; else None."""
    if not may_close(contact) or outcome not in OUTCOMES:
        return None
    referral = session.get(Referral, referral_id)
    if referral is None or referral.posyandu_id not in posyandu_ids or referral.status != "open":
        return None
    referral.status, referral.handled_at, referral.handled_by_id = "handled", now, contact.id
    referral.outcome, referral.outcome_note = outcome, (note or "").strip()[:500] or None
    session.add(AuditEvent(contact_id=contact.id, action=f"referral.{outcome}", subject=f"referral:{referral.id}",
                           at=now))
    session.flush()
    return referral


# -- the next-morning repeat ---------------------------------------------------------------------------
def unhandled_urgent(session: Session, now: datetime, morning_hour: int) -> list[tuple[Referral, Posyandu]]:
    """Open 'today' referrals not repeated yet whose posyandu has reached the morning after they became urgent.

    Local time of each posyandu: a referral raised at 20:00 WITA is repeated at
    `morning_hour` WITA the next day, whichever zone the server is in.
    """
    rows = session.execute(select(Referral, Posyandu).join(Posyandu, Posyandu.id == Referral.posyandu_id)
                           .where(Referral.status == "open", Referral.urgency == "today",
                                  Referral.repeated_at.is_(None), Referral.urgent_since.is_not(None))
                           .order_by(Referral.urgent_since, Referral.id)).all()
    due = []
    for referral, posyandu in rows:
        zone = zone_info(posyandu.timezone)
        if referral.urgent_since is None:  # not selected (the query asks for urgent_since), but typed Optional
            continue
        raised: date = referral.urgent_since.astimezone(zone).date()
        repeat_at = datetime.combine(raised + timedelta(days=1), time(morning_hour), zone)
        if now >= repeat_at:
            due.append((referral, posyandu))
    return due


def mark_repeated(session: Session, referral: Referral, now: datetime) -> None:
    referral.repeated_at = now
    session.flush()
