"""SATUSEHAT: per posyandu the visits queued, sent, refused and waiting for a NIK, and each refused or
retried visit with the reason SATUSEHAT gave (`satusehat_sync.last_error`)."""
from __future__ import annotations

from flask import g, render_template
from flask.typing import ResponseReturnValue

from bot.formats import day
from storage.web_pages import SYNC_STATES, satusehat_by_posyandu
from web.pages.common import blueprint, chosen_places, lang, page, places, seen


@blueprint.get("/satusehat")
@page("satusehat")
def satusehat() -> ResponseReturnValue:
    shown = chosen_places()
    counts, problems = satusehat_by_posyandu(g.db, [p.id for p in shown])
    seen("web.satusehat", f"posyandu:{len(shown)}")
    return render_template("satusehat.html", rows=[(p, counts.get(p.id, {})) for p in shown], states=SYNC_STATES,
                           problems=[{"member": m, "on": day(on, lang()), "status": s.status, "reason": s.last_error}
                                     for s, m, on in problems], places=places())
