"""Why a member is on the home-visit list, in words: the chat (`kunjungan`), the page and `flask visits list` say
it the same way, never a reminder code (`OPV1`, `ANC2`)."""
from __future__ import annotations

from bot.texts import render
from health.schedules import dose_name
from storage.visits import Reason, VisitEntry


def reason_texts(lang: str, entry: VisitEntry) -> str:
    """One phrase per kind of reason: "imunisasi Polio tetes ke-1, DPT-HB-Hib ke-1 terlambat (sejak 22-12-2024)"."""
    grouped: dict[str, list[Reason]] = {}
    for reason in entry.reasons:
        grouped.setdefault(reason.code, []).append(reason)
    return "; ".join(render(lang, f"visit.reason.{code}", detail=", ".join(_detail(lang, code, r.detail)
                                                                           for r in group if r.detail),
                            since=min(r.since for r in group))
                     for code, group in grouped.items())


def _detail(lang: str, code: str, detail: str) -> str:
    """A reason's detail in words: a referral's problem by name, a missed contact by its K-number (K2, KF1, KN1),
    a dose by its name ("polio tetes 1"); never the reminder code (`OPV1`, `ANC2`)."""
    if code in ("referral", "referral_today"):
        return render(lang, f"referral.problem.{detail.split(':', 1)[0]}")
    if code == "anc_missed" and detail.startswith("ANC"):
        return "K" + detail[3:]
    if code in ("kf_missed", "kn_missed"):
        return detail  # KF1..KF4, KN1..KN3: the words the bidan uses
    if code == "dose_overdue":  # the dose in words (health.schedules.dose_name), never its code
        return dose_name(detail, lang)
    return detail
