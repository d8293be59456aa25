"""Bugs the simulator found that issue 16 did not list, each pinned by a test that failed before its fix."""
from __future__ import annotations

import sqlalchemy as sa


def test_a_nik_is_looked_up_by_index_not_by_scanning_every_member(shared_engine):  # type: ignore[no-untyped-def]
    """bench/village.py: importing a kabupaten's register (125,000 members) spent 10 ms a row scanning `member`
    for the row's NIK (storage.identity.nik_holder), quadratic in the register's size."""
    indexes = sa.inspect(shared_engine).get_indexes("member")
    assert any(ix["column_names"][:1] == ["nik"] for ix in indexes), indexes


def test_batal_at_the_leave_question_cancels_the_report(runtime, demo, session):  # type: ignore[no-untyped-def]
    """The fuzzer (bench/fuzz.py --seed 2): after `menu` inside a report the bot asks whether to leave and drop
    the values; `batal` there was taken as "stay", and every later `menu` asked again, so `batal` + `menu`
    never got out. `batal` cancels everywhere (docs/architecture.md, global words)."""
    from storage.models import ConversationState, Contact
    from tests.harness import Person

    kader = Person(runtime, "kader1")
    kader.say("lapor"), kader.say("rizky"), kader.say("11,5")
    assert "Keluar ke menu" in kader.say("menu")
    assert "Dibatalkan" in kader.say("batal")
    assert kader.say("menu").startswith("Menu")
    contact = session.scalars(sa.select(Contact).where(Contact.address == "kader1")).one()
    session.expire_all()
    assert session.get(ConversationState, contact.id).flow is None
