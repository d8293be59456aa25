"""Benchmark: the web page's server time for a kabupaten's data on PostgreSQL, per page and role.

    .venv/bin/python bench/web.py [--posyandu 500] [--requests 20] [--pg postgresql+psycopg://...] [--keep]

Builds a kabupaten in a schema of its own (`bench_web`, dropped at the end unless --keep), filled
server-side with generate_series (seconds, not minutes):

* 1 provinsi, 1 kabupaten, 20 kecamatan each with one puskesmas, 50 desa, P posyandu (default 500,
  10 per desa, 25 per puskesmas);
* per posyandu 120 households (one Telegram or WhatsApp chat each, a tenth without a phone), 100 balita
  (0-59 months), 6 pregnant women, 240 other adults (ilp-domain.md: a posyandu serves about 100 balita);
  5 kaders per posyandu, a bidan per desa, a puskesmas staff member per puskesmas, one kabupaten admin;
* a year of monthly visits: each balita weighed every month (12 x 100 x P = 600,000 for 500 posyandu),
  each pregnant woman every month she was pregnant, statuses and flags stored as the chat stores them;
  4 open referrals per posyandu (two growth, one pregnancy, one blood pressure), immunisation services,
  a SATUSEHAT sync row per visit of the last month (some refused, some waiting for a NIK), this month's
  reminders in the outbox with delivery statuses, two posyandu days per posyandu.

Then, signed in through the real one-time link as each role, it requests every page N times through
Flask's test client (in process: server time, no network) and prints p50/p95 milliseconds, the p50 of the
request thread's own CPU time and of its wait for PostgreSQL (the wall time of a shared machine is mostly
waiting for a core), and the SQL statements each request ran (counted with SQLAlchemy's
`before_cursor_execute`). With --keep the schema stays; --reuse measures it again (after a migration, run
`storage.migrate.upgrade` on it first).
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_web"
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc)  # Sunday 08:00 WIB, as the tests
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')




from bench.reminders import fresh_schema  # noqa: E402  (one schema-per-run helper for the benches)

def drop_schema(base: str, name: str) -> None:
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


def fill(engine: sa.engine.Engine, posyandu: int) -> dict[str, int]:
    """The kabupaten, generated inside PostgreSQL. Ids are computed, so every table can refer to another."""
    P = posyandu
    desa = max(1, P // 10)
    pkm = max(1, min(20, P // 25))
    now = "'2026-11-22 01:00:00+00'::timestamptz"
    today = "DATE '2026-11-22'"
    # region ids: 1 provinsi, 2 kabupaten, 10+k kecamatan, 1000+d desa
    steps = [
        "SELECT setseed(0.19)",
        "INSERT INTO region (id, level, name, parent_id, timezone) VALUES (1, 'provinsi', 'Jawa Tengah', NULL, "
        "'Asia/Jakarta'), (2, 'kabupaten', 'Kabupaten Demak', 1, 'Asia/Jakarta')",
        f"INSERT INTO region (id, level, name, parent_id, timezone) SELECT 10 + k, 'kecamatan', 'Kecamatan ' || k, 2, "
        f"'Asia/Jakarta' FROM generate_series(1, {pkm}) k",
        f"INSERT INTO puskesmas (id, name, region_id) SELECT k, 'Puskesmas ' || k, 10 + k FROM generate_series(1, {pkm}) k",
        f"INSERT INTO region (id, level, name, parent_id, timezone) SELECT 1000 + d, 'desa', 'Desa ' || d, "
        f"10 + 1 + (d - 1) % {pkm}, 'Asia/Jakarta' FROM generate_series(1, {desa}) d",
        # posyandu p: desa 1 + (p-1) % desa, puskesmas = its desa's kecamatan's
        f"INSERT INTO posyandu (id, code, name, desa_id, puskesmas_id, timezone, address) SELECT p, 'P' || lpad(p::text, 4, '0'), "
        f"'Posyandu ' || p, 1000 + 1 + (p - 1) % {desa}, 1 + ((p - 1) % {desa}) % {pkm}, 'Asia/Jakarta', 'Balai RW ' || p "
        f"FROM generate_series(1, {P}) p",
        # 120 households per posyandu: household h = (p-1)*120 + j
        f"INSERT INTO household (id, posyandu_id, name, phone, opted_in, address, created_at) "
        f"SELECT (p - 1) * 120 + j, p, 'Keluarga ' || p || '-' || j, "
        f"CASE WHEN j % 10 = 0 THEN NULL ELSE '+628' || lpad(((p - 1) * 120 + j)::text, 9, '0') END, true, "
        f"'RT ' || (j % 8 + 1) || ' RW ' || (j % 3 + 1), {now} FROM generate_series(1, {P}) p, generate_series(1, 120) j",
        # one chat per household with a phone: Telegram or WhatsApp
        f"INSERT INTO contact (channel, address, role, language, posyandu_id, household_id, opted_in, consent_at, created_at) "
        f"SELECT CASE WHEN h % 3 = 0 THEN 'telegram' ELSE 'whatsapp' END, h::text, 'resident', 'id', posyandu_id, h, true, "
        f"{now}, {now} FROM (SELECT id AS h, posyandu_id FROM household WHERE phone IS NOT NULL) s",
        # staff: 5 kaders per posyandu, a bidan per desa, a puskesmas's staff member, the kabupaten's admin
        f"INSERT INTO contact (channel, address, role, language, display_name, posyandu_id, opted_in, created_at) "
        f"SELECT 'telegram', 'kader-' || p || '-' || k, 'kader', 'id', 'Kader ' || p || '-' || k, p, true, {now} "
        f"FROM generate_series(1, {P}) p, generate_series(1, 5) k",
        f"INSERT INTO contact (channel, address, role, language, display_name, posyandu_id, desa_id, opted_in, created_at) "
        f"SELECT 'telegram', 'bidan-' || d, 'bidan', 'id', 'Bidan ' || d, d, 1000 + d, true, {now} "
        f"FROM generate_series(1, {desa}) d",
        f"INSERT INTO contact (channel, address, role, language, display_name, puskesmas_id, opted_in, created_at) "
        f"SELECT 'telegram', 'pkm-' || k, 'admin', 'id', 'Staf Puskesmas ' || k, k, true, {now} "
        f"FROM generate_series(1, {pkm}) k",
        f"INSERT INTO contact (channel, address, role, language, display_name, opted_in, created_at) "
        f"VALUES ('telegram', 'admin-kab', 'admin', 'id', 'Admin Kabupaten', true, {now})",
        # members: per posyandu 100 balita (household 1..100), 6 pregnant, 240 other adults
        f"INSERT INTO member (posyandu_id, household_id, name, name_key, sex, birth_date, nik, created_at) "
        f"SELECT p, (p - 1) * 120 + 1 + (j - 1) % 120, 'Anak ' || p || '-' || j, 'anak ' || p || '-' || j, "
        f"CASE WHEN j % 2 = 0 THEN 'L' ELSE 'P' END, {today} - (random() * 1800)::int, "
        f"CASE WHEN j % 7 = 0 THEN NULL ELSE '3321' || lpad(((p - 1) * 1000 + j)::text, 12, '0') END, {now} "
        f"FROM generate_series(1, {P}) p, generate_series(1, 100) j",
        f"INSERT INTO member (posyandu_id, household_id, name, name_key, sex, birth_date, nik, created_at) "
        f"SELECT p, (p - 1) * 120 + 1 + (j * 13) % 120, 'Ibu ' || p || '-' || j, 'ibu ' || p || '-' || j, 'P', "
        f"{today} - (20 * 365 + random() * 5000)::int, '3321' || lpad(((p - 1) * 1000 + 500 + j)::text, 12, '0'), {now} "
        f"FROM generate_series(1, {P}) p, generate_series(1, 6) j",
        f"INSERT INTO member (posyandu_id, household_id, name, name_key, sex, birth_date, created_at) "
        f"SELECT p, (p - 1) * 120 + 1 + (j - 1) % 120, 'Warga ' || p || '-' || j, 'warga ' || p || '-' || j, "
        f"CASE WHEN j % 2 = 0 THEN 'L' ELSE 'P' END, {today} - (18 * 365 + random() * 20000)::int, {now} "
        f"FROM generate_series(1, {P}) p, generate_series(1, 240) j",
        f"INSERT INTO pregnancy (member_id, hpht, reported_on, created_at) SELECT id, {today} - (30 + random() * 220)::int, "
        f"{today} - 20, {now} FROM member WHERE name LIKE 'Ibu %'",
        # the planner's statistics of the tables just filled: without them it may join members to the kaders by a
        # nested loop (a 500-posyandu build then ran for a quarter of an hour instead of seconds)
        "ANALYZE",
        # a year of monthly visits of every balita (the posyandu day: day 5 + p % 20 of each month)
        f"INSERT INTO measurement (member_id, posyandu_id, measured_on, recorded_by_id, source, life_stage, age_days, "
        f"weight_kg, height_cm, position, muac_cm, waz, haz, whz, weight_gain, statuses, flags, created_at) "
        f"SELECT m.id, m.posyandu_id, v.on_, k.id, 'chat', 'balita', v.on_ - m.birth_date, "
        f"round((3.3 + (v.on_ - m.birth_date) / 140.0 + random())::numeric, 1), "
        f"round((50 + (v.on_ - m.birth_date) / 30.0 + random() * 3)::numeric, 1), "
        f"CASE WHEN v.on_ - m.birth_date < 730 THEN 'L' ELSE 'H' END, "
        f"CASE WHEN v.on_ - m.birth_date >= 180 THEN round((13 + random() * 3)::numeric, 1) END, "
        f"round((random() * 3 - 1.8)::numeric, 2), round((random() * 3 - 2)::numeric, 2), round((random() * 3 - 1.5)::numeric, 2), "
        f"CASE WHEN random() < 0.75 THEN 'N' ELSE 'T' END, "
        f"CASE WHEN random() < 0.1 THEN '{{\"bb_u\": \"underweight\", \"pb_tb_u\": \"stunted\"}}'::json "
        f"ELSE '{{\"bb_u\": \"normal\", \"pb_tb_u\": \"normal\"}}'::json END, '[]'::json, {now} "
        f"FROM member m JOIN LATERAL (SELECT (date_trunc('month', {today}) - (i || ' month')::interval)::date "
        f"+ (4 + m.posyandu_id % 20) AS on_ FROM generate_series(0, 11) i) v ON v.on_ > m.birth_date AND v.on_ <= {today} "
        f"JOIN contact k ON k.address = 'kader-' || m.posyandu_id || '-1' WHERE m.name LIKE 'Anak %'",
        f"INSERT INTO measurement (member_id, posyandu_id, measured_on, recorded_by_id, source, life_stage, age_days, "
        f"weight_kg, muac_cm, systolic, diastolic, gestational_weeks, statuses, flags, created_at) "
        f"SELECT m.id, m.posyandu_id, v.on_, k.id, 'chat', 'bumil', v.on_ - m.birth_date, 55 + (m.id % 10), 24.5, "
        f"110 + (m.id % 30), 70 + (m.id % 15), (v.on_ - g.hpht) / 7, '{{}}'::json, '[]'::json, {now} "
        f"FROM member m JOIN pregnancy g ON g.member_id = m.id JOIN LATERAL (SELECT (date_trunc('month', {today}) - "
        f"(i || ' month')::interval)::date + (4 + m.posyandu_id % 20) AS on_ FROM generate_series(0, 11) i) v "
        f"ON v.on_ > g.hpht + 28 AND v.on_ <= {today} JOIN contact k ON k.address = 'kader-' || m.posyandu_id || '-1'",
        # the flagged visits: the latest visit of balita 1-2 and of pregnant women 1-2 of each posyandu
        "UPDATE measurement x SET statuses = '{\"bb_u\": \"severely_underweight\", \"pb_tb_u\": \"stunted\"}'::json, "
        "flags = '[\"bb_u:severely_underweight\"]'::json, referral_levels = '{\"bb_u:severely_underweight\": \"today\"}'::json "
        "FROM (SELECT DISTINCT ON (ms.member_id) ms.id FROM measurement ms JOIN member m ON m.id = ms.member_id "
        "WHERE m.name ~ '^Anak [0-9]+-[12]$' ORDER BY ms.member_id, ms.measured_on DESC) l WHERE x.id = l.id",
        "UPDATE measurement x SET systolic = 150, diastolic = 95, flags = '[\"td_bumil:hipertensi\"]'::json, "
        "referral_levels = '{\"td_bumil:hipertensi\": \"today\"}'::json "
        "FROM (SELECT DISTINCT ON (ms.member_id) ms.id FROM measurement ms JOIN member m ON m.id = ms.member_id "
        "WHERE m.name ~ '^Ibu [0-9]+-[12]$' ORDER BY ms.member_id, ms.measured_on DESC) l WHERE x.id = l.id",
        f"INSERT INTO referral (member_id, problem, measurement_id, first_measurement_id, posyandu_id, reasons, urgency, "
        f"status, created_at, updated_at, urgent_since) "
        f"SELECT ms.member_id, CASE WHEN m.name LIKE 'Anak %' THEN 'gizi_anak' ELSE 'tekanan_darah' END, ms.id, ms.id, "
        f"ms.posyandu_id, ms.flags, 'today', 'open', {now} - interval '2 days', {now}, {now} "
        f"FROM measurement ms JOIN member m ON m.id = ms.member_id WHERE ms.referral_levels IS NOT NULL",
        # immunisation: the birth doses and the first months' for every balita
        f"INSERT INTO service_given (member_id, code, given_on, posyandu_id, origin) SELECT m.id, c.code, "
        f"m.birth_date + c.days, m.posyandu_id, 'posyandu' FROM member m, (VALUES ('HB0', 0), ('BCG', 30), "
        f"('OPV1', 30), ('DPT-HB-HIB1', 60), ('OPV2', 60)) c(code, days) "
        f"WHERE m.name LIKE 'Anak %' AND m.birth_date + c.days <= {today}",
        # SATUSEHAT: every visit of this month and last queued; some sent, refused, waiting
        f"INSERT INTO satusehat_sync (measurement_id, posyandu_id, status, revision, attempts, next_attempt_at, "
        f"last_error, queued_at) SELECT ms.id, ms.posyandu_id, CASE WHEN ms.id % 20 = 0 THEN 'refused' "
        f"WHEN ms.id % 7 = 0 THEN 'waiting' WHEN ms.id % 3 = 0 THEN 'pending' ELSE 'sent' END, 1, 1, {now}, "
        f"CASE WHEN ms.id % 20 = 0 THEN 'Patient tidak ditemukan' END, {now} FROM measurement ms "
        f"WHERE ms.measured_on >= {today} - 40",
        # this month's reminders: one per chat, with delivery outcomes
        f"INSERT INTO outbox_message (channel, address, contact_id, kind, priority, text, choices, template_vars, status, "
        f"attempts, provider_status, last_error, next_attempt_at, created_at, sent_at) SELECT c.channel, c.address, c.id, 'reminder', 10, "
        f"'Pengingat', '[]'::json, '{{}}'::json, CASE WHEN c.id % 25 = 0 THEN 'failed' ELSE 'sent' END, 1, "
        f"CASE WHEN c.id % 25 = 0 THEN 'undelivered' WHEN c.id % 3 = 0 THEN 'read' ELSE 'delivered' END, "
        f"CASE WHEN c.id % 25 = 0 THEN 'twilio 63016' END, {now} - interval '3 days', {now} - interval '3 days', {now} - interval '3 days' "
        f"FROM contact c WHERE c.role = 'resident'",
        "INSERT INTO delivery_event (outbox_id, contact_id, status, error_code, at) SELECT id, contact_id, "
        "provider_status, CASE WHEN provider_status = 'undelivered' THEN '63016' END, sent_at FROM outbox_message",
        f"INSERT INTO posyandu_session (posyandu_id, starts_at, place, groups, status, revision, created_at, updated_at) "
        f"SELECT p, ((date_trunc('month', {today}) + ((4 + p % 20) || ' days')::interval + (i || ' month')::interval)::timestamp "
        f"+ time '01:00') AT TIME ZONE 'UTC', 'Balai RW', '[]'::json, 'scheduled', 1, {now}, {now} "
        f"FROM generate_series(1, {P}) p, generate_series(0, 1) i",
        "ANALYZE",
    ]
    with engine.begin() as conn:
        for sql in steps:
            conn.execute(sa.text(sql))
        for table in ("region", "household", "contact", "member", "pregnancy", "measurement", "referral",
                      "service_given", "satusehat_sync", "outbox_message", "delivery_event", "posyandu_session"):
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT coalesce(max(id), 1) FROM {table}))"))
        counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("posyandu", "household", "contact", "member", "measurement", "referral", "service_given",
                            "satusehat_sync", "outbox_message", "delivery_event")}
    return counts


class Counter:
    """SQL statements run per request, and the time spent waiting for them (PostgreSQL's share, with the round
    trips; it grows with the machine's load like everything else)."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.n = 0
        self.waited = 0.0
        self._t0 = 0.0
        sa.event.listen(engine, "before_cursor_execute", self._one)
        sa.event.listen(engine, "after_cursor_execute", self._done)

    def _one(self, *_args: object) -> None:
        self.n += 1
        self._t0 = time.perf_counter()

    def _done(self, *_args: object) -> None:
        self.waited += time.perf_counter() - self._t0


def signed_in(app, runtime, address: str):  # type: ignore[no-untyped-def]
    from storage.db import transaction
    from storage.models import Contact
    from storage.web_login import issue_link

    client = app.test_client()
    with transaction(runtime.session_factory) as s:
        who = s.scalars(sa.select(Contact).where(Contact.address == address)).one()
        token = issue_link(s, who, runtime.clock.now())
    page = client.get(f"/masuk/{token}")
    csrf = CSRF.search(page.get_data(as_text=True)).group(1)
    answer = client.post(f"/masuk/{token}", data={"csrf_token": csrf})
    assert answer.status_code == 302, answer.status_code
    return client


def targets(engine: sa.engine.Engine, role: str, address: str) -> list[tuple[str, str]]:
    """The pages this role opens, with real ids in its scope (a flagged child and its referral)."""
    with engine.connect() as conn:
        if role == "kader":
            place = conn.execute(sa.text("SELECT posyandu_id FROM contact WHERE address = :a"), {"a": address}).scalar_one()
        elif role == "bidan":
            place = conn.execute(sa.text("SELECT min(p.id) FROM posyandu p JOIN contact c ON c.desa_id = p.desa_id "
                                         "WHERE c.address = :a"), {"a": address}).scalar_one()
        elif role == "puskesmas":
            place = conn.execute(sa.text("SELECT min(p.id) FROM posyandu p JOIN contact c ON c.puskesmas_id = "
                                         "p.puskesmas_id WHERE c.address = :a"), {"a": address}).scalar_one()
        else:
            place = 1
        referral, member = conn.execute(sa.text("SELECT id, member_id FROM referral WHERE posyandu_id = :p "
                                                "ORDER BY id LIMIT 1"), {"p": place}).one()
    pages = [("/", "/"), ("/kunjungan", "/kunjungan"), ("/kader", "/kader"), ("/anak/<id>", f"/anak/{member}")]
    if role != "kader":
        pages += [("/rujukan", "/rujukan"), ("/rujukan/<id>", f"/rujukan/{referral}"), ("/rekap", "/rekap"),
                  ("/jangkauan", "/jangkauan"), ("/satusehat", "/satusehat"), ("/rekap/wilayah", "/rekap/wilayah")]
    return pages


ROLES = (("admin", "admin-kab"), ("puskesmas", "pkm-1"), ("bidan", "bidan-1"), ("kader", "kader-1-2"))


def measure(url: str, requests: int, only: set[str] | None = None) -> list[dict[str, object]]:
    from bot.config import Settings
    from bot.ports import FixedClock
    from app.runtime import build_runtime
    from storage.db import make_engine
    from app.wsgi import create_app

    engine = make_engine(url)
    counter = Counter(engine)
    settings = Settings(database_url=url, telegram_webhook_secret="bench", twilio_auth_token="bench",
                        twilio_account_sid="AC" + "0" * 32, send_now=False)
    runtime = build_runtime(settings, clock=FixedClock(NOW), senders={}, engine=engine)
    app = create_app(runtime=runtime)
    with engine.begin() as conn:  # a --reuse run: the earlier runs' links, at the same fixed clock, would count
        conn.execute(sa.text("DELETE FROM web_login_link"))  # against the five-an-hour limit of a contact
    rows = []
    for role, address in ROLES:
        client = signed_in(app, runtime, address)
        for name, path in targets(engine, role, address):
            if only and name not in only:
                continue
            times, statements, cpu, sql = [], [], [], []
            for i in range(requests + 1):
                counter.n, counter.waited = 0, 0.0
                t0, c0 = time.perf_counter(), time.thread_time()
                answer = client.get(path)
                elapsed = (time.perf_counter() - t0) * 1000
                assert answer.status_code == 200, (path, role, answer.status_code)
                if i:  # the first request warms the caches (templates, the interpreter's tables)
                    times.append(elapsed)
                    statements.append(counter.n)
                    # the page's own CPU (Python, Jinja, the driver): what the load of a shared machine
                    # changes least; and the time waiting for PostgreSQL
                    cpu.append((time.thread_time() - c0) * 1000)
                    sql.append(counter.waited * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
            row = {"page": name, "role": role, "p50": statistics.median(times), "p95": p95,
                   "cpu": statistics.median(cpu), "sql": statistics.median(sql),
                   "statements": max(statements), "bytes": len(answer.get_data())}
            rows.append(row)
            print(f"{name:14} {role:10} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  "
                  f"cpu p50 {row['cpu']:6.1f} ms  sql p50 {row['sql']:6.1f} ms  "
                  f"{row['statements']:4} statements  {row['bytes'] // 1024} KiB", flush=True)
    runtime.dispatcher.close()
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posyandu", type=int, default=500)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--pg", default=PG)
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the schema (and reuse it with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure the schema a --keep run left")
    args = parser.parse_args()
    if args.reuse:
        url = f"{args.pg}?options=-csearch_path%3D{SCHEMA}"
    else:
        url = fresh_schema(args.pg, SCHEMA)
        from storage.db import make_engine

        engine = make_engine(url)
        t0 = time.perf_counter()
        counts = fill(engine, args.posyandu)
        engine.dispose()
        print(f"filled in {time.perf_counter() - t0:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
              flush=True)
    try:
        measure(url, args.requests, set(filter(None, args.pages.split(","))) or None)
    finally:
        if not args.keep:
            drop_schema(args.pg, SCHEMA)


if __name__ == "__main__":
    main()
