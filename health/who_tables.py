"""Load the shipped WHO LMS tables into plain lists for fast lookup.

Why: z-scores are computed for every weighing, so lookups must be a list
index, not a search; and the runtime must not depend on pygrowup, so the
tables ship as small gzipped CSVs under health/data (see its README).
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

LMS = tuple[float, float, float]
# One table: per sex (1, 2) a list indexed by key offset; None where WHO has no row.
Table = dict[int, list[LMS | None]]


def _read(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rb") as fh:
        return list(csv.DictReader(io.TextIOWrapper(fh, encoding="ascii")))


def _by_int_key(path: Path, key: str, first: int) -> Table:
    table: Table = {1: [], 2: []}
    for row in _read(path):
        rows = table[int(row["sex"])]
        idx = int(row[key]) - first
        while len(rows) <= idx:
            rows.append(None)
        rows[idx] = (float(row["l"]), float(row["m"]), float(row["s"]))
    return table


def _by_tenth_cm(path: Path, key: str, first_tenths: int) -> Table:
    table: Table = {1: [], 2: []}
    for row in _read(path):
        rows = table[int(row["sex"])]
        idx = round(float(row[key]) * 10) - first_tenths
        while len(rows) <= idx:
            rows.append(None)
        rows[idx] = (float(row["l"]), float(row["m"]), float(row["s"]))
    return table


_D6 = DATA_DIR / "who2006"
_D7 = DATA_DIR / "who2007"

# WHO Child Growth Standards 2006, by age in days (0-1856).
WFA = _by_int_key(_D6 / "wfa.csv.gz", "age_days", 0)
LHFA = _by_int_key(_D6 / "lhfa.csv.gz", "age_days", 0)  # length <731 d, height >=731 d
BFA = _by_int_key(_D6 / "bfa.csv.gz", "age_days", 0)
HCFA = _by_int_key(_D6 / "hcfa.csv.gz", "age_days", 0)
ACFA = _by_int_key(_D6 / "acfa.csv.gz", "age_days", 0)  # rows start at 91 days
# Weight-for-length 45.0-110.0 cm and weight-for-height 65.0-120.0 cm, 0.1 cm rows.
WFL_FIRST_TENTHS = 450
WFH_FIRST_TENTHS = 650
WFL = _by_tenth_cm(_D6 / "wfl.csv.gz", "length_cm", WFL_FIRST_TENTHS)
WFH = _by_tenth_cm(_D6 / "wfh.csv.gz", "height_cm", WFH_FIRST_TENTHS)

# WHO Growth Reference 2007, by completed month from 61.
REF2007_FIRST_MONTH = 61
HFA_2007 = _by_int_key(_D7 / "hfa.csv.gz", "age_months", REF2007_FIRST_MONTH)
WFA_2007 = _by_int_key(_D7 / "wfa.csv.gz", "age_months", REF2007_FIRST_MONTH)
BFA_2007 = _by_int_key(_D7 / "bfa.csv.gz", "age_months", REF2007_FIRST_MONTH)
