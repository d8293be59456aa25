"""Answers as people type them in chat: dates, times of day, yes and no.

Dates: `17-08-2024`, `17/8/24`, `17.08.2024`, `17 8 24`, `17 Agustus 2024`,
`17-agt-24`, `2024-08-17`, `Minggu, 22 November 2026`, `tgl 17 Agustus`,
`kemarin`, `besok`. Why our own parser: dateutil guesses month-first and
English; a Buku KIA is day-first and Indonesian, and a wrong guess (8 May for
5 August) silently shifts a child's age. Anything ambiguous or impossible
returns None and the flow asks again.

A date written without its year, or with two digits, is read in the
direction the question looks: the latest such date not after today for a
birth, an HPHT or a posyandu visit (`5/8/45` is 1945), the first one from
today on for a coming posyandu day (`ahead=True`).
"""
from __future__ import annotations

import re
from datetime import date, time, timedelta

# Greetings and small talk a chat opens with: greeted back by the engine, never a member's name (`halo` was
# registered as one).
GREETINGS = frozenset({"halo", "hallo", "helo", "hello", "hai", "hay", "hi", "hei", "hey", "pagi", "siang", "sore",
                       "malam", "selamat pagi", "selamat siang", "selamat sore", "selamat malam", "permisi", "p",
                       "ping", "test", "tes", "testing", "assalamualaikum", "assalamu alaikum", "assalamualaikum wr wb",
                       "salam", "punten", "misi", "om swastiastu", "shalom", "terima kasih", "makasih", "thanks",
                       "thank you", "good morning", "apa kabar", "siapa", "bu", "pak", "bu bidan", "bu kader", "kak",
                       "mbak", "mas", "dik", "adik", "anak", "anak saya", "bayi", "ibu", "bapak", "nama", "nama saya"})
GREETING_START = re.compile(r"(halo|hai|hi|hello|selamat (pagi|siang|sore|malam|datang)|assalamu ?alaikum)\b")

# Month names and common abbreviations (Indonesian first, English too).
MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    ("januari", "jan", "january"),
    ("februari", "feb", "pebruari", "peb", "february"),
    ("maret", "mar", "mrt", "march"),
    ("april", "apr"),
    ("mei", "may"),
    ("juni", "jun", "june"),
    ("juli", "jul", "july"),
    ("agustus", "agu", "agt", "ags", "agst", "agus", "aug", "august"),
    ("september", "sep", "sept"),
    ("oktober", "okt", "oct", "october"),
    ("november", "nov", "nop", "nopember"),
    ("desember", "des", "dec", "december"),
), start=1):
    for _name in _names:
        MONTHS[_name] = _number

# Days from today: negative is in the past.
RELATIVE: dict[str, int] = {
    "hari ini": 0, "hr ini": 0, "sekarang": 0, "today": 0, "now": 0,
    "kemarin": -1, "kmrn": -1, "kemaren": -1, "yesterday": -1,
    "kemarin lusa": -2, "2 hari lalu": -2,
    "besok": 1, "tomorrow": 1, "lusa": 2,
}
WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_PREFIX = re.compile(r"^(?:tanggal|tgl\.?)\s*")
_DAY_PREFIX = re.compile(r"^hari [^\s,]+,?\s*")  # "hari Minggu, 22 November"
_ISO = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})(?:\s*[-/.\s]\s*(\d{2}|\d{4}))?$")
_WORDS = re.compile(r"^(\d{1,2})\s*[-/]?\s*([a-z]+)\.?\s*[-/]?\s*(\d{2}|\d{4})?$")
_TIME = re.compile(r"(?:jam|pukul|pkl\.?)?\s*(\d{1,2})(?:[.:](\d{2}))?\s*(pagi|siang|sore|malam|am|pm|a\.m\.|p\.m\.)?"
                   r"\s*(?:wib|wita|wit)?")

YES = frozenset({"ya", "y", "iya", "yes", "setuju", "ok", "oke", "boleh", "yes i agree", "ya saya setuju"})
NO = frozenset({"tidak", "tdk", "no", "n", "gak", "nggak", "enggak", "ga", "bukan", "tidak setuju",
                "i do not agree"})


def _year(text: str | None, today: date, ahead: bool) -> int | None:
    """Four digits as written; two digits are the nearest such year in the question's direction."""
    if text is None:
        return None
    value = int(text)
    if len(text) == 4:
        return value
    year = today.year - today.year % 100 + value
    if ahead:
        return year if year >= today.year else year + 100
    return year if year <= today.year else year - 100


def _build(day: int, month: int, year: int | None, today: date, ahead: bool) -> date | None:
    """A real date; without a year, the nearest such date in the question's direction."""
    try:
        if year is not None:
            return date(year, month, day)
        found = date(today.year, month, day)
        if ahead:
            return found if found >= today else date(today.year + 1, month, day)
        return found if found <= today else date(today.year - 1, month, day)
    except ValueError:  # 31 Februari; 29 Februari in the neighbouring year
        return None


def parse_date(text: str, today: date, *, ahead: bool = False) -> date | None:
    """Read a day-first Indonesian date relative to `today`; None when it is not one.

    >>> parse_date("17/8/24", date(2026, 11, 22))
    datetime.date(2024, 8, 17)
    """
    key = re.sub(r"\s+", " ", text.strip().lower()).strip(" .,")
    if key in RELATIVE:
        return today + timedelta(days=RELATIVE[key])
    key = _DAY_PREFIX.sub("", _PREFIX.sub("", key))
    first, _, rest = key.partition(" ")
    if first.rstrip(",") in WEEKDAYS and rest:  # "Minggu, 22 November 2026"
        key = rest.strip(" ,")
    if match := _ISO.match(key):
        year, month, day = (int(g) for g in match.groups())
        return _build(day, month, year, today, ahead)
    if match := _NUMERIC.match(key):
        day, month = int(match.group(1)), int(match.group(2))
        return _build(day, month, _year(match.group(3), today, ahead), today, ahead)
    if match := _WORDS.match(key):
        month_number = MONTHS.get(match.group(2))
        if month_number is None:
            return None
        return _build(int(match.group(1)), month_number, _year(match.group(3), today, ahead), today, ahead)
    return None


def has_short_year(text: str) -> bool:
    """Whether a date was typed with a two-digit year (`17 agustus 29`, `5/8/45`): its century is a guess."""
    key = re.sub(r"\s+", " ", text.strip().lower()).strip(" .,")
    key = _DAY_PREFIX.sub("", _PREFIX.sub("", key))
    match = _NUMERIC.match(key) or _WORDS.match(key)
    return bool(match and match.group(3) and len(match.group(3)) == 2)


def parse_time(text: str) -> time | None:
    """'8', '08.00', '8.30', '8:30', 'jam 8', '8 pagi', '1 siang', '4 sore', 'pukul 09.30 WIB' -> a time of day;
    None otherwise. The part of the day moves the afternoon and evening hours (`2 siang` is 14.00); a bare
    hour is read as written (whether `1` means 13.00 is the caller's question to ask)."""
    match = _TIME.fullmatch(text.strip().lower())
    if not match:
        return None
    hour, minute, part = int(match[1]), int(match[2] or 0), (match[3] or "").replace(".", "")
    if hour > 23 or minute > 59:
        return None
    if part in ("siang", "sore", "pm") and hour < 12 and (part != "siang" or hour < 6):
        hour += 12  # `2 siang`, `4 sore`, `3 pm`; `11 siang` stays 11.00
    elif part == "malam" and 6 <= hour < 12:
        hour += 12  # `7 malam`
    elif part in ("am", "pagi") and hour == 12:
        hour = 0
    return time(hour, minute)


def parse_yes_no(text: str, yes: frozenset[str] = frozenset(), no: frozenset[str] = frozenset()) -> str | None:
    """'yes' or 'no' from a button's value or a typed word (plus the question's own words); else None."""
    word = text.strip().lower().strip(" .!")
    if word in YES or word in yes:
        return "yes"
    if word in NO or word in no:
        return "no"
    return None
