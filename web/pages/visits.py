"""Kunjungan: the kaders' home-visit lists, most urgent first, the same `storage.visits.visiting_list` as the
chat's `kunjungan` and the CLI's `visits list`. A kader sees her own posyandu's only."""
from __future__ import annotations

from flask import g, render_template

from bot.flows.reporting_format import age
from bot.flows.visits import reason_texts
from storage.visits import local_today, visiting_list
from web.pages import blueprint, chosen_places, lang, now, page, places, runtime, seen

SHOWN = 200  # per posyandu on one page


@blueprint.get("/kunjungan")
@page("visits")
def visits():  # type: ignore[no-untyped-def]
    blocks = []
    for place in chosen_places():
        today = local_today(place, now())
        entries = visiting_list(g.db, place, today, je_endemic=runtime().settings.je_endemic)
        blocks.append({"place": place, "total": len(entries), "entries": [
            {"key": e.key, "member_id": int(e.key[1:]) if e.key.startswith("m") else None, "name": e.name,
             "age": age(e.birth_date, today, lang()) if e.birth_date else "", "address": e.address or "-",
             "phone": e.phone or "-", "reasons": reason_texts(lang(), e)} for e in entries[:SHOWN]]})
        seen("web.visits", f"posyandu:{place.id}")
    return render_template("visits.html", blocks=blocks, places=places())
