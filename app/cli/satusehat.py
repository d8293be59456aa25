"""SATUSEHAT commands: credentials per puskesmas, a posyandu's Location id, export, sync, status.

    flask --app app.wsgi satusehat credentials set --puskesmas NAME --organization-id ID \\
        --client-id X --client-secret-from-env VAR
    flask --app app.wsgi satusehat location set --posyandu CODE --location-id UUID
    flask --app app.wsgi satusehat practitioner set --phone +62812... --ihs 10009880728
    flask --app app.wsgi satusehat export --month YYYY-MM [--posyandu CODE] -o FILE.ndjson
    flask --app app.wsgi satusehat sync [--month YYYY-MM]
    flask --app app.wsgi satusehat status

The client secret is read from the environment variable named by
`--client-secret-from-env`, so it never sits on a command line or in shell
history, and it is never printed. See docs/satusehat.md.
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click
from flask.cli import AppGroup
from sqlalchemy import select

from health.fhir_codes import clean_practitioner_id, practitioner_id_problem
from health.fhir_visit import build_bundle
from storage.db import transaction
from storage.models import Puskesmas, SatusehatCredential
from storage.phones import normalise_phone
from storage.repositories import posyandu_by_code
from storage.satusehat_credentials import KeyProblem, set_credentials
from storage.satusehat_practitioner import bidan_contacts_by_phone, set_practitioner
from storage.satusehat_queue import month_visits, retry_in_words, status_counts
from app.cli.core import runtime

if TYPE_CHECKING:
    from health.fhir_codes import CodeChoice


def _month(month: str | None) -> str | None:
    if month and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.BadParameter("use YYYY-MM", param_hint="--month")
    return month


def _codes() -> CodeChoice:
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


@satusehat_group.group("practitioner", help="A bidan's SATUSEHAT Practitioner id (IHS number).")
def practitioner_group() -> None:
    pass


IHS_PROBLEMS = {"digits": "an IHS number is digits only", "length": "an IHS number has 11 digits"}


@practitioner_group.command("set", help="The bidan's IHS number: her visits' attender and her doses' performer.")
@click.option("--phone", required=True, help="the bidan's phone number as she chats (WhatsApp, or Telegram's shared)")
@click.option("--ihs", required=True, help="her Practitioner IHS number in SATUSEHAT (11 digits)")
def practitioner_set(phone: str, ihs: str) -> None:
    number = normalise_phone(phone)
    if number is None:
        raise click.ClickException("that is not a phone number")
    problem = practitioner_id_problem(ihs)
    if problem is not None:
        raise click.ClickException(f"{IHS_PROBLEMS[problem]} (SATUSEHAT Practitioner ids look like 10009880728)")
    rt = runtime()
    with transaction(rt.session_factory) as session:
        found = bidan_contacts_by_phone(session, number)
        if not found:
            raise click.ClickException("no bidan chats with that number (contacts promote --role bidan first)")
        for contact in found:
            set_practitioner(session, contact, clean_practitioner_id(ihs), rt.clock.now())
    click.echo(f"IHS number stored for the bidan ({len(found)} chat{'s' if len(found) > 1 else ''}); "
               "visits not yet sent name her as attender and performer")


def _output(path: str) -> TextIO:
    """The file to write, or a clear refusal (a missing folder, a folder, no permission): never a traceback."""
    if path == "-":
        return sys.stdout
    target = Path(path)
    if not target.parent.is_dir():
        raise click.ClickException(f"the folder {target.parent} does not exist; create it or choose another -o")
    if target.is_dir():
        raise click.ClickException(f"{path} is a folder; give a file name, e.g. {target / 'satusehat.ndjson'}")
    try:
        return open(target, "w", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None


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
        handle = _output(output)
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
    from app.runtime import satusehat_sender

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


STATUS_WORDS = (("sent", "sent"), ("to_send", "to send"), ("retrying", "waiting to retry"),
                ("refused", "refused"), ("no_nik", "waiting for a NIK"))


@satusehat_group.command("status", help="Per puskesmas: sent, to send, retrying, refused and waiting visits, "
                                        "and why each waits.")
def status() -> None:
    rt = runtime()
    with transaction(rt.session_factory) as session:
        names: dict[int | None, str] = dict(session.execute(select(Puskesmas.id, Puskesmas.name)).all())
        creds = {c.puskesmas_id: c for c in session.scalars(select(SatusehatCredential))}
        rows = status_counts(session)
    if not rows:
        click.echo("no visits queued yet")
    for row in rows:
        name = names.get(row.puskesmas_id, "(posyandu without puskesmas)")
        cred = creds.get(row.puskesmas_id) if row.puskesmas_id is not None else None
        state = ("no credentials: nothing is sent" if cred is None else
                 f"credentials FAILED {cred.failed_at:%Y-%m-%d %H:%M} UTC: {cred.failure}" if cred.failed_at else
                 f"Organization {cred.organization_id}")
        c = row.counts
        parts = [f"{c[key]} {words}" for key, words in STATUS_WORDS if c.get(key)]
        if not c.get("sent") and cred is not None and not cred.failed_at:
            parts.append("nothing sent yet")
        click.echo(f"{name} [{state}]: " + ", ".join(parts))
        for waiting in row.reasons:
            if waiting.kind == "refused":
                click.echo(f"  {waiting.count} × refused by SATUSEHAT, not retried until the visit or the member "
                           f"changes: {waiting.reason}")
            elif waiting.kind == "retrying":
                when = f", next try from {waiting.next_at:%Y-%m-%d %H:%M} UTC" if waiting.next_at else ""
                click.echo(f"  {waiting.count} × waiting to retry{when}: {retry_in_words(waiting.reason)}")
            else:
                click.echo(f"  {waiting.count} × waiting for a NIK: the member has no NIK and no NIK ibu; add it in "
                           "chat (nik NAME 3201..., nik ibu NAME 3201...) or with members import")


GROUPS = (satusehat_group,)
