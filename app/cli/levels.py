"""The recap by level, a desa's sasaran, and the national exports, for operators.

    flask --app app.wsgi recap --level desa|puskesmas|kabupaten|posyandu [--code X] --month 2026-11 \\
        [--cumulative] --format text|csv|xlsx [--lang id|en] [-o FILE]
    flask --app app.wsgi sasaran-desa --desa 33.21.01.2001 --year 2026 --group bumil --count 42
    flask --app app.wsgi export eppgbm|sip1..sip6 --month 2026-11 [--posyandu CODE] [--format csv|xlsx] -o FILE
"""
from __future__ import annotations

import io
from typing import Any, Callable

import click
from flask.cli import with_appcontext

from health.targets import GROUPS as TARGET_GROUPS, POPULATION
from storage.db import transaction
from storage.levels import desa_by_code, level_recap, set_desa_target
from app.cli.core import month_arg, runtime, write_output


def level_recap_command(level: str, unit: str | None, year: int, month: int, cumulative: bool, fmt: str, lang: str,
                        output: str | None, write: Callable[..., None]) -> None:
    from bot.media import level_files

    rt = runtime()
    with transaction(rt.session_factory) as session:
        recap = level_recap(session, level, unit, year, month, rt.settings.target_cbr)
    if recap["empty"]:
        raise click.ClickException(f"no posyandu in {level} {unit!r}" if unit else "no posyandu at all")
    name = f"rekap-{level}-{(unit or 'semua').replace(' ', '_')}-{year:04d}-{month:02d}"
    if fmt == "xlsx":
        write(output, level_files.workbook_bytes(recap, lang), f"{name}.xlsx")
    elif fmt == "csv":
        out = io.StringIO()
        level_files.write_csv(out, recap, cumulative)
        write(output, out.getvalue())
    else:
        write(output, level_files.recap_text(lang, recap) + "\n")


@click.command("sasaran-desa", help="Set a desa's sasaran of a group for a year (or its population, group penduduk); "
                                    "groups nobody set are estimated from the population (docs/recap.md).")
@click.option("--desa", required=True, help="the desa's Kemendagri code or name")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--group", type=click.Choice([*TARGET_GROUPS, POPULATION]), required=True)
@click.option("--count", type=click.IntRange(0, 10_000_000), required=True)
@with_appcontext
def desa_target_command(desa: str, year: int, group: str, count: int) -> None:
    rt = runtime()
    with transaction(rt.session_factory) as session:
        found = desa_by_code(session, desa)
        if not found:
            raise click.ClickException(f"no desa with code or name {desa!r}")
        if len(found) > 1:
            raise click.ClickException(f"{len(found)} desa are named {desa!r}: give its code")
        set_desa_target(session, found[0].id, year, group, count, rt.clock.now())
    click.echo(f"{group} of {found[0].name} in {year}: {count}")


@click.command("export", help="National formats: e-PPGBM by name by address, SIP formats 1-6 (sip: all six in "
                                "one workbook), for a posyandu, a desa, a puskesmas or a kabupaten and a month.")
@click.argument("name", type=click.Choice(["eppgbm", "sip", "sip1", "sip2", "sip3", "sip4", "sip5", "sip6"]))
@click.option("--month", "month_text", required=True, help="YYYY-MM")
@click.option("--posyandu", "code", default=None, help="one posyandu's code")
@click.option("--level", type=click.Choice(["posyandu", "desa", "puskesmas", "kabupaten"]), default=None)
@click.option("--code", "unit", default=None, help="with --level: the unit's code or name")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx", show_default=True)
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option("-o", "--output", default=None, help="file to write (csv default: standard output)")
@with_appcontext
def export_command(name: str, month_text: str, code: str | None, level: str | None, unit: str | None, fmt: str,
                   lang: str, output: str | None) -> None:
    from bot.media import national
    from storage.exports import BUILDERS
    from storage.levels import places

    year, month = month_arg(month_text)
    if name == "sip" and fmt == "csv":
        raise click.UsageError("csv holds one format: name sip1 ... sip6, or --format xlsx for all six")
    formats = national.load_formats(runtime().settings.national_formats_file or None)
    rt = runtime()
    with transaction(rt.session_factory) as session:
        scope = places(session, level or ("posyandu" if code else None), unit or code)
        if not scope:
            raise click.ClickException("no posyandu in that area")
        ids = [p.id for p in scope]
        names = [f"sip{i}" for i in range(1, 7)] if name == "sip" else [name]
        tables = [(n, BUILDERS[n](session, ids, year, month)) for n in names]
    several = len(ids) > 1
    if fmt == "csv":
        out = io.StringIO()
        national.write_csv(out, formats, names[0], tables[0][1], lang, several)
        write_output(output, out.getvalue())
        return
    heading = scope[0].name if not several else (unit or "")
    write_output(output, national.workbook_bytes(formats, tables, lang, several, f"{heading} {month_text}".strip()),
           f"{name}-{(unit or code or 'semua').replace(' ', '_')}-{month_text}.xlsx")


GROUPS: list[Any] = [desa_target_command, export_command]
