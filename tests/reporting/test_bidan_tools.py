"""The bidan's chat tools: invite codes (created, redeemed, scoped) and the referral list."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import Contact, Invite, Referral
from storage.reporting import INVITE_ALPHABET, new_invite_code
from tests.harness import Person
from tests.reporting.test_lapor_flow import to_aisyah


def test_a_bidan_creates_an_invite_that_a_new_kader_redeems(runtime, demo, session, clock):
    b = Person(runtime, "bidan")
    b.say("menu")
    assert "Buat kode undangan" not in b.choices() and "➕ Lainnya…" in b.choices()  # daily tasks first
    b.say("lainnya")
    assert "Buat kode undangan" in b.choices()
    assert "posyandu mana" in b.say("undangan")
    b.say("Posyandu Melati 3")
    assert b.choices() == ["Kader", "Bidan"]
    reply = b.say("1")
    invite = session.scalars(select(Invite)).one()
    assert f"*{invite.code}*" in reply and "Berlaku sampai 29 Nov 2026" in reply
    assert invite.expires_at == clock.now() + timedelta(days=7) and invite.created_by_id is not None
    new = Person(runtime, "kader-baru")
    new.say("/start"), new.say("1"), new.say("2")
    assert "kader di Posyandu Melati 3" in new.say(invite.code[:3] + " " + invite.code[3:].lower())
    assert session.scalars(select(Contact.role).where(Contact.address == "kader-baru")).one() == "kader"


def test_kaders_and_residents_cannot_create_invites(runtime, demo):
    k = Person(runtime, "kader1")
    assert "tidak tersedia untuk peran Anda" in k.say("undangan")
    assert "Buat kode undangan" not in k.choices()


def test_invite_codes_use_an_unambiguous_alphabet():
    assert not set(INVITE_ALPHABET) & set("01OI")
    codes = {new_invite_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 6 and set(c) <= set(INVITE_ALPHABET) for c in codes)


def test_a_kader_of_another_posyandu_does_not_see_them(runtime, demo):
    k = Person(runtime, "kader1")
    to_aisyah(k)
    k.say("bb 6 pb 70 lk 43 lila 11"), k.say("-"), k.say("simpan")
    assert "Tidak ada rujukan" in Person(runtime, "kader2").say("rujukan")  # kader of Melati 3
    assert "Aisyah Putri" in Person(runtime, "kader1").say("rujukan")  # her own posyandu's
