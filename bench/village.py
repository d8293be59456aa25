"""Benchmark: the village simulator at a kabupaten's size (docs/simulation.md, docs/benchmarks.md).

    .venv/bin/python bench/village.py [--posyandu 500] [--households 60] [--months 12] [--seed 1]
                                      [--chat-every 50] [--pg postgresql+psycopg://...]

Each posyandu gets its own village drawn from the published figures (tests/simulation/sources.py) and lives
a year: reports on its posyandu day, births, pregnancies, families subscribing and stopping, the clock's
reminders every morning for the whole kabupaten, the automatic recap, and once a month `flask members import`,
`flask recap` and `flask satusehat export` for every posyandu. One posyandu in `--chat-every` runs fully
through the webhooks (the kader's chat, the bidan's `buat jadwal`, families' WhatsApp); the others use the
storage functions the chat calls (tests/simulation/bulk.py says which). Every invariant of the small test is
checked each day (the bidan's alert texts only for the chat posyandu; the Bundles are validated on a sample).
Prints the time, the peak memory (ru_maxrss) and the violations with the seed.
"""
from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.migrate import upgrade  # noqa: E402
from tests.simulation.bulk import BulkSim  # noqa: E402
from tests.simulation.invariants import Checker  # noqa: E402
from tests.simulation.known_open import known  # noqa: E402


def database(pg: str | None) -> str:
    if not pg:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='village-')}/village.sqlite3"
        upgrade(url)
        return url
    import sqlalchemy as sa

    schema = f"village_{uuid.uuid4().hex[:8]}"
    with sa.create_engine(pg).begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{pg}?options=-csearch_path%3D{schema}"
    upgrade(url)
    return url


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posyandu", type=int, default=500)
    ap.add_argument("--households", type=int, default=60)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chat-every", type=int, default=50)
    ap.add_argument("--validate-share", type=float, default=0.02,
                    help="share of the Bundles validated with fhir.resources, a sample seeded by --seed (1: all)")
    ap.add_argument("--pg", default=None, help="PostgreSQL URL (default: a fresh SQLite file)")
    args = ap.parse_args()
    print(f"bench/village.py {' '.join(sys.argv[1:])}: seed {args.seed}, Bundles validated: a share of "
          f"{args.validate_share} picked by the seed", flush=True)
    logging.disable(logging.CRITICAL)
    url = database(args.pg)
    t0 = time.perf_counter()
    sim = BulkSim(url, seed=args.seed, posyandu=args.posyandu, households=args.households,
                  chat_every=args.chat_every, validate_share=args.validate_share, lean=True)
    checker = Checker(sim, batch=True)

    printed = [0]

    def after_day(s: BulkSim, day: date) -> None:
        checker(s, day)
        if (day + timedelta(days=1)).day == 1:  # a month done: how long, how much CPU, how much memory now
            print(f"{day:%Y-%m} done: {time.perf_counter() - t0:.0f} s wall, {cpu():.0f} s CPU, RSS {rss_mb():.0f} MB "
                  f"(peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB), "
                  f"{sum(p.saved for p in s.places)} visits, {len(s.violations)} violations", flush=True)
            for v in s.violations[printed[0]:]:  # as they come, so a long run's failure can be replayed early
                print(f"  - [{v.invariant}] {v.day}: {v.detail[:400]}", flush=True)
            printed[0] = len(s.violations)

    sim.run(months=args.months, after_day=after_day)
    took = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    people = sum(len(h.members) for p in sim.places for h in p.village.households)
    reports = sum(p.saved for p in sim.places)
    print(f"{args.posyandu} posyandu, {people} people, {args.months} months: {reports} visits saved, "
          f"{sum(s.total for s in sim.senders.values())} messages sent")
    print(f"SATUSEHAT: {sim.satusehat.received} Bundles received, {sim.satusehat.validated} validated "
          f"(share {args.validate_share}, seed {args.seed}), {sim.satusehat.count('Encounter')} Encounters")
    print(f"time {took:.0f} s wall, {cpu():.0f} s CPU, peak memory {peak:.0f} MB ({'PostgreSQL' if args.pg else 'SQLite'})")
    print("time per part (s):", {k: round(v, 1) for k, v in sorted(sim.timings.items(), key=lambda kv: -kv[1])})
    print("checked:", dict(checker.stats))
    unknown = [v for v in sim.violations if known(v.invariant, v.detail) is None]
    print("known open (issue 16):", dict(Counter(known(v.invariant, v.detail) for v in sim.violations
                                                 if known(v.invariant, v.detail))))
    print(sim.report(unknown))
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
