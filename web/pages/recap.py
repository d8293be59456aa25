"""Bulan ini / Rekap: one posyandu's month as the chat's `rekap` and the CLI's `recap` give it (the same
`storage.recap.month_recap`), with the names behind T, 2T and BGM linked to each child's page, the same XLSX
and CSV downloads, and a 12-month trend of D/S and N/D drawn on the server (an SVG, no script)."""
from __future__ import annotations

import io
import re
from flask import Response, abort, g, render_template, request

from bot.recap_text import RATIO_KEYS, month_label, percent
from storage.recap import month_recap, recap_and_trend
from storage.visits import local_today
from storage.web_pages import members_named
from web.pages.common import blueprint, chosen_places, lang, now, page, places, seen, t

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
TREND_MONTHS = 12


def _month() -> tuple[int, int]:
    found = _MONTH.match(request.args.get("bulan", ""))
    if found and 1 <= int(found.group(2)) <= 12:
        return int(found.group(1)), int(found.group(2))
    shown = chosen_places()
    today = local_today(shown[0], now()) if shown else now().date()
    return today.year, today.month


def _back(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 - n
    return index // 12, index % 12 + 1


def trend_svg(points: list[tuple[str, float | None, float | None]], label: str = "D/S, N/D") -> str:
    """A small line chart of D/S (blue) and N/D (green) in per cent over the months, as inline SVG."""
    width, height, left, bottom = 320, 140, 28, 20
    step = (width - left - 24) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return 8 + (height - bottom - 8) * (1 - min(max(value, 0), 100) / 100)

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" class="trend" aria-label="{label}">']
    for level in (0, 50, 100):
        parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y(level):.1f}" y2="{y(level):.1f}" class="grid"/>'
                     f'<text x="2" y="{y(level) + 4:.1f}" class="axis">{level}%</text>')
    for index, css in ((1, "ds"), (2, "nd")):
        run: list[str] = []
        for i, point in enumerate(points):
            value = point[index]
            if value is None:  # a month with nothing to count: the line breaks, as on the KMS
                if len(run) > 1:
                    parts.append(f'<polyline class="{css}" points="{" ".join(run)}"/>')
                run = []
                continue
            run.append(f"{left + i * step:.1f},{y(value):.1f}")
            parts.append(f'<circle class="{css}" cx="{left + i * step:.1f}" cy="{y(value):.1f}" r="2.5"/>')
        if len(run) > 1:
            parts.append(f'<polyline class="{css}" points="{" ".join(run)}"/>')
    for i, point in enumerate(points):
        if i % 3 == 0 or i == len(points) - 1:
            parts.append(f'<text x="{left + i * step - 10:.1f}" y="{height - 4}" class="axis">{point[0]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _place():  # type: ignore[no-untyped-def]
    shown = chosen_places()
    if not shown:
        abort(404)
    return shown[0]


@blueprint.get("/rekap")
@page("recap")
def recap():  # type: ignore[no-untyped-def]
    place = _place()
    year, month = _month()
    shown_months = [_back(year, month, n) for n in range(TREND_MONTHS - 1, -1, -1)]
    # the month and the earlier months' D/S and N/D from one read of the register, not 12 recaps
    data, past = recap_and_trend(g.db, place, year, month, shown_months[:-1])
    past[(year, month)] = data["ratios"]
    trend = [(f"{m:02d}/{str(y)[2:]}", past[(y, m)]["D/S"], past[(y, m)]["N/D"]) for y, m in shown_months]
    linked = dict(members_named(g.db, place.id, [n for code in ("T", "2T", "BGM") for n in data["names"][code]]))
    names = {code: [(n, linked.get(n)) for n in data["names"][code]] for code in ("T", "2T", "BGM")}
    seen("web.recap", f"posyandu:{place.id}")
    ratios = [(key, t(f"recap.item.{key}"), percent(data["ratios"][key], lang())) for key in RATIO_KEYS]
    prev, following = _back(year, month, 1), _back(year, month, -1)
    return render_template("recap.html", place=place, all_places=places(), r=data, ratios=ratios, names=names,
                           month=month_label(lang(), year, month), key=f"{year:04d}-{month:02d}",
                           prev=f"{prev[0]:04d}-{prev[1]:02d}", next=f"{following[0]:04d}-{following[1]:02d}",
                           trend=trend_svg(trend, t("web.recap.trend")), skdn_items=("S", "K", "D", "N", "T", "O", "B", "2T", "BGM"))


@blueprint.get("/rekap/unduh.<fmt>")
@page("recap")
def recap_download(fmt: str):  # type: ignore[no-untyped-def]
    place = _place()
    year, month = _month()
    data = month_recap(g.db, place, year, month)
    seen("web.recap_download", f"posyandu:{place.id}")
    name = f"rekap-{place.code}-{year:04d}-{month:02d}"
    if fmt == "xlsx":
        from bot.media.recap_files import workbook_bytes

        return Response(workbook_bytes(data, lang()), headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if fmt == "csv":
        from bot.media.recap_files import write_csv

        out = io.StringIO()
        write_csv(out, [data], lang())
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    abort(404)

