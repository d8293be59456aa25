"""Jangkauan: per posyandu, the households each channel reaches (or not, and why) and this month's
reminders and announcements written, sent, delivered, read and failed (`storage.reach.reach_figures`, the
chat's `jangkauan`), with the failures' reasons."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import g, render_template, request
from flask.typing import ResponseReturnValue

from bot.recap_text import month_label
from storage.reach import UNREACHABLE, reach_by_posyandu
from storage.visits import local_today
from storage.web_pages import failure_reasons
from web.pages.common import blueprint, chosen_places, lang, now, page, places, seen

PLACES_PAGE = 10  # posyandu per page (a phone screen): the figures of one page are read in three queries


@blueprint.get("/jangkauan")
@page("reach")
def reach() -> ResponseReturnValue:
    rows = []
    month = ""
    every = chosen_places()
    try:
        offset = max(int(request.args.get("dari", 0)), 0)
    except ValueError:
        offset = 0
    shown = every[offset:offset + PLACES_PAGE]  # a kabupaten's 500 posyandu, 10 on a page
    if shown:  # every posyandu's figures in three queries (a kabupaten has 500), one audit event for the view
        today = local_today(shown[0], now())
        month = month_label(lang(), today.year, today.month)
        figures = reach_by_posyandu(g.db, shown, now())
        rows = [(place, figures[place.id]) for place in shown]
    seen("web.reach", f"posyandu:{shown[0].id}" if len(shown) == 1 else f"posyandu:{len(shown)}")
    # why the messages of this page's posyandu failed this month (the page's rows, never the whole kabupaten's)
    start = datetime.combine(today.replace(day=1), time(0), ZoneInfo(shown[0].timezone)) if shown else None
    reasons = failure_reasons(g.db, [p.id for p in shown], start) if shown else []
    return render_template("reach.html", rows=rows, month=month, unreachable=UNREACHABLE, places=places(),
                           reasons=reasons, offset=offset, page=PLACES_PAGE, total=len(every),
                           chosen=request.args.get("posyandu", ""))
