"""How many messages a kader types to report one visit, and how many SQL statements each step costs.

    .venv/bin/python bench/conversation.py [--backend sqlite|postgres] [--scenario NAME] [--show]

Each scenario is what a kader really types at a posyandu table, replayed
through the real engine (the same `process` the webhooks call) on a freshly
migrated database with the demo posyandu. A scenario only counts when the
visit is saved at its end (a new `measurement` row), so a shortcut that
loses a value or a check cannot look quicker. SQL statements are counted per
message with SQLAlchemy's `before_cursor_execute` event: "value step" is the
whole message (its transaction and sending the reply from the outbox), "its
txn" the step's own transaction (what the flow costs; the send is the outbox's
and the same for every reply).

Targets (issue 8): a known child's weight and length in <= 5 messages step
by step and <= 2 in one line; the next child right after <= 4; an adult's
BP/glucose/waist screening <= 6; a new baby <= 9; answering one value
<= 8 statements. Figures in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.messages import Channel, Inbound  # noqa: E402
from bot.ports import FixedClock  # noqa: E402
from bot.terminal import TerminalSender  # noqa: E402
from storage.db import transaction  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Measurement  # noqa: E402
from storage.seed import seed_demo  # noqa: E402
from bot.intake import process  # noqa: E402
from app.runtime import build_runtime  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc)  # Sunday 08:00 WIB, a posyandu morning
KADER = "kader1"  # the demo's kader of Posyandu Mawar 7


@dataclass(frozen=True)
class Scenario:
    """What the kader types, in order; `value_step` is the index of a message that answers one value."""

    name: str
    target: int
    messages: tuple[str, ...]
    value_step: int | None = None
    setup: tuple[str, ...] = ()  # typed before counting starts (e.g. the previous child)


# The demo: Aisyah Putri (P, ~10 months), Muhammad Rizky (L, ~23 months), Joko Susilo (L, 45 y).
SCENARIOS = (
    Scenario("child step by step", 5, ("lapor", "aisyah", "8,1", "70", "simpan"), value_step=2),
    Scenario("child in one line", 2, ("lapor aisyah bb 8,1 pb 70", "simpan")),
    Scenario("next child right after", 4, ("rizky", "11,5", "84", "simpan"),
             setup=("lapor", "aisyah", "8,1", "70", "simpan")),
    Scenario("adult screening (BP, glucose, waist)", 6,
             ("lapor", "joko", "72 168", "92", "130/85", "gds 110 simpan")),
    Scenario("adult screening, one value a message", 6,
             ("lapor", "joko", "72", "168", "92", "130/85", "gds 110 simpan")),
    Scenario("adult screening, rest in one line", 6,
             ("lapor", "joko", "72", "168", "lp 92 td 130/85 gds 110 simpan")),
    Scenario("new baby", 9,
             ("lapor", "1", "Putra Ananda", "l", "01-11-2026", "-", "4,1", "53", "simpan")),
)


def database(backend: str) -> tuple[str, object]:
    if backend == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-conv-')}/db.sqlite3"
        upgrade(url)
        return url, None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG}?options=-csearch_path%3D{schema}"
    upgrade(url)
    return url, (admin, schema)


def run(scenario: Scenario, backend: str, show: bool) -> dict[str, object]:
    url, cleanup = database(backend)
    settings = Settings(database_url=url, send_now=False, telegram_messages_per_second=0,
                        twilio_messages_per_second=0, telegram_per_chat_per_second=0)
    clock = FixedClock(NOW)
    out = open(os.devnull, "w") if not show else sys.stdout
    sender = TerminalSender(out, KADER)
    runtime = build_runtime(settings, clock=clock, senders={Channel.TERMINAL: sender})
    statements = [0]
    event.listen(runtime.engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
    try:
        with transaction(runtime.session_factory) as s:
            seed_demo(s, NOW)

        def say(text: str) -> tuple[int, int]:
            """The step's statements (its transaction) and the send's (the outbox), apart."""
            if show:
                print(f"> {text}")
            before = statements[0]
            handled = process(runtime, Inbound(Channel.TERMINAL, KADER, text), send=False)
            step = statements[0] - before
            runtime.dispatcher.send_ids(handled.outbox_ids)
            return step, statements[0] - before - step

        def saved() -> int:
            with transaction(runtime.session_factory) as s:
                return s.scalar(sa.select(sa.func.count()).select_from(Measurement)) or 0

        for text in scenario.setup:
            say(text)
        before = saved()
        counted = [say(text) for text in scenario.messages]
        per_step = [step + send for step, send in counted]
        ok = saved() > before
    finally:
        runtime.close()
        if cleanup is not None:
            admin, schema = cleanup
            with admin.begin() as conn:  # type: ignore[attr-defined]
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()  # type: ignore[attr-defined]
    return {"scenario": scenario.name, "messages": len(scenario.messages), "target": scenario.target,
            "saved": ok, "sql_total": sum(per_step), "sql_max_step": max(per_step),
            "sql_value_step": per_step[scenario.value_step] if scenario.value_step is not None else None,
            "sql_value_txn": counted[scenario.value_step][0] if scenario.value_step is not None else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgres"))
    parser.add_argument("--scenario", help="run only the scenarios whose name contains this")
    parser.add_argument("--show", action="store_true", help="print the conversation")
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    print(f"{'scenario':40} {'messages':>8} {'target':>6} {'saved':>5} {'SQL':>5} {'max/step':>8} {'value step':>10} "
          f"{'its txn':>7}")
    for scenario in SCENARIOS:
        if args.scenario and args.scenario not in scenario.name:
            continue
        r = run(scenario, args.backend, args.show)
        value = "" if r["sql_value_step"] is None else str(r["sql_value_step"])
        txn = "" if r["sql_value_txn"] is None else str(r["sql_value_txn"])
        print(f"{r['scenario']:40} {r['messages']:>8} {r['target']:>6} {'yes' if r['saved'] else 'NO':>5} "
              f"{r['sql_total']:>5} {r['sql_max_step']:>8} {value:>10} {txn:>7}")


if __name__ == "__main__":
    main()
