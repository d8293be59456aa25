"""Benchmark: the recap by level for a kabupaten's year on PostgreSQL.

    .venv/bin/python bench/levels.py [--posyandu 500] [--repeat 3] [--month 11] [--pg postgresql+psycopg://...]

A fresh schema is filled server-side with bulk inserts (generate_series): one kabupaten, 25 kecamatan
each with one puskesmas and 10 desa, two posyandu per desa (500 posyandu by default); per posyandu
60 balita (weighed in 80 % of the months of the year and of the last four months of the year before,
statuses spread over the Permenkes categories), 8 pregnancies with ANC1-ANC6, deliveries, KF/KN,
the babies' basic immunisation, 100 adults and elderly screened about 6 times a year, 10 remaja with
Hb and TTD. About 1,200 visits per posyandu and year (600,000 for 500 posyandu).

It then times, warm (the best of --repeat runs after one untimed run):
* the kabupaten's recap of the month (`storage.levels.level_recap(level="kabupaten")`: SKDN of every
  posyandu, the cluster figures of the month, of the year to date and of the month before, every level
  summed, targets, PWS KIA) and its XLSX;
* one posyandu's recap by level, and the register recap of that posyandu (`storage.recap.month_recap`).
Targets: kabupaten under 5 s, posyandu under 200 ms (issue 17).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from storage.db import make_engine  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = "'2026-01-01 00:00:00+00'::timestamptz"




from bench.reminders import fresh_schema  # noqa: E402  (one schema-per-run helper for the benches)

def fill(engine: sa.engine.Engine, posyandu: int) -> dict[str, int]:
    desa = max(1, posyandu // 2)
    kec = max(1, desa // 10)
    status = ("json_build_object('bb_u', (ARRAY['normal','normal','normal','underweight','severely_underweight'])"
              "[1 + floor(random() * 5)::int], 'pb_tb_u', (ARRAY['normal','normal','normal','stunted',"
              "'severely_stunted'])[1 + floor(random() * 5)::int], 'bb_pb_tb', (ARRAY['normal','normal','normal',"
              "'wasted','severely_wasted'])[1 + floor(random() * 5)::int])")
    adult_status = ("json_build_object('td_dewasa', (ARRAY['normal','normal','hypertension_grade_1'])"
                    "[1 + floor(random() * 3)::int], 'glukosa_gds', (ARRAY['normal','normal','normal',"
                    "'diabetes_range'])[1 + floor(random() * 4)::int], 'imt_ap', (ARRAY['normal','normal',"
                    "'obese_1'])[1 + floor(random() * 3)::int])")
    steps = [
        "SELECT setseed(0.17)",
        "INSERT INTO region (id, level, name, code, parent_id, timezone) VALUES "
        "(1, 'provinsi', 'Jawa Tengah', '33', NULL, 'Asia/Jakarta'), "
        "(2, 'kabupaten', 'Kabupaten Bench', '33.99', 1, 'Asia/Jakarta')",
        f"INSERT INTO region (id, level, name, code, parent_id, timezone) SELECT 10 + k, 'kecamatan', 'Kecamatan ' || k,"
        f" '33.99.' || k, 2, 'Asia/Jakarta' FROM generate_series(1, {kec}) k",
        f"INSERT INTO puskesmas (id, name, code, region_id) SELECT k, 'Puskesmas ' || k, 'PKM' || k, 10 + k "
        f"FROM generate_series(1, {kec}) k",
        f"INSERT INTO region (id, level, name, code, parent_id, timezone) SELECT 1000 + d, 'desa', 'Desa ' || d, "
        f"'33.99.' || (1 + (d - 1) % {kec}) || '.' || d, 10 + 1 + (d - 1) % {kec}, 'Asia/Jakarta' "
        f"FROM generate_series(1, {desa}) d",
        f"INSERT INTO posyandu (id, code, name, desa_id, puskesmas_id, timezone) SELECT p, 'P' || p, 'Posyandu ' || p,"
        f" 1000 + 1 + (p - 1) % {desa}, 1 + ((p - 1) % {desa}) % {kec}, 'Asia/Jakarta' "
        f"FROM generate_series(1, {posyandu}) p",
        # balita: 60 per posyandu, born over the five years before December 2026
        f"INSERT INTO member (posyandu_id, name, name_key, sex, birth_date, created_at) SELECT p, 'Balita ' || p || "
        f"'-' || i, 'balita ' || p || '-' || i, CASE WHEN random() < 0.5 THEN 'L' ELSE 'P' END, "
        f"DATE '2026-11-30' - (random() * 1790)::int, {NOW} FROM generate_series(1, {posyandu}) p, "
        f"generate_series(1, 60) i",
        "CREATE TEMP TABLE months AS SELECT make_date(2026, m, 1) AS first FROM generate_series(1, 11) m "
        "UNION ALL SELECT make_date(2025, m, 1) FROM generate_series(8, 12) m",
        f"INSERT INTO measurement (member_id, posyandu_id, measured_on, source, life_stage, weight_kg, height_cm, "
        f"position, waz, weight_gain, statuses, flags, created_at) SELECT m.id, m.posyandu_id, "
        f"mo.first + (m.id % 20), 'import', 'bayi_balita', round((3 + (mo.first - m.birth_date) / 120.0 "
        f"+ random() * 0.4)::numeric, 2), 70, 'L', round((random() * 4 - 2.8)::numeric, 2), 'N', {status}, '[]', "
        f"{NOW} FROM member m JOIN months mo ON mo.first + (m.id % 20) > m.birth_date "
        f"AND mo.first + (m.id % 20) < m.birth_date + 1825 WHERE m.name LIKE 'Balita %' AND random() < 0.8",
        # mothers: 8 per posyandu, HPHT over the year; ANC1-6 and their visits; 6 in 10 delivered
        f"INSERT INTO member (posyandu_id, name, name_key, sex, birth_date, created_at) SELECT p, 'Ibu ' || p || '-' "
        f"|| i, 'ibu ' || p || '-' || i, 'P', DATE '1995-01-01' + (random() * 3000)::int, {NOW} "
        f"FROM generate_series(1, {posyandu}) p, generate_series(1, 8) i",
        f"INSERT INTO pregnancy (member_id, hpht, delivered_on, delivery_place, delivery_attendant, created_at) "
        f"SELECT id, h, CASE WHEN h + 275 <= DATE '2026-11-30' THEN h + 275 END, "
        f"CASE WHEN h + 275 <= DATE '2026-11-30' THEN (ARRAY['faskes','faskes','rumah'])[1 + id % 3] END, "
        f"CASE WHEN h + 275 <= DATE '2026-11-30' THEN (ARRAY['nakes','nakes','nakes','non_nakes'])[1 + id % 4] END, "
        f"{NOW} FROM (SELECT id, DATE '2025-06-01' + (random() * 500)::int AS h FROM member "
        f"WHERE name LIKE 'Ibu %') s",
        "INSERT INTO service_given (member_id, code, given_on, posyandu_id) SELECT g.member_id, 'ANC' || k, "
        "g.hpht + 40 + 35 * k, m.posyandu_id FROM pregnancy g JOIN member m ON m.id = g.member_id, "
        "generate_series(1, 6) k WHERE g.hpht + 40 + 35 * k <= LEAST(DATE '2026-11-30', "
        "COALESCE(g.delivered_on, DATE '2026-11-30'))",
        f"INSERT INTO measurement (member_id, posyandu_id, measured_on, source, life_stage, weight_kg, muac_cm, "
        f"systolic, diastolic, statuses, flags, created_at) SELECT s.member_id, s.posyandu_id, s.given_on, 'import', "
        f"'ibu_hamil', NULL, 24, 110, 70, json_build_object('lila_bumil', CASE WHEN random() < 0.15 THEN 'kek' ELSE "
        f"'normal' END), '[]', {NOW} FROM service_given s WHERE s.code LIKE 'ANC%'",
        "INSERT INTO service_given (member_id, code, given_on, posyandu_id) SELECT g.member_id, 'KF' || k, "
        "g.delivered_on + (ARRAY[1, 5, 15, 35])[k], m.posyandu_id FROM pregnancy g JOIN member m ON m.id = "
        "g.member_id, generate_series(1, 4) k WHERE g.delivered_on IS NOT NULL AND random() < 0.9",
        # the babies' basic immunisation, the last dose (MR1) at 9 months
        "INSERT INTO service_given (member_id, code, given_on, posyandu_id) SELECT m.id, c.code, "
        "m.birth_date + c.days, m.posyandu_id FROM member m JOIN (VALUES ('HB0', 0), ('BCG', 20), ('OPV1', 20), "
        "('DPT-HB-HIB1', 60), ('OPV2', 60), ('DPT-HB-HIB2', 90), ('OPV3', 90), ('DPT-HB-HIB3', 120), ('OPV4', 120), "
        "('IPV1', 120), ('MR1', 270), ('KN1', 1), ('KN2', 5), ('KN3', 15)) c(code, days) "
        "ON m.birth_date + c.days <= DATE '2026-11-30' WHERE m.name LIKE 'Balita %' AND random() < 0.92",
        # adults and elderly: 100 per posyandu, six screenings a year
        f"INSERT INTO member (posyandu_id, name, name_key, sex, birth_date, created_at) SELECT p, 'Warga ' || p || "
        f"'-' || i, 'warga ' || p || '-' || i, CASE WHEN random() < 0.5 THEN 'L' ELSE 'P' END, "
        f"DATE '2006-01-01' - (random() * 20000)::int, {NOW} FROM generate_series(1, {posyandu}) p, "
        f"generate_series(1, 100) i",
        f"INSERT INTO measurement (member_id, posyandu_id, measured_on, source, life_stage, weight_kg, height_cm, "
        f"systolic, diastolic, glucose_mgdl, glucose_kind, statuses, flags, created_at) SELECT m.id, m.posyandu_id, "
        f"make_date(2026, k * 2 - (m.id % 2), 5 + m.id % 20), 'import', CASE WHEN m.birth_date < DATE '1966-01-01' "
        f"THEN 'lansia' ELSE 'dewasa' END, 65, 160, 110 + (random() * 60)::int, 80, 90 + (random() * 150)::int, "
        f"'GDS', {adult_status}, '[]', {NOW} FROM member m, generate_series(1, 6) k WHERE m.name LIKE 'Warga %'",
        # remaja: 10 per posyandu, Hb in February and August, TTD monthly for the girls
        f"INSERT INTO member (posyandu_id, name, name_key, sex, birth_date, created_at) SELECT p, 'Remaja ' || p || "
        f"'-' || i, 'remaja ' || p || '-' || i, CASE WHEN i % 2 = 0 THEN 'L' ELSE 'P' END, "
        f"DATE '2010-01-01' + (random() * 2000)::int, {NOW} FROM generate_series(1, {posyandu}) p, "
        f"generate_series(1, 10) i",
        f"INSERT INTO measurement (member_id, posyandu_id, measured_on, source, life_stage, hb_gdl, statuses, flags, "
        f"created_at) SELECT m.id, m.posyandu_id, make_date(2026, k, 14), 'import', 'remaja', 12, "
        f"json_build_object('hb', CASE WHEN random() < 0.2 THEN 'mild_anaemia' ELSE 'normal' END), '[]', {NOW} "
        f"FROM member m, unnest(ARRAY[2, 8]) k WHERE m.name LIKE 'Remaja %'",
        "INSERT INTO service_given (member_id, code, given_on, posyandu_id) SELECT m.id, 'TTD', make_date(2026, k, 14),"
        " m.posyandu_id FROM member m, generate_series(1, 11) k WHERE m.name LIKE 'Remaja %' AND m.sex = 'P'",
        "ANALYZE",
    ]
    with engine.begin() as conn:
        for sql in steps:
            conn.execute(sa.text(sql))
        counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("posyandu", "member", "measurement", "service_given", "pregnancy")}
        counts["visits_2026"] = conn.execute(sa.text(
            "SELECT count(*) FROM measurement WHERE measured_on >= DATE '2026-01-01'")).scalar_one()
    return counts


BACKEND: list[int] = []  # the PostgreSQL backend's pid, to read its CPU time from /proc (same host)


def backend_cpu() -> float:
    """CPU seconds the database backend has used (0 when it runs elsewhere)."""
    try:
        fields = Path(f"/proc/{BACKEND[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except (IndexError, OSError):
        return 0.0
    import os

    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU: dict[str, float] = {}


def best(fn, repeat: int, label: str = "") -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Best wall time of `repeat` runs after a warm-up, and (in CPU[label]) the CPU of that run: this
    process plus the database backend, which is what the work costs when the cores are free."""
    result = fn()  # warm-up: plans, caches
    times = []
    for _ in range(repeat):
        c0, b0, t0 = time.process_time(), backend_cpu(), time.perf_counter()
        result = fn()
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0 + backend_cpu() - b0
        if not times or wall < min(times):
            CPU[label] = cpu
        times.append(wall)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posyandu", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--month", type=int, default=11)
    parser.add_argument("--pg", default=PG)
    parser.add_argument("--keep", action="store_true", help="reuse the schema filled by an earlier run")
    args = parser.parse_args()
    from bot.media.level_files import workbook_bytes
    from storage.levels import level_recap
    from storage.models import Posyandu
    from storage.recap import month_recap

    name = f"bench_levels_{args.posyandu}"
    if args.keep:
        url = f"{args.pg}?options=-csearch_path%3D{name}"
    else:
        url = fresh_schema(args.pg, name)
    engine = make_engine(url)
    if not args.keep:
        t0 = time.perf_counter()
        counts = fill(engine, args.posyandu)
        print(f"filled in {time.perf_counter() - t0:.1f} s: {counts}", flush=True)
    middle = f"P{max(1, args.posyandu // 2)}"
    middle_desa = f"Desa {max(1, args.posyandu // 4)}"
    with Session(engine) as session:
        BACKEND.append(session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
        load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
        print(f"load average before: {' '.join(load)}", flush=True)
        kab, recap = best(lambda: level_recap(session, "kabupaten", None, 2026, args.month), args.repeat, "kab")
        unit = recap["levels"]["kabupaten"][0]  # type: ignore[index]
        print(f"kabupaten recap, month {args.month}: {kab * 1000:.0f} ms wall, {CPU['kab'] * 1000:.0f} ms CPU "
              f"(posyandu {unit['posyandu']}, "
              f"D {unit['skdn']['D']}, K1 cumulative {unit['ytd']['K1']}, IDL cumulative {unit['ytd']['idl']})",
              flush=True)
        xlsx, data = best(lambda: workbook_bytes(recap, "id"), 1)  # type: ignore[arg-type]
        print(f"kabupaten workbook: {xlsx * 1000:.0f} ms, {len(data) // 1024} KB", flush=True)  # type: ignore[arg-type]
        one, _ = best(lambda: level_recap(session, "posyandu", middle, 2026, args.month), args.repeat, "one")
        print(f"posyandu recap by level: {one * 1000:.0f} ms wall, {CPU['one'] * 1000:.0f} ms CPU", flush=True)
        desa, _ = best(lambda: level_recap(session, "desa", middle_desa, 2026, args.month), args.repeat, "desa")
        print(f"desa recap by level: {desa * 1000:.0f} ms wall, {CPU['desa'] * 1000:.0f} ms CPU", flush=True)
        place = session.query(Posyandu).filter_by(code=middle).one()
        register, _ = best(lambda: month_recap(session, place, 2026, args.month), args.repeat, "reg")
        print(f"posyandu register recap (storage.recap): {register * 1000:.0f} ms wall, "
              f"{CPU['reg'] * 1000:.0f} ms CPU", flush=True)
        load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
        print(f"load average after: {' '.join(load)}", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
