"""Kunjungan: the kaders' home-visit lists, most urgent first, the same `storage.visits.visiting_list` as the
chat's `kunjungan` and the CLI's `visits list`. A kader sees her own posyandu's only."""
from __future__ import annotations

from flask import g, render_template
from flask.typing import ResponseReturnValue

from bot.formats import age
from bot.visit_reasons import reason_texts
from storage.visits import local_today, visiting_list
from web.pages.common import blueprint, chosen_places, lang, now, page, places, runtime, seen

SHOWN = 200  # per posyandu on one page
# Where the scope holds several posyandu, the page lists them with a link each rather than computing every
# list (a kabupaten's 500 lists would take minutes): the kader's list is per posyandu, as in chat.


@blueprint.get("/kunjungan")
@page("visits")
def visits() -> ResponseReturnValue:
    shown = chosen_places()
    if len(shown) > 1:  # a desa, a puskesmas, the kabupaten: the lists are per posyandu, one is chosen first
        seen("web.visits", f"posyandu:{len(shown)}")
        return render_template("visits.html", blocks=[], choose=shown, places=places())
    blocks = []
    for place in shown:
        today = local_today(place, now())
        entries = visiting_list(g.db, place, today, je_endemic=runtime().settings.je_endemic)
        blocks.append({"place": place, "total": len(entries), "entries": [
            {"key": e.key, "member_id": int(e.key[1:]) if e.key.startswith("m") else None, "name": e.name,
             "age": age(e.birth_date, today, lang()) if e.birth_date else "", "address": e.address or "-",
             "phone": e.phone or "-", "reasons": reason_texts(lang(), e)} for e in entries[:SHOWN]]})
        seen("web.visits", f"posyandu:{place.id}")
    return render_template("visits.html", blocks=blocks, places=places())
