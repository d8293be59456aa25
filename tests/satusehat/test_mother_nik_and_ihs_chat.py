"""`nik ibu ANAK 3201...`: the mother's NIK added in chat with the child's NIK checks and a woman's
(day + 40) born before the child; a mismatch with her record asked back; stored where `members import`
keeps it (Member.mother_nik), so a baby without NIK is sent under it. `ihs` (bidan): her IHS number."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import AuditEvent, Member, SatusehatPractitioner, SatusehatSync
from tests.harness import Person
from tests.reporting.helpers import member
from tests.satusehat.conftest import save

MOTHER_NIK = "3201015203950004"  # a woman born 12-03-1995


def test_a_mothers_nik_added_in_chat_sends_the_babys_waiting_visits(runtime, demo, clock, session):
    measurement_id, baby_id = save(runtime, clock, name="Bayi Tanpa Nik", nik=None)
    with session.begin():
        session.scalars(select(SatusehatSync)).one().status = "waiting"
    kader = Person(runtime, "kader1")
    assert f"Simpan NIK ibu {MOTHER_NIK} untuk Bayi Tanpa Nik" in kader.say(f"nik ibu bayi tanpa nik {MOTHER_NIK}")
    saved = kader.say("1")
    assert "Tersimpan ✅ NIK ibu Bayi Tanpa Nik: 3201••••••••0004" in saved
    assert "1 kunjungannya akan dikirim ke SATUSEHAT" in saved
    session.expire_all()
    baby = session.get(Member, baby_id)
    assert (baby.nik, baby.mother_nik) == (None, MOTHER_NIK)
    assert session.scalars(select(SatusehatSync)).one().status == "pending"
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "member.mother_nik_set")).one().subject \
        == f"member:{baby_id}"


def test_a_mans_nik_or_one_born_after_or_just_before_the_child_is_refused(runtime, demo, session):
    kader = Person(runtime, "kader1")
    assert "Angka itu NIK laki-laki" in kader.say("nik ibu aisyah 3201011203950004")  # day 12: a man's
    # born 25 days before Aisyah, and after her: impossible, refused
    assert "sesudah atau terlalu dekat dengan tanggal lahir anaknya" in kader.say("nik ibu aisyah 3201014101260004")
    assert "sesudah atau terlalu dekat" in kader.say("nik ibu aisyah 3201014110260004")
    assert "NIK harus 16 angka" in kader.say("nik ibu aisyah 320101520395000")
    assert "6 angka pertamanya bukan kode wilayah" in kader.say("nik ibu aisyah 9901015203950004")
    assert member(session, "Aisyah Putri").mother_nik is None


def test_the_childs_own_nik_is_not_its_mothers(runtime, demo, session):
    kader = Person(runtime, "kader1")
    kader.say("nik aisyah 3201016601260003")
    kader.say("1")
    assert "Itu NIK Aisyah Putri sendiri, bukan NIK ibunya" in kader.say("nik ibu aisyah 3201016601260003")


def test_a_mismatch_with_the_mothers_record_and_an_unlikely_age_are_asked_back(runtime, demo, session):
    rina = member(session, "Rina Marlina")  # Aisyah's household, born 14-03-(two years before 2000)
    nik = f"320101{54 + 1:02d}03{rina.birth_date.year % 100:02d}0001"  # one day off her recorded birth date
    kader = Person(runtime, "kader1")
    kader.say(f"nik rina marlina {nik}")
    kader.say("1")  # her own NIK, stored despite the mismatch (asked back there)
    reply = kader.say(f"nik ibu aisyah {nik}")
    assert "NIK ini menunjukkan tanggal lahir 15 Mar " in reply and "Rina Marlina tercatat lahir 14 Mar " in reply
    assert "Simpan NIK ibu" in reply
    old = kader.say("batal") and kader.say("nik ibu aisyah 3201015203300004")  # born 1930
    assert "ibunya berusia 95 tahun saat Aisyah Putri lahir" in old


def test_another_members_own_nik_is_refused_without_naming_her(runtime, demo, session):
    kader = Person(runtime, "kader1")
    kader.say("nik nurhayati 3201014208920001")  # Nurhayati: another household
    kader.say("1")
    reply = kader.say("nik ibu aisyah 3201014208920001")
    assert "NIK itu sudah tercatat untuk anggota lain" in reply and "Nurhayati" not in reply
    assert member(session, "Aisyah Putri").mother_nik is None


def test_a_member_named_ibu_keeps_her_own_nik_path(runtime, demo, clock, session):
    save(runtime, clock, name="Ibu Ratna Sari", nik=None)
    kader = Person(runtime, "kader1")
    assert "Simpan NIK 3201015203950004 untuk Ibu Ratna Sari" in kader.say("nik ibu ratna sari 3201015203950004")


def test_the_bidan_records_her_ihs_number_in_chat_and_a_kader_cannot(runtime, demo, session):
    bidan = Person(runtime, "bidan")
    assert "Nomor IHS Anda belum tercatat" in bidan.say("ihs")
    assert "Nomor IHS harus 11 angka" in bidan.say("ihs 1000988072")
    assert "hanya berisi angka" in bidan.say("ihs N10000001")
    assert "Tersimpan ✅ Nomor IHS Anda: 10009880728" in bidan.say("ihs 1000 9880 728")
    assert "sudah tercatat sama persis" in bidan.say("ihs 10009880728")
    assert session.scalars(select(SatusehatPractitioner.ihs_number)).all() == ["10009880728"]
    Person(runtime, "kader1").say("ihs 10018180913")
    session.expire_all()
    assert session.scalars(select(SatusehatPractitioner.ihs_number)).all() == ["10009880728"]
