"""Benchmark: WHO z-scores per second, our `health.growth` vs pygrowup2.

Run by hand (not a test):  .venv/bin/python bench/zscores.py [N]
Scores N (default 100,000) random children 0-59 months for weight-for-age,
length/height-for-age, weight-for-length/height and BMI-for-age through our
full entry point (`child_zscores`: cleaning, position rule, flags), our batch
fast path (`zscores_2006` on clean inputs) and pygrowup2, in this process,
and prints a small table plus how often pygrowup2 agrees with us within
0.01. pygrowup2 crashes at day 0 (age_in_days=0 is falsy), so day-0 children
are skipped for it; its range checks raise for some inputs (counted).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from health import who_tables as t  # noqa: E402
from health.growth import child_zscores, lms_value, zscores_2006  # noqa: E402


def make_children(n: int, seed: int = 20260101) -> list[tuple[int, int, float, float, str]]:
    """Plausible children: z-scores ~ N(0, 1.3) turned into rounded measurements."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        sex = rnd.choice((1, 2))
        day = rnd.randrange(0, 1826)
        length = round(lms_value(*t.LHFA[sex][day], rnd.gauss(0, 1.3)), 1)
        weight = round(lms_value(*t.WFA[sex][day], rnd.gauss(0, 1.3)), 1)
        position = "L" if (day < 731) != (rnd.random() < 0.1) else "H"
        out.append((sex, day, weight, length, position))
    return out


def run_ours(children):
    start = time.perf_counter()
    results = [child_zscores(*c) for c in children]
    seconds = time.perf_counter() - start
    count = sum(v is not None for z in results for v in (z.waz, z.haz, z.whz, z.baz))
    return seconds, count, results


def run_fast(children, ours):
    """The batch fast path on already-clean inputs (corrected length)."""
    clean = [(c[0], c[1], c[2], z.corrected_length_cm) for c, z in zip(children, ours)]
    start = time.perf_counter()
    results = [zscores_2006(*c) for c in clean]
    seconds = time.perf_counter() - start
    assert all(r == (z.waz, z.haz, z.whz, z.baz) for r, z in zip(results, ours))
    return seconds, sum(v is not None for r in results for v in r)


def run_pygrowup(children, ours):
    from decimal import Decimal

    from pygrowup import Observation

    names = {1: Observation.MALE, 2: Observation.FEMALE}
    count = errors = skipped = agree = compared = 0
    start = time.perf_counter()
    for (sex, day, weight, length, position), z in zip(children, ours):
        if day == 0:
            skipped += 1
            continue
        obs = Observation(names[sex], age_in_days=day)
        clen = z.corrected_length_cm
        w = Decimal(str(weight))
        calls = (
            ("waz", lambda: obs.wfa(w)),
            ("haz", lambda: obs.lhfa(Decimal(str(length)), recumbent=position == "L")),
            ("whz", lambda: (obs.wfl if day < 731 else obs.wfh)(w, Decimal(str(round(clen, 1))))),
            ("baz", lambda: obs.bmifa(Decimal(str(z.bmi)))),
        )
        for name, call in calls:
            try:
                value = float(call())
            except Exception:  # pygrowup raises on its own range checks
                errors += 1
                continue
            count += 1
            mine = getattr(z, name)
            if mine is not None:
                compared += 1
                agree += abs(mine - value) <= 0.01
    seconds = time.perf_counter() - start
    return seconds, count, errors, skipped, agree, compared


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    children = make_children(n)
    s_ours, c_ours, ours = run_ours(children)
    s_fast, c_fast = run_fast(children, ours)
    rows = [("ours: child_zscores", n, c_ours, s_ours, ""),
            ("ours: zscores_2006 fast", n, c_fast, s_fast, "")]
    try:
        s_py, c_py, errors, skipped, agree, compared = run_pygrowup(children, ours)
        note = (f"skipped {skipped} day-0, {errors} raised; agrees with ours within "
                f"0.01 on {agree}/{compared} ({100 * agree / max(compared, 1):.1f} %)")
        rows.append(("pygrowup2 1.0.0", n - skipped, c_py, s_py, note))
    except ImportError:
        rows.append(("pygrowup2 (not installed)", 0, 0, float("nan"), ""))
    print(f"{'implementation':<24} {'children':>9} {'z-scores':>9} {'seconds':>8} "
          f"{'children/s':>11} {'z/s':>10}")
    for name, kids, zs, sec, note in rows:
        print(f"{name:<24} {kids:>9} {zs:>9} {sec:>8.2f} {kids / sec:>11,.0f} "
              f"{zs / sec:>10,.0f}")
        if note:
            print(f"  {note}")


if __name__ == "__main__":
    main()
