"""SATUSEHAT commands: credentials per puskesmas, a posyandu's Location id, export, sync, status.

    flask --app webhooks.app satusehat credentials set --puskesmas NAME --organization-id ID \\
        --client-id X --client-secret-from-env VAR
    flask --app webhooks.app satusehat location set --posyandu CODE --location-id UUID
    flask --app webhooks.app satusehat export --month YYYY-MM [--posyandu CODE] -o FILE.ndjson
    flask --app webhooks.app satusehat sync [--month YYYY-MM]
    flask --app webhooks.app satusehat status

The client secret is read from the environment variable named by
`--client-secret-from-env`, so it never sits on a command line or in shell
history, and it is never printed. See docs/satusehat.md.
"""
from __future__ import annotations

import json
import os
import re
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from health.fhir_visit import build_bundle
from storage.db import transaction
from storage.models import Puskesmas, SatusehatCredential
from storage.repositories import posyandu_by_code
from storage.satusehat_credentials import KeyProblem, set_credentials
from storage.satusehat_queue import month_visits, status_counts
from webhooks.commands.core import output_file, runtime


def _month(month: str | None) -> str | None:
    if month and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.BadParameter("use YYYY-MM", param_hint="--month")
    return month


def _codes():  # type: ignore[no-untyped-def]
    try:
        return runtime().settings.satusehat_codes()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("satusehat", cls=AppGroup, help="SATUSEHAT: FHIR export and sync per puskesmas (docs/satusehat.md).")
def satusehat_group() -> None:
    pass


@satusehat_group.group("credentials", help="API access codes of a puskesmas (one client id per Organization id).")
def credentials_group() -> None:
    pass


@credentials_group.command("set", help="Store a puskesmas' SATUSEHAT credentials, the secret encrypted.")
@click.option("--puskesmas", "name", required=True, help="puskesmas name as imported, e.g. 'Puskesmas Mranggen 3'")
@click.option("--organization-id", required=True, help="the puskesmas' Organization id in SATUSEHAT")
@click.option("--client-id", required=True)
@click.option("--client-secret-from-env", "secret_var", required=True,
              help="name of the environment variable that holds the client secret")
def credentials_set(name: str, organization_id: str, client_id: str, secret_var: str) -> None:
    secret = os.environ.get(secret_var, "")
    if not secret:
        raise click.ClickException(f"environment variable {secret_var} is empty or not set")
    rt = runtime()
    with transaction(rt.session_factory) as session:
        found = list(session.scalars(select(Puskesmas).where(Puskesmas.name.ilike(name.strip()))))
        if len(found) != 1:
            raise click.ClickException(f"no puskesmas named {name}" if not found else
                                       f"{len(found)} puskesmas are named {name}; rename one first")
        try:
            set_credentials(session, found[0], organization_id, client_id, secret, rt.settings.satusehat_secret_key,
                            rt.clock.now())
        except (KeyProblem, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        label = found[0].name
    click.echo(f"credentials stored for {label} (Organization {organization_id.strip()}); "
               "its visits are sent by the satusehat worker")


@satusehat_group.group("location", help="The Location a posyandu is registered as in SATUSEHAT.")
def location_group() -> None:
    pass


@location_group.command("set", help="Reference this Location id in the posyandu's Encounters.")
@click.option("--posyandu", "code", required=True)
@click.option("--location-id", required=True)
def location_set(code: str, location_id: str) -> None:
    rt = runtime()
    with transaction(rt.session_factory) as session:
        place = posyandu_by_code(session, code)
        if place is None:
            raise click.ClickException(f"no posyandu with code {code}")
        place.satusehat_location_id = location_id.strip() or None
    click.echo(f"{code.upper()} is Location/{location_id.strip()}")


@satusehat_group.command("export", help="Write the month's Bundles, one per line (ndjson), without sending.")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--posyandu", "code", default=None, help="only this posyandu")
@click.option("-o", "--output", required=True, help="file to write (- for standard output)")
def export(month: str, code: str | None, output: str) -> None:
    _month(month)
    codes = _codes()
    rt = runtime()
    written = no_nik = no_org = 0
    with transaction(rt.session_factory) as session:
        if code and posyandu_by_code(session, code) is None:
            raise click.ClickException(f"no posyandu with code {code}")
        handle = sys.stdout if output == "-" else output_file(output)
        try:
            for queued in month_visits(session, month, code):
                if queued.place is None:
                    no_org += 1
                    continue
                if queued.person.identifier is None:
                    no_nik += 1
                    continue
                built = build_bundle(queued.visit, queued.person, queued.place, codes)
                handle.write(json.dumps(built.bundle, ensure_ascii=False, separators=(",", ":")) + "\n")
                written += 1
        finally:
            if handle is not sys.stdout:
                handle.close()
    click.echo(f"{written} Bundles written" + (f" to {output}" if output != "-" else ""), err=True)
    if no_nik:
        click.echo(f"{no_nik} visits left out: the member has no NIK or NIK ibu", err=True)
    if no_org:
        click.echo(f"{no_org} visits left out: their puskesmas has no SATUSEHAT Organization id "
                   "(satusehat credentials set)", err=True)


@satusehat_group.command("sync", help="Send what is queued now (the satusehat worker does this continuously).")
@click.option("--month", default=None, help="only visits of this month, YYYY-MM")
def sync(month: str | None) -> None:
    from bot.runtime import satusehat_sender

    _month(month)
    rt = runtime()
    try:
        sender = satusehat_sender(rt)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    total = {"sent": 0, "retried": 0, "refused": 0, "waiting": 0, "paused": 0}
    try:
        if not sender.enabled():
            raise click.ClickException("no puskesmas has usable SATUSEHAT credentials; nothing is sent")
        while True:
            stats = sender.run_once(month=month)
            for key in total:
                total[key] += getattr(stats, key)
            if stats.claimed < rt.settings.satusehat_batch_size or stats.sent == 0:
                break
    finally:
        sender.close()
    click.echo(f"sent {total['sent']}, retry later {total['retried']}, refused {total['refused']}, "
               f"waiting for a NIK {total['waiting']}, paused (credentials) {total['paused']}")


@satusehat_group.command("status", help="Queued, sent, refused (with reasons) and waiting visits per puskesmas.")
def status() -> None:
    rt = runtime()
    with transaction(rt.session_factory) as session:
        names = dict(session.execute(select(Puskesmas.id, Puskesmas.name)).all())
        creds = {c.puskesmas_id: c for c in session.scalars(select(SatusehatCredential))}
        rows = status_counts(session)
    if not rows:
        click.echo("no visits queued yet")
    for row in rows:
        name = names.get(row.puskesmas_id, "(posyandu without puskesmas)")
        cred = creds.get(row.puskesmas_id) if row.puskesmas_id is not None else None
        state = ("no credentials: not sent" if cred is None else
                 f"credentials FAILED {cred.failed_at:%Y-%m-%d %H:%M} UTC: {cred.failure}" if cred.failed_at else
                 f"Organization {cred.organization_id}")
        c = row.counts
        click.echo(f"{name} [{state}]: queued {c.get('pending', 0) + c.get('sending', 0)}, sent {c.get('sent', 0)}, "
                   f"refused {c.get('refused', 0)}, waiting for a NIK {c.get('waiting', 0)}")
        for reason, n in row.reasons:
            click.echo(f"  {n} × {reason}")


GROUPS = (satusehat_group,)
