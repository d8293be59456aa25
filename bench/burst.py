"""A posyandu-morning burst on both channels, and many web workers sharing one provider account.

    .venv/bin/python bench/burst.py                     # both scenarios
    .venv/bin/python bench/burst.py --scenario burst    # 2 web workers + 1 dispatcher
    .venv/bin/python bench/burst.py --scenario workers  # 4 web workers + 2 dispatchers, 400 newcomers

gunicorn serves the real app on PostgreSQL; the real python-telegram-bot `Bot` and the real
twilio `Client` send to loopback fakes that enforce the providers' limits (Telegram 30 a
second overall and 1 a second per chat, Twilio's WhatsApp sender 10 a second) and answer
429 past them. `python -m app.worker` processes run beside gunicorn, as in production.

* burst: 60 Telegram chats write 4 messages each and 30 WhatsApp numbers 3 each within 4 s;
  then a newcomer writes /start. Reported: each channel's drain time (first post to last
  reply at the provider) against the floor its limit allows (replies / rate), and the
  newcomer's wait against the floor of the backlog in front of it.
* workers: 400 new Telegram users write /start within 2 s to 4 web workers and 2
  dispatchers: the fake's 429s (aim 0) and the drain time against the floor.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from telegram import Chat, Message, Update, User  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from bench.inbound import PG, free_port  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402
from tests.fakes.twilio_api import FakeTwilioAPI  # noqa: E402

SECRET = "bench-secret"
PUBLIC = "https://posyandu.example.org"
TG_RATE, TG_PER_CHAT, WA_RATE = 30, 1, 10
SCHEMA = "bench_burst"
SEND_FROM = "web"  # --send-from


def tg_body(update_id: int, chat_id: int, text: str) -> bytes:
    user = User(chat_id, "Sari", False)
    message = Message(update_id, datetime.now(timezone.utc), Chat(chat_id, "private"), from_user=user, text=text)
    return json.dumps(Update(update_id, message=message).to_dict()).encode()


def post(conn: http.client.HTTPConnection, path: str, body: bytes,
         headers: dict[str, str]) -> tuple[bool, http.client.HTTPConnection]:
    """POST on a keep-alive connection: answered 200? A broken connection is replaced by a new one."""
    try:
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        response.read()
        return response.status == 200, conn
    except (OSError, http.client.HTTPException):
        conn.close()
        return False, http.client.HTTPConnection(conn.host, conn.port, timeout=conn.timeout)


def in_threads(target, n: int) -> None:  # type: ignore[no-untyped-def]
    """Run `target` in `n` threads and wait for them all."""
    threads = [threading.Thread(target=target) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class Poster:
    """Posts (at, path, body, headers) items at their offsets from `start`, from a few keep-alive clients."""

    def __init__(self, port: int, items: list[tuple[float, str, bytes, dict[str, str], object]], clients: int = 16):
        self.port, self.items, self.clients = port, sorted(items, key=lambda i: i[0]), clients
        self.posted: dict[object, float] = {}
        self.errors = 0
        self._lock = threading.Lock()

    def run(self, start: float) -> None:
        queue = list(reversed(self.items))

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            while True:
                with self._lock:
                    if not queue:
                        break
                    at, path, body, headers, tag = queue.pop()
                delay = start + at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                t0 = time.monotonic()
                ok, conn = post(conn, path, body, headers)
                with self._lock:
                    self.posted.setdefault(tag, t0)
                    self.errors += 0 if ok else 1
            conn.close()

        in_threads(client, self.clients)


def floor_given(posts: list[float], rate: float) -> float:
    """When the last reply could leave at best if each post's reply may go once posted, `rate` a second:
    the floor when the web workers (not the send path) are what holds the load back."""
    t = 0.0
    for p in sorted(posts):
        t = max(t, p) + 1.0 / rate
    return t


def fresh_database() -> str:
    from storage.migrate import upgrade

    engine = sa.create_engine(PG)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
    engine.dispose()
    url = f"{PG}?options=-csearch_path%3D{SCHEMA}"
    upgrade(url)
    return url


def outbox_count(url: str, channel: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM outbox_message WHERE channel = :c"), {"c": channel}).scalar()
    engine.dispose()
    return int(n or 0)


def out_of_order(url: str) -> int:
    """Chats whose messages reached the provider in another order than they were written (the fakes
    number each chat's messages as they accept them; the outbox keeps the order they were written in)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT channel, address, provider_message_id FROM outbox_message "
                                    "WHERE status = 'sent' ORDER BY id")).all()
    engine.dispose()
    seen: dict[tuple[str, str], list[str]] = {}
    for channel, address, provider_id in rows:
        seen.setdefault((channel, address), []).append(provider_id or "")
    def rank(pid: str) -> object:
        return int(pid) if pid.isdigit() else pid
    return sum(1 for (channel, _a), ids in seen.items()
               if channel == "telegram" and [rank(i) for i in ids] != sorted(rank(i) for i in ids))


def start_processes(env: dict[str, str], port: int, web_workers: int, dispatchers: int) -> list[subprocess.Popen]:
    full = {**os.environ, **env}
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(web_workers), "--threads", "8",
           "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
           "--backlog", "2048", "app.wsgi:create_app()"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=full)]
    procs += [subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=ROOT, env=full)
              for _ in range(dispatchers)]
    import socket

    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            time.sleep(1.5)
            return procs
        except OSError:
            time.sleep(0.2)
    stop(procs)
    raise RuntimeError("gunicorn did not start")


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def warm_up(port: int, tg: FakeTelegramAPI, workers: int) -> None:
    """One /start per worker thread so every process has its Bot initialised before the clock starts."""
    items = [(0.0, "/webhooks/telegram", tg_body(900_000 + i, 990_000_000 + i, "/start"),
              {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}, i)
             for i in range(workers * 8)]
    Poster(port, items, clients=8).run(time.monotonic())
    time.sleep(3.0)


def wait_drained(tg: FakeTelegramAPI, tw: FakeTwilioAPI | None, url: str, tg_base: int, tw_base: int,
                 timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        want_tg, want_wa = outbox_count(url, "telegram"), outbox_count(url, "whatsapp")
        if len(tg.sent_messages()) - tg_base >= want_tg and (tw is None or len(tw.messages()) - tw_base >= want_wa):
            return
        time.sleep(0.5)
    print("  (timed out waiting for the drain)")


def env_for(url: str, tg: FakeTelegramAPI, tw: FakeTwilioAPI) -> dict[str, str]:
    return {"DATABASE_URL": url, "TELEGRAM_TOKEN": "123456:BENCH", "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_URL": tg.base_url, "LOG_LEVEL": "WARNING", "PUBLIC_URL": PUBLIC,
            "TWILIO_ACCOUNT_SID": tw.account_sid, "TWILIO_AUTH_TOKEN": tw.auth_token,
            "TWILIO_WHATSAPP_FROM": "+14155238886", "TWILIO_API_URL": tw.base_url,
            "TELEGRAM_MESSAGES_PER_SECOND": str(TG_RATE), "TELEGRAM_PER_CHAT_PER_SECOND": str(TG_PER_CHAT),
            "TWILIO_MESSAGES_PER_SECOND": str(WA_RATE), "DISPATCH_INTERVAL_SECONDS": "1", "SEND_FROM": SEND_FROM}


def burst(args: argparse.Namespace) -> dict[str, str]:
    url = fresh_database()
    with FakeTelegramAPI(global_per_second=TG_RATE, per_chat_per_second=TG_PER_CHAT) as tg, \
            FakeTwilioAPI(per_second=WA_RATE) as tw:
        port = free_port()
        procs = start_processes(env_for(url, tg, tw), port, args.web_workers, args.dispatchers)
        try:
            warm_up(port, tg, args.web_workers)
            wait_drained(tg, None, url, 0, 0)
            tg_base, tw_base, calls_base = len(tg.sent_messages()), len(tw.messages()), len(tg.calls("sendMessage"))
            tw_calls_base = len(tw.requests())
            texts = ["/start", "bantuan", "menu", "bantuan"]
            validator = RequestValidator(tw.auth_token)
            items = []
            uid = 1
            for k, text in enumerate(texts):  # 60 chats x 4 within 4 s, each chat one a second
                for c in range(60):
                    chat = 100_000 + c
                    items.append((k * 1.0 + c * (0.9 / 60), "/webhooks/telegram", tg_body(uid, chat, text),
                                  {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
                                  ("tg", chat, k)))
                    uid += 1
            for k, text in enumerate(["halo", "bantuan", "menu"]):  # 30 numbers x 3 within 4 s
                for n in range(30):
                    number = f"+628120000{n:04d}"
                    form = {"MessageSid": f"SM{uid:032x}", "From": f"whatsapp:{number}", "To": "whatsapp:+14155238886",
                            "Body": text, "NumMedia": "0", "ProfileName": "Ani"}
                    uid += 1
                    sig = validator.compute_signature(PUBLIC + "/webhooks/whatsapp", form)
                    items.append((k * 1.3 + n * (1.2 / 30), "/webhooks/whatsapp",
                                  urllib.parse.urlencode(form).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sig},
                                  ("wa", number, k)))
            newcomer = 777_000_001
            items.append((4.0, "/webhooks/telegram", tg_body(uid, newcomer, "/start"),
                          {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
                          ("new", newcomer, 0)))
            poster = Poster(port, items)
            start = time.monotonic()
            poster.run(start)
            wait_drained(tg, tw, url, 0, 0)
            tg_times = sorted(t for t in tg.send_times() if t >= start)
            wa_times = sorted(t for t in tw.send_times() if t >= start)
            tg_n, wa_n = len(tg_times), len(wa_times)
            tg_drain, wa_drain = tg_times[-1] - start, wa_times[-1] - start
            tg_floor, wa_floor = tg_n / TG_RATE, wa_n / WA_RATE
            posted_new = poster.posted[("new", newcomer, 0)]
            new_first = min(tg.send_times(newcomer))
            backlog = sum(1 for t in tg_times if t > posted_new) - len(tg.send_times(newcomer))
            new_floor = max(0, backlog) / TG_RATE
            tg_429 = len(tg.calls("sendMessage")) - calls_base - (len(tg.sent_messages()) - tg_base)
            wa_429 = len(tw.requests()) - tw_calls_base - (len(tw.messages()) - tw_base)
            chats = {m["chat_id"] for m in tg.sent_messages()}
            per_chat = max(tg.max_rate(chat_id=c) for c in chats)
            print(f"burst: {out_of_order(url)} Telegram chats got their messages out of order")
            print(f"burst: {poster.errors} failed posts; telegram {tg_n} replies (most {tg.max_rate()} in a second, "
                  f"{per_chat} to one chat), whatsapp {wa_n} (most {tw.max_rate()} in a second)")
            tg_given = floor_given([t - start for k, t in poster.posted.items() if k[0] != "wa"], TG_RATE)
            wa_given = floor_given([t - start for k, t in poster.posted.items() if k[0] == "wa"], WA_RATE)
            return {
                "telegram drain": f"{tg_drain:.1f} s (floor {tg_floor:.1f} s, {tg_drain / tg_floor:.2f}x; "
                                  f"given the posts {tg_given:.1f} s), {tg_429} refused",
                "whatsapp drain": f"{wa_drain:.1f} s (floor {wa_floor:.1f} s, {wa_drain / wa_floor:.2f}x; "
                                  f"given the posts {wa_given:.1f} s), {wa_429} refused",
                "newcomer wait": f"{new_first - posted_new:.1f} s (backlog floor {new_floor:.1f} s; "
                                 f"aim {1.5 * new_floor + 1:.1f} s)",
            }
        finally:
            stop(procs)


def workers(args: argparse.Namespace) -> dict[str, str]:
    url = fresh_database()
    with FakeTelegramAPI(global_per_second=TG_RATE, per_chat_per_second=TG_PER_CHAT) as tg, \
            FakeTwilioAPI(per_second=WA_RATE) as tw:
        port = free_port()
        procs = start_processes(env_for(url, tg, tw), port, 4, 2)
        try:
            warm_up(port, tg, 4)
            wait_drained(tg, None, url, 0, 0)
            tg_base, calls_base = len(tg.sent_messages()), len(tg.calls("sendMessage"))
            items = [(i * (2.0 / args.newcomers), "/webhooks/telegram", tg_body(i + 1, 200_000 + i, "/start"),
                      {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}, i)
                     for i in range(args.newcomers)]
            poster = Poster(port, items)
            start = time.monotonic()
            poster.run(start)
            wait_drained(tg, None, url, 0, 0)
            times = sorted(t for t in tg.send_times() if t >= start)
            refused = len(tg.calls("sendMessage")) - calls_base - (len(tg.sent_messages()) - tg_base)
            floor = len(times) / TG_RATE
            drain = times[-1] - start
            posted = max(poster.posted.values()) - start
            timeline = [sum(1 for t in times if k <= t - start < k + 1) for k in range(int(drain) + 1)]
            print(f"workers: {poster.errors} failed posts (all posted by {posted:.1f} s); {len(times)} replies; "
                  f"max {tg.max_rate()} in a second; sends per second: {timeline}")
            return {"429s from the fake": str(refused),
                    "telegram drain": f"{drain:.1f} s (floor {floor:.1f} s, {drain / floor:.2f}x; given the posts "
                                      f"{floor_given([t - start for t in poster.posted.values()], TG_RATE):.1f} s)",
                    "most sends in one second": str(tg.max_rate())}
        finally:
            stop(procs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=["burst", "workers", "both"], default="both")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--dispatchers", type=int, default=1)
    parser.add_argument("--newcomers", type=int, default=400)
    parser.add_argument("--send-from", choices=["web", "dispatcher"], default="web",
                        help="SEND_FROM: the web process sends its replies, or only wakes the dispatchers")
    parsed = parser.parse_args()
    SEND_FROM = parsed.send_from
    LOAD = " ".join(f"{x:.1f}" for x in os.getloadavg())
    results = {}
    if parsed.scenario in ("burst", "both"):
        results.update({f"burst, {k}": v for k, v in burst(parsed).items()})
    if parsed.scenario in ("workers", "both"):
        results.update({f"4 web + 2 dispatchers, {k}": v for k, v in workers(parsed).items()})
    print(f"\nSEND_FROM={SEND_FROM}; load average before the run: {LOAD}")
    print("\n| measure | result |\n|---|---|")
    for k, v in results.items():
        print(f"| {k} | {v} |")
