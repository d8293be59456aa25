"""Dates as kaders type them: `17-08-2024`, `17/8/24`, `17 Agustus 2024`, `kemarin`.

Why our own parser: dateutil guesses month-first and English; a Buku KIA is
day-first and Indonesian, and a wrong guess (8 May for 5 August) silently
shifts a child's age. Anything ambiguous or impossible returns None and the
flow asks again.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

# Month names and common abbreviations (Indonesian first, English too).
MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    ("januari", "jan", "january"),
    ("februari", "feb", "pebruari", "peb", "february"),
    ("maret", "mar", "march"),
    ("april", "apr"),
    ("mei", "may"),
    ("juni", "jun", "june"),
    ("juli", "jul", "july"),
    ("agustus", "agu", "agt", "ags", "agst", "aug", "august"),
    ("september", "sep", "sept"),
    ("oktober", "okt", "oct", "october"),
    ("november", "nov", "nop", "nopember"),
    ("desember", "des", "dec", "december"),
), start=1):
    for _name in _names:
        MONTHS[_name] = _number

RELATIVE: dict[str, int] = {
    "hari ini": 0, "hr ini": 0, "sekarang": 0, "today": 0, "now": 0,
    "kemarin": 1, "kmrn": 1, "kemaren": 1, "yesterday": 1,
    "kemarin lusa": 2, "2 hari lalu": 2,
}
WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_NUMERIC = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{2}|\d{4}))?$")
_SPACED = re.compile(r"^(\d{1,2})\s+(\d{1,2})\s+(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})\s*([a-z]+)\.?\s*(\d{2}|\d{4})?$")


def _year(text: str | None, today: date) -> int | None:
    """Four digits as written; two digits are the most recent such year (`45` -> 1945 in 2026)."""
    if text is None:
        return None
    value = int(text)
    if len(text) == 4:
        return value
    century = today.year - today.year % 100
    return century + value if century + value <= today.year else century - 100 + value


def _build(day: int, month: int, year: int | None, today: date) -> date | None:
    """A real date; without a year, the latest such date not after today."""
    try:
        if year is not None:
            return date(year, month, day)
        found = date(today.year, month, day)
        return found if found <= today else date(today.year - 1, month, day)
    except ValueError:
        return None


def parse_date(text: str, today: date) -> date | None:
    """Read a day-first Indonesian date relative to `today`; None when it is not one.

    >>> parse_date("17/8/24", date(2026, 11, 22))
    datetime.date(2024, 8, 17)
    """
    key = re.sub(r"\s+", " ", text.strip().lower()).strip(" .,")
    if key in RELATIVE:
        return today - timedelta(days=RELATIVE[key])
    first, _, rest = key.partition(" ")
    if first.rstrip(",") in WEEKDAYS and rest:  # "Minggu, 22 November 2026"
        key = rest.strip(" ,")
    if match := _ISO.match(key):
        year, month, day = (int(g) for g in match.groups())
        return _build(day, month, year, today)
    if match := _NUMERIC.match(key) or _SPACED.match(key):
        day, month = int(match.group(1)), int(match.group(2))
        return _build(day, month, _year(match.group(3), today), today)
    if match := _WORDS.match(key):
        month_number = MONTHS.get(match.group(2))
        if month_number is None:
            return None
        return _build(int(match.group(1)), month_number, _year(match.group(3), today), today)
    return None
