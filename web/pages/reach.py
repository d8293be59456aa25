"""Jangkauan: per posyandu, the households each channel reaches (or not, and why) and this month's
reminders and announcements written, sent, delivered, read and failed (`storage.reach.reach_figures`, the
chat's `jangkauan`), with the failures' reasons."""
from __future__ import annotations

from flask import g, render_template

from bot.recap_text import month_label
from storage.reach import UNREACHABLE, reach_by_posyandu
from storage.visits import local_today
from storage.web_pages import failure_reasons
from web.pages import blueprint, chosen_places, lang, now, page, places, seen


@blueprint.get("/jangkauan")
@page("reach")
def reach():  # type: ignore[no-untyped-def]
    rows = []
    month = ""
    shown = chosen_places()
    if shown:  # every posyandu's figures in three queries (a kabupaten has 500), one audit event for the view
        today = local_today(shown[0], now())
        month = month_label(lang(), today.year, today.month)
        figures = reach_by_posyandu(g.db, shown, now())
        rows = [(place, figures[place.id]) for place in shown]
    seen("web.reach", f"posyandu:{shown[0].id}" if len(shown) == 1 else f"posyandu:{len(shown)}")
    reasons = failure_reasons(g.db, [p.id for p in shown]) if shown else []
    return render_template("reach.html", rows=rows, month=month, unreachable=UNREACHABLE, places=places(),
                           reasons=reasons)
