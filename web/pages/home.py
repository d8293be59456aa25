"""Beranda: per posyandu in scope, the referrals waiting (urgent first) and this month's visits."""
from __future__ import annotations

from flask import g, render_template

from bot.recap_text import month_label
from health.recap import month_bounds
from storage.overview import PosyanduOverview, month_counts, open_referrals
from storage.visits import local_today
from web.pages.common import blueprint, kept_figures, lang, now, page, places, runtime, seen


@blueprint.get("/")
@page("home")
def home():  # type: ignore[no-untyped-def]
    shown = places()
    today = local_today(shown[0], now()) if shown else None
    rows, month, computed = [], "", None
    if today is not None:
        first, last = month_bounds(today.year, today.month)
        ids = [p.id for p in shown]
        referrals = open_referrals(g.db, ids)  # what waits is always live; the month's counts may be kept
        month_of, computed = kept_figures("web.home", today.year, today.month, lambda: {
            str(pid): list(counts) for pid, counts in month_counts(g.db, ids, first, last).items()})
        rows = [(p, PosyanduOverview(*referrals.get(p.id, (0, 0)), *month_of.get(str(p.id), (0, 0, 0))))
                for p in shown]
        rows.sort(key=lambda r: (-r[1].urgent, -r[1].open, r[0].code))
        month = month_label(lang(), today.year, today.month)
    seen("web.home")
    return render_template("home.html", rows=rows, month=month, computed=computed,
                           minutes=runtime().settings.web_recap_minutes)
