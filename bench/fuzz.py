"""Benchmark: the conversation fuzzer, 10,000 random inputs from every role through the webhooks.

    .venv/bin/python bench/fuzz.py [--inputs 10000] [--seed 1] [--pg postgresql+psycopg://...]

The same engine as tests/simulation/test_fuzz_conversations.py (tests/simulation/fuzz.py), with a seeded
`random.Random` instead of hypothesis: sequences of 1-10 inputs (commands, names of every household, numbers,
dates, emoji, Arabic, Chinese and Javanese script, texts up to 5,000 characters) from the kader, the bidan, an
admin, a subscribed family and a stranger; after each sequence every chat types `batal` and `menu`.
Properties: no 5xx and no error apology, no flow left running after `batal` + `menu`, no family told the name
of another household's member. Prints the violations with the seed (replay: the same --seed).
"""
from __future__ import annotations

import argparse
import logging
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.village import database  # noqa: E402
from tests.simulation.fuzz import Fuzzer  # noqa: E402
from tests.simulation.known_open import known  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pg", default=None)
    args = ap.parse_args()
    logging.disable(logging.CRITICAL)
    fz = Fuzzer.build(database(args.pg), seed=args.seed)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    sequences = 0
    while fz.inputs < args.inputs:
        fz.run(rng, rng.randint(1, 10))
        fz.check_exits()
        sequences += 1
    took = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{fz.inputs} random inputs in {sequences} sequences (+{sequences * 10} exit messages): {took:.0f} s, "
          f"{1000 * took / (fz.inputs + sequences * 10):.0f} ms a message, peak memory {peak:.0f} MB")
    unknown = [v for v in fz.sim.violations if known(v.invariant, v.detail) is None]
    print("known open (issue 16):", dict(Counter(known(v.invariant, v.detail) for v in fz.sim.violations
                                                 if known(v.invariant, v.detail))))
    print(fz.sim.report(unknown).replace("-m pytest -q tests/simulation/test_village_year.py",
                                         f"bench/fuzz.py --seed {args.seed}"))
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
