"""The web page for operators: a one-time sign-in link for a staff member.

    flask --app app.wsgi web link --phone +6281234567890
    flask --app app.wsgi web link --contact 3          # any channel, by contact id (`contacts list`)
"""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from storage.db import transaction
from storage.models import Contact
from storage.phones import normalise_phone
from storage.web_login import LINK_MINUTES, issue_link
from app.cli.core import runtime


@click.group("web", cls=AppGroup, help="The web page of the bidan and the puskesmas.")
def web_group() -> None:
    pass


def login_link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/masuk/{token}"


@web_group.command("link", help="Print a one-time sign-in link (valid 10 minutes) for a staff member.")
@click.option("--phone", help="the staff member's WhatsApp number (+62... or 08...)")
@click.option("--contact", "contact_id", type=int, help="or the contact id")
def link(phone: str | None, contact_id: int | None) -> None:
    rt = runtime()
    with transaction(rt.session_factory) as session:
        if contact_id is not None:
            found = session.get(Contact, contact_id)
        elif phone:
            number = normalise_phone(phone)
            if number is None:
                raise click.ClickException("that is not a phone number")
            found = session.scalars(select(Contact).where(
                (Contact.address == number) | (Contact.verified_phone == number)).order_by(Contact.id)).first()
        else:
            raise click.ClickException("give --phone or --contact")
        if found is None:
            raise click.ClickException("no such contact")
        token = issue_link(session, found, rt.clock.now())
        if token is None:
            raise click.ClickException("not staff (kader, bidan, admin), or too many links in the last hour")
    click.echo(f"{login_link(rt.settings.public_url, token)}  (works once, for {LINK_MINUTES} minutes)")


GROUPS = (web_group,)
