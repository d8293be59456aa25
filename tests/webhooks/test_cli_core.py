"""Core operator commands."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import Contact


def test_promote_stores_a_whatsapp_number_as_e164(app, demo, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["contacts", "promote", "--channel", "whatsapp", "--address", "0812-3456-7890",
                                 "--role", "kader", "--posyandu", "MAWAR7"])
    assert result.exit_code == 0, result.output
    contact = session.scalars(select(Contact).where(Contact.channel == "whatsapp")).one()
    assert (contact.address, contact.role) == ("+6281234567890", "kader")


def test_promote_refuses_a_kader_without_posyandu_and_junk_numbers(app, demo):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["contacts", "promote", "--channel", "telegram", "--address", "5",
                               "--role", "kader"]).exit_code != 0
    assert runner.invoke(args=["contacts", "promote", "--channel", "whatsapp", "--address", "abc",
                               "--role", "bidan", "--posyandu", "MAWAR7"]).exit_code != 0


def test_seed_demo_is_idempotent(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"]).output
    assert runner.invoke(args=["seed", "demo"]).output == first
