"""`nik` in chat: only the staff's own posyandu, the bidan's list of who is missing a NIK with the visits
waiting for it, a NIK added later sends those visits, a forged button is refused."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import AuditEvent, Member, SatusehatSync
from tests.harness import Person
from tests.reporting.helpers import member
from tests.satusehat.conftest import save


def test_bidan_sees_who_is_missing_a_nik_with_the_visits_waiting(runtime, demo, clock, session):
    save(runtime, clock, name="Anak Tanpa Nik", nik=None)
    reply = Person(runtime, "bidan").say("nik")
    lines = reply.splitlines()
    assert lines[1] == "• Anak Tanpa Nik (L, 20 bulan) — 1 kunjungan menunggu"  # waiting visits first
    assert "• Aisyah Putri (P, 9 bulan)" in lines
    assert "Budi Santoso" not in reply  # has a NIK


def test_a_nik_added_later_sends_the_waiting_visits(runtime, demo, clock, session):
    measurement_id, member_id = save(runtime, clock, name="Anak Tanpa Nik", nik=None)
    with session.begin():
        session.scalars(select(SatusehatSync)).one().status = "waiting"
    kader = Person(runtime, "kader1")
    assert "Simpan NIK 3201010503250002 untuk Anak Tanpa Nik" in kader.say("nik anak tanpa nik 3201010503250002")
    saved = kader.say("1")
    assert "Tersimpan ✅" in saved and "1 kunjungannya akan dikirim ke SATUSEHAT" in saved
    session.expire_all()
    assert session.get(Member, member_id).nik == "3201010503250002"
    assert session.scalars(select(SatusehatSync)).one().status == "pending"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "member.nik_set")).one()
    assert audit.subject == f"member:{member_id}"


def test_a_kader_cannot_reach_another_posyandus_member(runtime, demo, session):
    kader = Person(runtime, "kader1")  # Mawar 7; Bagus Saputra is at Melati 3
    assert "Tidak ada anggota bernama" in kader.say("nik bagus saputra 3201010810260001")
    assert member(session, "Bagus Saputra").nik is None


def test_a_forged_member_button_is_refused(runtime, demo, clock, session):
    save(runtime, clock, name="Budi Santoso", nik=None)
    save(runtime, clock, name="Budi Santosa", nik=None)
    kader = Person(runtime, "kader1")
    assert "Untuk siapa NIK ini?" in kader.say("nik budi 3201010503250002")
    bagus = member(session, "Bagus Saputra")
    kader.press(f"m{bagus.id}")
    session.expire_all()
    assert member(session, "Bagus Saputra").nik is None


def test_english_and_a_resident_is_not_allowed(runtime, demo, session):
    from storage.models import Contact

    with session.begin():
        session.scalars(select(Contact).where(Contact.address == "kader1")).one().language = "en"
    assert "A NIK has 16 digits" in Person(runtime, "kader1").say("nik aisyah 123")
    resident = Person(runtime, "warga-baru").say("nik aisyah 3201016601260003")
    assert "Simpan NIK" not in resident and "Save NIK" not in resident
    assert member(session, "Aisyah Putri").nik is None


def test_a_new_member_in_lapor_cannot_take_a_nik_already_recorded(runtime, demo, clock, session):
    save(runtime, clock, name="Budi Santoso", nik="3201010503250002")
    kader = Person(runtime, "kader1")
    kader.say("lapor")
    kader.press("new")
    kader.say("Bayu Saputra")
    kader.say("L")
    kader.say("05-03-2025")
    reply = kader.say("- 3201010503250002")  # no phone; the NIK goes with the phone's answer
    assert "NIK itu sudah tercatat untuk anggota lain" in reply and "NIK-nya sudah ada" in reply
