"""The month's recap and the growth chart for operators.

    flask --app app.wsgi recap --month 2026-11 [--posyandu MAWAR7] --format csv|xlsx|text [-o FILE]
    flask --app app.wsgi sasaran --posyandu MAWAR7 --year 2026 --balita 45
    flask --app app.wsgi chart --posyandu MAWAR7 --name "Aisyah Putri" [--birth-date 2025-03-10] \\
        --indicator wfa|lhfa -o aisyah.png
"""
from __future__ import annotations

import io
import sys
from datetime import date

import click
from flask.cli import with_appcontext

from bot.charts import chart_spec, is_balita
from bot.recap_text import recap_text
from storage.db import failure_label, transaction
from storage.members import name_key
from storage.models import Member, Posyandu
from storage.recap import month_recap, set_target
from storage.repositories import posyandu_by_code
from app.cli.core import month_arg, runtime, write_output

@click.command("recap", help="The month's recap: SKDN and the ILP figures per posyandu (csv, xlsx or text); "
                              "with --level, by posyandu, desa, puskesmas or kabupaten with targets and PWS KIA.")
@click.option("--month", "month_text", required=True, help="YYYY-MM")
@click.option("--posyandu", "code", default=None, help="posyandu code (default: all; xlsx needs one)")
@click.option("--level", type=click.Choice(["posyandu", "desa", "puskesmas", "kabupaten"]), default=None,
              help="the recap by level (docs/recap.md, 'Figures by level')")
@click.option("--code", "unit", default=None, help="with --level: the unit's code or name (default: every unit)")
@click.option("--cumulative", is_flag=True, help="with --level: the csv/text figures of January to the month")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "text"]), default="csv", show_default=True)
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option("-o", "--output", default=None, help="file to write (csv and text default: standard output)")
@with_appcontext
def recap_command(month_text: str, code: str | None, level: str | None, unit: str | None, cumulative: bool,
                  fmt: str, lang: str, output: str | None) -> None:
    year, month = month_arg(month_text)
    if level is not None or unit is not None or cumulative:
        from app.cli.levels import level_recap_command

        level_recap_command(level or "posyandu", unit or code, year, month, cumulative, fmt, lang, output, write_output)
        return
    if fmt == "xlsx" and not code:
        raise click.UsageError("--format xlsx makes one workbook per posyandu: give --posyandu CODE")
    rt = runtime()
    with transaction(rt.session_factory) as session:
        if code:
            place = posyandu_by_code(session, code)
            if place is None:
                raise click.ClickException(f"no posyandu with code {code}")
            places = [place]
        else:
            places = list(session.query(Posyandu).order_by(Posyandu.code))
        recaps, failed = [], []
        for place in places:  # one posyandu's failure is said and the others are still written
            savepoint = session.begin_nested()
            try:
                recaps.append(month_recap(session, place, year, month))
                savepoint.commit()
            except Exception as exc:
                savepoint.rollback()
                failed.append(place.code)
                click.echo(f"{place.code}: the recap failed ({failure_label(exc)}); the others are written", err=True)
    if failed and not recaps:
        raise click.ClickException(f"no recap could be made ({', '.join(failed)})")
    if fmt == "xlsx":
        from bot.media.recap_files import workbook_bytes

        write_output(output, workbook_bytes(recaps[0], lang), f"rekap-{places[0].code}-{month_text}.xlsx")
    elif fmt == "csv":
        from bot.media.recap_files import write_csv

        out = io.StringIO()
        write_csv(out, recaps, lang)
        write_output(output, out.getvalue())
    else:
        write_output(output, "\n\n".join(recap_text(lang, r) for r in recaps) + "\n")
    if failed:
        sys.exit(1)


@click.command("sasaran", help="Set the year's target number of balita (S of SKDN) for a posyandu.")
@click.option("--posyandu", "code", required=True)
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--balita", type=click.IntRange(0, 100000), required=True)
@with_appcontext
def target_command(code: str, year: int, balita: int) -> None:
    rt = runtime()
    with transaction(rt.session_factory) as session:
        place = posyandu_by_code(session, code)
        if place is None:
            raise click.ClickException(f"no posyandu with code {code}")
        set_target(session, place.id, year, balita, rt.clock.now())
    click.echo(f"S for {place.code} in {year}: {balita} balita")


@click.command("chart", help="Write a child's growth chart (weight- or length/height-for-age) as a PNG.")
@click.option("--posyandu", "code", required=True)
@click.option("--name", required=True, help="the child's name as registered")
@click.option("--birth-date", default=None, help="YYYY-MM-DD, to tell namesakes apart")
@click.option("--indicator", type=click.Choice(["wfa", "lhfa"]), default="wfa", show_default=True)
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option("-o", "--output", required=True, help="PNG file to write")
@with_appcontext
def chart_command(code: str, name: str, birth_date: str | None, indicator: str, lang: str, output: str) -> None:
    birth = None
    if birth_date:
        try:
            birth = date.fromisoformat(birth_date)
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--birth-date") from None
    rt = runtime()
    with transaction(rt.session_factory) as session:
        place = posyandu_by_code(session, code)
        if place is None:
            raise click.ClickException(f"no posyandu with code {code}")
        query = session.query(Member).filter(Member.posyandu_id == place.id, Member.name_key == name_key(name))
        if birth is not None:
            query = query.filter(Member.birth_date == birth)
        found = query.all()
        if not found:
            raise click.ClickException(f"no member named {name!r} at {place.code}")
        if len(found) > 1:
            raise click.ClickException(f"{len(found)} members are named {name!r}: give --birth-date")
        member = found[0]
        today = rt.clock.now().date()
        if not is_balita(member, today):
            raise click.ClickException("the KMS chart is for children under 60 months")
        spec = chart_spec(session, member, indicator, lang, today)
    if spec is None:
        raise click.ClickException(f"no {'weight' if indicator == 'wfa' else 'length/height'} on record")
    from bot.media.chart import chart_png

    write_output(output, chart_png(spec))


GROUPS = (recap_command, target_command, chart_command)
