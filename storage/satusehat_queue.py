"""The SATUSEHAT sync queue: every saved visit is a row, written in the transaction that saves it.

Why a queue like the outbox: a visit saved while SATUSEHAT is down, slow or
not yet configured is never lost; the sender (`sending.satusehat_sync`)
claims due rows with a lease, and a process that dies mid-send leaves a row
another picks up when the lease runs out. `revision` grows at every save, so a
visit edited after it was sent is sent again, as an update (PUT) of the ids
kept in `satusehat_resource`.

status: pending -> sending -> sent | pending (retry later) | refused (SATUSEHAT said no,
        reason kept) | waiting (the member has no NIK; sent when one is added)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, func, or_, select, update
from sqlalchemy.orm import Session

from health.fhir_visit import Dose, Person, Place, VisitRecord
from health.measurements import DECIMALS
from storage.models import (
    ORIGIN_POSYANDU, Measurement, Member, Posyandu, SatusehatCredential, SatusehatResource, SatusehatSync, ServiceGiven,
)
from storage.db import rowcount
from storage.repositories import is_postgres
from storage.satusehat_practitioner import practitioners_for

LEASE = timedelta(minutes=5)
VISIT_HOUR = 8  # a visit imported without a time: 08:00 local, when posyandu open (docs/satusehat.md)
MEASURED_COLUMNS = tuple(DECIMALS)  # every numeric measurement column (health.measurements)


# -- queueing (called from the save paths) ----------------------------------------------------------
def queue_visit(session: Session, measurement: Measurement, now: datetime) -> SatusehatSync:
    """Queue a saved (or edited) visit for SATUSEHAT, in the caller's transaction."""
    row = session.scalars(select(SatusehatSync).where(SatusehatSync.measurement_id == measurement.id)
                          .with_for_update()).one_or_none()
    if row is None:
        row = SatusehatSync(measurement_id=measurement.id, posyandu_id=measurement.posyandu_id, status="pending",
                            revision=1, attempts=0, next_attempt_at=now, queued_at=now)
        session.add(row)
    else:
        row.revision += 1
        row.posyandu_id = measurement.posyandu_id
        row.status, row.attempts, row.next_attempt_at, row.last_error = "pending", 0, now, None
        row.queued_at = now
    session.flush()
    return row


def requeue_member(session: Session, member_id: int, now: datetime) -> int:
    """A member's visits waiting for a NIK (or refused) go back to the queue; returns how many."""
    ids = select(Measurement.id).where(Measurement.member_id == member_id)
    result = session.execute(update(SatusehatSync)
                             .where(SatusehatSync.measurement_id.in_(ids),
                                    SatusehatSync.status.in_(("waiting", "refused")))
                             .values(status="pending", attempts=0, next_attempt_at=now, last_error=None)
                             .execution_options(synchronize_session=False))
    return rowcount(result)


# -- reading a visit for the mapping ------------------------------------------------------------------
@dataclass(frozen=True)
class QueuedVisit:
    """One visit ready for `health.fhir_visit.build_bundle` (organization id: None without credentials)."""

    measurement_id: int
    puskesmas_id: int | None
    visit: VisitRecord
    person: Person
    place: Place | None


def visit_time(created_at: datetime, measured_on: date, zone: str) -> datetime:
    """When the visit happened, in the posyandu's zone: when it was recorded that day, else 08:00."""
    tz = ZoneInfo(zone)
    recorded = created_at.astimezone(tz)
    if recorded.date() == measured_on:
        return recorded
    return datetime.combine(measured_on, time(VISIT_HOUR), tzinfo=tz)


# Plain columns, not entities: a kabupaten's month is ~100,000 visits (bench/satusehat.py).
VISIT_COLUMNS = (Measurement.id, Measurement.created_at, Measurement.measured_on, Measurement.position,
                 Measurement.glucose_kind, Measurement.statuses, Measurement.recorded_by_id,
                 *(getattr(Measurement, c) for c in MEASURED_COLUMNS),
                 Member.name, Member.sex, Member.birth_date, Member.nik, Member.mother_nik,
                 Posyandu.id.label("posyandu_id"), Posyandu.puskesmas_id, Posyandu.code,
                 Posyandu.name.label("posyandu_name"), Posyandu.timezone,
                 Posyandu.satusehat_location_id, SatusehatCredential.organization_id)

# The services sent as this posyandu's Immunizations: those recorded at the visit and given by the posyandu.
# THE ONE PLACE that says which services were given here: a past dose recorded as history ("sudah di
# puskesmas", `services import`; `ServiceGiven.origin`) was given, and is reported, elsewhere.
GIVEN_AT_THE_POSYANDU = (ServiceGiven.measurement_id.isnot(None), ServiceGiven.origin == ORIGIN_POSYANDU)


def posyandu_doses(session: Session, measurement_ids: Sequence[int]) -> dict[int, tuple[Dose, ...]]:
    """The services given at each of these visits (health.fhir_visit keeps the vaccines among them)."""
    out: dict[int, list[Dose]] = {}
    ids = list(measurement_ids)
    for start in range(0, len(ids), 1000):
        rows = session.execute(select(ServiceGiven.measurement_id, ServiceGiven.code, ServiceGiven.given_on)
                               .where(ServiceGiven.measurement_id.in_(ids[start:start + 1000]), *GIVEN_AT_THE_POSYANDU)
                               .order_by(ServiceGiven.measurement_id, ServiceGiven.id)).all()
        for mid, code, given_on in rows:
            if mid is not None:  # always, by the query
                out.setdefault(mid, []).append(Dose(code, given_on))
    return {mid: tuple(doses) for mid, doses in out.items()}


def _queued(row: Row[Any], doses: tuple[Dose, ...] = (), practitioner: str | None = None) -> QueuedVisit:
    values = {c: getattr(row, c) for c in MEASURED_COLUMNS}
    tz = ZoneInfo(row.timezone)
    record = VisitRecord(row.id, visit_time(row.created_at, row.measured_on, row.timezone), values, row.position,
                         row.glucose_kind, dict(row.statuses or {}), doses, practitioner,
                         row.created_at.astimezone(tz))
    person = Person(row.name, row.sex, row.birth_date, row.nik, row.mother_nik)
    org = row.organization_id
    place = Place(org, row.code, row.posyandu_name, row.satusehat_location_id) if org else None
    return QueuedVisit(row.id, row.puskesmas_id, record, person, place)


def _joined() -> Select[Any]:
    return (select(*VISIT_COLUMNS)
            .join(Member, Member.id == Measurement.member_id)
            .join(Posyandu, Posyandu.id == Measurement.posyandu_id)
            .outerjoin(SatusehatCredential, SatusehatCredential.puskesmas_id == Posyandu.puskesmas_id))


def _complete(session: Session, rows: Sequence[Row[Any]]) -> list[QueuedVisit]:
    """The rows as visits, with their doses and the bidan's IHS number (a few queries per chunk)."""
    doses = posyandu_doses(session, [r.id for r in rows])
    by_recorder, by_posyandu = practitioners_for(session, [r.posyandu_id for r in rows],
                                                 [r.recorded_by_id for r in rows])
    return [_queued(r, doses.get(r.id, ()), by_recorder.get(r.recorded_by_id) or by_posyandu.get(r.posyandu_id))
            for r in rows]


def load_visits(session: Session, measurement_ids: Sequence[int]) -> dict[int, QueuedVisit]:
    rows = session.execute(_joined().where(Measurement.id.in_(list(measurement_ids)))).all()
    return {v.measurement_id: v for v in _complete(session, rows)}


def month_visits(session: Session, month: str, posyandu_code: str | None = None,
                 chunk: int = 2000) -> Iterator[QueuedVisit]:
    """Every visit of the month (YYYY-MM), by posyandu and date, read in chunks (a kabupaten's month)."""
    start, end = month_bounds(month)
    stmt = (_joined().where(Measurement.measured_on >= start, Measurement.measured_on < end)
            .order_by(Posyandu.code, Measurement.measured_on, Measurement.id))
    if posyandu_code:
        stmt = stmt.where(Posyandu.code == posyandu_code.strip().upper())
    batch: list[Row[Any]] = []
    for row in session.execute(stmt.execution_options(yield_per=chunk)):
        batch.append(row)
        if len(batch) >= chunk:
            yield from _complete(session, batch)
            batch = []
    if batch:
        yield from _complete(session, batch)


def known_ids(session: Session, measurement_id: int) -> dict[str, str]:
    """SATUSEHAT's ids of this visit's resources, by key (Patient, Encounter, Observation:weight...)."""
    rows = session.execute(select(SatusehatResource.key, SatusehatResource.resource_id)
                           .where(SatusehatResource.measurement_id == measurement_id)).all()
    return {key: rid for key, rid in rows}


# -- the sender's side -------------------------------------------------------------------------------
def month_bounds(month: str) -> tuple[date, date]:
    """First day of the month (YYYY-MM) and of the next one."""
    start = date.fromisoformat(month + "-01")
    return start, date(start.year + start.month // 12, start.month % 12 + 1, 1)


def claim(session: Session, now: datetime, limit: int, puskesmas_ids: Iterable[int],
          month: str | None = None) -> list[SatusehatSync]:
    """Take due rows of these puskesmas (pending and due, or a lapsed lease) with a lease; `month`: only
    visits of that month."""
    ids = list(puskesmas_ids)
    if not ids:
        return []
    due = or_((SatusehatSync.status == "pending") & (SatusehatSync.next_attempt_at <= now),
              (SatusehatSync.status == "sending") & (SatusehatSync.locked_until < now))
    stmt = (select(SatusehatSync).join(Posyandu, Posyandu.id == SatusehatSync.posyandu_id)
            .where(due, Posyandu.puskesmas_id.in_(ids)).order_by(SatusehatSync.id).limit(limit))
    if month:
        start, end = month_bounds(month)
        stmt = stmt.join(Measurement, Measurement.id == SatusehatSync.measurement_id).where(
            Measurement.measured_on >= start, Measurement.measured_on < end)
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True, of=SatusehatSync)
    rows = list(session.scalars(stmt))
    for row in rows:
        row.status, row.locked_until = "sending", now + LEASE
    session.flush()
    return rows


def record_sent(session: Session, sync_id: int, revision: int, ids: dict[str, str], now: datetime) -> None:
    """SATUSEHAT took `revision` of the visit: keep its ids; a newer edit stays queued."""
    row = session.get(SatusehatSync, sync_id)
    if row is None:
        return
    existing = {r.key: r for r in session.scalars(select(SatusehatResource)
                                                  .where(SatusehatResource.measurement_id == row.measurement_id))}
    for key, rid in ids.items():
        if key in existing:
            existing[key].resource_id = rid
        else:
            session.add(SatusehatResource(measurement_id=row.measurement_id, key=key, resource_id=rid))
    row.sent_revision, row.sent_at, row.locked_until, row.last_error = revision, now, None, None
    row.attempts = 0
    row.status = "sent" if row.revision == revision else "pending"
    session.flush()


def record_later(session: Session, sync_id: int, revision: int, reason: str, at: datetime,
                 count_attempt: bool = True) -> None:
    """Not sent this time (429, 5xx, network, credentials paused): back to the queue at `at`."""
    row = session.get(SatusehatSync, sync_id)
    if row is None:
        return
    if count_attempt:
        row.attempts += 1
    row.status, row.locked_until, row.last_error = "pending", None, reason[:2000]
    row.next_attempt_at = at if row.revision == revision else min(at, row.next_attempt_at)
    session.flush()


def record_refused(session: Session, sync_id: int, revision: int, reason: str, now: datetime,
                   status: str = "refused") -> None:
    """SATUSEHAT refused (or the member has no NIK: `status='waiting'`): kept with its reason, not retried
    until the visit or the member changes."""
    row = session.get(SatusehatSync, sync_id)
    if row is None:
        return
    row.locked_until, row.last_error = None, reason[:2000]
    if row.revision != revision:  # edited meanwhile: try the new version
        row.status, row.next_attempt_at = "pending", now
    else:
        row.status = status
    session.flush()


# -- what the operator and the bidan see -------------------------------------------------------------
@dataclass
class Waiting:
    """Visits that wait for the same reason: `kind` refused | retrying | no_nik; `next_at`: the earliest retry."""

    kind: str
    reason: str
    count: int
    next_at: datetime | None = None


@dataclass
class PuskesmasStatus:
    puskesmas_id: int | None
    counts: dict[str, int]  # sent | to_send | retrying | refused | no_nik (only those with visits)
    reasons: list[Waiting]


def _category(status: str, has_nik: bool, has_error: bool) -> str:
    """Where a queue row stands, in the operator's terms (from the row *and* the member as they are now,
    so a visit of a member without NIK is said to wait for one before the sender has even looked)."""
    if status == "sent":
        return "sent"
    if status == "refused":
        return "refused"
    if not has_nik:
        return "no_nik"
    return "retrying" if has_error and status != "waiting" else "to_send"


def status_counts(session: Session) -> list[PuskesmasStatus]:
    """Per puskesmas: visits sent, to send, retrying, refused and without a NIK, and why each waits."""
    has_nik = (Member.nik.isnot(None) | Member.mother_nik.isnot(None)).label("has_nik")
    has_error = SatusehatSync.last_error.isnot(None).label("has_error")
    base = (select(Posyandu.puskesmas_id, SatusehatSync.status, has_nik, has_error, SatusehatSync.last_error,
                   func.count().label("n"), func.min(SatusehatSync.next_attempt_at).label("next_at"))
            .join(Posyandu, Posyandu.id == SatusehatSync.posyandu_id)
            .join(Measurement, Measurement.id == SatusehatSync.measurement_id)
            .join(Member, Member.id == Measurement.member_id)
            .group_by(Posyandu.puskesmas_id, SatusehatSync.status, has_nik, has_error, SatusehatSync.last_error))
    out: dict[int | None, PuskesmasStatus] = {}
    grouped: dict[tuple[int | None, str, str], Waiting] = {}
    for pid, status, nik, error, reason, n, next_at in session.execute(base).all():
        entry = out.setdefault(pid, PuskesmasStatus(pid, {}, []))
        kind = _category(status, bool(nik), bool(error))
        entry.counts[kind] = entry.counts.get(kind, 0) + n
        if kind in ("refused", "retrying", "no_nik"):
            text = "" if kind == "no_nik" else (reason or "")
            found = grouped.get((pid, kind, text))
            if found is None:
                grouped[(pid, kind, text)] = found = Waiting(kind, text, 0, None)
                entry.reasons.append(found)
            found.count += n
            if kind == "retrying" and next_at is not None:
                found.next_at = next_at if found.next_at is None else min(found.next_at, next_at)
    order = {"refused": 0, "retrying": 1, "no_nik": 2}
    for entry in out.values():
        entry.reasons.sort(key=lambda w: (order[w.kind], -w.count, w.reason))
    return sorted(out.values(), key=lambda s: (s.puskesmas_id is None, s.puskesmas_id or 0))


# Why a visit is retried, in words: the sender stores its reason short (sending/satusehat_client.py and
# sending/satusehat_sync.py write these forms); the operator reads what happened and what to do.
_RETRY_WORDS: tuple[tuple[str, str], ...] = (
    (r"^paused: (?P<d>.*)$", "the puskesmas' SATUSEHAT credentials were refused; set them again "
                             "(satusehat credentials set): {d}"),
    (r"^held: (?P<d>.*)$", "sending is held until the server's SATUSEHAT_SECRET_KEY is put right: {d}"),
    (r"^credentials no longer available$", "the puskesmas has no usable SATUSEHAT credentials now"),
    (r"answered 429", "SATUSEHAT asked us to slow down (429, too many requests)"),
    (r"answered (?P<d>5\d\d)", "SATUSEHAT had a server error ({d}); it is usually back within minutes"),
    (r"^(?P<w>token|FHIR) call failed: (?P<d>\w+)", "SATUSEHAT could not be reached ({d}: no network, or "
                                                    "no answer in time)"),
    (r"401 again", "SATUSEHAT refused a fresh access token twice (401)"),
    (r"without a JSON Bundle|answers for|without access_token", "SATUSEHAT's answer could not be read ({text})"),
)


def retry_in_words(text: str) -> str:
    """The stored reason a visit is retried, as a sentence an operator can act on."""
    for pattern, words in _RETRY_WORDS:
        found = re.search(pattern, text or "")
        if found:
            return words.format(text=text, **{k: v for k, v in found.groupdict().items()})
    return text or "no reason recorded"
