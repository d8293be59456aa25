"""Kader: the month's reports per kader (visits, people, without a NIK, typed late); a kader sees her own."""
from __future__ import annotations

import re

from flask import g, render_template, request

from bot.messages import Role
from bot.recap_text import month_label
from health.recap import month_bounds
from storage.visits import local_today
from storage.web_pages import kader_figures
from web.pages.common import blueprint, chosen_places, kept_figures, lang, now, page, places, runtime, seen

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@blueprint.get("/kader")
@page("kaders")
def kaders():  # type: ignore[no-untyped-def]
    shown = chosen_places()
    today = local_today(shown[0], now()) if shown else now().date()
    year, month = today.year, today.month
    found = _MONTH.match(request.args.get("bulan", ""))
    if found and 1 <= int(found.group(2)) <= 12:
        year, month = int(found.group(1)), int(found.group(2))
    first, last = month_bounds(year, month)
    own = g.contact.id if g.contact.role == Role.KADER.value else None
    ids = [p.id for p in shown]
    if own is None:  # staff: the kabupaten's month may be kept a while
        found, computed = kept_figures("web.kaders", year, month,
                                       lambda: {"rows": kader_figures(g.db, ids, first, last)})
        rows = found["rows"]
    else:
        rows, computed = kader_figures(g.db, ids, first, last, only_contact=own), None
    seen("web.kaders", f"posyandu:{len(shown)}")
    return render_template("kaders.html", rows=rows, month=month_label(lang(), year, month), places=places(),
                           own=own is not None, computed=computed, minutes=runtime().settings.web_recap_minutes)
