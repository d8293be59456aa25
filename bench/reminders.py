"""Benchmark: plan a day's reminders for 100,000 and 1,000,000 members on PostgreSQL, and dispatch
10,000 messages through the real PTB `Bot` against a loopback Telegram that enforces 30 a second.

    .venv/bin/python bench/reminders.py [--members 100000,1000000] [--messages 10000] [--rate 30]
                                        [--skip-plan] [--skip-dispatch] [--pg postgresql+psycopg://...]

Planning: each size gets a fresh schema filled server-side (generate_series):
one WIB posyandu per 300 members, four members per household, one chat per
household, ages spread over 0-80 years, about 0.7 % of members pregnant (5 % of women 18-40), a posyandu
day per posyandu per month, a third of the babies with HB0 recorded. It then
times the day's run of the WIB job twice: "cold" (the first run ever: every
reminder whose window is open is planned, e.g. a quarter of the adults'
yearly PTM screening) and "steady" (the next day: only what became due).

Dispatch: 10,000 broadcast rows to 10,000 chats, sent by one dispatcher with
its fair queue and budget (TELEGRAM_MESSAGES_PER_SECOND = --rate) through
`TelegramSender`; the fake answers 429 + retry_after past --rate per sliding
second. Reports the achieved rate as a share of the limit.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bot.config import Settings  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DAY = date(2026, 11, 23)
WIB = "Asia/Jakarta"


def fresh_schema(base: str, name: str) -> str:
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    admin.dispose()
    url = f"{base}?options=-csearch_path%3D{name}"
    upgrade(url)
    return url


def fill(engine: sa.engine.Engine, members: int) -> dict[str, int]:
    """Synthetic district, generated inside PostgreSQL (seconds, not minutes)."""
    posyandu = max(1, members // 300)
    households = members // 4
    now = "'2026-11-20 00:00:00+00'::timestamptz"
    steps = [
        "SELECT setseed(0.42)",
        "INSERT INTO region (id, level, name, parent_id, timezone) VALUES (1, 'provinsi', 'Jawa Tengah', NULL, "
        "'Asia/Jakarta')",
        f"INSERT INTO region (id, level, name, parent_id, timezone) SELECT 1 + i, 'desa', 'Desa ' || i, 1, "
        f"'Asia/Jakarta' FROM generate_series(1, {posyandu}) i",
        f"INSERT INTO posyandu (id, code, name, desa_id, timezone, address) SELECT i, 'P' || i, 'Posyandu ' || i, "
        f"1 + i, 'Asia/Jakarta', 'Balai RW ' || i FROM generate_series(1, {posyandu}) i",
        f"INSERT INTO household (id, posyandu_id, opted_in, created_at) SELECT i, 1 + (i % {posyandu}), true, {now} "
        f"FROM generate_series(1, {households}) i",
        f"INSERT INTO contact (channel, address, role, language, posyandu_id, household_id, opted_in, consent_at, "
        f"created_at) SELECT 'telegram', (100000000 + i)::text, 'resident', CASE WHEN i % 10 = 0 THEN 'en' ELSE 'id' "
        f"END, 1 + (i % {posyandu}), i, true, {now}, {now} FROM generate_series(1, {households}) i",
        f"INSERT INTO member (posyandu_id, household_id, name, name_key, sex, birth_date, created_at) "
        f"SELECT 1 + (h % {posyandu}), h, 'Warga ' || i, 'warga ' || i, CASE WHEN random() < 0.5 THEN 'L' ELSE 'P' END, "
        f"DATE '{DAY}' - (random() * 80 * 365.25)::int, {now} "
        f"FROM (SELECT i, 1 + ((i - 1) % {households}) AS h FROM generate_series(1, {members}) i) s",
        f"INSERT INTO pregnancy (member_id, hpht, created_at) SELECT id, DATE '{DAY}' - (random() * 280)::int, {now} "
        f"FROM member WHERE sex = 'P' AND birth_date BETWEEN DATE '{DAY}' - 40 * 365 AND DATE '{DAY}' - 18 * 365 "
        f"AND random() < 0.05",
        f"INSERT INTO posyandu_session (posyandu_id, starts_at, place, groups, status, revision, created_at, updated_at) "
        f"SELECT p, ((DATE '{DAY}' - 10 + (p % 28) + m * 28)::timestamp + time '01:00') AT TIME ZONE 'UTC', "
        f"'Balai RW', '[]'::json, 'scheduled', 1, {now}, {now} FROM generate_series(1, {posyandu}) p, "
        f"generate_series(0, 1) m",
        f"INSERT INTO service_given (member_id, code, given_on) SELECT id, 'HB0', birth_date FROM member "
        f"WHERE birth_date > DATE '{DAY}' - 60 AND random() < 0.33",
        "ANALYZE",
    ]
    with engine.begin() as conn:
        for sql in steps:
            conn.execute(sa.text(sql))
        counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("posyandu", "household", "contact", "member", "pregnancy", "posyandu_session")}
    return counts


def bench_plan(base: str, sizes: list[int]) -> list[dict[str, object]]:
    from scheduler.planner import plan_zone

    results = []
    for size in sizes:
        url = fresh_schema(base, f"bench_plan_{size}")
        engine = make_engine(url)
        t0 = time.perf_counter()
        counts = fill(engine, size)
        filled = time.perf_counter() - t0
        factory = make_session_factory(engine)
        settings = Settings(database_url=url)
        row: dict[str, object] = {"members": counts["member"], "fill_s": round(filled, 1)}
        for label, day in (("cold", DAY), ("steady", DAY + timedelta(days=1))):
            now = datetime.combine(day, dtime(7), timezone.utc) - timedelta(hours=7)
            stats = plan_zone(factory, settings, WIB, day, now)
            row[label] = {"seconds": round(stats.seconds, 2), "find_due_s": round(stats.timings.get("find_due", 0), 2),
                          "write_s": round(stats.timings.get("write", 0), 2), "due": stats.due,
                          "messages": stats.messages, "session_notices": stats.session_notices}
            print(f"{size:>9,} members, {label:6}: {stats.line()}  timings {stats.timings}", flush=True)
        results.append(row)
        engine.dispose()
    if len(results) == 2:
        for label in ("cold", "steady"):
            a, b = results[0][label]["seconds"], results[1][label]["seconds"]  # type: ignore[index]
            print(f"{label}: x{results[1]['members'] / results[0]['members']:.0f} members -> x{b / a:.1f} time")
    return results


def bench_dispatch(base: str, messages: int, rate: int) -> dict[str, float]:
    import os

    from bot.messages import Channel
    from bot.ports import SystemClock
    from sending.dispatch import Dispatcher
    from tests.fakes.telegram_api import FakeTelegramAPI
    from sending.telegram_client import BotRunner, TelegramSender

    os.environ.setdefault("PTB_TIMEDELTA", "1")
    url = fresh_schema(base, "bench_dispatch")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(
            f"INSERT INTO contact (id, channel, address, role, language, opted_in, created_at) SELECT i, 'telegram', "
            f"(200000000 + i)::text, 'resident', 'id', true, now() FROM generate_series(1, {messages}) i"))
        conn.execute(sa.text(
            f"INSERT INTO outbox_message (channel, address, contact_id, kind, priority, text, choices, template_key, "
            f"template_vars, status, attempts, next_attempt_at, dedupe_key, created_at) SELECT 'telegram', "
            f"(200000000 + i)::text, i, 'broadcast', 10, 'Jadwal Posyandu Mawar 7: Kamis, 3 Desember 2026 pukul 08.00 "
            f"WIB, Balai RW 07', '[]', 'broadcast', '{{}}', 'pending', 0, now() - interval '1 minute', 'b:' || i, now() "
            f"FROM generate_series(1, {messages}) i"))
    settings = Settings(database_url=url, telegram_messages_per_second=rate, telegram_per_chat_per_second=1)
    factory = make_session_factory(engine)
    with FakeTelegramAPI(global_per_second=rate, per_chat_per_second=1) as tg:
        runner = BotRunner("123456:BENCH-token", tg.base_url)
        dispatcher = Dispatcher(factory, {Channel.TELEGRAM: TelegramSender(runner)}, SystemClock(), settings)
        started = time.monotonic()
        last_report = started
        while True:  # as sending.worker does: keep the fair queue fed, never wait for a whole batch
            room = 100 - dispatcher.queued()
            claimed = dispatcher.start_batch(limit=room)[0].claimed if room > 50 else 0
            sent = len(tg.sent_messages())
            if time.monotonic() - last_report > 30:
                last_report = time.monotonic()
                print(f"  ... {sent} sent, {sent / (last_report - started):.2f}/s", flush=True)
            if sent >= messages or (claimed == 0 and not dispatcher.queued() and not _pending(engine)):
                break
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        dispatcher.close()
        runner.close()
        calls = len(tg.calls("sendMessage"))
        sent = len(tg.sent_messages())
        result = {"messages": sent, "seconds": round(elapsed, 1), "rate": round(sent / elapsed, 2),
                  "share_of_limit": round(sent / elapsed / rate, 3), "max_in_any_second": tg.max_rate(),
                  "refused_429": calls - sent, "unique_chats": len({m["chat_id"] for m in tg.sent_messages()})}
    print(f"dispatch: {result}", flush=True)
    engine.dispose()
    return result


def _pending(engine: sa.engine.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'sending')")).scalar_one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", default="100000,1000000")
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--rate", type=int, default=30)
    parser.add_argument("--pg", default=PG)
    parser.add_argument("--skip-plan", action="store_true")
    parser.add_argument("--skip-dispatch", action="store_true")
    args = parser.parse_args()
    if not args.skip_plan:
        bench_plan(args.pg, [int(x) for x in args.members.split(",") if x])
    if not args.skip_dispatch:
        bench_dispatch(args.pg, args.messages, args.rate)


if __name__ == "__main__":
    main()
