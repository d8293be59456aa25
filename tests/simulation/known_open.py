"""Failures the simulator finds that are bugs listed in issue 16 and being fixed on other branches.

The invariants stay strict: a violation is only let through when it matches an entry here, and each entry
names the issue bullet it belongs to. The lead removes an entry after merging its fix; the simulator then
holds the line. Anything not matched here fails the run.
"""
from __future__ import annotations

import re

# key -> (issue 16 bullet, invariant, a regular expression the violation's detail matches)
KNOWN_OPEN: dict[str, tuple[str, str, str]] = {
    "rekap-adult-weighed-twice": (
        "issue 16: `rekap` crashes for a posyandu where a pregnant or adult woman was weighed in two consecutive "
        "months (KBM is defined for 1-60 months)",
        "no exception|rekap by chat", r"KBM is defined for 1-60 months|kader `rekap` answered: 'Maaf|"
        r"typed 'rekap': the bot apologised|recap --month"),
    "pregnant-hpht-unknown": (
        "issue 16: a pregnant woman whose HPHT is unknown is screened as a non-pregnant adult: BP >= 140/90 is a "
        "this-week finding and the bidan's alert does not mention the pregnancy",
        "urgent reaches the bidan", r"pregnant \(HPHT unknown\): TD"),
    "keguguran-not-to-bidan": (
        "issue 16: `keguguran` says the bidan can follow up, but nothing reaches her",
        "keguguran reaches the bidan", r"miscarriage"),
    "weight-loss-wording": (
        "issue 16: a weight loss is 'tidak naik (T)' for the kader, the bidan and `keluarga`",
        "a weight loss is said as a loss", r"does not say it went down"),
    "english-half-indonesian": (
        "issue 16: English is half Indonesian (lists end 'Balas dengan angka pilihan.', prompts say simpan, ...)",
        "English families read English", r"Indonesian words"),
}


def known(invariant: str, detail: str) -> str | None:
    """The KNOWN_OPEN key this violation belongs to, or None."""
    for key, (_bullet, invariants, pattern) in KNOWN_OPEN.items():
        if re.fullmatch(invariants, invariant) and re.search(pattern, detail):
            return key
    return None
