"""Figures by level: posyandu -> desa -> puskesmas -> kabupaten, gathered with grouped queries.

Why here and not in `storage/recap.py`: that module makes the register-style recap of one posyandu
(names, by-name sheets); this one counts a whole area at once, with a fixed number of grouped queries
whatever its size (no query per posyandu, member or visit), and returns one row of counts per
posyandu. Every higher level is the sum of its posyandu (`health.levels.roll_up`), so a desa's
figure is always the sum of its posyandu's and a puskesmas' of its desa's.

Counting rules (docs/recap.md, "Figures by level"):
* SKDN: exactly the posyandu recap's rules (`health.recap.skdn`), fed with each balita's weighings of
  the month and the two before it plus the date of any earlier weighing (all that N/T/O/B and 2T need).
* A person counts at the posyandu where they are registered (`member.posyandu_id`), as PWS counts the
  residents of an area against its sasaran, wherever the service was given.
* Month figures count people (not visits) served in the month; year figures ("kumulatif") count people
  served from 1 January to the month's last day, each once.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import String, and_, case, cast, distinct, func, or_, select
from sqlalchemy.orm import Session, aliased

from health import recap as rules
from health import targets as sasaran
from health.levels import FIGURES, KLASTER_2, KLASTER_3, FIGURE_TARGETS  # noqa: F401 (re-exported)
from health.ages import age_in_months
from health.life_stage import age_stage
from storage.models import (
    Measurement, Member, Posyandu, PosyanduTarget, Pregnancy, Puskesmas, Region, RegionTarget, ServiceGiven,
)

LEVELS = ("posyandu", "desa", "puskesmas", "kabupaten")

# Completion sets (the last missing one given in the period completes the person):
KF_CODES = frozenset({"KF1", "KF2", "KF3", "KF4"})  # KF lengkap: the four postnatal visits (ilp-domain 4.7)
KN_CODES = frozenset({"KN1", "KN2", "KN3"})  # KN lengkap: the three neonatal visits (ilp-domain 4.7)
# Imunisasi baduta lengkap: the 18-month boosters DPT-HB-Hib 4 and MR 2 (ilp-domain 4.1) ⚠ GK: some
# dashboards require the basic set too; the set is data.
BADUTA_CODES = frozenset({"DPT-HB-HIB4", "MR2"})
COMPLETIONS: dict[str, tuple[frozenset[str], int | None]] = {
    # name -> (codes, how far before 1 January a dose may be and still belong to this year's completion, days)
    "kf_lengkap": (KF_CODES, 60),  # one delivery's KF1-KF4 span 42 days
    "kn_lengkap": (KN_CODES, 30),  # KN1-KN3 span 28 days
    "idl": (rules.IDL_CODES, None),  # once in a life
    "baduta_lengkap": (BADUTA_CODES, None),
}
ANC_CODES = ("ANC1", "ANC4", "ANC6")
ADULT = ("dewasa", "lansia")
IMPLAUSIBLE = "growth_flag:implausible_waz"

@dataclass(frozen=True)
class Place:
    """One posyandu with the names and codes of the levels above it."""

    id: int
    code: str
    name: str
    desa_id: int
    desa: str
    desa_code: str | None
    puskesmas_id: int | None
    puskesmas: str | None
    puskesmas_code: str | None
    kabupaten_id: int | None
    kabupaten: str | None
    kabupaten_code: str | None

    def key(self, level: str) -> tuple[int | None, str, str | None]:
        """(id, name, code) of this posyandu's unit at `level`."""
        return {
            "posyandu": (self.id, self.name, self.code),
            "desa": (self.desa_id, self.desa, self.desa_code),
            "puskesmas": (self.puskesmas_id, self.puskesmas or "-", self.puskesmas_code),
            "kabupaten": (self.kabupaten_id, self.kabupaten or "-", self.kabupaten_code),
        }[level]


def places(session: Session, level: str | None = None, code: str | None = None,
           unit_id: int | None = None) -> list[Place]:
    """The posyandu under one unit (`level` + its code or name, or its `unit_id`), or all; one query."""
    desa, kec, kab = aliased(Region), aliased(Region), aliased(Region)
    stmt = (select(Posyandu.id, Posyandu.code, Posyandu.name, desa.id, desa.name, desa.code, Puskesmas.id,
                   Puskesmas.name, Puskesmas.code, kab.id, kab.name, kab.code)
            .join(desa, desa.id == Posyandu.desa_id)
            .outerjoin(kec, kec.id == desa.parent_id)
            .outerjoin(kab, kab.id == kec.parent_id)
            .outerjoin(Puskesmas, Puskesmas.id == Posyandu.puskesmas_id)
            .order_by(Posyandu.code))
    if level and unit_id is not None:
        column = {"posyandu": Posyandu.id, "desa": desa.id, "puskesmas": Puskesmas.id, "kabupaten": kab.id}[level]
        return [Place(*row) for row in session.execute(stmt.where(column == unit_id))]
    if level and code:
        key = code.strip().lower()
        number = int(key) if key.isdigit() else -1
        table = {"posyandu": None, "desa": desa, "kabupaten": kab}.get(level)
        if level == "posyandu":
            stmt = stmt.where(func.lower(Posyandu.code) == key)
        elif level == "puskesmas":
            stmt = stmt.where(or_(func.lower(Puskesmas.code) == key, func.lower(Puskesmas.name) == key,
                                  Puskesmas.id == number))
        elif table is not None:
            stmt = stmt.where(or_(func.lower(table.code) == key, func.lower(table.name) == key, table.id == number))
        else:
            raise ValueError(f"unknown level {level!r}")
    return [Place(*row) for row in session.execute(stmt)]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _month_before(year: int, month: int, back: int = 1) -> tuple[int, int]:
    index = year * 12 + month - 1 - back
    return index // 12, index % 12 + 1


# -- SKDN ------------------------------------------------------------------------------------------------------
def _skdn(session: Session, ids: Sequence[int], year: int, month: int) -> dict[int, dict[str, Any]]:
    """SKDN per posyandu for the month, by `health.recap.skdn`, in four queries for any number of posyandu."""
    first, last = rules.month_bounds(year, month)
    window = rules.month_bounds(*_month_before(year, month, 2))[0]
    oldest = date(first.year - 5, first.month, 1)  # born after this can be under 60 months on `first`
    in_scope = and_(Member.posyandu_id.in_(ids), Member.birth_date >= oldest, Member.birth_date <= last)
    members = {row.id: row for row in session.execute(
        select(Member.id, Member.posyandu_id, Member.name, Member.birth_date, Member.created_at).where(in_scope))}
    weighings: dict[int, list[rules.Weighing]] = defaultdict(list)
    plausible = ~cast(Measurement.flags, String).like(f"%{IMPLAUSIBLE}%")
    for member_id, on, weight, waz in session.execute(
            select(Measurement.member_id, Measurement.measured_on, Measurement.weight_kg, Measurement.waz)
            .join(Member, Member.id == Measurement.member_id)
            .where(in_scope, Measurement.weight_kg.is_not(None), Measurement.measured_on >= window,
                   Measurement.measured_on <= last, plausible)):
        weighings[member_id].append(rules.Weighing(on, float(weight), None if waz is None else float(waz)))
    for member_id, earliest in session.execute(
            select(Measurement.member_id, func.min(Measurement.measured_on))
            .join(Member, Member.id == Measurement.member_id)
            .where(in_scope, Measurement.weight_kg.is_not(None), Measurement.measured_on < window, plausible)
            .group_by(Measurement.member_id)):
        # Only its date matters: it is at least two calendar months before the window's months, so any
        # month of the window that follows it is O (health.kms.weight_gain), and it makes B impossible.
        weighings[member_id].append(rules.Weighing(earliest, 0.0))
    statuses: dict[int, dict[str, str]] = {}
    for member_id, _on, _id, values in session.execute(
            select(Measurement.member_id, Measurement.measured_on, Measurement.id, Measurement.statuses)
            .join(Member, Member.id == Measurement.member_id)
            .where(in_scope, Measurement.posyandu_id == Member.posyandu_id, Measurement.measured_on >= first,
                   Measurement.measured_on <= last)
            .order_by(Measurement.measured_on, Measurement.id)):
        statuses[member_id] = dict(values or {})  # the month's last visit at the posyandu
    targets = dict(session.execute(select(PosyanduTarget.posyandu_id, PosyanduTarget.balita).where(
        PosyanduTarget.posyandu_id.in_(ids), PosyanduTarget.year == year)).all())
    children: dict[int, list[rules.Balita]] = defaultdict(list)
    for m in members.values():
        series = tuple(weighings.get(m.id, ()))
        if not series and m.created_at.date() > last:
            continue  # registered after the month (storage.recap's rule)
        children[m.posyandu_id].append(rules.Balita(m.id, m.name, m.birth_date, series, statuses.get(m.id, {})))
    out: dict[int, dict[str, Any]] = {}
    for pid in ids:
        kids = children.get(pid, [])
        result = rules.skdn(kids, year, month, targets.get(pid))
        gizi_kurang = sum(1 for c in kids if rules.is_balita_in_month(c.birth, year, month)
                          and rules.month_code(c.birth, c.weighings, year, month) is not None
                          and c.statuses.get("bb_pb_tb") == "wasted")
        out[pid] = {"S": result.S, "s_source": result.s_source, "K": result.K, "D": result.D, "N": result.N,
                    "T": result.T, "O": result.O, "B": result.B, "2T": result.T2, "BGM": result.BGM,
                    "stunted": result.stunted, "wasted": result.wasted, "underweight": result.underweight,
                    "gizi_kurang": gizi_kurang}
    return out


# -- the cluster figures of a period ---------------------------------------------------------------------------
def _status(key: str):  # type: ignore[no-untyped-def]
    return Measurement.statuses[key].as_string()


def _people(condition: Any) -> Any:
    return func.count(distinct(case((condition, Measurement.member_id))))


def _visit_counts(session: Session, ids: Sequence[int], first: date, last: date) -> dict[int, Counter]:
    stage = Measurement.life_stage
    adult = stage.in_(ADULT)
    columns = {
        "bumil_seen": stage == "ibu_hamil",
        "bumil_kek": and_(stage == "ibu_hamil", _status("lila_bumil") == "kek"),
        "bumil_anaemia": and_(stage == "ibu_hamil", _status("hb").in_(rules.ANAEMIA)),
        "balita_D": and_(stage == "bayi_balita", Measurement.weight_kg.is_not(None)),
        "remaja_seen": stage == "remaja",
        "remaja_anaemia": and_(stage == "remaja", _status("hb").in_(rules.ANAEMIA)),
        "ptm_screened": and_(adult, or_(Measurement.systolic.is_not(None), Measurement.glucose_mgdl.is_not(None),
                                        Measurement.waist_cm.is_not(None), Measurement.weight_kg.is_not(None))),
        "bp_measured": and_(adult, Measurement.systolic.is_not(None)),
        "glucose_measured": and_(adult, Measurement.glucose_mgdl.is_not(None)),
        "hypertension": and_(adult, _status("td_dewasa").in_(rules.ADULT_HT)),
        "diabetes": and_(adult, or_(_status("glukosa_gds").in_(rules.HIGH_GLUCOSE),
                                    _status("glukosa_gdp").in_(rules.HIGH_GLUCOSE))),
        "obesity": and_(adult, or_(_status("imt_ap").in_(rules.OBESE), _status("imt_pgs").in_(rules.OBESE))),
        "lansia_screened": stage == "lansia",
    }
    names = list(columns)
    stmt = (select(Member.posyandu_id, *[_people(columns[n]) for n in names])
            .join(Member, Member.id == Measurement.member_id)
            .where(Member.posyandu_id.in_(ids), Measurement.measured_on >= first, Measurement.measured_on <= last)
            .group_by(Member.posyandu_id))
    out: dict[int, Counter] = defaultdict(Counter)
    for row in session.execute(stmt):
        out[row[0]].update(dict(zip(names, row[1:])))
    return out


def _nutrition_at_last(session: Session, ids: Sequence[int], first: date, last: date) -> dict[int, Counter]:
    """Balita by their last measurement in the period: stunting, wasting, gizi kurang, BB kurang."""
    ranked = (select(Member.posyandu_id.label("pid"), _status("pb_tb_u").label("tbu"),
                     _status("bb_pb_tb").label("bbtb"), _status("bb_u").label("bbu"),
                     func.row_number().over(partition_by=Measurement.member_id,
                                            order_by=(Measurement.measured_on.desc(), Measurement.id.desc()))
                     .label("n"))
              .join(Member, Member.id == Measurement.member_id)
              .where(Member.posyandu_id.in_(ids), Measurement.life_stage == "bayi_balita",
                     Measurement.measured_on >= first, Measurement.measured_on <= last)).subquery()

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    stmt = (select(ranked.c.pid, count(ranked.c.tbu.in_(rules.STUNTED)), count(ranked.c.bbtb.in_(rules.WASTED)),
                   count(ranked.c.bbtb == "wasted"), count(ranked.c.bbu.in_(rules.UNDERWEIGHT)))
            .where(ranked.c.n == 1).group_by(ranked.c.pid))
    out: dict[int, Counter] = defaultdict(Counter)
    for pid, stunted, wasted, kurang, under in session.execute(stmt):
        out[pid].update({"stunting": stunted or 0, "wasting": wasted or 0, "gizi_kurang": kurang or 0,
                         "underweight": under or 0})
    return out


def _service_counts(session: Session, ids: Sequence[int], first: date, last: date) -> dict[int, Counter]:
    out: dict[int, Counter] = defaultdict(Counter)
    for pid, code, people in session.execute(
            select(Member.posyandu_id, ServiceGiven.code, func.count(distinct(ServiceGiven.member_id)))
            .join(Member, Member.id == ServiceGiven.member_id)
            .where(Member.posyandu_id.in_(ids), ServiceGiven.code.in_(ANC_CODES), ServiceGiven.given_on >= first,
                   ServiceGiven.given_on <= last)
            .group_by(Member.posyandu_id, ServiceGiven.code)):
        out[pid][f"K{code[3:]}"] = people
    # Remaja putri given TTD: the age on the day decides (10-<18 years), so the few rows are read.
    youngest, eldest = _years_before(last, 10), _years_before(first, 18)
    seen: set[tuple[int, int]] = set()
    for pid, member_id, born, given_on in session.execute(
            select(Member.posyandu_id, Member.id, Member.birth_date, ServiceGiven.given_on)
            .join(Member, Member.id == ServiceGiven.member_id)
            .where(Member.posyandu_id.in_(ids), ServiceGiven.code == "TTD", Member.sex == "P",
                   Member.birth_date <= youngest, Member.birth_date >= eldest,
                   ServiceGiven.given_on >= first, ServiceGiven.given_on <= last)):
        if (pid, member_id) not in seen and age_stage(born, given_on).value == "remaja":
            seen.add((pid, member_id))
            out[pid]["remaja_ttd"] += 1
    return out


def _completions(session: Session, ids: Sequence[int], first: date, last: date) -> dict[int, Counter]:
    """People whose set (KF1-4, KN1-3, IDL, baduta) was completed by a dose given in the period."""
    out: dict[int, Counter] = defaultdict(Counter)
    for name, (codes, lookback) in COMPLETIONS.items():
        stmt = (select(Member.posyandu_id, ServiceGiven.member_id, func.max(ServiceGiven.given_on))
                .join(Member, Member.id == ServiceGiven.member_id)
                .where(Member.posyandu_id.in_(ids), ServiceGiven.code.in_(codes), ServiceGiven.given_on <= last)
                .group_by(Member.posyandu_id, ServiceGiven.member_id)
                .having(func.count(distinct(ServiceGiven.code)) == len(codes))
                .having(func.max(ServiceGiven.given_on) >= first))
        if lookback is not None:
            stmt = stmt.where(ServiceGiven.given_on >= date.fromordinal(first.toordinal() - lookback))
        for pid, _member, _completed in session.execute(stmt):
            out[pid][name] += 1
    return out


def _deliveries(session: Session, ids: Sequence[int], first: date, last: date) -> dict[int, Counter]:
    out: dict[int, Counter] = defaultdict(Counter)
    for pid, place, attendant, births in session.execute(
            select(Member.posyandu_id, Pregnancy.delivery_place, Pregnancy.delivery_attendant, func.count())
            .join(Member, Member.id == Pregnancy.member_id)
            .where(Member.posyandu_id.in_(ids), Pregnancy.delivered_on >= first, Pregnancy.delivered_on <= last)
            .group_by(Member.posyandu_id, Pregnancy.delivery_place, Pregnancy.delivery_attendant)):
        out[pid]["persalinan"] += births
        out[pid]["persalinan_faskes"] += births if place == "faskes" else 0
        out[pid]["persalinan_nakes"] += births if attendant == "nakes" else 0
        out[pid]["persalinan_unknown"] += births if place is None and attendant is None else 0
    return out


def period_figures(session: Session, ids: Sequence[int], first: date, last: date) -> dict[int, dict[str, int]]:
    """The cluster figures of every posyandu in `ids` for the days first..last (people, each once)."""
    parts = (_visit_counts(session, ids, first, last), _nutrition_at_last(session, ids, first, last),
             _service_counts(session, ids, first, last), _completions(session, ids, first, last),
             _deliveries(session, ids, first, last))
    out: dict[int, dict[str, int]] = {}
    for pid in ids:
        merged: Counter = Counter()
        for part in parts:
            merged.update(part.get(pid, {}))
        out[pid] = {name: int(merged.get(name, 0)) for name in FIGURES}
    return out


# -- targets ---------------------------------------------------------------------------------------------------
def set_desa_target(session: Session, region_id: int, year: int, group: str, count: int, now: datetime) -> RegionTarget:
    """A desa's sasaran of a group for a year (or its population, group 'penduduk'); replaces an older one."""
    if group not in sasaran.GROUPS and group != sasaran.POPULATION:
        raise ValueError(f"unknown target group {group!r}")
    if count < 0:
        raise ValueError("a target cannot be negative")
    row = session.scalars(select(RegionTarget).where(RegionTarget.region_id == region_id, RegionTarget.year == year,
                                                     RegionTarget.group == group)).one_or_none()
    if row is None:
        row = RegionTarget(region_id=region_id, year=year, group=group, count=count, set_at=now)
        session.add(row)
    row.count, row.set_at = count, now
    session.flush()
    return row


def staff_desa_id(session: Session, contact: Any) -> int | None:
    """A bidan's desa: her own, else her posyandu's."""
    if contact.desa_id is not None:
        return int(contact.desa_id)
    if contact.posyandu_id is not None:
        return session.scalar(select(Posyandu.desa_id).where(Posyandu.id == contact.posyandu_id))
    return None


def desa_by_code(session: Session, text: str) -> list[Region]:
    key = text.strip().lower()
    return list(session.scalars(select(Region).where(Region.level == "desa", or_(
        func.lower(Region.code) == key, func.lower(Region.name) == key))))


def desa_targets(session: Session, desa_ids: Iterable[int], year: int,
                 cbr: float = sasaran.CBR) -> dict[int, dict[str, sasaran.Target]]:
    """Every desa's sasaran per group (set, else estimated from its population), one query."""
    ids = sorted(set(desa_ids))
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for region_id, group, count in session.execute(
            select(RegionTarget.region_id, RegionTarget.group, RegionTarget.count)
            .where(RegionTarget.region_id.in_(ids), RegionTarget.year == year)):
        found[region_id][group] = count
    return {i: sasaran.desa_targets(found.get(i, {}), cbr) for i in ids}


# -- the whole recap -------------------------------------------------------------------------------------------
def level_recap(session: Session, level: str, code: str | None, year: int, month: int,
                cbr: float = sasaran.CBR, unit_id: int | None = None) -> dict[str, Any]:
    """The recap of one unit (or all) at `level`: every level from posyandu up to it, month and year-to-date,
    targets and coverage, and the PWS KIA per desa. Plain JSON-able data (files and chat read it)."""
    from health.levels import build

    found = places(session, level, code, unit_id)
    ids = [p.id for p in found]
    first, last = rules.month_bounds(year, month)
    prev = rules.month_bounds(*_month_before(year, month)) if month > 1 else None
    data = {
        "skdn": _skdn(session, ids, year, month) if ids else {},
        "month": period_figures(session, ids, first, last) if ids else {},
        "ytd": period_figures(session, ids, date(year, 1, 1), last) if ids else {},
        "prev": period_figures(session, ids, *prev) if ids and prev else {},  # the PWS trend
    }
    targets = desa_targets(session, {p.desa_id for p in found}, year, cbr)
    return build(found, data, targets, level, code, year, month)
