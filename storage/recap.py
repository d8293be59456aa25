"""The month's recap of a posyandu, gathered from the records (chat and imports alike).

Why here: the counting rules are pure (`health.recap`); this module only reads
what they count, in a few set-based queries per posyandu-month, and returns one
JSON-able dict that the chat summary, the XLSX/CSV/text files and the
automatic message to the bidan all read, so they can never disagree.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from storage.values import Role
from health import recap as rules
from health.ages import add_months
from health.life_stage import age_stage, life_stages
from storage.identity import members_missing_nik
from storage.pregnancy_status import pregnancy_since, pregnancy_start
from storage.models import (
    ORIGIN_POSYANDU, Contact, Measurement, Member, Posyandu, PosyanduTarget, Pregnancy, Referral, ServiceGiven,
)

BY_NAME_COLUMNS = ("nik", "name", "birth_date", "sex", "measured_on", "weight_kg", "height_cm", "position",
                   "head_cm", "muac_cm", "mother", "gain", "bb_u", "pb_tb_u", "bb_pb_tb")
GROUP_COLUMNS = ("nik", "name", "birth_date", "sex", "measured_on", "weight_kg", "height_cm", "muac_cm",
                 "systolic", "diastolic", "hb_gdl", "glucose_mgdl", "gestational_weeks", "statuses", "services")
GROUPS = ("ibu_hamil", "ibu_nifas", "bayi_balita", "anak", "remaja", "dewasa", "lansia")


def set_target(session: Session, posyandu_id: int, year: int, balita: int, now: datetime) -> PosyanduTarget:
    """Record the sasaran (S) for a posyandu and year; a new figure replaces the old one."""
    if balita < 0:
        raise ValueError("a target cannot be negative")
    row = session.scalars(select(PosyanduTarget).where(PosyanduTarget.posyandu_id == posyandu_id,
                                                       PosyanduTarget.year == year)).one_or_none()
    if row is None:
        row = PosyanduTarget(posyandu_id=posyandu_id, year=year, balita=balita, set_at=now)
        session.add(row)
    row.balita, row.set_at = balita, now
    session.flush()
    return row


def target_for(session: Session, posyandu_id: int, year: int) -> int | None:
    return session.scalars(select(PosyanduTarget.balita).where(PosyanduTarget.posyandu_id == posyandu_id,
                                                               PosyanduTarget.year == year)).one_or_none()


def posyandu_named(session: Session, text: str) -> Posyandu | None:
    """Any posyandu whose code or name is `text` (to tell "not yours" from "unknown")."""
    key = text.strip().lower()
    return session.scalars(select(Posyandu).where(
        (func.lower(Posyandu.code) == key) | (func.lower(Posyandu.name) == key)).limit(1)).first()


def _utc_bounds(posyandu: Posyandu, first: date, last: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(posyandu.timezone or "Asia/Jakarta")
    return (datetime.combine(first, time(), zone), datetime.combine(last + timedelta(days=1), time(), zone))


def _members(session: Session, ids: set[int]) -> dict[int, Member]:
    """Members by id in one query (visitors from elsewhere, people given a service here)."""
    if not ids:
        return {}
    return {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(ids)))}


def _pregnancies(session: Session, member_ids: Sequence[int]) -> dict[int, list[Pregnancy]]:
    out: dict[int, list[Pregnancy]] = defaultdict(list)
    if member_ids:
        rows = session.scalars(select(Pregnancy).where(Pregnancy.member_id.in_(list(member_ids))))
        for p in sorted(rows, key=lambda p: (pregnancy_start(p), p.id)):
            out[p.member_id].append(p)
    return out


def _stages(member: Member, on: date, pregnancies: list[Pregnancy]) -> frozenset[str]:
    """Pregnancy is a status: an undated pregnancy (HPHT unknown) counts as ibu hamil too."""
    current = [p for p in pregnancies if pregnancy_start(p) <= on and (p.ended_on is None or p.ended_on >= on)]
    latest = current[-1] if current else None
    try:
        found = life_stages(member.birth_date, member.sex, on, latest.hpht if latest else None,
                            latest.delivered_on if latest else None, pregnancy_since(latest))
    except ValueError:  # a stored sex that cannot be read: counted by age, never ending the whole recap
        return frozenset({age_stage(member.birth_date, on).value}) if on >= member.birth_date else frozenset()
    return frozenset(s.value for s in found)


IMPLAUSIBLE = "growth_flag:implausible_waz"  # an impossible weight is measured again, never counted
PLAUSIBLE = ~cast(Measurement.flags, String).like(f"%{IMPLAUSIBLE}%")  # as storage.levels reads it


@dataclass(frozen=True)
class Register:
    """A posyandu's members and every plausible weighing of theirs up to `last`, oldest first: what SKDN counts.
    Read once, it serves the month's recap and the earlier months of its trend (`recap_and_trend`)."""

    members: dict[int, Member]
    series: dict[int, list[rules.Weighing]]
    last: date
    targets: dict[int, int]  # the sasaran set for the year of `last` and the year before (a 12-month trend's)


def read_register(session: Session, posyandu: Posyandu, last: date) -> Register:
    """Two queries; the weighings as plain columns (no ORM rows: a year of a posyandu's weighings is thousands
    of rows, read for every recap and every web view of it), the implausible ones left out by the database."""
    members = {m.id: m for m in session.scalars(select(Member).where(Member.posyandu_id == posyandu.id))}
    series: dict[int, list[rules.Weighing]] = defaultdict(list)
    if members:
        for member_id, measured_on, weight_kg, waz in session.execute(select(
                Measurement.member_id, Measurement.measured_on, Measurement.weight_kg, Measurement.waz)
                # by the members' ids just read: PostgreSQL then probes the member index instead of scanning
                # the kabupaten's members for this posyandu's (99 ms against 13 on the benchmark's kabupaten)
                .where(Measurement.member_id.in_(list(members)), Measurement.weight_kg.is_not(None),
                       Measurement.measured_on <= last, PLAUSIBLE).order_by(Measurement.measured_on)):
            if weight_kg is not None:  # the query's condition, said again for the type checker
                series[member_id].append(rules.Weighing(measured_on, float(weight_kg), waz))
    targets = {year: balita for year, balita in session.execute(select(PosyanduTarget.year, PosyanduTarget.balita)
               .where(PosyanduTarget.posyandu_id == posyandu.id, PosyanduTarget.year.in_((last.year - 1, last.year))))}
    return Register(members, series, last, targets)


def recap_and_trend(session: Session, posyandu: Posyandu, year: int, month: int,
                    earlier: Sequence[tuple[int, int]]) -> tuple[dict[str, Any], dict[tuple[int, int], dict[str, Any]]]:
    """`month_recap` of the month and `month_ratios` of `earlier` months (none after it), the register read once:
    the web page's month with its 12-month trend."""
    if any((y, m) > (year, month) for y, m in earlier):
        raise ValueError("the trend's months come before the recap's")
    register = read_register(session, posyandu, rules.month_bounds(year, month)[1])
    return month_recap(session, posyandu, year, month, register), month_ratios(session, posyandu, earlier, register)


def month_recap(session: Session, posyandu: Posyandu, year: int, month: int,
                register: Register | None = None) -> dict[str, Any]:
    """Everything the month's recap shows, as plain JSON-able data."""
    first, last = rules.month_bounds(year, month)
    if register is None or register.last < last:
        register = read_register(session, posyandu, last)
    members, series = register.members, register.series
    month_rows = list(session.scalars(select(Measurement).where(
        Measurement.posyandu_id == posyandu.id, Measurement.measured_on >= first, Measurement.measured_on <= last)
        .order_by(Measurement.measured_on, Measurement.id)))
    last_of_month: dict[int, Measurement] = {}
    for row in month_rows:
        last_of_month[row.member_id] = row
    registered = [m for m in members.values()
                  if m.id in series and series[m.id][0].on <= last or m.created_at.date() <= last]
    children = [rules.Balita(m.id, m.name, m.birth_date,
                             tuple(w for w in series.get(m.id, ()) if w.on <= last),
                             dict(last_of_month[m.id].statuses or {}) if m.id in last_of_month else {})
                for m in registered]
    target = register.targets.get(year) if year in (register.last.year - 1, register.last.year) \
        else target_for(session, posyandu.id, year)
    skdn = rules.skdn(children, year, month, target)

    visited = {row.member_id for row in month_rows}
    pregnancies = _pregnancies(session, list(visited))
    kaders = set(session.scalars(select(Contact.id).where(Contact.role == Role.KADER.value,
                                                          Contact.id.in_({r.recorded_by_id for r in month_rows
                                                                          if r.recorded_by_id}))))
    everyone = {**members, **_members(session, visited - members.keys())}
    # a record dated before the member's birth (a birth date corrected later) cannot be placed in a life stage:
    # it is left out of the month's figures rather than ending the whole recap (it stays in the register)
    month_rows = [row for row in month_rows if row.member_id in everyone
                  and row.measured_on >= everyone[row.member_id].birth_date]
    visits = [rules.Visit(row.member_id, _stages(everyone[row.member_id], row.measured_on,
                                                 pregnancies.get(row.member_id, [])),
                          dict(row.statuses or {}), row.hb_gdl is not None,
                          row.recorded_by_id if row.recorded_by_id in kaders else None,
                          any(getattr(row, c) is not None for c in ("systolic", "glucose_mgdl", "waist_cm", "weight_kg")))
              for row in month_rows if row.member_id in everyone]
    given = list(session.scalars(select(ServiceGiven).where(
        ServiceGiven.posyandu_id == posyandu.id, ServiceGiven.given_on >= first, ServiceGiven.given_on <= last,
        ServiceGiven.origin == ORIGIN_POSYANDU)))  # history (given elsewhere, recorded later) is not the month's
    everyone.update(_members(session, {s.member_id for s in given} - everyone.keys()))
    given = [s for s in given if s.member_id in everyone and s.given_on >= everyone[s.member_id].birth_date]
    services = [rules.Service(s.member_id, s.code, age_stage(everyone[s.member_id].birth_date, s.given_on).value)
                for s in given]
    idl = _idl_completed(session, given, first)
    start, end = _utc_bounds(posyandu, first, last)
    # a referral belongs to the month of the visit that opened it (an import of October's register opens
    # October's referrals, whatever day it is run); the day it was written only when no visit is left
    first_visit = aliased(Measurement)
    opened_in_month = or_(and_(first_visit.measured_on >= first, first_visit.measured_on <= last),
                          and_(first_visit.id.is_(None), Referral.created_at >= start, Referral.created_at < end))
    handled_in_month = and_(Referral.handled_at >= start, Referral.handled_at < end)
    opened, handled = session.execute(  # both counts in one round trip
        select(func.count().filter(opened_in_month), func.count().filter(handled_in_month)).select_from(Referral)
        .outerjoin(first_visit, first_visit.id == func.coalesce(Referral.first_measurement_id, Referral.measurement_id))
        .where(Referral.posyandu_id == posyandu.id)).one()
    figures = rules.ilp_figures(visits, services, idl, int(opened or 0), int(handled or 0))

    # N/T/O/B is the balita's KMS code: only K children have one (an ibu hamil weighed monthly has none)
    codes = {c.key: rules.month_code(c.birth, c.weighings, year, month) for c in children
             if rules.is_balita_in_month(c.birth, year, month)}
    services_by_visit: dict[tuple[int, date], list[str]] = defaultdict(list)
    for s in given:
        services_by_visit[(s.member_id, s.given_on)].append(s.code)
    balita_rows: list[dict[str, Any]] = []
    group_rows: dict[str, list[dict[str, Any]]] = {g: [] for g in GROUPS}
    for row in month_rows:
        member = everyone.get(row.member_id)
        if member is None:
            continue
        base = {"nik": member.nik or "", "name": member.name, "birth_date": member.birth_date.isoformat(),
                "sex": member.sex, "measured_on": row.measured_on.isoformat(), "weight_kg": row.weight_kg,
                "height_cm": row.height_cm, "muac_cm": row.muac_cm}
        stages = _stages(member, row.measured_on, pregnancies.get(member.id, []))
        if "bayi_balita" in stages and last_of_month.get(member.id) is row:
            statuses = row.statuses or {}
            balita_rows.append({**base, "position": row.position or "", "head_cm": row.head_cm,
                                "mother": member.guardian_name or "", "gain": codes.get(member.id) or "",
                                "bb_u": statuses.get("bb_u", ""), "pb_tb_u": statuses.get("pb_tb_u", ""),
                                "bb_pb_tb": statuses.get("bb_pb_tb", "")})
        line = {**base, "systolic": row.systolic, "diastolic": row.diastolic, "hb_gdl": row.hb_gdl,
                "glucose_mgdl": row.glucose_mgdl, "gestational_weeks": row.gestational_weeks,
                # codes (`index:code`, service codes): the files say them in the reader's words
                "statuses": [f"{k}:{v}" for k, v in sorted((row.statuses or {}).items())
                             if v not in ("normal", "no_anaemia")],
                "services": list(services_by_visit.get((member.id, row.measured_on), []))}
        for stage in stages:
            group_rows[stage].append(line)
    return {
        "posyandu": {"code": posyandu.code, "name": posyandu.name}, "year": year, "month": month,
        "skdn": {"S": skdn.S, "s_source": skdn.s_source, "K": skdn.K, "D": skdn.D, "N": skdn.N, "T": skdn.T,
                 "O": skdn.O, "B": skdn.B, "2T": skdn.T2, "BGM": skdn.BGM, "stunted": skdn.stunted,
                 "wasted": skdn.wasted, "underweight": skdn.underweight},
        "ratios": skdn.ratios,
        "names": {"T": list(skdn.names_T), "2T": list(skdn.names_2T), "BGM": list(skdn.names_BGM)},
        "ilp": figures.groups, "balita": balita_rows, "groups": group_rows,
        "empty": not month_rows, "missing_nik": _missing_nik(session, posyandu),
    }


MISSING_NIK_LISTED = 200  # the workbook lists this many by name; the text names fewer


def _missing_nik(session: Session, posyandu: Posyandu) -> dict[str, Any]:
    """Who cannot be sent to SATUSEHAT for want of a NIK (nor a NIK ibu), visits waiting first (issue 10)."""
    rows, total = members_missing_nik(session, [posyandu.id], limit=MISSING_NIK_LISTED)
    return {"count": total, "members": [{"name": m.name, "birth_date": m.birth_date.isoformat(), "sex": m.sex,
                                         "mother": m.guardian_name or "", "waiting": waiting}
                                        for m, waiting in rows]}


def _idl_completed(session: Session, given: Sequence[ServiceGiven], first: date) -> int:
    """Children whose basic immunisation was completed by a dose of this month."""
    children = {s.member_id for s in given if s.code in rules.IDL_CODES}
    if not children:
        return 0
    before: dict[int, set[str]] = defaultdict(set)
    for member_id, code in session.execute(select(ServiceGiven.member_id, ServiceGiven.code).where(
            ServiceGiven.member_id.in_(list(children)), ServiceGiven.given_on < first)):
        before[member_id].add(code)
    in_month: dict[int, set[str]] = defaultdict(set)
    for s in given:
        in_month[s.member_id].add(s.code)
    return sum(rules.fully_immunised(before[m], in_month[m]) for m in children)


def month_ratios(session: Session, posyandu: Posyandu, months: Sequence[tuple[int, int]],
                 register: Register | None = None) -> dict[tuple[int, int], dict[str, Any]]:
    """D/S and N/D (as `month_recap(...)["ratios"]` gives them) of several months of one posyandu, in three
    queries whatever the number of months (one with a `register` already read): the web page's 12-month trend.
    The same counting as `month_recap` (the same registered balita, weighings, KMS codes and target), so a point
    of the trend equals that month's recap; the other counts of the month (T, 2T, BGM...) are not computed."""
    if not months:
        return {}
    bounds = {ym: rules.month_bounds(*ym) for ym in months}
    latest = max(last for _first, last in bounds.values())
    if register is None or register.last < latest:
        register = read_register(session, posyandu, latest)
    members, series = list(register.members.values()), register.series
    years = {y for y, _m in months}
    targets = dict(register.targets) if years <= {register.last.year - 1, register.last.year} else \
        dict(session.execute(select(PosyanduTarget.year, PosyanduTarget.balita).where(
            PosyanduTarget.posyandu_id == posyandu.id, PosyanduTarget.year.in_(years))).all())
    codes: dict[int, dict[tuple[int, int], str | None]] = {}  # a child's weighings sorted once for all months
    # nobody born 61 months before the earliest month is a balita in any of them (skdn's rule below decides)
    young = add_months(min(first for first, _last in bounds.values()), -(rules.BALITA_MONTHS + 1))
    members = [m for m in members if m.birth_date > young]
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for (year, month), (_first, last) in bounds.items():
        k = d = n = 0
        for m in members:
            weighings = series.get(m.id, ())
            # registered by then (month_recap's rule), and a balita that month (skdn's)
            if not (weighings and weighings[0].on <= last or m.created_at.date() <= last):
                continue
            if not rules.is_balita_in_month(m.birth_date, year, month):
                continue
            k += 1
            if m.id not in codes:
                codes[m.id] = rules.month_codes(m.birth_date, weighings, months)
            code = codes[m.id][(year, month)]  # reads this month and before only
            if code is not None:
                d += 1
                n += code == "N"
        target = targets.get(year)
        s_ = target if target is not None and target > 0 else k
        ratios = rules.Skdn(S=s_, s_source="", K=k, D=d, N=n, T=0, O=0, B=0, T2=0, BGM=0, names_T=(), names_2T=(),
                            names_BGM=()).ratios
        out[(year, month)] = {"D/S": ratios["D/S"], "N/D": ratios["N/D"]}
    return out
