"""`flask --app app.wsgi visits list --posyandu MAWAR7 [--format csv] [--at ...]`: the kader's visiting list.

The same list as `kunjungan` in chat (`storage.visits.visiting_list`), for printing or a spreadsheet.
"""
from __future__ import annotations

import csv
import sys

import click
from flask.cli import AppGroup

from bot.visit_reasons import reason_texts
from storage.db import transaction
from storage.repositories import posyandu_by_code
from storage.visits import local_today, visiting_list
from app.cli.core import parse_instant, runtime

COLUMNS = ("rank", "name", "birth_date", "reasons", "address", "phone")
HEADERS = {"id": ("No.", "Nama", "Tanggal lahir", "Alasan kunjungan", "Alamat", "HP"),
           "en": ("No.", "Name", "Birth date", "Reasons for the visit", "Address", "Phone")}


@click.group("visits", cls=AppGroup, help="The kaders' home-visit lists.")
def visits_group() -> None:
    pass


@visits_group.command("list", help="Who needs a home visit at a posyandu, most urgent first.")
@click.option("--posyandu", "code", required=True, help="posyandu code, e.g. MAWAR7")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option("--at", "at", default=None, help="ISO date-time (default now)")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
def visits_list(code: str, fmt: str, at: str | None, lang: str) -> None:
    rt = runtime()
    instant = parse_instant(at) or rt.clock.now()
    with transaction(rt.session_factory) as session:
        posyandu = posyandu_by_code(session, code)
        if posyandu is None:
            raise click.ClickException(f"no posyandu with code {code}")
        entries = visiting_list(session, posyandu, local_today(posyandu, instant), je_endemic=rt.settings.je_endemic)
        name = posyandu.code
    # the reasons in the kader's words, as `kunjungan` says them (issue 16: no `dose_overdue`, `OPV1`)
    table = [(str(n), e.name, e.birth_date.isoformat() if e.birth_date else "", reason_texts(lang, e),
              e.address or "", e.phone or "")
             for n, e in enumerate(entries, 1)]
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(HEADERS[lang])
        writer.writerows(table)
        return
    for row in table:
        click.echo("  ".join(row))
    click.echo(f"{len(table)} to visit at {name}")


GROUPS = (visits_group,)
