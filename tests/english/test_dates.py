"""Dates shown to people are words, from one formatter, in the reader's language (issue 16: `07-12-2026` read
as 12 July)."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from bot.dates import fmt_day, fmt_month
from bot.formats import day
from bot.texts import render

ROOT = Path(__file__).resolve().parents[2]


def test_a_date_is_words_in_both_languages():
    on = date(2026, 12, 7)
    assert (fmt_day("id", on), fmt_day("en", on)) == ("7 Des 2026", "7 Dec 2026")
    assert (day(date(2026, 8, 17), "id"), day(date(2026, 8, 17), "en")) == ("17 Agu 2026", "17 Aug 2026")
    assert fmt_month("en", 2026, 11) == "November 2026" and fmt_month("id", 2026, 8) == "Agustus 2026"


def test_render_writes_a_date_parameter_in_words():
    on = date(2026, 12, 7)
    assert render("en", "visit.recorded", name="Eka", date=on).count("7 Dec 2026") == 1
    assert "7 Des 2026" in render("id", "visit.recorded", name="Eka", date=on)
    assert "07-12-2026" not in render("en", "report.date_is", date=on)


def test_no_code_writes_a_date_in_numbers_for_people():
    """The class: a day-month-year pattern (`%d-%m-%Y`, `%d/%m`) anywhere in what builds messages."""
    found = []
    # the national files (e-PPGBM, SIP) are read by the Ministry's systems, which take dates as numbers
    machine = {"bot/media/national.py"}
    for folder in ("bot", "scheduler"):
        for path in (ROOT / folder).rglob("*.py"):
            if str(path.relative_to(ROOT)) in machine:
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"%d[-/.]%m", text):
                found.append(str(path.relative_to(ROOT)))
    assert found == []
