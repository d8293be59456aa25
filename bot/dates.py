"""Dates as people read them, in words, from one formatter (babel's CLDR data, `fmt_date`).

Why words: `07-12-2026` is 7 December to an Indonesian and 12 July to many English readers, so a date
shown is never all numbers: `7 Des 2026` / `7 Dec 2026` (short: lists, summaries, alerts) or
`Senin, 7 Desember 2026` / `Monday, 7 December 2026` (long: a posyandu day; `bot.i18n.resident.fmt_when` adds
its time).
Typed dates stay day-first (`bot.parsing`).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel.dates import format_date

__all__ = ["fmt_date", "fmt_day", "fmt_month"]

DATE_PATTERN = "EEEE, d MMMM yyyy"
SHORT_PATTERN = "d MMM yyyy"


@lru_cache(maxsize=4096)
def fmt_date(lang: str | None, day: date, short: bool = False) -> str:
    """'Kamis, 3 Desember 2026' / 'Thursday, 3 December 2026' (or '3 Des 2026' when short)."""
    locale = "en" if lang == "en" else "id"
    return format_date(day, SHORT_PATTERN if short else DATE_PATTERN, locale=locale)


def fmt_day(lang: str | None, day: date) -> str:
    """The short date every list, summary and alert shows: '7 Des 2026' / '7 Dec 2026'."""
    return fmt_date(lang, day, short=True)


def fmt_month(lang: str | None, year: int, month: int) -> str:
    """'November 2026' / 'Agustus 2026' / 'August 2026'."""
    return format_date(date(year, month, 1), "MMMM yyyy", locale="en" if lang == "en" else "id")
