"""The national exports as files: e-PPGBM by name by address and the SIP formats 1-6.

The column order and headers are data (`national_formats.json` beside this module, or a district's
own copy named by `NATIONAL_FORMATS_FILE`): no official template text was found for e-PPGBM nor
for the SIP formats (data-out 2.2-2.3), so a puskesmas that has the current template changes the
table, not the code. CSV dates are DD/MM/YYYY (the e-PPGBM template's form) with a decimal point;
XLSX dates are dates and numbers numbers, with Indonesian display formats.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any, Sequence

DEFAULT_FILE = Path(__file__).with_name("national_formats.json")
FORMATS = ("eppgbm", "sip1", "sip2", "sip3", "sip4", "sip5", "sip6")
PLACE_COLUMNS = ({"key": "posyandu_code", "id": "Kode Posyandu", "en": "Posyandu code"},
                 {"key": "posyandu", "id": "Posyandu", "en": "Posyandu"})


def load_formats(path: str | Path | None = None) -> dict[str, Any]:
    """The column tables; a district's file replaces the formats it names, the others stay."""
    formats = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    if path:
        formats.update(json.loads(Path(path).read_text(encoding="utf-8")))
    for name in FORMATS:
        for column in formats[name]["columns"]:
            if not {"key", "id", "en"} <= set(column):
                raise ValueError(f"{name}: every column needs key, id and en")
    return formats


def columns(formats: dict[str, Any], name: str, several_posyandu: bool) -> list[dict[str, str]]:
    """A format's columns; SIP registers of several posyandu get the posyandu in front (e-PPGBM has it)."""
    cols = list(formats[name]["columns"])
    if several_posyandu and name != "eppgbm":
        cols = [*PLACE_COLUMNS, *cols]
    return cols


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):  # 71.0 and 71 read the same on both databases; a register's 3 decimals kept
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return value


def write_csv(out: Any, formats: dict[str, Any], name: str, rows: Sequence[dict[str, Any]], lang: str = "id",
              several_posyandu: bool = False) -> int:
    cols = columns(formats, name, several_posyandu)
    writer = csv.writer(out)
    writer.writerow([c[lang] if lang in ("id", "en") else c["id"] for c in cols])
    for row in rows:
        writer.writerow([_csv_value(row.get(c["key"])) if c["key"] != "blank" else "" for c in cols])
    return len(rows)


def workbook_bytes(formats: dict[str, Any], tables: Sequence[tuple[str, Sequence[dict[str, Any]]]], lang: str = "id",
                   several_posyandu: bool = False, heading: str = "") -> bytes:
    """One sheet per format (e-PPGBM, Format 1..6), each with its title row, headers and rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, rows in tables:
        cols = columns(formats, name, several_posyandu)
        title = formats[name].get(f"title_{lang}") or formats[name]["title_id"]
        sheet = book.create_sheet(("e-PPGBM" if name == "eppgbm" else f"Format {name[3:]}" if lang == "id"
                                   else f"Form {name[3:]}")[:31])
        sheet.append([title + (f" — {heading}" if heading else "")])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([c[lang] if lang in ("id", "en") else c["id"] for c in cols])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            values = [row.get(c["key"]) if c["key"] != "blank" else None for c in cols]
            sheet.append(values)
            for cell, value in zip(sheet[sheet.max_row], values):
                if isinstance(value, date):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(value, float):
                    cell.number_format = "0.0#"
        sheet.freeze_panes = "A3"
        for i, c in enumerate(cols, 1):
            sheet.column_dimensions[sheet.cell(2, i).column_letter].width = 24 if c["key"] in (
                "name", "mother", "address", "posyandu", "baby") else 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
