"""Parse numbers and blood pressure as kaders type them in chat.

Why: WhatsApp/Telegram input mixes decimal commas ("9,5"), units ("9.5 kg")
and spaces; anything ambiguous must be refused rather than guessed.

Rules: one optional sign, digits, at most one decimal separator ('.' or
','), then an optional known unit. No thousands separators, exponents,
NaN/inf or several separators ('9,5,3'): those return None. A lone '.' or
',' followed by three digits ('1.250') is read as a decimal point, so the
validation layer catches a gram value typed as kilograms.
Blood pressure: 'sys/dia' with '/' or '-' (spaces allowed around it) and an
optional 'mmHg'; whole numbers only.
"""

from __future__ import annotations

import re
from decimal import Decimal

UNITS = (
    "kg", "kilo", "g", "gr", "gram", "cm", "mm", "m", "mmhg", "mg/dl", "mgdl",
    "g/dl", "gdl", "mmol/l", "minggu", "mgg", "%", "bulan", "bln", "tahun", "thn",
)
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_NUMBER = re.compile(
    rf"^\s*([+-]?)([0-9]+)(?:[.,]([0-9]+))?\s*(?:{_UNIT_RE})?\s*$", re.IGNORECASE
)
_BP = re.compile(r"^\s*([0-9]{2,3})\s*[/-]\s*([0-9]{2,3})\s*(?:mm\s*hg)?\s*$", re.IGNORECASE)


def parse_number(text: str) -> Decimal | None:
    """'9,5' / '9.5 kg' / ' 9,50kg' / '120' -> Decimal; anything else -> None."""
    if not isinstance(text, str):
        return None
    match = _NUMBER.match(text)
    if match is None:
        return None
    sign, whole, frac = match.groups()
    return Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")


def parse_bp(text: str) -> tuple[int, int] | None:
    """'120/80', '120 / 80', '120-80', '120/80 mmHg' -> (120, 80); else None."""
    if not isinstance(text, str):
        return None
    match = _BP.match(text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


# How a length/height was measured, as registers and kaders write it (WHO: L = recumbent length, H = standing
# height). Indonesian registers write "Telentang"/"Berdiri" (the e-PPGBM "cara ukur", data-out 2.2) or their
# initials T/B; English forms "lying"/"standing". Case and spaces do not matter; anything else is refused.
POSITION_WORDS: dict[str, str] = {
    **dict.fromkeys(("l", "t", "pb", "telentang", "terlentang", "tlentang", "berbaring", "baring", "tidur",
                     "lying", "lying down", "recumbent", "supine", "length", "panjang", "panjang badan"), "L"),
    **dict.fromkeys(("h", "b", "tb", "berdiri", "diri", "standing", "stand", "height", "tinggi", "tinggi badan"),
                    "H"),
}


def parse_position(text: str) -> str | None:
    """'L' (lying) or 'H' (standing) for a register's or a kader's word (`Telentang`, `B`, `standing`...), None
    for a word that is not one of them (an empty cell is None too: the caller decides)."""
    return POSITION_WORDS.get(" ".join(text.strip().lower().replace(".", " ").split()))
