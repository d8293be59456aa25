"""Dates as people read them, in words, from one formatter (babel's CLDR data, `bot.i18n.resident.fmt_date`).

Why words: `07-12-2026` is 7 December to an Indonesian and 12 July to many English readers, so a date
shown is never all numbers: `7 Des 2026` / `7 Dec 2026` (short: lists, summaries, alerts) or
`Senin, 7 Desember 2026` / `Monday, 7 December 2026` (long: a posyandu day, `fmt_when` with its time).
Typed dates stay day-first (`bot.parsing`).
"""
from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.i18n.resident import fmt_date, fmt_when

__all__ = ["fmt_date", "fmt_day", "fmt_month", "fmt_when"]


def fmt_day(lang: str | None, day: date) -> str:
    """The short date every list, summary and alert shows: '7 Des 2026' / '7 Dec 2026'."""
    return fmt_date(lang, day, short=True)


def fmt_month(lang: str | None, year: int, month: int) -> str:
    """'November 2026' / 'Agustus 2026' / 'August 2026'."""
    return format_date(date(year, month, 1), "MMMM yyyy", locale="en" if lang == "en" else "id")
