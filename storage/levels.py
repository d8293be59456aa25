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
from typing import Any, Iterable, Sequence, Unpack

from sqlalchemy import ColumnElement, Select, String, and_, case, cast, distinct, func, literal, or_, select, text, true
from sqlalchemy.dialects.postgresql import array
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
    stmt: Select[Unpack[tuple[Any, ...]]]  # twelve columns: past SQLAlchemy's typed overloads
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
def _weighed_before(session: Session, member_ids: Sequence[int], day: date) -> set[int]:
    """Which of these members have a plausible weighing before `day` (PostgreSQL: one index probe each)."""
    if not member_ids:
        return set()
    plausible = ~cast(Measurement.flags, String).like(f"%{IMPLAUSIBLE}%")
    if session.get_bind().dialect.name == "postgresql":
        probe = (select(Measurement.id).where(Measurement.member_id == Member.id, Measurement.measured_on < day,
                                              Measurement.weight_kg.is_not(None), plausible)
                 .order_by(Measurement.measured_on.desc()).limit(1).lateral())
        stmt = select(Member.id).join(probe, true()).where(Member.id == func.any(array(list(member_ids))))
        return set(session.scalars(stmt))
    return set(session.scalars(select(Measurement.member_id).where(
        Measurement.member_id.in_(list(member_ids)), Measurement.measured_on < day,
        Measurement.weight_kg.is_not(None), plausible).group_by(Measurement.member_id)))


def _skdn(session: Session, ids: Sequence[int], year: int, month: int) -> dict[int, dict[str, Any]]:
    """SKDN per posyandu for the month, by the rules of `health.recap.skdn` (`health.levels.skdn_counts`), in
    five queries for any number of posyandu."""
    from health.levels import Child, month_index, skdn_counts

    first, last = rules.month_bounds(year, month)
    window = rules.month_bounds(*_month_before(year, month, 2))[0]
    oldest = date(first.year - 5, first.month, 1)  # born after this can be under 60 months on `first`
    in_scope = and_(Member.posyandu_id.in_(ids), Member.birth_date >= oldest, Member.birth_date <= last)
    from health.levels import _balita

    conn = session.connection()  # plain rows: the ORM's row processing costs more than the queries here
    children: dict[int, Child] = {}
    home: dict[int, int] = {}
    created: dict[int, date] = {}
    for member_id, pid, born, at in conn.execute(
            select(Member.id, Member.posyandu_id, Member.birth_date, Member.created_at).where(in_scope)):
        if _balita(born, year, month):
            children[member_id], home[member_id], created[member_id] = Child(born), pid, at.date()
    plausible = ~cast(Measurement.flags, String).like(f"%{IMPLAUSIBLE}%")
    for member_id, on, weight, waz in conn.execute(
            select(Measurement.member_id, Measurement.measured_on, Measurement.weight_kg, Measurement.waz)
            .join(Member, Member.id == Measurement.member_id)
            .where(in_scope, Measurement.weight_kg.is_not(None), Measurement.measured_on >= window,
                   Measurement.measured_on <= last, plausible)
            .order_by(Measurement.measured_on, Measurement.id)):
        child = children.get(member_id)
        if child is not None and weight is not None:  # the month's last weighing wins (weight: never None)
            child.months[month_index(on.year, on.month)] = (on, float(weight), None if waz is None else float(waz))
    # B or O needs to know of a weighing before the window only for those without one in its first months
    unsure = [m for m, c in children.items() if month_index(window.year, window.month) not in c.months]
    for member_id in _weighed_before(session, unsure, window):
        children[member_id].earlier = True
    for member_id, _on, _id, values in conn.execute(
            select(Measurement.member_id, Measurement.measured_on, Measurement.id, Measurement.statuses)
            .join(Member, Member.id == Measurement.member_id)
            .where(in_scope, Measurement.posyandu_id == Member.posyandu_id, Measurement.measured_on >= first,
                   Measurement.measured_on <= last)
            .order_by(Measurement.measured_on, Measurement.id)):
        if member_id in children:
            children[member_id].statuses = dict(values or {})  # the month's last visit at the posyandu
    targets = dict(session.execute(select(PosyanduTarget.posyandu_id, PosyanduTarget.balita).where(
        PosyanduTarget.posyandu_id.in_(ids), PosyanduTarget.year == year)).all())
    by_place: dict[int, list[Child]] = defaultdict(list)
    for member_id, child in children.items():
        if not child.months and not child.earlier and created[member_id] > last:
            continue  # registered after the month (storage.recap's rule)
        by_place[home[member_id]].append(child)
    return {pid: skdn_counts(by_place.get(pid, []), year, month, targets.get(pid)) for pid in ids}


# -- the cluster figures of a period ---------------------------------------------------------------------------
def _status(key: str) -> ColumnElement[str]:
    status: ColumnElement[str] = Measurement.statuses[key].as_string()  # a JSON column's item is typed Any
    return status


Periods = dict[str, tuple[date, date]]


def _in(column: Any, span: tuple[date, date]) -> Any:
    return and_(column >= span[0], column <= span[1])


def _visit_counts(session: Session, ids: Sequence[int], periods: Periods) -> dict[str, dict[int, Counter[str]]]:
    """People seen per posyandu, condition and period: one scan of the widest period's visits.

    A visit's statuses are parsed only when their text names a value a figure looks for (`->>` on a json
    column parses the whole text for every key: the costliest step); its conditions become one 0/1 column
    each, or on PostgreSQL one bit each of a mask (OFFSET 0 keeps the planner from inlining them per
    period), then one row per person (max or bit_or per period: no DISTINCT sort per figure), then sums
    per posyandu.
    """
    first, last = min(p[0] for p in periods.values()), max(p[1] for p in periods.values())
    pg = session.get_bind().dialect.name == "postgresql"
    reads = ("ibu_hamil", "remaja", *ADULT)
    rows = (select(Member.posyandu_id.label("pid"), Measurement.member_id.label("mid"),
                   Measurement.measured_on.label("day"), Measurement.life_stage.label("stage"),
                   Measurement.weight_kg.label("weight"), Measurement.systolic.label("systolic"),
                   Measurement.glucose_mgdl.label("glucose"), Measurement.waist_cm.label("waist"),
                   Measurement.statuses.label("s"), cast(Measurement.statuses, String).label("t"))
            .join(Member, Member.id == Measurement.member_id)
            .where(Member.posyandu_id.in_(ids), Measurement.measured_on >= first, Measurement.measured_on <= last,
                   Measurement.life_stage.in_(("bayi_balita", *reads)))
            .offset(0).subquery())

    def status_in(key: str, values: Iterable[str]) -> Any:
        # The statuses' text is searched first (cheap); only a visit that names one of the values is parsed,
        # and the parsed value decides (a substring alone never counts).
        wanted = sorted(values)
        return and_(or_(*[rows.c.t.like(f"%{v}%") for v in wanted]), rows.c.s[key].as_string().in_(wanted))

    stage, adult = rows.c.stage, rows.c.stage.in_(ADULT)
    columns = {
        "bumil_seen": stage == "ibu_hamil",
        "bumil_kek": and_(stage == "ibu_hamil", status_in("lila_bumil", ("kek",))),
        "bumil_anaemia": and_(stage == "ibu_hamil", status_in("hb", rules.ANAEMIA)),
        "balita_D": and_(stage == "bayi_balita", rows.c.weight.is_not(None)),
        "remaja_seen": stage == "remaja",
        "remaja_anaemia": and_(stage == "remaja", status_in("hb", rules.ANAEMIA)),
        "ptm_screened": and_(adult, or_(rows.c.systolic.is_not(None), rows.c.glucose.is_not(None),
                                        rows.c.waist.is_not(None), rows.c.weight.is_not(None))),
        "dewasa_screened": and_(stage == "dewasa", or_(rows.c.systolic.is_not(None), rows.c.glucose.is_not(None),
                                                       rows.c.waist.is_not(None), rows.c.weight.is_not(None))),
        "bp_measured": and_(adult, rows.c.systolic.is_not(None)),
        "glucose_measured": and_(adult, rows.c.glucose.is_not(None)),
        "hypertension": and_(adult, status_in("td_dewasa", rules.ADULT_HT)),
        "diabetes": and_(adult, or_(status_in("glukosa_gds", rules.HIGH_GLUCOSE),
                                    status_in("glukosa_gdp", rules.HIGH_GLUCOSE))),
        "obesity": and_(adult, or_(status_in("imt_ap", rules.OBESE), status_in("imt_pgs", rules.OBESE))),
        "lansia_screened": stage == "lansia",
    }
    names = list(columns)
    keys = [(period, n) for period in periods for n in names]
    out: dict[str, dict[int, Counter[str]]] = {p: defaultdict(Counter) for p in periods}
    if pg:  # one bit per figure: three bit_or per person instead of one max per figure and period
        mask = sum((case((columns[n], 1 << i), else_=0) for i, n in enumerate(names)), start=literal(0))
        bits = select(rows.c.pid, rows.c.mid, rows.c.day, mask.label("mask")).offset(0).subquery()
        person = (select(bits.c.pid, *[func.bit_or(case((_in(bits.c.day, span), bits.c.mask), else_=0)).label(p)
                                        for p, span in periods.items()])
                  .group_by(bits.c.pid, bits.c.mid).subquery())
        stmt = select(person.c.pid, *[func.sum(person.c[p].op(">>")(names.index(n)).op("&")(1))
                                      for p, n in keys]).group_by(person.c.pid)
        for row in session.execute(stmt):
            for (period, name), value in zip(keys, row[1:]):
                out[period][row[0]][name] = int(value or 0)
        return out
    flags = (select(rows.c.pid, rows.c.mid, rows.c.day, *[case((columns[n], 1), else_=0).label(n) for n in names])
             .offset(0).subquery())
    people = (select(flags.c.pid, *[func.max(case((_in(flags.c.day, periods[period]), flags.c[n]), else_=0))
                                    .label(f"{period}__{n}") for period, n in keys])
              .group_by(flags.c.pid, flags.c.mid).subquery())
    stmt = select(people.c.pid, *[func.sum(people.c[f"{period}__{n}"]) for period, n in keys]).group_by(people.c.pid)
    for row in session.execute(stmt):
        for (period, name), value in zip(keys, row[1:]):
            out[period][row[0]][name] = int(value or 0)
    return out


def _nutrition_at_last(session: Session, ids: Sequence[int], first: date, last: date) -> dict[int, Counter[str]]:
    """Balita by their last measurement in the period: stunting, wasting, gizi kurang, BB kurang."""
    if session.get_bind().dialect.name == "postgresql":  # one index probe per child: its last balita visit
        oldest = date(first.year - 6, 1, 1)
        probe = (select(_status("pb_tb_u").label("tbu"), _status("bb_pb_tb").label("bbtb"),
                        _status("bb_u").label("bbu"))
                 .where(Measurement.member_id == Member.id, Measurement.life_stage == "bayi_balita",
                        Measurement.measured_on >= first, Measurement.measured_on <= last)
                 .order_by(Measurement.measured_on.desc(), Measurement.id.desc()).limit(1).lateral())
        ranked = (select(Member.posyandu_id.label("pid"), probe.c.tbu, probe.c.bbtb, probe.c.bbu)
                  .join(probe, true()).where(Member.posyandu_id.in_(ids), Member.birth_date >= oldest)).subquery()
    else:
        ranked = _last_balita_visits(ids, first, last)

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    stmt = (select(ranked.c.pid, count(ranked.c.tbu.in_(rules.STUNTED)), count(ranked.c.bbtb.in_(rules.WASTED)),
                   count(ranked.c.bbtb == "wasted"), count(ranked.c.bbu.in_(rules.UNDERWEIGHT)))
            .group_by(ranked.c.pid))
    out: dict[int, Counter[str]] = defaultdict(Counter)
    for pid, stunted, wasted, kurang, under in session.execute(stmt):
        out[pid].update({"stunting": stunted or 0, "wasting": wasted or 0, "gizi_kurang": kurang or 0,
                         "underweight": under or 0})
    return out


def _last_balita_visits(ids: Sequence[int], first: date, last: date) -> Any:
    """Portable form: each child's last day in the period, then that visit's statuses only."""
    lastday = (select(Measurement.member_id.label("mid"), func.max(Measurement.measured_on).label("day"))
               .join(Member, Member.id == Measurement.member_id)
               .where(Member.posyandu_id.in_(ids), Measurement.life_stage == "bayi_balita",
                      Measurement.measured_on >= first, Measurement.measured_on <= last)
               .group_by(Measurement.member_id).subquery())
    ranked = (select(Member.posyandu_id.label("pid"), _status("pb_tb_u").label("tbu"),
                     _status("bb_pb_tb").label("bbtb"), _status("bb_u").label("bbu"))
              .select_from(lastday)
              .join(Measurement, and_(Measurement.member_id == lastday.c.mid, Measurement.measured_on == lastday.c.day))
              .join(Member, Member.id == Measurement.member_id)).subquery()
    return ranked


def _service_counts(session: Session, ids: Sequence[int], periods: Periods) -> dict[str, dict[int, Counter[str]]]:
    """K1/K4/K6 and remaja putri given TTD, per period: the few rows of those codes are read once."""
    first, last = min(p[0] for p in periods.values()), max(p[1] for p in periods.values())
    # Remaja putri given TTD: the age on the day decides (10-<18 years).
    youngest, eldest = _years_before(last, 10), _years_before(first, 18)
    stmt = (select(Member.posyandu_id, Member.id, Member.birth_date, ServiceGiven.code, ServiceGiven.given_on)
            .join(Member, Member.id == ServiceGiven.member_id)
            .where(Member.posyandu_id.in_(ids), ServiceGiven.given_on >= first, ServiceGiven.given_on <= last,
                   or_(ServiceGiven.code.in_(ANC_CODES),
                       and_(ServiceGiven.code == "TTD", Member.sex == "P", Member.birth_date <= youngest,
                            Member.birth_date >= eldest))))
    seen: dict[str, dict[int, dict[str, set[int]]]] = {p: defaultdict(lambda: defaultdict(set)) for p in periods}
    for pid, member_id, born, code, given_on in session.execute(stmt):
        if code == "TTD":
            if age_stage(born, given_on).value != "remaja":
                continue
            name = "remaja_ttd"
        else:
            name = f"K{code[3:]}"
        for period, span in periods.items():
            if span[0] <= given_on <= span[1]:
                seen[period][pid][name].add(member_id)
    return {p: {pid: Counter({k: len(v) for k, v in names.items()}) for pid, names in by.items()}
            for p, by in seen.items()}


def _completions(session: Session, ids: Sequence[int], periods: Periods) -> dict[str, dict[int, Counter[str]]]:
    """People whose set (KF1-4, KN1-3, IDL, baduta) was completed by a dose given in each period: one query
    returns each person's date of completion per set."""
    first, last = min(p[0] for p in periods.values()), max(p[1] for p in periods.values())
    label = case(*[(ServiceGiven.code.in_(codes), name) for name, (codes, _lb) in COMPLETIONS.items()])
    windows = [and_(ServiceGiven.code.in_(codes), ServiceGiven.given_on >= date.fromordinal(first.toordinal() - lb))
               if lb is not None else ServiceGiven.code.in_(codes) for codes, lb in COMPLETIONS.values()]
    every = [code for codes, _lb in COMPLETIONS.values() for code in codes]
    # only people given one of these doses in the periods can complete a set in them
    recent = (select(ServiceGiven.member_id).where(ServiceGiven.code.in_(every), ServiceGiven.given_on >= first,
                                                   ServiceGiven.given_on <= last))
    stmt = (select(Member.posyandu_id, ServiceGiven.member_id, label.label("set"),
                   func.count(distinct(ServiceGiven.code)), func.max(ServiceGiven.given_on))
            .join(Member, Member.id == ServiceGiven.member_id)
            .where(Member.posyandu_id.in_(ids), ServiceGiven.given_on <= last, or_(*windows),
                   ServiceGiven.member_id.in_(recent))
            .group_by(Member.posyandu_id, ServiceGiven.member_id, label)
            .having(func.max(ServiceGiven.given_on) >= first))
    out: dict[str, dict[int, Counter[str]]] = {p: defaultdict(Counter) for p in periods}
    for pid, _member, name, codes, completed in session.execute(stmt):
        if codes != len(COMPLETIONS[name][0]):
            continue
        for period, span in periods.items():
            # complete by the period's end, completed within it (a dose after the period is not yet given then)
            if span[0] <= completed <= span[1]:
                out[period][pid][name] += 1
    return out


def _deliveries(session: Session, ids: Sequence[int], periods: Periods) -> dict[str, dict[int, Counter[str]]]:
    first, last = min(p[0] for p in periods.values()), max(p[1] for p in periods.values())
    out: dict[str, dict[int, Counter[str]]] = {p: defaultdict(Counter) for p in periods}
    for pid, on, place, attendant in session.execute(
            select(Member.posyandu_id, Pregnancy.delivered_on, Pregnancy.delivery_place, Pregnancy.delivery_attendant)
            .join(Member, Member.id == Pregnancy.member_id)
            .where(Member.posyandu_id.in_(ids), Pregnancy.delivered_on >= first, Pregnancy.delivered_on <= last)):
        for period, span in periods.items():
            if on is not None and span[0] <= on <= span[1]:  # (on: never None, by the query)
                c = out[period][pid]
                c["persalinan"] += 1
                c["persalinan_faskes"] += place == "faskes"
                c["persalinan_nakes"] += attendant == "nakes"
                c["persalinan_unknown"] += place is None and attendant is None
    return out


def figures_by_period(session: Session, ids: Sequence[int], periods: Periods, nutrition: Sequence[str] = (),
                      trend_only: Sequence[str] = ()) -> dict[str, dict[int, dict[str, int]]]:
    """The cluster figures of every posyandu in `ids` for each named period (first, last day): people, each
    once per period; five queries whatever the number of periods and posyandu (plus one per period named
    in `nutrition`, the balita by their last measurement in it). Periods in `trend_only` (last month, for
    the PWS trend) get the service, completion and delivery figures only: their visit figures stay 0."""
    seen = {p: span for p, span in periods.items() if p not in trend_only}
    visits = _visit_counts(session, ids, seen) if seen else {}
    parts = [{p: visits.get(p, {}) for p in periods}, _service_counts(session, ids, periods),
             _completions(session, ids, periods), _deliveries(session, ids, periods)]
    extra = {p: _nutrition_at_last(session, ids, *periods[p]) for p in nutrition}
    out: dict[str, dict[int, dict[str, int]]] = {}
    for period in periods:
        out[period] = {}
        for pid in ids:
            merged: Counter[str] = Counter()
            for part in parts:
                merged.update(part[period].get(pid, {}))
            if period in extra:
                merged.update(extra[period].get(pid, {}))
            out[period][pid] = {name: int(merged.get(name, 0)) for name in FIGURES}
    return out


def period_figures(session: Session, ids: Sequence[int], first: date, last: date) -> dict[int, dict[str, int]]:
    """The cluster figures of every posyandu in `ids` for the days first..last (people, each once)."""
    return figures_by_period(session, ids, {"p": (first, last)}, nutrition=("p",))["p"]


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
    if session.get_bind().dialect.name == "postgresql":  # one person per row of a kabupaten's year fits in memory
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    first, last = rules.month_bounds(year, month)
    prev = rules.month_bounds(*_month_before(year, month)) if month > 1 else None
    periods: Periods = {"month": (first, last), "ytd": (date(year, 1, 1), last)}
    if prev:
        periods["prev"] = prev  # the PWS trend
    # the month's balita nutrition is SKDN's (health.levels); the year's is by each child's last measurement
    figures = figures_by_period(session, ids, periods, nutrition=("ytd",), trend_only=("prev",)) if ids else {}
    data = {"skdn": _skdn(session, ids, year, month) if ids else {}, "month": figures.get("month", {}),
            "ytd": figures.get("ytd", {}), "prev": figures.get("prev", {})}
    targets = desa_targets(session, {p.desa_id for p in found}, year, cbr)
    return build(found, data, targets, level, code, year, month)
