"""SATUSEHAT: the visits queued, sent, refused and waiting for a NIK, by level, and each refused or retried visit
with the reason SATUSEHAT gave (`satusehat_sync.last_error`).

The level is the contact's scope (`visible_posyandu`, as every page): the kabupaten's admin sees a row per
puskesmas, each opening its posyandu (`?puskesmas=ID`); a puskesmas's staff their posyandu, a bidan her desa's.
Counted by posyandu in one grouped query and summed here, so a puskesmas's row is the sum of its posyandu's."""
from __future__ import annotations

from typing import Any

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from bot.formats import day
from bot.messages import Role
from storage.models import Posyandu
from storage.web_pages import SYNC_STATES, puskesmas_names, sync_counts, sync_problems
from web.pages.common import blueprint, chosen_places, kept_figures, lang, now, page, places, runtime, seen, t

NO_PUSKESMAS = 0  # `?puskesmas=0`: the posyandu recorded without a puskesmas


def _summed(rows: list[dict[str, int]]) -> dict[str, int]:
    return {s: sum(r.get(s, 0) for r in rows) for s in SYNC_STATES}


def _drilled() -> int | None:
    """The puskesmas opened from the kabupaten's rows (`?puskesmas=ID`), if any."""
    value = (request.args.get("puskesmas") or "").strip()
    return int(value) if value.isdigit() else None


@blueprint.get("/satusehat")
@page("satusehat")
def satusehat() -> ResponseReturnValue:
    drilled = _drilled()
    shown: list[Posyandu] = chosen_places()
    if drilled is not None:  # a puskesmas outside the scope shows nothing, as a posyandu outside it does
        shown = [p for p in shown if (p.puskesmas_id or NO_PUSKESMAS) == drilled]
    ids = [p.id for p in shown]
    today = now().date()
    kept_counts, computed = kept_figures("web.sync", today.year, today.month, lambda: {
        str(pid): states for pid, states in sync_counts(g.db, ids).items()}) if drilled is None else (None, None)
    counts = ({int(pid): states for pid, states in kept_counts.items()} if kept_counts is not None
              else sync_counts(g.db, ids))
    problems = sync_problems(g.db, ids)
    names = puskesmas_names(g.db, [p.puskesmas_id for p in shown])
    kabupaten = (g.contact.role == Role.ADMIN.value and g.contact.puskesmas_id is None and drilled is None
                 and not request.args.get("posyandu"))
    rows: list[dict[str, Any]] = []
    if kabupaten:  # a row per puskesmas, the sum of its posyandu, opening them
        by_puskesmas: dict[int, list[dict[str, int]]] = {}
        for p in shown:
            by_puskesmas.setdefault(p.puskesmas_id or NO_PUSKESMAS, []).append(counts.get(p.id, {}))
        for pid, parts in by_puskesmas.items():
            rows.append({"name": names.get(pid) or t("web.sync.no_puskesmas"), "posyandu": len(parts),
                         "href": url_for("web.satusehat", puskesmas=pid), "counts": _summed(parts)})
        rows.sort(key=lambda r: (r["name"] == t("web.sync.no_puskesmas"), r["name"]))
    else:
        rows = [{"name": p.name, "posyandu": None, "href": None, "counts": counts.get(p.id, {})} for p in shown]
    within = {p.puskesmas_id for p in shown}
    one = next(iter(within)) if len(within) == 1 else None
    unit = names.get(one) if one is not None else None  # a puskesmas's or a desa's posyandu: its name heads them
    where = {p.id: p.name for p in shown}
    seen("web.satusehat", f"{'puskesmas' if kabupaten else 'posyandu'}:{len(rows)}")
    return render_template(
        "satusehat.html", rows=rows, total=_summed([r["counts"] for r in rows]), states=SYNC_STATES,
        per_puskesmas=kabupaten, unit=None if kabupaten else unit, drilled=drilled is not None,
        problems=[{"member": m, "on": day(on, lang()), "status": s.status, "reason": s.last_error,
                   "posyandu": where.get(s.posyandu_id, "")} for s, m, on in problems], places=places(),
        computed=computed, minutes=runtime().settings.web_recap_minutes)
