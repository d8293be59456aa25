"""Benchmark: SATUSEHAT Bundles built per second for a kabupaten's month.

Run by hand (not a test):  .venv/bin/python bench/satusehat.py [--visits N] [--database URL]

Two figures, both for N visits (default 100,000, about a kabupaten's month):

* build: `health.fhir_visit.build_bundle` plus `json.dumps` on visits already in
  memory (the pure part, what the sender does per visit before the HTTP call);
* export: the whole `satusehat export` path, reading the month from the
  database in chunks (`storage.satusehat_queue.month_visits`), building and
  writing one ndjson line per Bundle (to /dev/null).

The database is made fresh (SQLite file in a temp dir by default, or
--database for PostgreSQL) with one kabupaten of 40 puskesmas x 25 posyandu,
one credential per puskesmas and N measurements of children 0-59 months.
The aim: a kabupaten's month in under a minute.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from health.fhir_codes import choose_codes  # noqa: E402
from health.fhir_visit import Person, Place, VisitRecord, build_bundle  # noqa: E402

WIB = timezone(timedelta(hours=7))
MONTH = "2026-11"


def make_visits(n: int, seed: int = 20261101) -> list[tuple[VisitRecord, Person, Place]]:
    rnd = random.Random(seed)
    places = [Place(f"1000{p // 25:04d}", f"POS{p:04d}", f"Posyandu {p}") for p in range(1000)]
    out = []
    for i in range(n):
        months = rnd.randrange(0, 60)
        born = date(2026, 11, 1) - timedelta(days=30 * months + rnd.randrange(0, 30))
        lying = months < 24
        values = {"weight_kg": round(rnd.uniform(3, 20), 1), "height_cm": round(rnd.uniform(48, 115), 1),
                  "head_cm": round(rnd.uniform(33, 50), 1) if months < 24 else None,
                  "muac_cm": round(rnd.uniform(11, 17), 1) if months >= 6 else None}
        statuses = {"bb_u": rnd.choice(("normal", "underweight", "severely_underweight", "risk_of_overweight")),
                    "pb_tb_u": rnd.choice(("normal", "stunted", "severely_stunted", "tall"))}
        at = datetime(2026, 11, rnd.randrange(1, 29), 8, rnd.randrange(0, 60), tzinfo=WIB)
        visit = VisitRecord(i + 1, at, values, "L" if lying else "H", None, statuses)
        person = Person(f"Anak {i}", rnd.choice("LP"), born, nik=f"3321{i:012d}"[:16])
        out.append((visit, person, places[i % len(places)]))
    return out


def bench_build(n: int) -> tuple[float, int]:
    visits = make_visits(n)
    codes = choose_codes()
    start = time.perf_counter()
    size = 0
    for visit, person, place in visits:
        built = build_bundle(visit, person, place, codes)
        size += len(json.dumps(built.bundle, ensure_ascii=False, separators=(",", ":")))
    return time.perf_counter() - start, size


def seed_database(url: str, n: int) -> None:
    from storage.db import make_engine, make_session_factory, transaction
    from storage.migrate import upgrade
    from storage.models import Measurement, Member, Posyandu, Puskesmas, Region, SatusehatCredential

    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    key = Fernet.generate_key()
    secret = Fernet(key).encrypt(b"secret").decode()
    rnd = random.Random(7)
    with transaction(factory) as s:
        prov = Region(level="provinsi", name="Jawa Tengah")
        s.add(prov)
        s.flush()
        kab = Region(level="kabupaten", name="Kabupaten Demak", parent_id=prov.id)
        s.add(kab)
        s.flush()
        posyandu_ids = []
        for k in range(40):
            kec = Region(level="kecamatan", name=f"Kecamatan {k}", parent_id=kab.id)
            s.add(kec)
            s.flush()
            pkm = Puskesmas(name=f"Puskesmas {k}", region_id=kec.id)
            s.add(pkm)
            s.flush()
            s.add(SatusehatCredential(puskesmas_id=pkm.id, organization_id=f"1000{k:04d}", client_id=f"c{k}",
                                      secret_encrypted=secret, updated_at=now))
            desa = Region(level="desa", name=f"Desa {k}", parent_id=kec.id, timezone="Asia/Jakarta")
            s.add(desa)
            s.flush()
            for p in range(25):
                pos = Posyandu(code=f"P{k:02d}{p:02d}", name=f"Posyandu {k}-{p}", desa_id=desa.id,
                               puskesmas_id=pkm.id, timezone="Asia/Jakarta")
                s.add(pos)
                s.flush()
                posyandu_ids.append(pos.id)
    members, measurements = [], []
    for i in range(n):
        months = rnd.randrange(0, 60)
        born = date(2026, 11, 1) - timedelta(days=30 * months + rnd.randrange(0, 30))
        pid = posyandu_ids[i % len(posyandu_ids)]
        members.append({"id": i + 1, "posyandu_id": pid, "name": f"Anak {i}", "name_key": f"anak {i}",
                        "sex": rnd.choice("LP"), "birth_date": born, "nik": f"3321{i:012d}"[:16], "created_at": now})
        measurements.append({"id": i + 1, "member_id": i + 1, "posyandu_id": pid,
                             "measured_on": date(2026, 11, rnd.randrange(1, 29)), "source": "chat",
                             "weight_kg": round(rnd.uniform(3, 20), 1), "height_cm": round(rnd.uniform(48, 115), 1),
                             "position": "L" if months < 24 else "H",
                             "head_cm": round(rnd.uniform(33, 50), 1) if months < 24 else None,
                             "muac_cm": round(rnd.uniform(11, 17), 1) if months >= 6 else None,
                             "statuses": {"bb_u": "normal", "pb_tb_u": "stunted"}, "flags": [],
                             "created_at": now})
    with engine.begin() as conn:
        for start in range(0, n, 5000):
            conn.execute(insert(Member), members[start:start + 5000])
        for start in range(0, n, 5000):
            conn.execute(insert(Measurement), measurements[start:start + 5000])
    engine.dispose()


def bench_export(url: str) -> tuple[float, int]:
    from storage.db import make_engine, make_session_factory, transaction
    from storage.satusehat_queue import month_visits

    engine = make_engine(url)
    factory = make_session_factory(engine)
    codes = choose_codes()
    count = 0
    start = time.perf_counter()
    with transaction(factory) as session, open(os.devnull, "w", encoding="utf-8") as out:
        for queued in month_visits(session, MONTH):
            if queued.place is None or queued.person.identifier is None:
                continue
            built = build_bundle(queued.visit, queued.person, queued.place, codes)
            out.write(json.dumps(built.bundle, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--database", default=None, help="a fresh database URL (default: a temp SQLite file)")
    args = parser.parse_args()
    n = args.visits

    seconds, size = bench_build(n)
    print(f"build:  {n} Bundles in {seconds:.1f} s = {n / seconds:,.0f} Bundles/s "
          f"(mean {size / n / 1024:.1f} KiB of JSON each)")

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.sqlite3"
        t0 = time.perf_counter()
        seed_database(url, n)
        print(f"seeded {n} visits in {time.perf_counter() - t0:.1f} s ({url.split(':')[0]})")
        seconds, count = bench_export(url)
        print(f"export: {count} Bundles in {seconds:.1f} s = {count / seconds:,.0f} Bundles/s "
              f"({'within' if seconds < 60 else 'OVER'} the one-minute aim)")


if __name__ == "__main__":
    main()
