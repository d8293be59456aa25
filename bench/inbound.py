"""Messages per second through the Telegram webhook, against a bare Flask endpoint, and reply latency.

    .venv/bin/python bench/inbound.py [--messages 2000] [--concurrency 16] [--backends sqlite,postgres]
                                      [--rate 25] [--limits | --defaults] [--known] [--send-from web|dispatcher]

For each backend it starts gunicorn (gthread, one worker per core) serving the
real app and one `app.worker` beside it, as the Procfile does, with the
real python-telegram-bot `Bot` pointed at a loopback fake Bot API, posts
`/start` updates from distinct users (built with PTB's own classes), and measures: requests per second, webhook p50/p99 latency, and the
time from sending the update to the reply reaching the fake Bot API. The same
run measures a bare Flask endpoint and, on each backend, the durable floor
(parse, one INSERT, commit) under the same gunicorn settings.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Chat, Message, Update, User  # noqa: E402

from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402

SECRET = "bench-secret"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def update_body(update_id: int, chat_id: int, text: str = "/start") -> bytes:
    user = User(chat_id, "Sari", False)
    message = Message(update_id, datetime.now(timezone.utc), Chat(chat_id, "private"), from_user=user, text=text)
    return json.dumps(Update(update_id, message=message).to_dict()).encode()


def start_gunicorn(app_spec: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--threads", "8",
           "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
           "--backlog", "2048", app_spec]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env})
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            time.sleep(1.0)  # let every worker boot
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def load(port: int, bodies: list[tuple[int, bytes]], concurrency: int,
         rate: float | None = None) -> tuple[float, list[float], dict[int, float]]:
    """Post every body with `concurrency` keep-alive clients (at most `rate` a second when given);
    returns (elapsed, latencies, start time per chat)."""
    latencies: list[float] = []
    started: dict[int, float] = {}
    lock = threading.Lock()
    queue = list(reversed(bodies))
    errors = 0
    interval = 1.0 / rate if rate else 0.0
    next_slot = [time.monotonic()]

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                chat_id, body = queue.pop()
                slot = next_slot[0]
                next_slot[0] = max(slot, time.monotonic()) + interval if interval else slot
            if interval:
                delay = slot - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            t0 = time.monotonic()
            with lock:
                started[chat_id] = t0
            try:
                conn.request("POST", "/webhooks/telegram", body, {
                    "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            t1 = time.monotonic()
            with lock:
                latencies.append(t1 - t0)
                errors += 0 if ok else 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    begin = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  ({errors} requests failed)")
    return time.monotonic() - begin, latencies, started


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def database_for(backend: str, tmp: Path) -> str:
    from storage.migrate import upgrade

    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        import sqlalchemy as sa

        engine = sa.create_engine(PG)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS bench_inbound CASCADE; CREATE SCHEMA bench_inbound")
        engine.dispose()
        url = f"{PG}?options=-csearch_path%3Dbench_inbound"
    upgrade(url)
    import sqlalchemy as sa

    from bench.bare_app import FLOOR_TABLE

    engine = sa.create_engine(url)
    with engine.begin() as conn:  # the durable floor's table, before its gunicorn workers boot
        conn.exec_driver_sql(FLOOR_TABLE)
    engine.dispose()
    return url


def run(args: argparse.Namespace) -> None:
    workers = os.cpu_count() or 2
    offered = f", offered at {args.rate:g}/s" if args.rate else ", as fast as possible"
    print(f"{args.messages} messages, {args.concurrency} clients{offered}, gunicorn gthread x{workers} workers x8 threads")
    rows = []
    limits = {"global_per_second": 30, "per_chat_per_second": 1} if args.limits or args.defaults else {}
    with tempfile.TemporaryDirectory() as tmp, FakeTelegramAPI(**limits) as tg:
        port = free_port()
        proc = start_gunicorn("bench.bare_app:create_app()", port, {}, workers)  # the yardstick, every run
        try:
            bodies = [(10_000_000 + i, update_body(i + 1, 10_000_000 + i)) for i in range(args.messages)]
            load(port, bodies[:200], args.concurrency)  # warm up
            elapsed, lat, _ = load(port, bodies, args.concurrency)
            bare_rate = len(bodies) / elapsed
            rows.append(("bare Flask", bare_rate, pct(lat, 50), pct(lat, 99), None, None, None))
        finally:
            proc.terminate()
            proc.wait()
        for n, backend in enumerate(args.backends.split(",")):
            url = database_for(backend, Path(tmp))
            # the durable floor on the same database: parse, one INSERT, commit (`bench/bare_app.py`)
            port = free_port()
            proc = start_gunicorn("bench.bare_app:create_durable_app()", port, {"DATABASE_URL": url}, workers)
            try:
                bodies = [(60_000_000 + i, update_body(60_000_000 + i, 60_000_000 + i)) for i in range(args.messages + 200)]
                load(port, bodies[:200], args.concurrency)  # warm up
                elapsed, lat, _ = load(port, bodies[200:], args.concurrency)
                floor = args.messages / elapsed
                rows.append((f"durable floor, {backend}", floor, pct(lat, 50), pct(lat, 99), None, None, None))
            finally:
                proc.terminate()
                proc.wait()
            port = free_port()
            env = {"DATABASE_URL": url, "TELEGRAM_TOKEN": "123456:BENCH", "TELEGRAM_WEBHOOK_SECRET": SECRET,
                   "TELEGRAM_API_URL": tg.base_url, "LOG_LEVEL": "WARNING"}
            if not args.defaults:
                env["TELEGRAM_MESSAGES_PER_SECOND"] = "30" if args.limits else "0"
                env["TELEGRAM_PER_CHAT_PER_SECOND"] = "1" if args.limits else "0"
            if args.send_from:
                env["SEND_FROM"] = args.send_from
            if args.send_now is not None:
                env["SEND_NOW"] = args.send_now
            proc = start_gunicorn("app.wsgi:create_app()", port, env, workers)
            # production runs a worker beside the web (Procfile): it sends what the web process gave back
            dispatcher = subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=ROOT, env={**os.environ, **env})
            try:
                offset = 1_000_000 * (n + 1)
                warm = [(20_000_000 + offset + i, update_body(offset + 900_000 + i, 20_000_000 + offset + i)) for i in range(100)]
                base = len(tg.sent_messages())
                load(port, warm, args.concurrency)
                tg.wait_for(base + len(warm), timeout=60)
                chats = [40_000_000 + offset + i for i in range(args.messages)]
                if args.known:  # every person has written before: a known contact and conversation state
                    base = len(tg.sent_messages())
                    load(port, [(c, update_body(offset + 500_000 + i, c)) for i, c in enumerate(chats)], args.concurrency)
                    tg.wait_for(base + len(chats), timeout=300)
                    time.sleep(1.1)  # each chat's gap after its first reply
                base = len(tg.sent_messages())
                bodies = [(c, update_body(offset + i, c, args.text)) for i, c in enumerate(chats)]
                elapsed, lat, started = load(port, bodies, args.concurrency, args.rate)
                rate = len(bodies) / elapsed
                tg.wait_for(base + len(bodies), timeout=300)
                drained = time.monotonic() - min(started.values())
                reply = []
                for chat_id, t0 in started.items():
                    times = tg.send_times(chat_id)
                    if times:
                        reply.append(times[-1] - t0)
                rows.append((f"webhook, {backend}", rate, pct(lat, 50), pct(lat, 99), pct(reply, 50), pct(reply, 99),
                             len(bodies) / drained))
                print(f"  {backend}: intake {rate:.0f}/s = {rate / floor:.2f} of the durable floor ({floor:.0f}/s); "
                      f"replies drained at {len(bodies) / drained:.1f}/s", flush=True)
            finally:
                proc.terminate()
                proc.wait()
                dispatcher.terminate()
                dispatcher.wait()
    bare = rows[0][1]
    print("\n| endpoint | msgs/s | share of bare | webhook p50 ms | webhook p99 ms | reply p50 ms | reply p99 ms | replies/s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, rate, p50, p99, r50, r99, out in rows:
        share = f"{rate / bare:.0%}"
        r50s = f"{r50:.0f}" if r50 is not None else "–"
        r99s = f"{r99:.0f}" if r99 is not None else "–"
        outs = f"{out:.1f}" if out is not None else "–"
        print(f"| {name} | {rate:.0f} | {share} | {p50:.1f} | {p99:.1f} | {r50s} | {r99s} | {outs} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--rate", type=float, help="offer at most this many messages a second (latency below saturation)")
    parser.add_argument("--send-from", choices=["web", "dispatcher"], default=None,
                        help="SEND_FROM (default: the app's): the web process sends, or it wakes an `app.worker`")
    parser.add_argument("--send-now", choices=["True", "False"], default=None, help="SEND_NOW (default: the app's)")
    parser.add_argument("--known", action="store_true",
                        help="every person writes once first (untimed): the timed messages come from known people")
    parser.add_argument("--text", default="/start", help="what each timed message says")
    parser.add_argument("--defaults", action="store_true",
                        help="the app's default rates (30/s, 1/s per chat) against a fake that enforces them")
    parser.add_argument("--limits", action="store_true",
                        help="the fake enforces Telegram's 30/s and 1/s per chat and the bot paces for them "
                             "(through the shared budget); default: no limits, the raw reply path")
    run(parser.parse_args())
