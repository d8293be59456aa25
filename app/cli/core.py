"""Core operator commands: db, contacts, seed, telegram, outbox."""
from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timezone
from typing import Any, Callable

import click
from flask.cli import AppGroup
from flask import Flask, current_app
from sqlalchemy import func, select

from app.runtime import Runtime
from bot.messages import Channel, Role
from storage.db import transaction
from storage.migrate import downgrade, upgrade
from storage.models import Contact, OutboxMessage, Posyandu
from storage.phones import normalise_phone
from storage.repositories import posyandu_by_code


RUNTIME = "app.cli.runtime"


def install(app: Flask, get_runtime: Callable[[], Runtime]) -> None:
    """Hand the commands the app's runtime getter (`register_commands`)."""
    app.extensions[RUNTIME] = get_runtime


def runtime() -> Runtime:
    """The app's runtime, built on first use."""
    get_runtime: Callable[[], Runtime] = current_app.extensions[RUNTIME]
    return get_runtime()


def parse_instant(value: str | None) -> datetime | None:
    """ISO date-time for --at; a naive value is read as UTC."""
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date-time: {value}") from exc
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def output_file(path: str, mode: str = "w") -> Any:
    """Open a file an operator command writes (`-o FILE`), or stop with a clear message and status 1: a missing
    folder, a folder given as the file, or no permission never end in a traceback."""
    import os

    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise click.ClickException(f"{path} is a folder: give a file name, e.g. {os.path.join(path, 'out')}")
    if not os.path.isdir(folder):
        raise click.ClickException(f"the folder {folder} does not exist: create it first (mkdir -p {folder}) "
                                   "or choose another -o")
    try:
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding="utf-8", newline="")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc.__class__.__name__}") from None


# -- db ------------------------------------------------------------------------
@click.group("db", cls=AppGroup, help="Database migrations (Alembic).")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Migrate the database to the newest schema.")
@click.option("--revision", default="head")
def db_upgrade(revision: str) -> None:
    upgrade(runtime().settings.database_url, revision)
    click.echo("database is up to date")


@db_group.command("downgrade", help="Step the schema back to REVISION.")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    downgrade(runtime().settings.database_url, revision)
    click.echo(f"database at {revision}")


# -- contacts ------------------------------------------------------------------
@click.group("contacts", cls=AppGroup, help="People who talk to the bot.")
def contacts_group() -> None:
    pass


@contacts_group.command("promote", help="Give a contact a role (kader, bidan, admin) and a posyandu.")
@click.option("--channel", type=click.Choice([c.value for c in Channel]), required=True)
@click.option("--address", required=True, help="Telegram chat id, WhatsApp number (+62...) or terminal name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--posyandu", "posyandu_code", help="posyandu code (required for kader and bidan)")
def contacts_promote(channel: str, address: str, role: str, posyandu_code: str | None) -> None:
    rt = runtime()
    if channel == Channel.WHATSAPP.value:  # stored as E.164, the form incoming messages carry
        number = normalise_phone(address)
        if number is None:
            raise click.ClickException("that is not a phone number")
        address = number
    with transaction(rt.session_factory) as session:
        posyandu = posyandu_by_code(session, posyandu_code) if posyandu_code else None
        if posyandu_code and posyandu is None:
            raise click.ClickException(f"no posyandu with code {posyandu_code}")
        if role in (Role.KADER.value, Role.BIDAN.value) and posyandu is None:
            raise click.ClickException("a kader or bidan needs --posyandu")
        contact = session.scalars(select(Contact).where(Contact.channel == channel, Contact.address == address)).one_or_none()
        if contact is None:
            contact = Contact(channel=channel, address=address, created_at=rt.clock.now())
            session.add(contact)
        contact.role = role
        contact.opted_in = True
        if posyandu is not None:
            contact.posyandu_id = posyandu.id
            contact.desa_id = posyandu.desa_id if role in (Role.BIDAN.value, Role.ADMIN.value) else contact.desa_id
    click.echo(f"contact is now {role}" + (f" at {posyandu.code}" if posyandu else ""))


@contacts_group.command("list", help="Staff contacts (kaders, bidan, admins).")
def contacts_list() -> None:
    rt = runtime()
    with transaction(rt.session_factory) as session:
        rows = session.execute(select(Contact.id, Contact.channel, Contact.role, Posyandu.code)
                               .outerjoin(Posyandu, Posyandu.id == Contact.posyandu_id)
                               .where(Contact.role != Role.RESIDENT.value).order_by(Contact.id)).all()
    for row in rows:
        click.echo(f"{row.id}\t{row.channel}\t{row.role}\t{row.code or '-'}")


# -- seed ----------------------------------------------------------------------
@click.group("seed", cls=AppGroup, help="Demo data.")
def seed_group() -> None:
    pass


@seed_group.command("demo", help="Load a demo kabupaten with posyandu, staff and households (idempotent).")
def seed_demo_command() -> None:
    from storage.seed import seed_demo

    rt = runtime()
    with transaction(rt.session_factory) as session:
        counts = seed_demo(session, rt.clock.now())
    click.echo("demo data: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


# -- telegram --------------------------------------------------------------------
@click.group("telegram", cls=AppGroup, help="Telegram set-up.")
def telegram_group() -> None:
    pass


@telegram_group.command("set-webhook", help="Point Telegram at PUBLIC_URL/webhooks/telegram with the secret.")
def telegram_set_webhook() -> None:
    rt = runtime()
    settings = rt.settings
    if not settings.telegram_enabled or not settings.telegram_webhook_secret:
        raise click.ClickException("set TELEGRAM_TOKEN and TELEGRAM_WEBHOOK_SECRET first")
    url = settings.public_url.rstrip("/") + "/webhooks/telegram"
    runner = rt.telegram_runner
    assert runner is not None  # built whenever Telegram is configured
    ok = runner.run(lambda bot: bot.set_webhook(
        url=url, secret_token=settings.telegram_webhook_secret,
        allowed_updates=["message", "callback_query"], drop_pending_updates=False))
    click.echo(f"webhook set to {url}" if ok else "Telegram refused the webhook")


@telegram_group.command("poll", help="Serve Telegram by long polling (local use with a real token, no public URL).")
@click.option("--once", is_flag=True, help="fetch one batch of updates and exit")
def telegram_poll(once: bool) -> None:
    from webhooks.telegram_poll import poll

    rt = runtime()
    if not rt.settings.telegram_enabled:
        raise click.ClickException("set TELEGRAM_TOKEN first")
    poll(rt, once=once)


# -- outbox --------------------------------------------------------------------------
@click.group("outbox", cls=AppGroup, help="Outbound messages.")
def outbox_group() -> None:
    pass


@outbox_group.command("drain", help="Send everything due (at --at, for catch-up and tests) and exit.")
@click.option("--at", "at", help="ISO date-time; default now")
def outbox_drain(at: str | None) -> None:
    rt = runtime()
    stats = rt.dispatcher.drain(parse_instant(at))
    click.echo(f"sent {stats.sent}, retry later {stats.retried}, failed {stats.dead}, cancelled {stats.cancelled}")


@outbox_group.command("status", help="Counts of outbox rows by status and kind.")
@click.option("--json", "as_json", is_flag=True)
def outbox_status(as_json: bool) -> None:
    rt = runtime()
    with transaction(rt.session_factory) as session:
        rows = session.execute(select(OutboxMessage.status, OutboxMessage.kind, func.count())
                               .group_by(OutboxMessage.status, OutboxMessage.kind)).all()
    data = [{"status": s, "kind": k, "count": n} for s, k, n in rows]
    if as_json:
        click.echo(json.dumps(data))
    else:
        for item in data:
            click.echo(f"{item['status']}\t{item['kind']}\t{item['count']}")


GROUPS = (db_group, contacts_group, seed_group, telegram_group, outbox_group)


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_arg(value: str) -> tuple[int, int]:
    """--month YYYY-MM as (year, month), or a clear error naming the option."""
    match = _MONTH.match(value.strip())
    if match is None:
        raise click.BadParameter(f"use YYYY-MM, e.g. 2026-11 (got {value!r})", param_hint="--month")
    return int(match.group(1)), int(match.group(2))


def write_output(output: str | None, data: bytes | str, default_name: str | None = None) -> None:
    """Write a command's result to `-o FILE` (or its default name), else standard output (text only)."""
    target = output or default_name
    if target is None or target == "-":
        if isinstance(data, bytes):
            raise click.ClickException("this format is binary: give a file with -o")
        sys.stdout.write(data)
        return
    with output_file(target, "wb" if isinstance(data, bytes) else "w") as handle:
        handle.write(data)
    click.echo(f"written to {target}", err=True)
