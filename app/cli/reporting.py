"""Reporting commands: invite codes, and the posyandu register in and out (CSV/XLSX).

    flask --app app.wsgi invites create --posyandu MAWAR7 --role kader [--days 7]
    flask --app app.wsgi posyandu import posyandu.csv
    flask --app app.wsgi members import anggota.csv
    flask --app app.wsgi measurements import hasil.csv
    flask --app app.wsgi measurements export --format csv|xlsx [--posyandu CODE] [--month YYYY-MM] [-o FILE]

Thin wrappers over `storage.imports` and `storage.reporting`. An import prints
one line per refused row (`line 7: birth_date is not a date`), then the counts;
it exits with status 1 when a row was refused (the good rows are kept).
"""
from __future__ import annotations

import re
import sys
from datetime import datetime
from typing import Callable

import click
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from bot.messages import Role
from bot.referral_alerts import alert_imported
from storage import imports
from storage.db import failure_label, transaction
from storage.reporting import create_invite
from storage.repositories import posyandu_by_code
from storage.services import HistoryProblem, import_services
from bot.texts import render
from app.cli.core import output_file, runtime


def _import(path: str, columns: tuple[str, ...], what: str, run: Callable) -> None:
    rt = runtime()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = imports.read_rows(handle, columns)
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc.__class__.__name__}") from None
    except imports.FileProblem as exc:
        raise click.ClickException(str(exc)) from None
    with transaction(rt.session_factory) as session:
        report = run(session, rows, rt.clock.now())
    for line in report.lines(what):
        click.echo(line)
    for line, problem in getattr(report, "history", ()):  # the members import's `riwayat`, said in Indonesian
        click.echo(f"line {line}: warning: riwayat \"{problem.params.get('entry', '')}\": "
                   f"{render('id', problem.key, **problem.params)}")
    if report.errors:
        sys.exit(1)


# -- invites ---------------------------------------------------------------------------------------
@click.group("invites", cls=AppGroup, help="Invite codes that make a chat contact a kader or bidan.")
def invites_group() -> None:
    pass


@invites_group.command("create", help="Print a single-use invite code for a posyandu and a role.")
@click.option("--posyandu", "posyandu_code", required=True, help="posyandu code, e.g. MAWAR7")
@click.option("--role", type=click.Choice([Role.KADER.value, Role.BIDAN.value]), required=True)
@click.option("--days", type=click.IntRange(1, 90), default=None, help="days the code is valid (default 7)")
def invites_create(posyandu_code: str, role: str, days: int | None) -> None:
    rt = runtime()
    with transaction(rt.session_factory) as session:
        place = posyandu_by_code(session, posyandu_code)
        if place is None:
            raise click.ClickException(f"no posyandu with code {posyandu_code}")
        invite = create_invite(session, place.id, role, rt.clock.now(), days or rt.settings.invite_valid_days)
        code, until = invite.code, invite.expires_at
    click.echo(code)
    click.echo(f"{role} at {place.code}, single use, valid until {until:%Y-%m-%d %H:%M} UTC", err=True)


# -- posyandu ----------------------------------------------------------------------------------------
@click.group("posyandu", cls=AppGroup, help="Posyandu and their regions.")
def posyandu_group() -> None:
    pass


@posyandu_group.command("import", help="Import posyandu: code,name,desa,kecamatan,kabupaten,provinsi,puskesmas,timezone")
@click.argument("path", type=click.Path(dir_okay=False))
def posyandu_import(path: str) -> None:
    _import(path, imports.POSYANDU_COLUMNS, "posyandu", lambda s, rows, now: imports.import_posyandu(s, rows))


# -- members -------------------------------------------------------------------------------------------
@click.group("members", cls=AppGroup, help="Members of the posyandu (the register).")
def members_group() -> None:
    pass


@members_group.command("import", help="Import members: posyandu_code,name,sex,birth_date,guardian_name,"
                                      "guardian_phone,opted_in,hpht and optionally nik,mother_nik")
@click.argument("path", type=click.Path(dir_okay=False))
def members_import(path: str) -> None:
    _import(path, imports.MEMBER_COLUMNS, "members", imports.import_members)


# -- measurements --------------------------------------------------------------------------------------
@click.group("measurements", cls=AppGroup, help="Measurements: import from the paper register, export for reports.")
def measurements_group() -> None:
    pass


@measurements_group.command("import", help="Import measurements (same checks and interpretation as the chat).")
@click.argument("path", type=click.Path(dir_okay=False))
def measurements_import(path: str) -> None:
    _import(path, imports.MEASUREMENT_COLUMNS, "measurements", import_and_alert)


def import_and_alert(session: Session, rows: list[tuple[int, dict[str, str]]], now: datetime) -> imports.ImportReport:
    """The register's visits, and the bidan's alert for each that opened or updated a referral, like a chat
    report's, in the same transaction (a crash loses neither; a rerun alerts nobody twice)."""
    report = imports.import_measurements(session, rows, now)
    for saved in report.referred:  # one alert's failure loses neither the import nor the other alerts
        savepoint = session.begin_nested()
        try:
            alert_imported(session, saved, now, runtime().settings.default_language)
            savepoint.commit()
        except Exception as exc:
            savepoint.rollback()
            click.echo(f"warning: the bidan's alert of one imported visit failed ({failure_label(exc)}); "
                       "the visit is saved and in her rujukan list", err=True)
    return report


@measurements_group.command("export", help="One row per measurement with z-scores, statuses and flags.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("--posyandu", "posyandu_code", default=None, help="only this posyandu")
@click.option("--month", default=None, help="only this month, YYYY-MM")
@click.option("-o", "--output", default=None, help="file to write (csv default: standard output)")
def measurements_export(fmt: str, posyandu_code: str | None, month: str | None, output: str | None) -> None:
    if month and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.BadParameter("use YYYY-MM", param_hint="--month")
    rt = runtime()
    with transaction(rt.session_factory) as session:
        if posyandu_code and posyandu_by_code(session, posyandu_code) is None:
            raise click.ClickException(f"no posyandu with code {posyandu_code}")
        rows = imports.export_rows(session, posyandu_code, month)
        if fmt == "xlsx":
            path = output or "measurements" + (f"-{posyandu_code.upper()}" if posyandu_code else "") + \
                (f"-{month}" if month else "") + ".xlsx"
            output_file(path, "wb").close()  # a missing folder is said before anything is read
            count = imports.write_xlsx(path, rows)
            click.echo(f"{count} rows written to {path}", err=True)
        elif output and output != "-":
            with output_file(output) as handle:
                count = imports.write_csv(handle, rows)
            click.echo(f"{count} rows written to {output}", err=True)
        else:
            imports.write_csv(sys.stdout, rows)


# -- services (history) -----------------------------------------------------------------------------
@click.group("services", cls=AppGroup, help="Services given before or elsewhere (the register's history).")
def services_group() -> None:
    pass


@services_group.command("import", help="Import past doses and services: posyandu_code,name,birth_date,service,"
                                       "given_on[,place] (e.g. BCG, Polio 1, Campak, Vit A merah; 17-08-2024 or "
                                       "08/2024); streamed, bad lines by number, a rerun changes nothing.")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--quiet", is_flag=True, help="no progress bar")
def services_import(path: str, quiet: bool) -> None:
    rt = runtime()
    try:
        with open(path, "rb") as raw:
            total = max(sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b"")) - 1, 0)
        with open(path, encoding="utf-8-sig", newline="") as handle, \
                transaction(rt.session_factory) as session, \
                click.progressbar(length=total, label="riwayat layanan", file=sys.stderr,
                                  hidden=quiet) as bar:
            report = import_services(session, handle, rt.clock.now(), progress=bar.update)
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc.__class__.__name__}") from None
    except HistoryProblem as exc:
        raise click.ClickException(render("id", exc.key, **exc.params)) from None
    for line in report.lines(render):
        click.echo(line)
    if report.errors:
        sys.exit(1)


GROUPS = (invites_group, posyandu_group, members_group, measurements_group, services_group)
