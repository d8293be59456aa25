"""The recap by level as words, CSV and XLSX (one sheet per level, per cluster, PWS KIA and the targets).

Everything reads the one dict `storage.levels.level_recap` returns, so the chat, the files and the
operator command never disagree. Sheet and column names follow the requester's language; the
figures are numbers (percentages as numbers with one decimal), so the TPG can sum and sort them.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, TextIO

from bot.recap_text import RATIO_KEYS, month_label, percent
from bot.texts import render
from health.levels import FIGURE_TARGETS, FIGURES, KLASTER_2, KLASTER_3, LEVELS
from health.targets import GROUPS, PWS_INDICATORS

SKDN_COLUMNS = ("S", "K", "D", "N", "T", "O", "B", "2T", "BGM")
# The figures a chat summary shows (the file has them all).
CHAT_FIGURES = ("K1", "K4", "K6", "persalinan_nakes", "kf_lengkap", "kn_lengkap", "idl", "stunting", "wasting",
                "remaja_ttd", "ptm_screened", "dewasa_screened", "hypertension", "diabetes")


def _label(lang: str | None, level: str) -> str:
    return render(lang, f"levels.level.{level}")


def _title(lang: str | None, recap: dict[str, Any], unit: dict[str, Any] | None) -> str:
    month = month_label(lang, recap["year"], recap["month"])
    if unit is None:
        return render(lang, "levels.title_all", level=_label(lang, recap["level"]).lower(), month=month)
    level = _label(lang, recap["level"])
    if unit["name"].lower().startswith(level.lower()):  # "Kabupaten Demak", "Posyandu Mawar 7"
        return render(lang, "levels.title", level="", name=unit["name"], month=month).replace("  ", " ")
    return render(lang, "levels.title", level=level, name=unit["name"], month=month)


def _figure_line(lang: str | None, recap: dict[str, Any], unit: dict[str, Any], figure: str) -> str:
    coverage = ""
    cov = unit["coverage"].get(figure)
    if cov and cov["target"]:
        coverage = render(lang, "levels.coverage", pct=percent(cov["ytd"], lang), target=cov["target"],
                          source=render(lang, f"levels.source.{cov['source']}"))
    return render(lang, "levels.figure_line", label=render(lang, f"levels.figure.{figure}"),
                  month=unit["month"][figure],
                  ytd_label=render(lang, "levels.period.ytd", month=render(lang, f"recap.month.{recap['month']}")[:3]),
                  ytd=render(lang, "recap.none") if unit["ytd"][figure] is None else unit["ytd"][figure],
                  coverage=coverage)


def unit_text(lang: str | None, recap: dict[str, Any], unit: dict[str, Any], figures: Iterable[str] = FIGURES,
              below: str | None = None) -> str:
    s, r = unit["skdn"], unit["ratios"]
    quiet = not unit["skdn"]["D"] and not any(unit["month"].get(f) for f in FIGURES)
    lines = [_title(lang, recap, unit), *([render(lang, "recap.empty")] if quiet else []),
             render(lang, "levels.skdn", S=s["S"], K=s["K"], D=s["D"], N=s["N"], T=s["T"], O=s["O"], B=s["B"],
                    T2=s["2T"], BGM=s["BGM"]),
             render(lang, f"levels.s_source.{s['s_source']}"),
             render(lang, "levels.ratios", ds=percent(r["D/S"], lang), nd=percent(r["N/D"], lang),
                    ndob=percent(r["N/(D-O-B)"], lang), ks=percent(r["K/S"], lang), dk=percent(r["D/K"], lang))]
    wanted = set(figures)
    for cluster, names in (("klaster_2", KLASTER_2), ("klaster_3", KLASTER_3)):
        shown = [f for f in names if f in wanted]
        if shown:
            lines.append(render(lang, f"levels.{cluster}") + ":")
            lines.extend(_figure_line(lang, recap, unit, f) for f in shown)
    if below:
        children = [u for u in recap["levels"][below] if _inside(u, unit, recap["level"])]
        if len(children) > 1 or below != "posyandu" or recap["level"] != "posyandu":
            lines.append(render(lang, "levels.per_unit", level=_label(lang, below).lower()))
            for child in children:
                cs, cr = child["skdn"], child["ratios"]
                lines.append(render(lang, "levels.unit_line", name=child["name"], D=cs["D"], S=cs["S"],
                                    ds=percent(cr["D/S"], lang), nd=percent(cr["N/D"], lang), BGM=cs["BGM"],
                                    T2=cs["2T"]))
            if below == "posyandu" and children:
                lines.append(render(lang, "levels.hint_posyandu",
                                    month=render(lang, f"recap.month.{recap['month']}").lower(),
                                    code=max(children, key=lambda c: c["skdn"]["D"])["code"]))
    if any(unit["coverage"][f]["source"] in ("estimated", "mixed") for f in unit["coverage"]):
        lines.append(render(lang, "levels.estimated_note"))
    return "\n".join(lines)


def _inside(child: dict[str, Any], unit: dict[str, Any], level: str) -> bool:
    """Whether a unit of a lower level lies in `unit` (by the names of the levels above it)."""
    if level == "posyandu":
        return child["id"] == unit["id"]
    return child["within"][level] == unit["id"]


def recap_text(lang: str | None, recap: dict[str, Any], figures: Iterable[str] = FIGURES,
               pws: bool = True) -> str:
    """Every unit at the recap's level, then (from desa up) the PWS KIA ranking per indicator."""
    if recap["empty"]:
        return render(lang, "levels.empty")
    level = recap["level"]
    below = LEVELS[LEVELS.index(level) - 1] if level != "posyandu" else None
    blocks = [unit_text(lang, recap, unit, figures, below) for unit in recap["levels"][level]]
    if pws and recap["pws"] and level != "posyandu":
        blocks.append(pws_text(lang, recap))
    return "\n\n".join(blocks)


def pws_text(lang: str | None, recap: dict[str, Any]) -> str:
    lines: list[str] = []
    for indicator, _group, _target in PWS_INDICATORS:
        lines.append(render(lang, "levels.pws_title", indicator=render(lang, f"levels.figure.{indicator}")))
        for row in recap["pws"][indicator]:
            if row["target"] is None:
                lines.append(render(lang, "levels.pws_line_none", name=row["name"], cum_count=row["cumulative_count"],
                                    month_count=row["month_count"]))
                continue
            lines.append(render(lang, "levels.pws_line", rank=row["rank"] or "-", name=row["name"],
                                cum=percent(row["cumulative_pct"], lang), cum_count=row["cumulative_count"],
                                target=row["target"] if row["target"] is not None else "-",
                                month=percent(row["month_pct"], lang), trend=render(lang, f"levels.trend.{row['trend']}"),
                                status=render(lang, f"levels.status.{row['status']}")))
    return "\n".join(lines)


# -- CSV -------------------------------------------------------------------------------------------------------
def csv_columns() -> list[str]:
    cols = ["level", "code", "name", "desa", "puskesmas", "kabupaten", "month", "period", "posyandu",
            *SKDN_COLUMNS, "S_source", *RATIO_KEYS, "stunted", "wasted", "underweight", *FIGURES]
    for figure in FIGURE_TARGETS:
        cols += [f"{figure}_target", f"{figure}_target_source", f"{figure}_pct"]
    return cols


def write_csv(out: TextIO, recap: dict[str, Any], cumulative: bool = False) -> int:
    """One row per unit at the recap's level; figures of the month, or of the year to date (`cumulative`).
    SKDN is always the month's (it is a monthly reading)."""
    writer = csv.DictWriter(out, fieldnames=csv_columns())
    writer.writeheader()
    period = "ytd" if cumulative else "month"
    count = 0
    for unit in recap["levels"][recap["level"]]:
        row: dict[str, Any] = {"level": unit["level"], "code": unit["code"], "name": unit["name"],
                               "desa": unit["desa"], "puskesmas": unit["puskesmas"], "kabupaten": unit["kabupaten"],
                               "month": f"{recap['year']:04d}-{recap['month']:02d}",
                               "period": "year_to_date" if cumulative else "month", "posyandu": unit["posyandu"],
                               "S_source": unit["skdn"]["s_source"]}
        row.update({k: unit["skdn"][k] for k in (*SKDN_COLUMNS, "stunted", "wasted", "underweight")})
        row.update({k: "" if unit["ratios"][k] is None else unit["ratios"][k] for k in RATIO_KEYS})
        row.update({k: unit[period][k] for k in FIGURES})
        for figure in FIGURE_TARGETS:
            cov = unit["coverage"].get(figure) or {"target": None, "source": "none", period: None}
            row[f"{figure}_target"] = "" if cov["target"] is None else cov["target"]
            row[f"{figure}_target_source"] = cov["source"] if cov["target"] is not None else ""
            row[f"{figure}_pct"] = "" if cov.get(period) is None else cov[period]
        writer.writerow(row)
        count += 1
    return count


# -- XLSX ------------------------------------------------------------------------------------------------------
def _sheet(book: Any, title: str, header: list[str]) -> Any:
    from openpyxl.styles import Font

    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    for i in range(1, len(header) + 1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = 28 if i <= 2 else 14
    return sheet


def workbook_bytes(recap: dict[str, Any], lang: str = "id") -> bytes:
    """A sheet per level (SKDN and ratios per unit), a sheet per cluster (every unit x figure: month, year,
    target, coverage), the PWS KIA (ranked desa per indicator) and the targets per desa."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def col(key: str) -> str:
        return render(lang, f"levels.col.{key}")

    book = Workbook()
    cover = book.active
    cover.title = render(lang, "recap.sheet.recap")[:31]
    cover.append([_title(lang, recap, recap["levels"][recap["level"]][0] if len(recap["levels"][recap["level"]]) == 1
                         else None).lstrip("📊 ")])
    cover["A1"].font = Font(bold=True, size=14)
    if not recap["empty"]:
        for line in recap_text(lang, recap, pws=False).splitlines():
            cover.append([line])
    cover.column_dimensions["A"].width = 110
    levels = [lvl for lvl in LEVELS if lvl in recap["levels"]]
    for level in levels:
        sheet = _sheet(book, _label(lang, level), [col("name"), col("code"), col("desa"), col("puskesmas"),
                                                    col("kabupaten"), col("posyandu"), *SKDN_COLUMNS,
                                                    col("s_source"), *RATIO_KEYS,
                                                    render(lang, "recap.item.stunted"),
                                                    render(lang, "recap.item.wasted"),
                                                    render(lang, "recap.item.underweight")])
        for unit in recap["levels"][level]:
            s = unit["skdn"]
            sheet.append([unit["name"], unit["code"], unit["desa"] if level != "kabupaten" else "",
                          unit["puskesmas"] if level in ("posyandu", "puskesmas") else "",
                          unit["kabupaten"], unit["posyandu"], *[s[k] for k in SKDN_COLUMNS],
                          render(lang, f"levels.s_word.{s['s_source']}"),
                          *[unit["ratios"][k] for k in RATIO_KEYS], s["stunted"], s["wasted"], s["underweight"]])
    for cluster, names in (("klaster_2", KLASTER_2), ("klaster_3", KLASTER_3)):
        sheet = _sheet(book, render(lang, f"levels.sheet.{cluster}"),
                       [col("name"), col("level"), col("code"), col("figure"), col("month"), col("ytd"),
                        col("target"), col("target_source"), col("month_pct"), col("ytd_pct")])
        for level in reversed(levels):
            for unit in recap["levels"][level]:
                for figure in names:
                    cov = unit["coverage"].get(figure)
                    has = cov is not None and cov["target"] is not None
                    sheet.append([unit["name"], _label(lang, level), unit["code"],
                                  render(lang, f"levels.figure.{figure}"), unit["month"][figure], unit["ytd"][figure],
                                  cov["target"] if has else None,
                                  render(lang, f"levels.source_word.{cov['source']}") if has else None,
                                  cov["month"] if has else None, cov["ytd"] if has else None])
    if recap["pws"]:
        sheet = _sheet(book, render(lang, "levels.sheet.pws"),
                       [col("indicator"), col("rank"), col("desa"), col("code"), col("target"), col("target_source"),
                        col("month"), col("month_pct"), col("prev_count"), col("prev_pct"), col("trend"), col("ytd"),
                        col("ytd_pct"), col("expected_pct"), col("gap_pct"), col("status")])
        for indicator, _group, _target in PWS_INDICATORS:
            for row in recap["pws"][indicator]:
                sheet.append([render(lang, f"levels.figure.{indicator}"), row["rank"], row["name"], row["code"],
                              row["target"], render(lang, f"levels.source_word.{row['source']}"), row["month_count"],
                              row["month_pct"], row["prev_count"], row["prev_pct"],
                              render(lang, f"levels.trend_word.{row['trend']}"), row["cumulative_count"],
                              row["cumulative_pct"], row["expected_pct"], row["gap_pct"],
                              render(lang, f"levels.status.{row['status']}") if row["status"] else None])
        sheet = _sheet(book, render(lang, "levels.sheet.targets"),
                       [col("desa"), col("code"), col("group"), col("target"), col("target_source")])
        for unit in recap["levels"]["desa"]:
            for group in GROUPS:
                target = unit["targets"][group]
                sheet.append([unit["name"], unit["code"], render(lang, f"levels.group.{group}"), target["count"],
                              render(lang, f"levels.source_word.{target['source']}")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
