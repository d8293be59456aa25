"""Benchmark: growth chart render time and size, and the recap workbook.

Run by hand (not a test):  .venv/bin/python bench/charts.py [N]
Renders N (default 50) weight-for-age and length/height-for-age charts in this
process (the first, cold, separately: it imports matplotlib and reads the
fonts), with a child's 12-point series, and builds a recap workbook of a
posyandu with 120 balita. Prints the wall-clock median and p95, the CPU median (what the render costs
when the two cores are shared) and the sizes.
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def chart_spec(indicator: str, sex: str) -> dict:
    birth = date(2025, 1, 10)
    points = [[(birth + timedelta(days=30 * m + 5)).isoformat(), (3.3 + 0.55 * m) if indicator == "wfa"
               else 50 + 2.2 * m] for m in range(1, 13)]
    return {"type": "chart", "indicator": indicator, "sex": sex, "birth": birth.isoformat(), "on": points[-1][0],
            "points": points, "line_labels": {"-3": "Garis merah", "+1": "Garis oranye", "0": "Median"},
            "title": "KMS Berat Badan menurut Umur", "subtitle": "Aisyah Putri · Perempuan · lahir 10-01-2025",
            "xlabel": "Umur (bulan)", "ylabel": "Berat badan (kg)",
            "note": ["Januari 2026: 9,9 kg — naik 550 g (N)", "Naik 550 g; KBM umur 12 bulan: 200 g"]}


def recap(n: int) -> dict:
    row = {"nik": "3321010101250001", "name": "Aisyah Putri", "birth_date": "2025-01-10", "sex": "P",
           "measured_on": "2026-11-22", "weight_kg": 8.4, "height_cm": 71.0, "position": "L", "head_cm": 44.0,
           "muac_cm": 14.0, "mother": "Ibu Rina", "gain": "N", "bb_u": "normal", "pb_tb_u": "normal",
           "bb_pb_tb": "normal"}
    from health.recap import ilp_figures

    return {"posyandu": {"code": "MAWAR7", "name": "Posyandu Mawar 7"}, "year": 2026, "month": 11,
            "skdn": {"S": n, "s_source": "registered", "K": n, "D": n, "N": n, "T": 0, "O": 0, "B": 0, "2T": 0,
                     "BGM": 0, "stunted": 0, "wasted": 0, "underweight": 0},
            "ratios": {k: 100.0 for k in ("K/S", "D/S", "N/D", "N/S", "D/K", "N/(D-O-B)", "BGM/D", "2T/D")},
            "names": {"T": [], "2T": [], "BGM": []},
            "ilp": ilp_figures([], [], 0, 0, 0).groups,
            "balita": [dict(row) for _ in range(n)], "groups": {"bayi_balita": [dict(row) for _ in range(n)]},
            "empty": False}


def timed(call, n: int) -> tuple[list[float], list[float], int]:
    """Wall and CPU milliseconds per call: on a shared machine the CPU time is what the render costs."""
    wall, cpu, size = [], [], 0
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        size = len(call())
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return sorted(wall), sorted(cpu), size


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    from bot.media import materialise

    start = time.perf_counter()
    materialise(chart_spec("wfa", "P"))
    cold = (time.perf_counter() - start) * 1000
    print(f"first chart (imports matplotlib, fonts): {cold:.0f} ms")
    print("| kind | n | wall median ms | wall p95 ms | CPU median ms | bytes |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, spec in (("chart BB/U girl 0-24", chart_spec("wfa", "P")),
                        ("chart PB/U boy 0-24", chart_spec("lhfa", "L")),
                        ("recap XLSX, 120 balita", {"type": "recap", "recap": recap(120)})):
        wall, cpu, size = timed(lambda spec=spec: materialise(spec), n)
        print(f"| {label} | {n} | {statistics.median(wall):.1f} | {wall[int(0.95 * (n - 1))]:.1f} | "
              f"{statistics.median(cpu):.1f} | {size} |")


if __name__ == "__main__":
    main()
