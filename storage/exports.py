"""The rows of the national exports: e-PPGBM by name by address, SIP formats 1-6 per posyandu and month.

Why here: each format is a handful of grouped queries over an area's posyandu (never a query per
person); the rows are dicts keyed by the `key`s of `bot/media/national_formats.json`, which holds
the column order and headers as data (docs/recap.md, "National formats").
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from health import recap as rules
from health.ages import age_in_months
from health.permenkes import PERMENKES_2_2020
from health.pregnancy import hpl
from storage.levels import _skdn, period_figures
from storage.models import (
    Contact, Household, Measurement, Member, Posyandu, Pregnancy, Puskesmas, Region, ServiceGiven,
)

NIFAS_DAYS = 42
POSITION_WORDS = {"L": "telentang", "H": "berdiri"}  # e-PPGBM / register words for how length/height was measured


def status_words(index: str, code: str | None) -> str:
    """A Permenkes 2/2020 category in the register's words ("Pendek", "Gizi baik"), never our code."""
    if not code:
        return ""
    for band in PERMENKES_2_2020.get(index, ()):
        if band.category.code == code:
            return band.category.label_id
    return ""


def _place_rows(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    desa = aliased(Region)
    rows = session.execute(select(Posyandu.id, Posyandu.code, Posyandu.name, desa.name, desa.code, Puskesmas.code,
                                  Puskesmas.name)
                           .join(desa, desa.id == Posyandu.desa_id).outerjoin(Puskesmas, Puskesmas.id ==
                                                                             Posyandu.puskesmas_id)
                           .where(Posyandu.id.in_(ids)))
    return {r[0]: {"posyandu_code": r[1], "posyandu": r[2], "desa": r[3], "desa_code": r[4] or "",
                   "puskesmas_code": r[5] or "", "puskesmas": r[6] or ""} for r in rows}


def eppgbm_rows(session: Session, ids: Sequence[int], year: int, month: int) -> list[dict[str, Any]]:
    """One row per balita measured at these posyandu in the month: its last measurement of the month."""
    first, last = rules.month_bounds(year, month)
    places = _place_rows(session, ids)
    stmt = (select(Measurement, Member, Household.kk, Household.address)
            .join(Member, Member.id == Measurement.member_id)
            .outerjoin(Household, Household.id == Member.household_id)
            .where(Measurement.posyandu_id.in_(ids), Measurement.measured_on >= first, Measurement.measured_on <= last,
                   Member.birth_date > date(first.year - 6, 1, 1))
            .order_by(Measurement.measured_on, Measurement.id))
    latest: dict[int, tuple[Measurement, Member, str | None, str | None]] = {}
    for m, member, kk, address in session.execute(stmt):
        if age_in_months(member.birth_date, m.measured_on) < rules.BALITA_MONTHS and (
                m.weight_kg is not None or m.height_cm is not None):
            latest[member.id] = (m, member, kk, address)
    rows = []
    for m, member, kk, address in latest.values():
        statuses = m.statuses or {}
        rows.append({**places[m.posyandu_id], "kk": kk or "", "nik": member.nik or "", "name": member.name,
                     "birth_date": member.birth_date, "sex": member.sex, "mother_nik": member.mother_nik or "",
                     "mother": member.guardian_name or "", "address": address or "",
                     "month": f"{year:04d}-{month:02d}", "measured_on": m.measured_on,
                     "age_months": age_in_months(member.birth_date, m.measured_on), "weight_kg": m.weight_kg,
                     "height_cm": m.height_cm, "position": POSITION_WORDS.get(m.position or "", ""),
                     "head_cm": m.head_cm, "muac_cm": m.muac_cm,
                     "bb_u": status_words("bb_u", statuses.get("bb_u")),
                     "pb_tb_u": status_words("pb_tb_u", statuses.get("pb_tb_u")),
                     "bb_pb_tb": status_words("bb_pb_tb", statuses.get("bb_pb_tb"))})
    rows.sort(key=lambda r: (r["posyandu_code"], r["name"].lower(), r["birth_date"]))
    return rows


def _doses(session: Session, member_ids: Sequence[int], codes: Sequence[str] | None = None,
           until: date | None = None) -> dict[int, dict[str, date]]:
    """Each member's first date of each service code, one query."""
    out: dict[int, dict[str, date]] = defaultdict(dict)
    if not member_ids:
        return out
    stmt = (select(ServiceGiven.member_id, ServiceGiven.code, func.min(ServiceGiven.given_on))
            .where(ServiceGiven.member_id.in_(list(member_ids))).group_by(ServiceGiven.member_id, ServiceGiven.code))
    if codes is not None:
        stmt = stmt.where(ServiceGiven.code.in_(list(codes)))
    if until is not None:
        stmt = stmt.where(ServiceGiven.given_on <= until)
    for member_id, code, on in session.execute(stmt):
        out[member_id][code] = on
    return out


def _numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, row in enumerate(rows, 1):
        row["no"] = i
    return rows


def _pregnancies(session: Session, ids: Sequence[int], first: date, last: date, nifas: bool
                 ) -> list[tuple[Pregnancy, Member, str | None]]:
    """Pregnancies ongoing in the month (and, with `nifas`, mothers 0-42 days after a delivery in it)."""
    ongoing = and_(Pregnancy.hpht <= last, Pregnancy.hpht >= first - timedelta(days=310),
                   or_(Pregnancy.ended_on.is_(None), Pregnancy.ended_on >= first))
    not_delivered = or_(Pregnancy.delivered_on.is_(None),
                        Pregnancy.delivered_on >= (first - timedelta(days=NIFAS_DAYS) if nifas else first))
    return list(session.execute(
        select(Pregnancy, Member, Household.address).join(Member, Member.id == Pregnancy.member_id)
        .outerjoin(Household, Household.id == Member.household_id)
        .where(Member.posyandu_id.in_(ids), ongoing, not_delivered)
        .order_by(Member.posyandu_id, Member.name_key, Pregnancy.hpht)))


def sip1_rows(session: Session, ids: Sequence[int], year: int, month: int) -> list[dict[str, Any]]:
    first, last = rules.month_bounds(year, month)
    places = _place_rows(session, ids)
    found = _pregnancies(session, ids, first, last, nifas=False)
    births = {p.delivered_on for p, _m, _a in found if p.delivered_on and first <= p.delivered_on <= last}
    babies: dict[tuple[Any, date], Member] = {}
    if births:
        for child in session.scalars(select(Member).where(Member.posyandu_id.in_(ids), Member.birth_date.in_(births))):
            babies.setdefault((child.household_id, child.birth_date), child)
            if child.mother_nik:
                babies.setdefault((child.mother_nik, child.birth_date), child)
    rows = []
    for p, mother, _address in found:
        born = p.delivered_on if p.delivered_on and p.delivered_on <= last else None
        baby = None
        if born:
            baby = babies.get((mother.nik, born)) if mother.nik else None
            baby = baby or (babies.get((mother.household_id, born)) if mother.household_id else None)
        note = ("melahirkan" if born else "keguguran" if p.end_reason == "keguguran" and p.ended_on
                and p.ended_on <= last else "hamil")
        rows.append({**places[mother.posyandu_id], "mother_nik": mother.nik or "", "mother": mother.name,
                     "hpht": p.hpht, "hpl": hpl(p.hpht) if p.hpht else None,
                     "baby_nik": (baby.nik or "") if baby else "", "baby": baby.name if baby else "",
                     "baby_sex": baby.sex if baby else "",
                     "delivered_on": born, "note": note})
    return _numbered(rows)


def sip2_rows(session: Session, ids: Sequence[int], year: int, month: int) -> list[dict[str, Any]]:
    first, last = rules.month_bounds(year, month)
    places = _place_rows(session, ids)
    kids = [m for m in session.scalars(select(Member).where(
        Member.posyandu_id.in_(ids), Member.birth_date <= last, Member.birth_date >= date(first.year - 5, first.month, 1))
        .order_by(Member.posyandu_id, Member.name_key, Member.birth_date))
        if rules.is_balita_in_month(m.birth_date, year, month)]
    ids_ = [k.id for k in kids]
    weights: dict[int, dict[int, float | None]] = defaultdict(dict)
    if ids_:
        for member_id, on, weight in session.execute(
                select(Measurement.member_id, Measurement.measured_on, Measurement.weight_kg)
                .where(Measurement.member_id.in_(ids_), Measurement.weight_kg.is_not(None),
                       Measurement.measured_on >= date(year, 1, 1), Measurement.measured_on <= last)
                .order_by(Measurement.measured_on)):
            weights[member_id][on.month] = weight  # the month's last weighing
    doses = _doses(session, ids_, until=last)
    vita: dict[int, dict[int, date]] = defaultdict(dict)
    if ids_:
        for member_id, on in session.execute(select(ServiceGiven.member_id, ServiceGiven.given_on).where(
                ServiceGiven.member_id.in_(ids_), ServiceGiven.code == "VITA",
                ServiceGiven.given_on >= date(year, 1, 1), ServiceGiven.given_on <= last)):
            vita[member_id][2 if on.month <= 6 else 8] = on
    rows = []
    for k in kids:
        row = {**places[k.posyandu_id], "name": k.name, "nik": k.nik or "", "birth_date": k.birth_date, "sex": k.sex,
               "mother": k.guardian_name or "", "vita_feb": vita[k.id].get(2), "vita_aug": vita[k.id].get(8)}
        row.update({f"bb_{m}": weights[k.id].get(m) for m in range(1, 13)})
        row.update({f"dose:{code}": on for code, on in doses.get(k.id, {}).items()})
        rows.append(row)
    return _numbered(rows)


def sip3_rows(session: Session, ids: Sequence[int], year: int, month: int) -> list[dict[str, Any]]:
    _first, last = rules.month_bounds(year, month)
    places = _place_rows(session, ids)
    women = [m for m in session.scalars(select(Member).where(
        Member.posyandu_id.in_(ids), Member.sex == "P", Member.birth_date <= date(last.year - 15, last.month, 1),
        Member.birth_date >= date(last.year - 50, 1, 1)).order_by(Member.posyandu_id, Member.name_key))
        if 15 <= age_in_months(m.birth_date, last) // 12 <= 49]
    doses = _doses(session, [w.id for w in women], [f"TT{i}" for i in range(1, 6)], last)
    rows = []
    for w in women:
        row = {**places[w.posyandu_id], "nik": w.nik or "", "name": w.name,
               "age_years": age_in_months(w.birth_date, last) // 12}
        row.update({f"dose:{code}": on for code, on in doses.get(w.id, {}).items()})
        rows.append(row)
    return _numbered(rows)


def sip4_rows(session: Session, ids: Sequence[int], year: int, month: int) -> list[dict[str, Any]]:
    first, last = rules.month_bounds(year, month)
    places = _place_rows(session, ids)
    found = _pregnancies(session, ids, first, last, nifas=True)
    member_ids = [m.id for _p, m, _a in found]
    visits: dict[int, Measurement] = {}
    if member_ids:
        for measured in session.scalars(select(Measurement).where(
                Measurement.member_id.in_(member_ids), Measurement.measured_on >= first,
                Measurement.measured_on <= last).order_by(Measurement.measured_on)):
            visits[measured.member_id] = measured
    services: dict[int, list[tuple[str, date]]] = defaultdict(list)
    if member_ids:
        for member_id, code, on in session.execute(select(ServiceGiven.member_id, ServiceGiven.code,
                                                          ServiceGiven.given_on).where(
                ServiceGiven.member_id.in_(member_ids), ServiceGiven.given_on <= last,
                ServiceGiven.given_on >= first - timedelta(days=310)).order_by(ServiceGiven.given_on)):
            services[member_id].append((code, on))
    rows = []
    for p, mother, address in found:
        if p.hpht is None:  # never: the query asks for an HPHT
            continue
        mine = [(c, on) for c, on in services[mother.id] if on >= p.hpht]
        visit = visits.get(mother.id)
        until = min(last, p.delivered_on) if p.delivered_on else last
        row = {**places[mother.posyandu_id], "nik": mother.nik or "", "name": mother.name,
               "age_years": age_in_months(mother.birth_date, last) // 12, "address": address or "",
               "registered_on": p.created_at.date(), "gestational_weeks": (until - p.hpht).days // 7,
               "muac_cm": visit.muac_cm if visit else None, "weight_kg": visit.weight_kg if visit else None,
               "ttd": sum(1 for c, on in mine if c == "TTD" and on >= first) or None,
               "anc": ", ".join(c.replace("ANC", "K") for c, _on in mine if c.startswith("ANC")),
               "delivered_on": p.delivered_on if p.delivered_on and p.delivered_on <= last else None,
               "kf": ", ".join(c for c, _on in mine if c.startswith("KF"))}
        row.update({f"dose:{c}": on for c, on in mine if c.startswith("TT") and c != "TTD"})
        rows.append(row)
    return _numbered(rows)


def _visitors(session: Session, ids: Sequence[int], first: date, last: date) -> dict[int, dict[str, int]]:
    """Per posyandu: visitors of the month by group (people, once), from the visits' stages and ages."""
    out: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    kaders: dict[int, set[int]] = defaultdict(set)
    for pid, member_id, born, sex, stage, on, reporter, role in session.execute(
            select(Measurement.posyandu_id, Member.id, Member.birth_date, Member.sex, Measurement.life_stage,
                   Measurement.measured_on, Measurement.recorded_by_id, Contact.role)
            .join(Member, Member.id == Measurement.member_id)
            .outerjoin(Contact, Contact.id == Measurement.recorded_by_id)
            .where(Measurement.posyandu_id.in_(ids), Measurement.measured_on >= first, Measurement.measured_on <= last)):
        months = age_in_months(born, on)
        if months < 12:
            out[pid]["bayi"].add(member_id)
        elif months < 60:
            out[pid]["balita"].add(member_id)
        if stage == "ibu_hamil":
            out[pid]["hamil"].add(member_id)
        elif stage == "ibu_nifas":
            out[pid]["menyusui"].add(member_id)
        if sex == "P" and 15 * 12 <= months < 50 * 12:
            out[pid]["wus"].add(member_id)
        if reporter is not None and role == "kader":
            kaders[pid].add(reporter)
    return {pid: {**{k: len(v) for k, v in groups.items()}, "kader": len(kaders[pid])} for pid, groups in out.items()}


def sip5_rows(session: Session, ids: Sequence[int], year: int, month: int) -> list[dict[str, Any]]:
    first, last = rules.month_bounds(year, month)
    places = _place_rows(session, ids)
    visitors = _visitors(session, ids, first, last)
    born = dict(session.execute(select(Member.posyandu_id, func.count()).join(Pregnancy, Pregnancy.member_id ==
                                                                             Member.id)
                                .where(Member.posyandu_id.in_(ids), Pregnancy.delivered_on >= first,
                                       Pregnancy.delivered_on <= last).group_by(Member.posyandu_id)).all())
    rows = []
    for pid in sorted(ids, key=lambda i: places[i]["posyandu_code"]):
        v = visitors.get(pid, {})
        rows.append({**places[pid], "month": f"{year:04d}-{month:02d}", "born": born.get(pid, 0),
                     **{k: v.get(k, 0) for k in ("bayi", "balita", "wus", "hamil", "menyusui", "kader")}})
    return rows


def sip6_rows(session: Session, ids: Sequence[int], year: int, month: int) -> list[dict[str, Any]]:
    first, last = rules.month_bounds(year, month)
    places = _place_rows(session, ids)
    visitors = _visitors(session, ids, first, last)
    skdn = _skdn(session, ids, year, month)
    figures = period_figures(session, ids, first, last)
    given: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pid, code, stage, people, doses in session.execute(
            select(ServiceGiven.posyandu_id, ServiceGiven.code, Measurement.life_stage,
                   func.count(func.distinct(ServiceGiven.member_id)), func.count())
            .outerjoin(Measurement, Measurement.id == ServiceGiven.measurement_id)
            .where(ServiceGiven.posyandu_id.in_(ids), ServiceGiven.given_on >= first, ServiceGiven.given_on <= last)
            .group_by(ServiceGiven.posyandu_id, ServiceGiven.code, Measurement.life_stage)):
        if code in rules.IMMUNISATION_CODES:
            given[pid]["doses"] += doses
        elif code == "VITA":
            given[pid]["vita"] += people
        elif code.startswith("TT") and code != "TTD":
            given[pid]["tt"] += doses
        elif code == "TTD" and stage == "ibu_hamil":
            given[pid]["hamil_ttd"] += people
    rows = []
    for pid in sorted(ids, key=lambda i: places[i]["posyandu_code"]):
        s, v, g = skdn[pid], visitors.get(pid, {}), given[pid]
        rows.append({**places[pid], "month": f"{year:04d}-{month:02d}", "hamil": v.get("hamil", 0),
                     "hamil_ttd": g["hamil_ttd"], "tt": g["tt"], "menyusui": v.get("menyusui", 0),
                     **{k: s[k] for k in ("S", "K", "D", "N", "BGM")}, "vita": g["vita"], "doses": g["doses"],
                     "idl": figures[pid]["idl"]})
    return rows


BUILDERS = {"eppgbm": eppgbm_rows, "sip1": sip1_rows, "sip2": sip2_rows, "sip3": sip3_rows, "sip4": sip4_rows,
            "sip5": sip5_rows, "sip6": sip6_rows}
