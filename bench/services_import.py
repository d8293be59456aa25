"""Benchmark: `services import` of a register's history, 100,000 lines, streamed.

    .venv/bin/python bench/services_import.py [--rows 100000] [--pg postgresql+psycopg://...]

Builds a fresh database (SQLite file by default, or a fresh PostgreSQL schema), one posyandu with
rows/10 children aged 0-59 months, and a CSV of their doses on schedule (ten lines a child, the
register's words and dates: `Polio 1`, `Pentabio 1`, `17/8/2024`, month-only `08/2024`...). Times the
import (the same function as the CLI: storage.services.import_services) and a rerun (which must add
nothing), and reports the peak memory of the process (ru_maxrss) before and after: the import reads the
file line by line, so the peak does not grow with the file.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)
TODAY = NOW.date()
# (register word, schedule age in days) - ten lines a child
DOSES = (("HB 0", 0), ("BCG", 10), ("Polio 1", 10), ("Pentabio 1", 62), ("Polio 2", 62), ("PCV 1", 62),
         ("RV 1", 62), ("DPT-HB-Hib 2", 93), ("OPV 3", 93), ("PCV 2", 93))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def database(pg: str | None, folder: Path) -> str:
    if pg is None:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        admin = sa.create_engine(pg)
        with admin.begin() as conn:
            conn.execute(sa.text('DROP SCHEMA IF EXISTS "bench_services" CASCADE'))
            conn.execute(sa.text('CREATE SCHEMA "bench_services"'))
        admin.dispose()
        url = f"{pg}?options=-csearch_path%3Dbench_services"
    upgrade(url)
    return url


def fill(url: str, children: int, path: Path) -> None:
    from storage.members import name_key
    from storage.models import Member
    from storage.places import desa_path, upsert_posyandu

    factory = make_session_factory(make_engine(url))
    rng = random.Random(42)
    births = [TODAY - timedelta(days=rng.randint(120, 1800)) for _ in range(children)]
    with factory() as session:
        desa = desa_path(session, "Jawa Tengah", "Kabupaten Demak", "Mranggen", "Banyumeneng", "Asia/Jakarta")
        posyandu, _ = upsert_posyandu(session, "BENCH1", "Posyandu Bench", desa, "Asia/Jakarta", None, None)
        session.flush()
        session.bulk_save_objects([Member(posyandu_id=posyandu.id, name=f"Anak {i}", name_key=name_key(f"Anak {i}"),
                                          sex="L" if i % 2 else "P", birth_date=born, created_at=NOW)
                                   for i, born in enumerate(births)])
        session.commit()
    with path.open("w", encoding="utf-8") as out:
        out.write("posyandu_code,name,birth_date,service,given_on,place\n")
        for i, born in enumerate(births):
            jitter = rng.randint(0, 6)  # each child a few days late, the intervals kept
            for n, (word, age) in enumerate(DOSES):
                day = born + timedelta(days=age + jitter)
                when = f"{day:%m/%Y}" if n % 4 == 1 else f"{day.day}/{day.month}/{day.year}" if n % 2 else \
                    f"{day:%d-%m-%Y}"
                out.write(f"BENCH1,Anak {i},{born:%d-%m-%Y},{word},{when},Puskesmas Mranggen 3\n")


def run(url: str, path: Path) -> tuple[float, object]:
    from storage.services import import_services

    factory = make_session_factory(make_engine(url))
    started = time.perf_counter()
    with factory() as session, path.open(encoding="utf-8", newline="") as handle:
        report = import_services(session, handle, NOW)
        session.commit()
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = database(args.pg, folder)
        path = folder / "riwayat.csv"
        fill(url, args.rows // len(DOSES), path)
        print(f"{args.rows} lines, {path.stat().st_size / 1e6:.1f} MB; peak before import {peak_mb():.0f} MB")
        seconds, report = run(url, path)
        print(f"import: {seconds:.1f} s ({args.rows / seconds:.0f} lines/s), added {report.added}, "  # type: ignore[attr-defined]
              f"refused {len(report.errors)}; peak {peak_mb():.0f} MB")  # type: ignore[attr-defined]
        for line, reason in report.errors[:5]:  # type: ignore[attr-defined]
            print(f"  baris {line}: {reason}")
        seconds, report = run(url, path)
        print(f"rerun: {seconds:.1f} s, added {report.added}, unchanged {report.unchanged}; "  # type: ignore[attr-defined]
              f"peak {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
