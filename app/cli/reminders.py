"""`flask --app app.wsgi reminders ...`: what is coming, and planning by hand.

    flask --app app.wsgi reminders upcoming --posyandu MAWAR7 --from 2026-12-01 --days 30 --format csv
    flask --app app.wsgi reminders plan --at 2026-12-01T07:00:00+07:00
    flask --app app.wsgi outbox drain --at 2026-12-01T07:00:00+07:00
"""
from __future__ import annotations

import csv
import sys
from datetime import date, timedelta

import click
from flask.cli import AppGroup

from scheduler.planner import plan_at
from storage.db import transaction
from storage.reminders import session_days, upcoming
from storage.repositories import posyandu_by_code
from app.cli.core import parse_instant, runtime

COLUMNS = ("member", "birth_date", "due_on", "code", "group")


@click.group("reminders", cls=AppGroup, help="Reminder planning: what is due, and planning by hand.")
def reminders_group() -> None:
    pass


@reminders_group.command("upcoming", help="List member,birth_date,due_on,code,group of everything due in a window.")
@click.option("--posyandu", "code", required=True, help="posyandu code, e.g. MAWAR7")
@click.option("--from", "start", required=True, help="first day, YYYY-MM-DD")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366))
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
def reminders_upcoming(code: str, start: str, days: int, fmt: str) -> None:
    try:
        first = date.fromisoformat(start)
    except ValueError as exc:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {start}") from exc
    rt = runtime()
    with transaction(rt.session_factory) as session:
        posyandu = posyandu_by_code(session, code)
        if posyandu is None:
            raise click.ClickException(f"no posyandu with code {code}")
        held = session_days(session, posyandu.id, posyandu.timezone, first - timedelta(days=2),
                            first + timedelta(days=days + 1))
        rows = upcoming(session, first, days, posyandu_id=posyandu.id, je_endemic=rt.settings.je_endemic,
                        session_days={posyandu.id: held})
    table = [(r.name, r.birth_date.isoformat(), r.due_on.isoformat(), r.code, r.group) for r in rows]
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(table)
        return
    widths = [max([len(h)] + [len(row[i]) for row in table]) for i, h in enumerate(COLUMNS)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(COLUMNS, widths)))
    for row in table:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    click.echo(f"{len(table)} reminders due at {posyandu.code} from {first} for {days} days")


@reminders_group.command("plan", help="Do exactly what the clock would do at --at: plan each zone's latest run.")
@click.option("--at", "at", required=True, help="ISO date-time, e.g. 2026-12-01T07:00:00+07:00 (naive = UTC)")
def reminders_plan(at: str) -> None:
    instant = parse_instant(at)
    assert instant is not None
    rt = runtime()
    for stats in plan_at(rt.session_factory, rt.settings, instant):
        click.echo(stats.line())


GROUPS = (reminders_group,)
