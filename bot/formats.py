"""Numbers, dates and ages as people read them: `9,5 kg` in Indonesian, `9.5 kg` in English.

Why one place: the summary, the bidan's alert and the guardian's message must
show a value the same way, and a decimal point where Indonesians expect a
comma reads as a thousands separator (9.500 = nine thousand five hundred).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.dates import fmt_day
from bot.texts import render
from health.ages import age_in_months


def number(value: float | int | Decimal | str | None, lang: str | None, decimals: int | None = None) -> str:
    """`9.5` -> `9,5` (id) / `9.5` (en); whole numbers without decimals unless `decimals` is given."""
    if value is None or value == "":
        return "-"
    amount = Decimal(str(value))
    if decimals is not None:
        text = f"{amount:.{decimals}f}"
    else:
        text = format(amount.normalize(), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if (lang or "id") == "id" else text


def day(value: date, lang: str | None = None) -> str:
    """A date shown in words, never all numbers (`07-12-2026` is 12 July to many readers):
    `7 Des 2026` / `7 Dec 2026` (`bot.dates`)."""
    return fmt_day(lang, value)


def age(birth: date, on: date, lang: str | None) -> str:
    """`12 hari`, `9 bulan`, `2 tahun 3 bulan`, `34 tahun`: days in the first month (a newborn is not
    "0 bulan"), months for children, years from 5 years. The one age text of staff and families alike."""
    months = age_in_months(birth, on) if on >= birth else 0
    if months < 1:
        return render(lang, "report.age.days", days=max((on - birth).days, 0))
    if months < 24:
        return render(lang, "report.age.months", months=months)
    if months < 60:
        return render(lang, "report.age.years_months", years=months // 12, months=months % 12)
    return render(lang, "report.age.years", years=months // 12)


def gain_words(lang: str | None, code: str | None, grams: int | None = None) -> str:
    """A month's weighing as the KMS says it, with what happened to the weight: `naik 300 gram (N)`,
    `turun 200 gram (T)`, `tetap (T)`, `naik 100 gram, kurang dari kenaikan minimal (T)`, `bulan lalu tidak
    ditimbang (O)`, `baru pertama ditimbang (B)` (ilp-domain 3.2: T includes a loss). The one text of N/T/O/B
    for the kader, the bidan, the family and the chart; "" without a code."""
    if code not in ("N", "T", "O", "B"):
        return ""
    if code in ("N", "T") and grams is not None:
        key = "N" if code == "N" else "T_down" if grams < 0 else "T_same" if grams == 0 else "T_up"
        return render(lang, f"gain.{key}", grams=number(abs(grams), lang))
    return render(lang, f"gain.{code}_plain" if code == "N" else f"gain.{code}")  # the change is not known
