"""Posyandu reporting: interpreting a visit, who a staff member may see, finding members, saving.

Why one module: the chat flow (`bot/flows/lapor.py`) and the CSV import
(`storage/imports.py`) must read the same history, interpret a visit the same
way (`interpret`, pure, over `health/`'s rules) and write the same rows, so
both call these functions. They take a session and never commit: the caller's
transaction makes a visit all-or-nothing.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable, Sequence

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.values import Role
from health.kms import months_between
from health.life_stage import LifeStage, is_pregnant, primary_stage
from storage import access
from storage.access import visible_posyandu  # noqa: F401  (staff scope: callers read it here too)
from storage.members import clean_name, name_key
from storage.pregnancy_status import pregnancy_since, pregnancy_start  # noqa: F401  (re-exported)
from storage.records import MeasurementRecord
from storage.referrals import record_referrals
from storage.satusehat_queue import queue_visit
from storage.models import (
    AuditEvent, Contact, Household, Invite, Measurement, Member, Posyandu, Pregnancy, Referral, ServiceGiven,
)

from health.visit import (  # noqa: F401  (re-exported: the interpretation lives in health/)
    Flag, History, Interpretation, PastVisit, Values, interpret,
)

__all__ = [
    "Flag", "History", "Interpretation", "PastVisit", "Values", "interpret", "visible_posyandu", "search_members",
    "recent_visitors", "member_in_scope", "current_pregnancy", "last_delivery", "life_stage_on", "history", "assess", "given_codes",
    "NewMember", "Visit", "SavedVisit", "save_visit", "bidan_contacts", "guardian_contacts",
    "INVITE_ALPHABET", "new_invite_code", "create_invite", "reinterpret",
]

SEARCH_CUTOFF = 70  # rapidfuzz WRatio: "nurhalisa" ~ "siti nurhaliza" scores 80, unrelated names < 65
RECENT_DAYS = 62  # "recent visitors": the last two monthly sessions
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
INVITE_LENGTH = 6


def member_in_scope(session: Session, member_id: int, posyandu_ids: Sequence[int]) -> Member | None:
    """The member, only when they belong to one of these posyandu (a forged button gets None)."""
    member = session.get(Member, member_id)
    return member if member is not None and member.posyandu_id in posyandu_ids else None


# -- finding members ----------------------------------------------------------------
def search_members(session: Session, posyandu_ids: Sequence[int], query: str, limit: int = 6) -> list[Member]:
    """Members whose name resembles `query` (typos and spelling variants allowed), best first; when some
    members bear exactly the typed name (`name_key`: case, spaces and punctuation aside), only they."""
    key = name_key(query)
    if not key or not posyandu_ids:
        return []
    rows = session.execute(select(Member.id, Member.name_key).where(Member.posyandu_id.in_(posyandu_ids))).all()
    choices = {row.id: row.name_key for row in rows}
    exact = sorted(i for i, k in choices.items() if k == key)
    if exact:  # the whole name as written (case, spaces, punctuation aside): taken, never beside look-alikes
        ids = exact[:limit]
        members = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(ids)))}
        return [members[i] for i in ids if i in members]
    found = process.extract(key, choices, scorer=fuzz.WRatio, score_cutoff=SEARCH_CUTOFF, limit=None)
    found.sort(key=lambda hit: (-round(hit[1]), hit[0]))
    ids = [hit[2] for hit in found[:limit]]
    members = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(ids)))} if ids else {}
    return [members[i] for i in ids if i in members]


def members_born_on(session: Session, posyandu_id: int, born: date, limit: int = 6) -> list[Member]:
    """Members of the posyandu born on `born`, by name (a birth date typed where a name is asked)."""
    return list(session.scalars(select(Member).where(Member.posyandu_id == posyandu_id, Member.birth_date == born)
                                .order_by(Member.name, Member.id).limit(limit)))


def recent_visitors(session: Session, posyandu_id: int, on: date, limit: int = 6) -> list[Member]:
    """Members measured at this posyandu in the last two months, but not yet on `on`, latest first."""
    since = on - timedelta(days=RECENT_DAYS)
    done_today = select(Measurement.member_id).where(Measurement.measured_on == on)
    stmt = (select(Member, func.max(Measurement.measured_on).label("last"))
            .join(Measurement, Measurement.member_id == Member.id)
            .where(Member.posyandu_id == posyandu_id, Measurement.measured_on >= since,
                   Measurement.measured_on < on, Member.id.not_in(done_today))
            .group_by(Member.id).order_by(func.max(Measurement.measured_on).desc(), Member.name).limit(limit))
    return [row[0] for row in session.execute(stmt)]


def current_pregnancy(session: Session, member_id: int, on: date) -> Pregnancy | None:
    """The ongoing pregnancy on `on` (health.life_stage.is_pregnant), latest HPHT first."""
    return pregnancy_facts(session, member_id, on)[0]


def last_delivery(session: Session, member_id: int | None, on: date) -> date | None:
    """The latest delivery recorded on or before `on`: the nifas (health.life_stage.is_nifas) starts there."""
    return pregnancy_facts(session, member_id, on)[1]


def pregnancy_facts(session: Session, member_id: int | None, on: date) -> tuple[Pregnancy | None, date | None]:
    """Both pregnancy questions from one read: the ongoing pregnancy on `on` and the latest delivery on or
    before it (a chat step asks both for every value typed)."""
    if member_id is None:
        return None, None
    return facts_of(list(session.scalars(select(Pregnancy).where(Pregnancy.member_id == member_id))), on)


def pregnancies_of(session: Session, member_ids: Sequence[int]) -> dict[int, list[Pregnancy]]:
    """Every pregnancy of these members in one query (a page of referral cards reads them all at once);
    `facts_of(found.get(id, []), on)` then answers as `pregnancy_facts` does."""
    out: dict[int, list[Pregnancy]] = {}
    if member_ids:
        for p in session.scalars(select(Pregnancy).where(Pregnancy.member_id.in_(sorted(set(member_ids))))):
            out.setdefault(p.member_id, []).append(p)
    return out


def facts_of(pregnancies: Sequence[Pregnancy], on: date) -> tuple[Pregnancy | None, date | None]:
    """`pregnancy_facts` from one member's pregnancies already read."""
    rows = sorted(pregnancies, key=lambda p: (pregnancy_start(p), p.id), reverse=True)
    ongoing = next((p for p in rows if is_pregnant(p.hpht, on, p.delivered_on, p.reported_on)
                    and p.ended_on is None), None)
    delivered = max((p.delivered_on for p in rows if p.delivered_on is not None and p.delivered_on <= on),
                    default=None)
    return ongoing, delivered


def latest_measurement(session: Session, member_id: int) -> Measurement | None:
    """The member's latest recorded visit (what the family is shown)."""
    return session.scalars(select(Measurement).where(Measurement.member_id == member_id)
                           .order_by(Measurement.measured_on.desc()).limit(1)).first()


def last_visit(session: Session, member_id: int | None, on: date) -> PastVisit | None:
    """The visit before `on` (the change check needs only this, not the whole `history`)."""
    if member_id is None:
        return None
    return _past(session.scalars(select(Measurement).where(Measurement.member_id == member_id,
                                                           Measurement.measured_on < on)
                                 .order_by(Measurement.measured_on.desc()).limit(1)).first())


def life_stage_on(session: Session, member: Member, on: date, hpht: date | None = None) -> LifeStage:
    """The member's life stage on `on` (health.life_stage.primary_stage) with what is recorded: the ongoing
    pregnancy, dated or not (or `hpht`, one being told now) and the latest delivery. Every path asks this
    one question."""
    pregnancy = current_pregnancy(session, member.id, on)
    if pregnancy is not None:
        hpht = pregnancy.hpht
    return primary_stage(member.birth_date, member.sex, on, hpht, last_delivery(session, member.id, on),
                         pregnancy_since(pregnancy))


def weight_change_grams(session: Session, measurement: MeasurementRecord) -> int | None:
    """Grams gained (negative: lost) since the weighing of the month before, the change its N/T was judged on
    (health.visit._kms); None when there is none (O, B, no weight)."""
    if measurement.weight_kg is None:
        return None
    previous = history(session, measurement.member_id, measurement.measured_on).last_weighing
    if previous is None or previous.weight_kg is None or months_between(previous.measured_on,
                                                                        measurement.measured_on) != 1:
        return None
    return round((measurement.weight_kg - previous.weight_kg) * 1000)


def reported_on(session: Session, member_id: int, on: date) -> Measurement | None:
    return session.scalars(select(Measurement).where(Measurement.member_id == member_id,
                                                     Measurement.measured_on == on)).one_or_none()


# -- history and interpretation ----------------------------------------------------------
def _past(row: Measurement | None) -> PastVisit | None:
    if row is None:
        return None
    return PastVisit(row.measured_on, row.weight_kg, row.height_cm, row.weight_gain)


def history(session: Session, member_id: int | None, on: date) -> History:
    """What came before `on`: the last visit, the last weighing of an earlier month, any weighing at all."""
    if member_id is None:
        return History(None, None, False)
    earlier = select(Measurement).where(Measurement.member_id == member_id, Measurement.measured_on < on)
    last = session.scalars(earlier.order_by(Measurement.measured_on.desc()).limit(1)).first()
    weighed = earlier.where(Measurement.weight_kg.is_not(None))
    month_start = on.replace(day=1)
    last_weighing = session.scalars(weighed.where(Measurement.measured_on < month_start)
                                    .order_by(Measurement.measured_on.desc()).limit(1)).first()
    any_weighing = session.scalars(weighed.limit(1)).first() is not None
    return History(_past(last), _past(last_weighing), any_weighing)


def assess(session: Session, member_id: int | None, sex: str, birth: date, on: date, hpht: date | None,
           values: Values, pregnant_since: date | None = None) -> Interpretation:
    """Interpret a visit against the member's stored history and deliveries (the summary and the save use this).

    `pregnant_since`: she is pregnant though no HPHT is known (health.life_stage.is_pregnant)."""
    return interpret(sex, birth, on, hpht, values, history(session, member_id, on),
                     last_delivery(session, member_id, on), pregnant_since)


def given_codes(session: Session, member_id: int | None, since: date | None = None) -> dict[str, date]:
    """Service codes already recorded for the member, each with the first day it was given (a dose given is
    not offered again, and the next dose of its series waits its interval: health.immunisation); `since`: only
    those given from that day (a nifas service belongs to this delivery, not an earlier one)."""
    if member_id is None:
        return {}
    stmt = select(ServiceGiven.code, ServiceGiven.given_on).where(ServiceGiven.member_id == member_id)
    if since is not None:
        stmt = stmt.where(ServiceGiven.given_on >= since)
    found: dict[str, date] = {}
    for code, given_on in session.execute(stmt.order_by(ServiceGiven.given_on)):
        found.setdefault(code, given_on)
    return found


# -- saving ---------------------------------------------------------------------------------
@dataclass
class NewMember:
    """A member registered during the visit; created only when the visit is saved."""

    name: str
    sex: str
    birth_date: date
    guardian_phone: str | None = None
    nik: str | None = None
    guardian_name: str | None = None


@dataclass
class Visit:
    """Everything one report records. Either `member_id` or `new_member` is set."""

    posyandu_id: int
    measured_on: date
    values: Values
    member_id: int | None = None
    new_member: NewMember | None = None
    hpht: date | None = None  # a pregnancy to record, when the member has none ongoing
    hpht_estimate: str | None = None  # how that HPHT was estimated (health.pregnancy.estimated_hpht), if it was
    pregnant: bool = False  # she said she is pregnant: recorded even when no HPHT is known (`hpht` None)
    services: list[str] = field(default_factory=list)
    source: str = "chat"
    recorded_by_id: int | None = None


@dataclass
class SavedVisit:
    member: Member
    measurement: Measurement
    interpretation: Interpretation
    referral: Referral | None  # the most urgent of `referrals`
    replaced: bool
    # A correction of a visit that had a referral: the flags it was referred for, when they changed.
    corrected_flags: list[Flag] | None = None
    referrals: list[Referral] = field(default_factory=list)  # one per problem this visit refers (health.problems)


def household_for(session: Session, posyandu_id: int, phone: str | None, name: str | None,
                  now: datetime, opted_in: bool = False) -> Household | None:
    """The posyandu's household with this guardian phone, created when new."""
    if not phone:
        return None
    found = session.scalars(select(Household).where(Household.posyandu_id == posyandu_id,
                                                    Household.phone == phone).limit(1)).first()
    if found is None:
        found = Household(posyandu_id=posyandu_id, name=name, phone=phone, opted_in=opted_in, created_at=now)
        session.add(found)
        session.flush()
    elif opted_in and not found.opted_in:
        found.opted_in = True
    return found


def find_member(session: Session, posyandu_id: int, name: str, birth: date) -> Member | None:
    return session.scalars(select(Member).where(Member.posyandu_id == posyandu_id,
                                                Member.name_key == name_key(name),
                                                Member.birth_date == birth)).one_or_none()


def create_member(session: Session, posyandu_id: int, new: NewMember, now: datetime,
                  created_by_id: int | None = None) -> Member:
    """Register a member (or return the one with the same name and birth date)."""
    existing = find_member(session, posyandu_id, new.name, new.birth_date)
    if existing is not None:
        return existing
    household = household_for(session, posyandu_id, new.guardian_phone, new.guardian_name, now)
    member = Member(posyandu_id=posyandu_id, household_id=household.id if household else None,
                    name=clean_name(new.name), name_key=name_key(new.name), sex=new.sex,
                    birth_date=new.birth_date, nik=new.nik, guardian_name=new.guardian_name,
                    guardian_phone=new.guardian_phone, created_at=now, created_by_id=created_by_id)
    session.add(member)
    session.flush()
    return member


def _write_measurement(session: Session, member: Member, visit: Visit, result: Interpretation,
                       now: datetime) -> tuple[Measurement, bool]:
    """Insert the measurement, or replace the one already recorded for that member and day."""
    existing = reported_on(session, member.id, visit.measured_on)
    replaced = existing is not None
    row = existing or Measurement(member_id=member.id, measured_on=visit.measured_on, created_at=now)
    row.posyandu_id = visit.posyandu_id
    row.recorded_by_id = visit.recorded_by_id
    row.source = visit.source
    for name, value in visit.values.columns().items():
        setattr(row, name, value)
    for name, value in result.columns().items():
        setattr(row, name, value)
    if existing is None:
        savepoint = session.begin_nested()
        try:
            session.add(row)
            session.flush()
            savepoint.commit()
        except IntegrityError:  # another kader saved the same member and day a moment ago
            savepoint.rollback()
            return _write_measurement(session, member, visit, result, now)
    session.flush()
    return row, replaced


def _write_services(session: Session, member: Member, measurement: Measurement, visit: Visit,
                    codes: Sequence[str]) -> None:
    present = set(session.scalars(select(ServiceGiven.code).where(
        ServiceGiven.member_id == member.id, ServiceGiven.given_on == visit.measured_on)))
    for code in dict.fromkeys(codes):
        if code in present:
            continue
        session.add(ServiceGiven(member_id=member.id, code=code, given_on=visit.measured_on,
                                 posyandu_id=visit.posyandu_id, recorded_by_id=visit.recorded_by_id,
                                 measurement_id=measurement.id))
    session.flush()


def save_visit(session: Session, visit: Visit, now: datetime, refer: bool = True) -> SavedVisit:
    """Write the member (if new), pregnancy, measurement with its interpretation, services and referral.

    `refer=False` (an old visit from an import) keeps the flags on the measurement but opens no referral.
    """
    if visit.new_member is not None:
        member = create_member(session, visit.posyandu_id, visit.new_member, now, visit.recorded_by_id)
    else:
        member = session.get(Member, visit.member_id)
        if member is None:
            raise LookupError("member not found")
    pregnancy = current_pregnancy(session, member.id, visit.measured_on)
    if visit.hpht is not None and pregnancy is not None and pregnancy.hpht is None:
        pregnancy.hpht, pregnancy.hpht_estimate = visit.hpht, visit.hpht_estimate  # an undated one is dated now
    elif (visit.hpht is not None or visit.pregnant) and pregnancy is None:
        pregnancy = Pregnancy(member_id=member.id, hpht=visit.hpht, hpht_estimate=visit.hpht_estimate,
                              reported_on=visit.measured_on, created_at=now)
        session.add(pregnancy)
    session.flush()
    hpht = pregnancy.hpht if pregnancy is not None else None
    result = assess(session, member.id, member.sex, member.birth_date, visit.measured_on, hpht, visit.values,
                    pregnancy_since(pregnancy))
    before = _referred_flags(session, member, visit.measured_on) if refer else None
    measurement, replaced = _write_measurement(session, member, visit, result, now)
    _write_services(session, member, measurement, visit, [*visit.services, *result.automatic_services])
    referrals = record_referrals(session, member, measurement, result, now) if refer else []
    queue_visit(session, measurement, now)  # SATUSEHAT: sent (again) by sending.satusehat_sync
    session.add(AuditEvent(contact_id=visit.recorded_by_id, action="measurement.saved",
                           subject=f"measurement:{measurement.id}", at=now))
    corrected = None
    if before is not None and [f.code for f in before] != result.referral_reasons:
        corrected = before
        session.add(AuditEvent(contact_id=visit.recorded_by_id, action="referral.corrected",
                               subject=f"measurement:{measurement.id}", at=now))
    session.flush()
    return SavedVisit(member, measurement, result, referrals[0] if referrals else None, replaced, corrected,
                      referrals)


def _referred_flags(session: Session, member: Member, on: date) -> list[Flag] | None:
    """The flags an already-saved report of that day was referred for (the bidan heard of them), if any."""
    existing = reported_on(session, member.id, on)
    if existing is None:
        return None
    reasons = {code for referral in session.scalars(select(Referral).where(Referral.measurement_id == existing.id))
               for code in referral.reasons or []}  # one referral per problem
    if not reasons:
        return None
    old = reinterpret(session, existing)
    return [f for f in old.flags if f.code in reasons] or None


# -- who hears about it ---------------------------------------------------------------------
def bidan_contacts(session: Session, posyandu: Posyandu) -> list[Contact]:
    """The bidan(s) of the posyandu's desa who can be messaged."""
    stmt = select(Contact).where(Contact.role == Role.BIDAN.value, Contact.desa_id == posyandu.desa_id,
                                 Contact.stopped_at.is_(None)).order_by(Contact.id)
    return list(session.scalars(stmt))


def guardian_contacts(session: Session, member: Member) -> list[Contact]:
    """Subscribed contacts of the member's household (reachable: opted in and not stopped)."""
    if member.household_id is None:
        return []
    stmt = select(Contact).where(Contact.household_id == member.household_id).order_by(Contact.id)
    return [c for c in session.scalars(stmt) if c.reachable and access.may_see_member(session, c, member)]


# -- invites ----------------------------------------------------------------------------------
def new_invite_code(pick: Callable[[str], str] = secrets.choice, length: int = INVITE_LENGTH) -> str:
    return "".join(pick(INVITE_ALPHABET) for _ in range(length))


def create_invite(session: Session, posyandu_id: int, role: str, now: datetime, days: int,
                  created_by_id: int | None = None, pick: Callable[[str], str] = secrets.choice) -> Invite:
    """A fresh single-use code for `role` at the posyandu, valid for `days` days."""
    if role not in (Role.KADER.value, Role.BIDAN.value):
        raise ValueError(f"invites are for kader or bidan, not {role}")
    if days < 1:
        raise ValueError("an invite must be valid for at least one day")
    for _ in range(20):
        code = new_invite_code(pick)
        if session.scalars(select(Invite.id).where(Invite.code == code)).first() is None:
            break
    else:  # pragma: no cover - 32^6 codes
        raise RuntimeError("could not find a free invite code")
    invite = Invite(code=code, role=role, posyandu_id=posyandu_id, created_by_id=created_by_id,
                    created_at=now, expires_at=now + timedelta(days=days))
    session.add(invite)
    session.add(AuditEvent(contact_id=created_by_id, action="invite.created", subject=f"posyandu:{posyandu_id}",
                           at=now))
    session.flush()
    return invite


def reinterpret(session: Session, measurement: Measurement) -> Interpretation:
    """The interpretation of a stored measurement, with its categories (for showing old flags by name)."""
    member = measurement.member
    pregnancy = current_pregnancy(session, member.id, measurement.measured_on)
    values = Values.from_dict({name: getattr(measurement, name) for name in Values.__dataclass_fields__})
    return assess(session, member.id, member.sex, member.birth_date, measurement.measured_on,
                  pregnancy.hpht if pregnancy else None, values, pregnancy_since(pregnancy))
