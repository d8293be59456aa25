"""A service given (a dose, an ANC contact, a capsule) named in words: the report's flows, the recap and the page
say it the same way, so it lives outside the flows."""
from __future__ import annotations

from bot.texts import catalogue, render
from health.schedules import IMMUNISATION_RULES


def label_for(code: str, lang: str) -> str:
    """The label of any service code (a typed catch-up dose has no offered choice)."""
    for rule in IMMUNISATION_RULES:
        if rule.code == code:
            return (rule.label_en if lang == "en" else rule.label_id) or code
    key = "report.service.ANC" if code.startswith("ANC") else "report.service.KF" if code.startswith("KF") \
        else f"report.service.{code}"
    if key not in catalogue("id"):  # a code no table knows (an old import, a typo): words, never the key
        return render(lang, "recap.service_other")
    return render(lang, key, code=spoken_code(code))


def spoken_code(code: str) -> str:
    """An ANC contact as the bidan counts it, K1..K6 (the recap's K1), never the code ANC1; KF1.. as they are."""
    return "K" + code[3:] if code.startswith("ANC") and code[3:].isdigit() else code
