"""The month's recap as files: an XLSX for the bidan and the puskesmas, a CSV for data people.

XLSX: a `Rekap` sheet laid out like the posyandu's monthly register (SIP
format 6 style: the SKDN block, then one block per life-cycle group), a
by-name balita sheet with the columns e-PPGBM entry needs (data-out §2.2), and
one sheet per life-cycle group. Numbers are real numbers and dates real dates
with Indonesian display formats (`dd/mm/yyyy`, one decimal), so a spreadsheet
in an Indonesian locale shows `9,5` and the TPG can still sum them. Every sheet
name, header and cell is in the requester's language; a stored code (a
finding, a status, a service) is written as its words, never as the code.
CSV: one row per posyandu-month with S, K, D, N, T, O, B, 2T, BGM and the ratios,
headers in the requester's language.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Iterable, TextIO

from bot.recap_text import RATIO_KEYS, finding_label, month_label, service_label, status_label
from bot.i18n.recap import COLUMNS_ID
from bot.texts import render
from health.measurements import SHEET_FORMATS
from storage.recap import BY_NAME_COLUMNS, GROUP_COLUMNS, GROUPS

CSV_COLUMNS = ("posyandu_code", "posyandu", "month", "S", "S_source", "K", "D", "N", "T", "O", "B", "2T", "BGM",
               *RATIO_KEYS, "stunted", "wasted", "underweight", "missing_nik")
MISSING_NIK_COLUMNS = ("name", "birth_date", "sex", "mother", "waiting")
SKDN_ITEMS = ("S", "K", "D", "N", "T", "O", "B", "2T", "BGM", "stunted", "wasted", "underweight")
ILP_BLOCKS = ("ibu_hamil", "ibu_nifas", "bayi_balita", "remaja", "dewasa_lansia", "posyandu")
HEADERS_ID = COLUMNS_ID  # the Indonesian headers (e-PPGBM / register wording)
DATE_FORMAT = "dd/mm/yyyy"
STATUS_INDEX = {"bb_u": "bb_u", "pb_tb_u": "pb_tb_u", "bb_pb_tb": "bb_pb_tb"}
SKDN_TERMS = frozenset({"S", "K", "D", "N", "T", "O", "B", "2T", "BGM", *RATIO_KEYS})  # the register's own words


def header(lang: str | None, column: str) -> str:
    """A column's header in the reader's language (SKDN letters and ratios are the register's own terms)."""
    return column if column in SKDN_TERMS else render(lang, f"recap.column.{column}")


def csv_row(recap: dict[str, Any], lang: str | None = "id") -> dict[str, Any]:
    s = recap["skdn"]
    row: dict[str, Any] = {"posyandu_code": recap["posyandu"]["code"], "posyandu": recap["posyandu"]["name"],
                           "month": f"{recap['year']:04d}-{recap['month']:02d}",
                           "S_source": render(lang, f"recap.s_source.{s['s_source']}")}
    row.update({k: s[k] for k in ("S", "K", "D", "N", "T", "O", "B", "2T", "BGM", "stunted", "wasted",
                                  "underweight")})
    row.update({k: "" if recap["ratios"][k] is None else recap["ratios"][k] for k in RATIO_KEYS})
    row["missing_nik"] = (recap.get("missing_nik") or {}).get("count", 0)
    return row


def write_csv(out: TextIO, recaps: Iterable[dict[str, Any]], lang: str | None = "id") -> int:
    """One row per posyandu-month, headers and words in `lang` (ratios in per cent with a decimal point)."""
    writer = csv.writer(out)
    writer.writerow([header(lang, c) for c in CSV_COLUMNS])
    count = 0
    for recap in recaps:
        row = csv_row(recap, lang)
        writer.writerow([row[c] for c in CSV_COLUMNS])
        count += 1
    return count


def _value(lang: str | None, column: str, value: Any) -> tuple[Any, str | None]:
    """A cell as the reader reads it: dates as dates, numbers as numbers, every code in words (issue 16)."""
    if value is None or value == "" or value == []:
        return None, None
    if column in STATUS_INDEX:
        return status_label(lang, STATUS_INDEX[column], value), None
    if column == "statuses":  # the findings: a category of normal severity ("Optimal", "Tidak anemia") is not one
        found = [finding_label(lang, code) for code in value if not _normal(code)]
        return ("; ".join(found) or None), None
    if column == "services":
        return "; ".join(service_label(lang, code) for code in value), None
    if column in ("birth_date", "measured_on"):
        return date.fromisoformat(value), DATE_FORMAT
    if column in SHEET_FORMATS:  # health.measurements
        return float(value), SHEET_FORMATS[column]
    if column == "position":
        return render(lang, f"recap.position.{value}") if value in ("L", "H") else None, None
    if column == "sex":
        return render(lang, f"report.sex_short.{value}") if value in ("L", "P") else value, None
    return value, None


def _normal(code: str) -> bool:
    from health.labels import category_of

    category = category_of(code)
    return category is not None and category.severity.value == "normal"


def _table(sheet: Any, columns: tuple[str, ...], rows: list[dict[str, Any]], lang: str | None) -> None:
    from openpyxl.styles import Font

    sheet.append([header(lang, c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = [_value(lang, c, row.get(c)) for c in columns]
        sheet.append([v for v, _ in values])
        for cell, (_, fmt) in zip(sheet[sheet.max_row], values):
            if fmt:
                cell.number_format = fmt
    sheet.freeze_panes = "C2"
    for i, column in enumerate(columns, 1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = 26 if column in ("name", "mother",
                                                                                         "statuses") else 14


def workbook_bytes(recap: dict[str, Any], lang: str = "id") -> bytes:
    """The XLSX of one posyandu-month, every sheet name, header and word in `lang` (Indonesian or English)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = render(lang, "recap.sheet.recap")[:31]
    bold = Font(bold=True)
    sheet.append([render(lang, "recap.title", posyandu=recap["posyandu"]["name"],
                         month=month_label(lang, recap["year"], recap["month"])).lstrip("📊 ")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([render(lang, "recap.posyandu_code", code=recap["posyandu"]["code"]),
                  render(lang, "recap.s_target" if recap["skdn"]["s_source"] == "target" else "recap.s_registered")])
    sheet.append([render(lang, "recap.block.skdn")])
    for item in SKDN_ITEMS:
        sheet.append([render(lang, f"recap.item.{item}"), recap["skdn"][item]])
    for key in RATIO_KEYS:
        value = recap["ratios"][key]
        sheet.append([render(lang, f"recap.item.{key}"), None if value is None else value / 100])
        sheet.cell(sheet.max_row, 2).number_format = "0.0%"
    for code in ("T", "2T", "BGM"):
        sheet.append([render(lang, "recap.names_label", code=code), ", ".join(recap["names"][code])])
    missing = recap.get("missing_nik") or {"count": 0, "members": []}
    sheet.append([render(lang, "recap.item.missing_nik"), missing["count"]])
    for block in ILP_BLOCKS:
        sheet.append([])
        sheet.append([render(lang, f"recap.block.{block}")])
        for item, value in recap["ilp"][block].items():
            sheet.append([render(lang, f"recap.item.{block}.{item}"), value])
    headers = {render(lang, f"recap.block.{b}") for b in ("skdn", *ILP_BLOCKS)}
    for row in sheet.iter_rows(min_row=3, max_col=1):
        if row[0].value in headers:
            row[0].font = Font(bold=True, size=12, color="1F4E79")
        elif row[0].value:
            row[0].font = bold
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 18
    balita = book.create_sheet(render(lang, "recap.sheet.balita")[:31])
    _table(balita, BY_NAME_COLUMNS, recap["balita"], lang)
    for group in GROUPS:
        _table(book.create_sheet(render(lang, f"recap.sheet.group.{group}")[:31]), GROUP_COLUMNS,
               recap["groups"].get(group, []), lang)
    _table(book.create_sheet(render(lang, "recap.sheet.missing_nik")[:31]), MISSING_NIK_COLUMNS, missing["members"],
           lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
