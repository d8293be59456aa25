"""Rekap wilayah: the month by level, the same `storage.levels.level_recap` as the CLI's `recap --level` and
the bidan's `rekap`: a bidan's desa, a puskesmas's staff their puskesmas, the kabupaten's admin the
kabupaten; SKDN with ratios, every posyandu (or desa) below it, the ILP cluster figures for the month and
the year so far against the sasaran, the PWS KIA per desa, and the same workbook and CSV."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, abort, g, render_template
from flask.typing import ResponseReturnValue

from bot.messages import Role
from bot.recap_text import RATIO_KEYS, month_label, percent
from health.levels import KLASTER_2, KLASTER_3
from storage.levels import LEVELS, staff_desa_id
from storage.recap_snapshots import snapshot_recap
from web.pages.common import blueprint, lang, now, page, places, runtime, seen, t
from web.pages.recap import _month


def scope() -> tuple[str, int | None] | None:
    """The level and unit this contact oversees (None: a kader, whose recap is her posyandu's)."""
    contact = g.contact
    if contact.role == Role.BIDAN.value:
        desa = staff_desa_id(g.db, contact)
        return ("desa", desa) if desa is not None else None
    if contact.role == Role.ADMIN.value:
        return ("puskesmas", contact.puskesmas_id) if contact.puskesmas_id is not None else ("kabupaten", None)
    return None


def _recap() -> tuple[dict[str, Any], datetime]:
    """The level recap of this contact's area, as computed at most WEB_RECAP_MINUTES ago, and when."""
    found = scope()
    if found is None or not places():
        abort(404)
    level, unit = found
    year, month = _month()
    return snapshot_recap(g.db, level, unit, year, month, now(),
                          timedelta(minutes=runtime().settings.web_recap_minutes))


def _figure(unit: dict[str, Any], figure: str) -> dict[str, Any]:
    cov = unit["coverage"].get(figure) or {}
    target = cov.get("target")
    return {"name": t(f"levels.figure.{figure}"), "month": unit["month"].get(figure), "ytd": unit["ytd"].get(figure),
            "target": target, "pct": percent(cov.get("ytd"), lang()) if target else "",
            "source": t(f"levels.source.{cov['source']}") if target else ""}


@blueprint.get("/rekap/wilayah")
@page("recap")
def area() -> ResponseReturnValue:
    recap, computed = _recap()
    level = recap["level"]
    below = LEVELS[LEVELS.index(level) - 1] if level != "posyandu" else None
    units = []
    for unit in recap["levels"][level]:
        children = [c for c in recap["levels"].get(below, []) if below and c["within"].get(level) == unit["id"]]
        units.append({
            "name": unit["name"], "skdn": unit["skdn"],
            "ratios": [(key, t(f"recap.item.{key}"), percent(unit["ratios"].get(key), lang())) for key in RATIO_KEYS
                       if key in unit["ratios"]],
            "clusters": [(t(f"levels.{name}"), [_figure(unit, f) for f in figures])
                         for name, figures in (("klaster_2", KLASTER_2), ("klaster_3", KLASTER_3))],
            "children": [{"name": c["name"], "code": c.get("code"), "skdn": c["skdn"],
                          "ds": percent(c["ratios"].get("D/S"), lang()), "nd": percent(c["ratios"].get("N/D"), lang())}
                         for c in children]})
    pws = [(t(f"levels.figure.{indicator}"), [
        {"rank": row["rank"] or "-", "name": row["name"], "cum": percent(row["cumulative_pct"], lang()),
         "count": row["cumulative_count"], "target": row["target"], "month": percent(row["month_pct"], lang()),
         "trend": t(f"levels.trend.{row['trend']}"), "status": t(f"levels.status.{row['status']}")}
        for row in rows]) for indicator, rows in (recap.get("pws") or {}).items()]
    seen("web.area", f"{level}:{len(places())}")
    key = f"{recap['year']:04d}-{recap['month']:02d}"
    return render_template("area.html", units=units, pws=pws, below=below, key=key, level=level,
                           level_name=t(f"levels.level.{level}"),
                           month=month_label(lang(), recap["year"], recap["month"]),
                           skdn_items=("S", "K", "D", "N", "T", "O", "B", "2T", "BGM"),
                           computed=computed.astimezone(ZoneInfo(places()[0].timezone)).strftime("%H.%M"),
                           minutes=runtime().settings.web_recap_minutes)


@blueprint.get("/rekap/wilayah/unduh.<fmt>")
@page("recap")
def area_download(fmt: str) -> ResponseReturnValue:
    recap, _computed = _recap()
    seen("web.area_download", recap["level"])
    name = f"rekap-{recap['level']}-{recap['year']:04d}-{recap['month']:02d}"
    if fmt == "xlsx":
        from bot.media.level_files import workbook_bytes

        return Response(workbook_bytes(recap, lang()), headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if fmt == "csv":
        from bot.media.level_files import write_csv

        out = io.StringIO()
        write_csv(out, recap)
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    abort(404)
