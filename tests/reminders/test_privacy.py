"""Privacy of households (UU 27/2022: health and children's data are specific personal data; docs/privacy.md).

A chat is linked to a member the posyandu records only with proof (its WhatsApp
number is the household's, or a kader/bidan of the posyandu confirms); until
then it learns nothing, not even that the member exists. Every path that shows
a member's data asks `storage.access.may_see_member` (or its bulk form).
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot.messages import Channel
from storage import access
from storage.models import Contact, LinkRequest, Member, OutboxMessage
from tests.harness import Person
from tests.reminders.test_resident_flows import contact, new_resident
from tests.reporting.test_lapor_flow import to_aisyah


def subscribe_and_add(person, name, sex, born):
    person.say("MAWAR7")
    person.say("ya")
    person.say(name)
    person.say(sex)
    return person.say(born.strftime("%d-%m-%Y"))


def aisyah(session):
    return session.scalars(select(Member).where(Member.name == "Aisyah Putri")).one()


def test_a_stranger_who_knows_name_and_birth_date_learns_nothing(runtime, demo, session):
    child = aisyah(session)
    members_before = session.scalar(select(func.count()).select_from(Member))
    stranger = new_resident(runtime, "orang-asing")
    reply = subscribe_and_add(stranger, "Aisyah Putri", "perempuan", child.birth_date)
    # the very answer an unknown child gets
    other = new_resident(runtime, "keluarga-lain")
    unknown = subscribe_and_add(other, "Putri Ayu", "perempuan", child.birth_date)
    assert reply.replace("Aisyah Putri", "X") == unknown.replace("Putri Ayu", "X")
    assert "tercatat" not in reply and "terhubung" not in reply
    stranger.say("2")
    family = stranger.say("keluarga")
    for secret in ("Rina Marlina", "Keluarga Bapak Slamet", "+6281234500001", "hamil"):
        assert secret not in family
    assert "Aisyah Putri" in family and "Belum ada hasil" in family
    # no duplicate child, no link; a pending request for staff
    assert session.scalar(select(func.count()).select_from(Member)) == members_before + 1  # only Putri Ayu
    assert contact(session, "orang-asing").household_id != child.household_id
    assert session.scalar(select(aisyah(session).__class__.household_id).where(Member.id == child.id)) == \
        child.household_id
    request = session.scalars(select(LinkRequest)).one()
    assert (request.status, request.member_id) == ("pending", child.id)
    told = {a for a, t in session.execute(select(OutboxMessage.address, OutboxMessage.text)) if "sambungan" in t}
    assert {"kader1", "bidan"} <= told and "kader2" not in told  # the staff of that posyandu only


def test_a_report_on_the_child_is_not_sent_to_the_stranger(runtime, demo, session):
    stranger = new_resident(runtime, "orang-asing")
    subscribe_and_add(stranger, "Aisyah Putri", "perempuan", aisyah(session).birth_date)
    stranger.say("2")
    kader = Person(runtime, "kader1")
    to_aisyah(kader)
    kader.say("bb 8 pb 70 lk 43 lila 14"), kader.say("-"), kader.say("simpan")
    texts = [t for a, t in session.execute(select(OutboxMessage.address, OutboxMessage.text))
             if a == "orang-asing"]
    assert not any("Hasil posyandu" in t or "kg" in t for t in texts)


def test_the_households_whatsapp_number_is_proof(runtime, demo, session):
    ibu = Person(runtime, "+6281234500001", Channel.WHATSAPP)
    ibu.say("/start"), ibu.say("1"), ibu.say("1")
    ibu.say("MAWAR7"), ibu.say("ya"), ibu.say("batal")
    family = ibu.say("keluarga")
    assert "Aisyah Putri" in family and "Rina Marlina" in family  # subscribing joined her registered household
    assert contact(session, "+6281234500001").household_id == aisyah(session).household_id


def test_another_whatsapp_number_is_no_proof(runtime, demo, session):
    other = Person(runtime, "+6281399990000", Channel.WHATSAPP)
    other.say("/start"), other.say("1"), other.say("1")
    reply = subscribe_and_add(other, "Aisyah Putri", "P", aisyah(session).birth_date)
    assert "berhasil didaftarkan" in reply
    assert session.scalars(select(LinkRequest.status)).one() == "pending"
    other.say("2")
    assert "Rina Marlina" not in other.say("keluarga")


def test_a_kader_confirms_and_the_family_then_sees_its_household(runtime, demo, session):
    parent = new_resident(runtime, "ayah-aisyah")
    subscribe_and_add(parent, "aisyah putri", "P", aisyah(session).birth_date)
    parent.say("2")
    kader = Person(runtime, "kader1")
    listing = kader.say("sambungan")
    assert "Aisyah Putri" in listing and "+6281234500001" in listing
    kader.say("1")
    assert "Tersambung" in kader.say("1")
    assert "sudah mengonfirmasi" in " ".join(t for a, t in session.execute(
        select(OutboxMessage.address, OutboxMessage.text)) if a == "ayah-aisyah")
    family = parent.say("keluarga")
    assert "Rina Marlina" in family and family.count("Aisyah Putri") == 1


def test_a_refused_request_stays_hidden_and_the_stranger_is_told_nothing(runtime, demo, session):
    stranger = new_resident(runtime, "orang-asing")
    subscribe_and_add(stranger, "Aisyah Putri", "P", aisyah(session).birth_date)
    stranger.say("2")
    before = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.address == "orang-asing"))
    bidan = Person(runtime, "bidan")
    bidan.say("sambungan"), bidan.say("1")
    assert "Ditolak" in bidan.say("2")
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.address == "orang-asing")) == before
    assert "Rina Marlina" not in stranger.say("keluarga")
    assert "Tidak ada permintaan" in bidan.say("sambungan")


def test_a_resident_cannot_review_link_requests(runtime, demo):
    warga = new_resident(runtime, "warga")
    warga.say("batal")
    reply = warga.say("sambungan")
    assert "untuk kader dan bidan" in reply and "kode undangan" in reply  # told how to become staff
    assert "Tidak ada permintaan" not in reply and "Permintaan" not in reply  # and shown no request


def test_deleting_data_removes_what_the_stranger_typed(runtime, demo, session):
    stranger = new_resident(runtime, "orang-asing")
    subscribe_and_add(stranger, "Aisyah Putri", "P", aisyah(session).birth_date)
    stranger.say("2")
    stranger.say("hapus data"), stranger.say("1"), stranger.say("HAPUS")
    assert session.scalar(select(func.count()).select_from(LinkRequest)) == 0
    assert aisyah(session).household_id is not None  # the real family's record untouched


def test_every_path_that_shows_a_members_data_asks_the_one_rule(runtime, demo, session, monkeypatch):
    """keluarga, the result after a report, the referral queue and reminders: with the rule saying no,
    none of them shows the member; with it saying yes (the real family), they do."""
    from scheduler.planner import plan_at

    ibu = Person(runtime, "+6281234500001", Channel.WHATSAPP)
    ibu.say("/start"), ibu.say("1"), ibu.say("1"), ibu.say("MAWAR7"), ibu.say("ya"), ibu.say("batal")
    asked: list[str] = []
    real = access.may_see_member

    def deny(session_, contact_, member_):
        asked.append(contact_.role)
        return False

    monkeypatch.setattr(access, "may_see_member", deny)
    monkeypatch.setattr(access, "may_see_household", lambda *a: asked.append("bulk") or False)
    assert "Aisyah Putri" not in ibu.say("keluarga")  # 1. keluarga
    kader = Person(runtime, "kader1")
    to_aisyah(kader)
    kader.say("bb 6 pb 70 lk 43 lila 11"), kader.say("-"), kader.say("simpan")
    results = [t for a, t in session.execute(select(OutboxMessage.address, OutboxMessage.text))
               if a == "+6281234500001" and "Hasil posyandu" in t]
    assert results == []  # 2. the result to the family
    assert "Aisyah Putri" not in Person(runtime, "bidan").say("rujukan")  # 3. the referral queue
    plan_at(runtime.session_factory, runtime.settings, runtime.clock.now())
    reminders = [t for a, k, t in session.execute(select(OutboxMessage.address, OutboxMessage.kind,
                                                         OutboxMessage.text)) if k == "reminder"]
    assert not any("Aisyah" in t or "Rina" in t for t in reminders)  # 4. reminders
    assert {"resident", "bidan", "bulk"} <= set(asked)
    monkeypatch.undo()
    assert access.may_see_member is real
    assert "Aisyah Putri" in ibu.say("keluarga")


@pytest.mark.parametrize("role,expected", [("resident", False), ("kader", True), ("bidan", True)])
def test_may_see_member_by_role(demo, session, role, expected):
    child = aisyah(session)
    other = session.scalars(select(Member).where(Member.name == "Bagus Saputra")).one()  # Melati 3
    who = session.scalars(select(Contact).where(Contact.role == role).order_by(Contact.id)).first() or Contact(
        channel="terminal", address="x", role=role)
    assert access.may_see_member(session, who, child) is expected
    if role == "kader":
        assert access.may_see_member(session, who, other) is False  # another posyandu's
