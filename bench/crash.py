"""Nothing lost, nothing twice: people write while web workers and dispatchers are killed with kill -9.

    .venv/bin/python bench/crash.py [--telegram-chats 90] [--whatsapp-numbers 30] [--kill-every 1.5]
                                    [--send-from web|dispatcher] [--web-workers 2] [--dispatchers 1]

gunicorn serves the real app on PostgreSQL with `python -m app.worker` beside it, as in
production; the real PTB `Bot` and twilio `Client` send to the loopback fakes, which enforce the
providers' limits. Each chat writes `/start`, `bantuan`, `menu` (the next only once the previous
was answered 200, the way Telegram delivers a chat's updates); a post that fails (its worker was
killed) is posted again, the same update, the way both providers retry a webhook. Meanwhile,
every `--kill-every` seconds, a random web worker or dispatcher gets SIGKILL (gunicorn starts a new
worker; a killed dispatcher is started again, as a process supervisor would).

Then it waits until every outbox row is sent (a killed process's claims come back when their lease
lapses) and compares, chat by chat, what the fakes accepted with what a control chat that nobody
disturbed received for the same messages: fewer is a lost reply, more is a duplicate. Also
reported: rows not sent, the fakes' 429s and the most sends in any second.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from bench import burst  # noqa: E402
from bench.burst import PUBLIC, SECRET, TG_PER_CHAT, TG_RATE, WA_RATE, env_for, in_threads, post, stop, tg_body  # noqa: E402
from bench.inbound import free_port  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402
from tests.fakes.twilio_api import FakeTwilioAPI  # noqa: E402

TEXTS = ["/start", "bantuan", "menu"]
WA_FROM = "+14155238886"


def telegram_item(update_id: int, chat: int, text: str) -> tuple[str, bytes, dict[str, str]]:
    return ("/webhooks/telegram", tg_body(update_id, chat, text),
            {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})


def whatsapp_item(validator: RequestValidator, sid: int, number: str, text: str) -> tuple[str, bytes, dict[str, str]]:
    form = {"MessageSid": f"SM{sid:032x}", "From": f"whatsapp:{number}", "To": f"whatsapp:{WA_FROM}",
            "Body": text, "NumMedia": "0", "ProfileName": "Ani"}
    signature = validator.compute_signature(PUBLIC + "/webhooks/whatsapp", form)
    return ("/webhooks/whatsapp", urllib.parse.urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})


class Conversations:
    """Each chat's messages in order, each posted until it is answered 200 (the providers retry)."""

    def __init__(self, port: int, chats: list[list[tuple[str, bytes, dict[str, str]]]], clients: int = 12,
                 spread: float = 20.0) -> None:
        self.port, self.chats, self.clients, self.spread = port, chats, clients, spread
        self.posts = self.retries = 0
        self._lock = threading.Lock()

    def run(self) -> None:
        order = list(range(len(self.chats)))
        random.shuffle(order)
        start = time.monotonic()
        pending = [(start + self.spread * i / len(order), c) for i, c in enumerate(order)]

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            while True:
                with self._lock:
                    if not pending:
                        break
                    at, chat = pending.pop(0)
                time.sleep(max(0.0, at - time.monotonic()))
                for path, body, headers in self.chats[chat]:
                    while True:
                        ok, conn = post(conn, path, body, headers)
                        with self._lock:
                            self.posts += 1
                            self.retries += 0 if ok else 1
                        if ok:
                            break
                        time.sleep(0.2)
                    time.sleep(0.3)  # a person reads the answer before writing again
            conn.close()

        in_threads(client, self.clients)


class Killer:
    """SIGKILL to a random web worker or dispatcher every `every` seconds until stopped; a killed
    dispatcher is started again at once (gunicorn starts its own workers again)."""

    def __init__(self, procs: list[subprocess.Popen], every: float, env: dict[str, str]) -> None:
        """`procs`: gunicorn's master, then the dispatchers; a restarted dispatcher takes its place in
        this very list, so whoever stops `procs` stops it too."""
        self.procs, self.master, self.every, self.env = procs, procs[0], every, env
        self.kills: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def web_workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.master.pid}/task/{self.master.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def _run(self) -> None:
        while not self._stop.wait(self.every * random.uniform(0.5, 1.5)):
            workers = self.web_workers()
            if len(self.procs) > 1 and (not workers or random.random() < 0.4):
                i = random.randrange(1, len(self.procs))
                self.procs[i].send_signal(signal.SIGKILL)
                self.procs[i].wait()
                self.procs[i] = subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=ROOT,
                                                 env={**os.environ, **self.env})
                self.kills["dispatcher"] += 1
            elif workers:
                try:
                    os.kill(random.choice(workers), signal.SIGKILL)
                    self.kills["web worker"] += 1
                except ProcessLookupError:
                    pass

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def unsent(url: str) -> Counter[str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT status, count(*) FROM outbox_message WHERE status <> 'sent' "
                                    "GROUP BY status")).all()
    engine.dispose()
    return Counter({status: int(n) for status, n in rows})


def main(args: argparse.Namespace) -> dict[str, str]:
    burst.SCHEMA = "bench_crash"
    url = burst.fresh_database()
    with FakeTelegramAPI(global_per_second=TG_RATE, per_chat_per_second=TG_PER_CHAT) as tg, \
            FakeTwilioAPI(per_second=WA_RATE) as tw:
        env = {**env_for(url, tg, tw), "SEND_FROM": args.send_from}
        port = free_port()
        procs = burst.start_processes(env, port, args.web_workers, args.dispatchers)
        validator = RequestValidator(tw.auth_token)
        uid = iter(range(1, 10**9))
        tg_chats = [500_000 + c for c in range(args.telegram_chats + 1)]
        wa_numbers = [f"+628130000{n:04d}" for n in range(args.whatsapp_numbers + 1)]
        script = ([[telegram_item(next(uid), chat, text) for text in TEXTS] for chat in tg_chats]
                  + [[whatsapp_item(validator, next(uid), number, text) for text in TEXTS] for number in wa_numbers])
        killer = Killer(procs, args.kill_every, env)
        try:
            burst.warm_up(port, tg, args.web_workers)
            control = Conversations(port, [script[0], script[len(tg_chats)]], clients=2, spread=0.0)
            control.run()  # one chat a channel, undisturbed: what each chat should receive
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and unsent(url).get("pending", 0) + unsent(url).get("sending", 0):
                time.sleep(0.5)
            time.sleep(2.0)
            want_tg = len(tg.sent_messages(tg_chats[0]))
            want_wa = sum(1 for m in tw.messages() if m["To"] == f"whatsapp:{wa_numbers[0]}")
            people = Conversations(port, script[1:len(tg_chats)] + script[len(tg_chats) + 1:], spread=args.spread)
            killer.start()
            began = time.monotonic()
            people.run()
            time.sleep(2.0)
            killer.stop()
            stopped = time.monotonic()
            deadline = stopped + args.drain_timeout
            while time.monotonic() < deadline:
                left = unsent(url)
                if not left.get("pending", 0) and not left.get("sending", 0):
                    break
                time.sleep(0.5)
            drained = time.monotonic()
            time.sleep(2.0)
            got_tg = Counter(str(m["chat_id"]) for m in tg.sent_messages())
            got_wa = Counter(m["To"].removeprefix("whatsapp:") for m in tw.messages())
            lost = dup = 0
            for chat in tg_chats[1:]:
                lost += max(0, want_tg - got_tg[str(chat)])
                dup += max(0, got_tg[str(chat)] - want_tg)
            for number in wa_numbers[1:]:
                lost += max(0, want_wa - got_wa[number])
                dup += max(0, got_wa[number] - want_wa)
            expected = want_tg * (len(tg_chats) - 1) + want_wa * (len(wa_numbers) - 1)
            tg_429 = len(tg.calls("sendMessage")) - len(tg.sent_messages())
            wa_429 = len(tw.requests()) - len(tw.messages())
            left = unsent(url)
            kills = ", ".join(f"{n} {k}" for k, n in sorted(killer.kills.items())) or "none"
            print(f"crash: {people.posts} posts ({people.retries} posted again after a kill) in "
                  f"{stopped - began:.0f} s; kills: {kills}; drained {drained - stopped:.1f} s after the last kill")
            return {
                "replies expected": f"{expected} ({want_tg} a Telegram chat, {want_wa} a WhatsApp number)",
                "lost": str(lost),
                "duplicated": str(dup),
                "outbox rows not sent": ", ".join(f"{n} {s}" for s, n in left.items()) or "0",
                "kills": kills,
                "429s (Telegram, WhatsApp)": f"{tg_429}, {wa_429}",
                "most sends in one second (Telegram, WhatsApp)": f"{tg.max_rate()}, {tw.max_rate()}",
            }
        finally:
            killer.stop()
            stop(procs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--telegram-chats", type=int, default=90)
    parser.add_argument("--whatsapp-numbers", type=int, default=30)
    parser.add_argument("--spread", type=float, default=20.0, help="seconds over which the chats start")
    parser.add_argument("--kill-every", type=float, default=1.5)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--dispatchers", type=int, default=1)
    parser.add_argument("--send-from", choices=["web", "dispatcher"], default="web")
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    parsed = parser.parse_args()
    results = main(parsed)
    print(f"\nSEND_FROM={parsed.send_from}; {parsed.web_workers} web workers, {parsed.dispatchers} dispatcher(s)")
    print("\n| measure | result |\n|---|---|")
    for k, v in results.items():
        print(f"| {k} | {v} |")
