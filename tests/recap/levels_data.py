"""A small kabupaten for the level tests: 2 puskesmas, 3 desa, 5 posyandu, members of every group with
visits and services spread over the year (deterministic: a seeded random generator)."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from health.life_stage import primary_stage
from storage.members import name_key
from storage.models import Measurement, Member, Pregnancy, ServiceGiven
from storage.places import desa_path, puskesmas, upsert_posyandu

CREATED = datetime(2025, 1, 1, tzinfo=timezone.utc)
LAYOUT = (  # (puskesmas, kecamatan, desa, desa code, posyandu codes)
    ("Puskesmas Mranggen 1", "Mranggen", "Banyumeneng", "33.21.01.2001", ("MAWAR1", "MAWAR2")),
    ("Puskesmas Mranggen 1", "Mranggen", "Kebonbatur", "33.21.01.2002", ("MELATI1",)),
    ("Puskesmas Karangawen", "Karangawen", "Wonosekar", "33.21.02.2003", ("KENANGA1", "KENANGA2")),
)
IDL = ("HB0", "BCG", "OPV1", "OPV2", "OPV3", "OPV4", "DPT-HB-HIB1", "DPT-HB-HIB2", "DPT-HB-HIB3", "IPV1", "MR1")


def build(session, seed: int = 7) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The places and people; returns posyandu ids by code."""
    rnd = random.Random(seed)
    ids: dict[str, int] = {}
    for pkm_name, kecamatan, desa_name, desa_code, codes in LAYOUT:
        desa = desa_path(session, "Jawa Tengah", "Kabupaten Demak", kecamatan, desa_name, "Asia/Jakarta")
        desa.code = desa_code
        desa.parent.parent.code = "33.21"
        pkm = puskesmas(session, pkm_name, desa.parent)
        for code in codes:
            ids[code] = upsert_posyandu(session, code, f"Posyandu {code.title()}", desa, "Asia/Jakarta", pkm)[0].id
    session.flush()
    n = 0
    for code, pid in ids.items():
        for i in range(14):
            n += 1
            _balita(session, rnd, pid, f"Anak {code} {i}", n)
        for i in range(4):
            n += 1
            _mother(session, rnd, pid, f"Ibu {code} {i}", n)
        for i in range(3):
            n += 1
            _adult(session, rnd, pid, f"Warga {code} {i}", n, rnd.choice((30, 45, 66, 70)))
        for i in range(2):
            n += 1
            _remaja(session, rnd, pid, f"Remaja {code} {i}", n)
    session.commit()
    return ids


def _member(session, pid: int, name: str, sex: str, born: date) -> Member:  # type: ignore[no-untyped-def]
    m = Member(posyandu_id=pid, name=name, name_key=name_key(name), sex=sex, birth_date=born, created_at=CREATED)
    session.add(m)
    session.flush()
    return m


def _visit(session, m: Member, on: date, stage: str, **values) -> None:  # type: ignore[no-untyped-def]
    session.add(Measurement(member_id=m.id, posyandu_id=m.posyandu_id, measured_on=on, source="import",
                            life_stage=stage, statuses=values.pop("statuses", {}), flags=[], created_at=CREATED,
                            **values))


def _balita(session, rnd: random.Random, pid: int, name: str, n: int) -> None:  # type: ignore[no-untyped-def]
    born = date(2022, 1, 1) + timedelta(days=rnd.randrange(0, 4 * 365))
    m = _member(session, pid, name, rnd.choice("LP"), born)
    weight = 3.0 + rnd.random()
    for month in range(1, 12):
        on = date(2026, month, 10 + rnd.randrange(0, 10))
        if on < born:
            continue
        weight += rnd.choice((-0.1, 0.1, 0.2, 0.3, 0.5))
        if rnd.random() < 0.2:
            continue  # not weighed this month
        statuses = {"pb_tb_u": rnd.choice(("normal", "normal", "stunted", "severely_stunted")),
                    "bb_pb_tb": rnd.choice(("normal", "normal", "wasted", "severely_wasted")),
                    "bb_u": rnd.choice(("normal", "underweight"))}
        _visit(session, m, on, "bayi_balita", weight_kg=round(weight, 2), waz=rnd.choice((-1.0, -2.5, -3.2)),
               statuses=statuses)
    if born >= date(2025, 1, 1):  # the basic set, the last dose in a month of 2026 for some
        end = rnd.choice((date(2026, 3, 5), date(2026, 10, 7), date(2026, 11, 9), None))
        for k, code in enumerate(IDL):
            on = born + timedelta(days=30 * k)
            if code == "MR1" and end is not None:
                on = max(end, born + timedelta(days=270))
            elif code == "MR1":
                continue
            session.add(ServiceGiven(member_id=m.id, code=code, given_on=on, posyandu_id=pid))
    if rnd.random() < 0.3 and born <= date(2025, 4, 1):
        for code in ("DPT-HB-HIB4", "MR2"):
            session.add(ServiceGiven(member_id=m.id, code=code, given_on=date(2026, rnd.choice((10, 11)), 3),
                                     posyandu_id=pid))


def _mother(session, rnd: random.Random, pid: int, name: str, n: int) -> None:  # type: ignore[no-untyped-def]
    m = _member(session, pid, name, "P", date(1995, 1, 1) + timedelta(days=rnd.randrange(0, 3000)))
    hpht = date(2026, 1, 1) + timedelta(days=rnd.randrange(0, 120))
    delivered = hpht + timedelta(days=270) if rnd.random() < 0.6 else None
    place, attendant = rnd.choice((("faskes", "nakes"), ("rumah", "nakes"), ("rumah", "non_nakes"), (None, None)))
    session.add(Pregnancy(member_id=m.id, hpht=hpht, delivered_on=delivered, created_at=CREATED,
                          delivery_place=place if delivered else None,
                          delivery_attendant=attendant if delivered else None))
    for k in range(1, 7):
        on = hpht + timedelta(days=60 + 30 * k)
        if on > date(2026, 11, 30) or (delivered and on >= delivered) or rnd.random() < 0.15:
            continue
        session.add(ServiceGiven(member_id=m.id, code=f"ANC{k}", given_on=on, posyandu_id=pid))
        _visit(session, m, on, "ibu_hamil", muac_cm=rnd.choice((22.0, 25.0)),
               statuses={"lila_bumil": rnd.choice(("kek", "normal")), "hb": rnd.choice(("normal", "mild_anaemia"))})
    if delivered:
        for k, days in enumerate((1, 5, 15, 35), 1):
            on = delivered + timedelta(days=days)
            if on <= date(2026, 11, 30) and rnd.random() < 0.85:
                session.add(ServiceGiven(member_id=m.id, code=f"KF{k}", given_on=on, posyandu_id=pid))
        baby = _member(session, pid, f"Bayi {name}", rnd.choice("LP"), delivered)
        for k, days in enumerate((1, 5, 15), 1):
            on = delivered + timedelta(days=days)
            if on <= date(2026, 11, 30) and rnd.random() < 0.85:
                session.add(ServiceGiven(member_id=baby.id, code=f"KN{k}", given_on=on, posyandu_id=pid))


def _adult(session, rnd: random.Random, pid: int, name: str, n: int, age: int) -> None:  # type: ignore[no-untyped-def]
    m = _member(session, pid, name, rnd.choice("LP"), date(2026 - age, 6, 1))
    stage = primary_stage(m.birth_date, m.sex, date(2026, 6, 1)).value
    for month in rnd.sample(range(1, 12), 4):
        _visit(session, m, date(2026, month, 12), stage, systolic=rnd.choice((120, 150)), diastolic=80,
               glucose_mgdl=rnd.choice((None, 110, 230)), waist_cm=90.0,
               statuses={"td_dewasa": rnd.choice(("normal", "hypertension_grade_1")),
                         "glukosa_gds": rnd.choice(("normal", "diabetes_range")),
                         "imt_ap": rnd.choice(("normal", "obese_1"))})


def _remaja(session, rnd: random.Random, pid: int, name: str, n: int) -> None:  # type: ignore[no-untyped-def]
    m = _member(session, pid, name, rnd.choice("LP"), date(2011, rnd.randrange(1, 12), 1))
    for month in (2, 8, 10, 11):
        _visit(session, m, date(2026, month, 14), "remaja", hb_gdl=11.0,
               statuses={"hb": rnd.choice(("normal", "mild_anaemia"))})
        if rnd.random() < 0.7:
            session.add(ServiceGiven(member_id=m.id, code="TTD", given_on=date(2026, month, 14), posyandu_id=pid))
