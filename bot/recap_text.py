"""The month's recap and the growth chart in words: the chat summary, the chart's sentences, month names.

Why apart from the flows: the chat (`rekap`, `grafik`), the automatic recap to
the bidan and the operator commands say the same things the same way.
"""
from __future__ import annotations

import re
from typing import Any

from bot.formats import number
from bot.messages import Attachment, Reply
from bot.texts import catalogue, render

RATIO_KEYS = ("K/S", "D/S", "N/D", "N/S", "D/K", "N/(D-O-B)", "BGM/D", "2T/D")
NAMES_SHOWN = 12  # a longer list goes in the workbook; the chat says how many more


def finding_label(lang: str | None, code: str) -> str:
    """A stored finding (`index:code`) in the reader's words: the category's own label (health.labels), a flag
    of the report's texts, or "another finding"; never the code (issue 16)."""
    from health.labels import category_of

    category = category_of(code)
    if category is not None:
        return category.label_en if lang == "en" else category.label_id
    key = f"report.flag.{code}"
    if key in catalogue(lang or "id") or key in catalogue("id"):
        return render(lang, key)
    return render(lang, "recap.finding_other")


def status_label(lang: str | None, index: str, code: str) -> str:
    """A stored status (`statuses[index] == code`) in words."""
    return finding_label(lang, f"{index}:{code}")


def service_label(lang: str | None, code: str) -> str:
    """A service given (a dose, ANC contact, capsule) in words, as the register names it: "Pemeriksaan
    kehamilan K1", "Imunisasi polio tetes 1", never `ANC1` or `OPV1`."""
    from health.immunisation import CODES as DOSES
    from health.schedules import dose_name

    if code in DOSES:  # a dose is named as everywhere else ("Polio tetes ke-1"), one renderer
        return dose_name(code, lang or "id")
    own = f"recap.service.{code}"
    if own in catalogue("id"):
        return render(lang, own)
    if code in ("CACING", "TTD"):
        from bot.service_names import label_for

        return label_for(code, lang or "id")
    from health.schedules import RULES

    rule = next((r for r in RULES if r.code == code), None)
    if rule is None:
        return render(lang, "recap.service_other")
    label = rule.label_en if lang == "en" else rule.label_id
    return _SCHEDULE_NOTE.sub("", label).strip()  # the name without the schedule's age window


# the schedule's window in a rule's label: "(usia 4 bulan)", "(minggu 0-12, dokter)", "(6 jam-2 hari)", "(before 1 month)"
_SCHEDULE_NOTE = re.compile(r"\s*\((?:usia|minggu|kelas|age|weeks|before|grade|\d)[^)]*\)|,\s*(?:<|usia).*$")


def month_label(lang: str | None, year: int, month: int) -> str:
    return f"{render(lang, f'recap.month.{month}')} {year}"


def percent(value: float | None, lang: str | None) -> str:
    return render(lang, "recap.none") if value is None else f"{number(value, lang, 1)}%"


def _names(lang: str | None, names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return shown + (f" (+{more})" if more > 0 else "")


def recap_text(lang: str | None, recap: dict[str, Any]) -> str:
    """A short readable summary: SKDN, the ratios, the names behind T/2T/BGM, one line per group."""
    s, ratios, ilp = recap["skdn"], recap["ratios"], recap["ilp"]
    lines = [render(lang, "recap.title", posyandu=recap["posyandu"]["name"],
                    month=month_label(lang, recap["year"], recap["month"]))]
    if recap.get("empty"):
        lines.append(render(lang, "recap.empty"))
    lines.append(render(lang, "recap.skdn", S=s["S"], K=s["K"], D=s["D"], N=s["N"], T=s["T"], O=s["O"], B=s["B"],
                        T2=s["2T"], BGM=s["BGM"]))
    lines.append(render(lang, "recap.s_target" if s["s_source"] == "target" else "recap.s_registered"))
    lines.append(render(lang, "recap.ratios", ds=percent(ratios["D/S"], lang), nd=percent(ratios["N/D"], lang),
                        ndob=percent(ratios["N/(D-O-B)"], lang), ks=percent(ratios["K/S"], lang),
                        dk=percent(ratios["D/K"], lang)))
    for code in ("T", "2T", "BGM"):
        if recap["names"][code]:
            lines.append(render(lang, "recap.names", label=code, names=_names(lang, recap["names"][code])))
    lines.append(render(lang, "recap.nutrition", **{k: s[k] for k in ("stunted", "wasted", "underweight")}))
    lines.append(render(lang, "recap.mothers", nifas=ilp["ibu_nifas"]["seen"], **ilp["ibu_hamil"]))
    lines.append(render(lang, "recap.children", **ilp["bayi_balita"]))
    lines.append(render(lang, "recap.teens", **ilp["remaja"]))
    lines.append(render(lang, "recap.adults", **ilp["dewasa_lansia"]))
    lines.append(render(lang, "recap.referrals", **ilp["posyandu"]))
    missing = recap.get("missing_nik") or {"count": 0, "members": []}
    if missing["count"]:  # the bidan sees who cannot go to SATUSEHAT yet (issue 10)
        shown = [m["name"] for m in missing["members"][:NAMES_SHOWN]]
        more = missing["count"] - len(shown)
        lines.append(render(lang, "recap.missing_nik", count=missing["count"],
                            names=", ".join(shown) + (f" (+{more})" if more > 0 else "")))
    return "\n".join(lines)


def recap_replies(lang: str | None, recap: dict[str, Any]) -> list[Reply]:
    """The summary, then the workbook as a document (the bidan's automatic recap says the same)."""
    label = month_label(lang, recap["year"], recap["month"])
    code = recap["posyandu"]["code"]
    attachment = Attachment("document", f"rekap-{code}-{recap['year']:04d}-{recap['month']:02d}.xlsx",
                            {"type": "recap", "lang": lang or "id", "recap": recap})
    return [Reply(recap_text(lang, recap)),
            Reply(render(lang, "recap.file_caption", posyandu=recap["posyandu"]["name"], month=label),
                  attachment=attachment)]
