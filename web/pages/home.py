"""Beranda: per posyandu in scope, the referrals waiting (urgent first) and this month's visits."""
from __future__ import annotations

from flask import g, render_template
from flask.typing import ResponseReturnValue

from bot.recap_text import month_label
from health.recap import month_bounds
from storage.overview import overview
from storage.visits import local_today
from web.pages.common import blueprint, lang, now, page, places, seen


@blueprint.get("/")
@page("home")
def home() -> ResponseReturnValue:
    shown = places()
    today = local_today(shown[0], now()) if shown else None
    rows, month = [], ""
    if today is not None:
        first, last = month_bounds(today.year, today.month)
        figures = overview(g.db, [p.id for p in shown], first, last)
        rows = [(p, figures[p.id]) for p in shown]
        rows.sort(key=lambda r: (-r[1].urgent, -r[1].open, r[0].code))
        month = month_label(lang(), today.year, today.month)
    seen("web.home")
    return render_template("home.html", rows=rows, month=month)
