"""Residents through the real engine: daftar (search, consent, members, HPL), jadwal, keluarga, hapus data."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from scheduler.planner import plan_at
from storage.models import (
    AuditEvent,
    Contact,
    Household,
    Measurement,
    Member,
    OutboxMessage,
    PlannedReminder,
    PosyanduSession,
    Pregnancy,
)
from tests.harness import Person
from tests.reminders.helpers import local_instant, mawar, wit_posyandu


def new_resident(runtime, address="warga"):
    """Someone who pressed /start, Indonesian, resident: the subscription flow is now asking for the posyandu."""
    person = Person(runtime, address)
    person.say("/start")
    person.say("1")
    assert "Di posyandu mana" in person.say("1")
    return person


def contact(session, address):
    session.expire_all()
    return session.scalars(select(Contact).where(Contact.address == address)).one()


def test_daftar_with_a_typo_in_the_desa_consent_and_a_pregnancy(runtime, demo, session):
    warga = new_resident(runtime)
    reply = warga.say("banyumenang")  # a typo: tolerant search
    assert "Pilih posyandu" in reply
    assert any("Posyandu Mawar 7" in c for c in warga.choices())
    number = next(i for i, c in enumerate(warga.choices(), 1) if "Mawar 7" in c)
    consent = warga.say(str(number))
    assert "UU No. 27 Tahun 2022" in consent and "Yang kami simpan" in consent and "setuju" in consent
    assert contact(session, "warga").opted_in is False  # nothing before consent
    assert "terdaftar di Posyandu Mawar 7" in warga.say("1")
    saved = contact(session, "warga")
    assert saved.opted_in and saved.consent_at is not None and saved.household_id is not None
    assert "Jenis kelamin Siti Rahma" in warga.say("siti rahma")
    assert "Tanggal lahir" in warga.say("2")
    assert "sedang hamil" in warga.say("3 Februari 1998")
    assert "HPHT" in warga.say("ya")
    reply = warga.say("1 agustus 2026")
    assert "Siti Rahma berhasil didaftarkan (28 tahun)." in reply  # not "sudah terdaftar" (= already was)
    assert "16 minggu 1 hari" in reply and "Sabtu, 8 Mei 2027" in reply  # HPL = HPHT + 280 days
    assert "Tambah anggota" in reply
    assert "Siapa nama" in warga.say("1")
    warga.say("Bagus")
    assert "Laki-laki" in warga.choices()
    warga.say("L")
    reply = warga.say("14/03/24")
    assert "Bagus berhasil didaftarkan (2 tahun 8 bulan)." in reply
    assert "Selesai" in warga.say("2")
    members = session.scalars(select(Member).where(Member.household_id == saved.household_id)).all()
    assert sorted(m.name for m in members) == ["Bagus", "Siti Rahma"]
    siti = next(m for m in members if m.name == "Siti Rahma")
    pregnancy = session.scalars(select(Pregnancy).where(Pregnancy.member_id == siti.id)).one()
    assert pregnancy.hpht == date(2026, 8, 1)
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"consent.given", "household.created", "member.added"} <= actions


def test_daftar_by_code_asks_staff_before_linking_the_member_a_kader_registered(runtime, demo, session):
    """Without proof (a terminal chat has no number) the chat is answered as for a new member, the record is
    neither duplicated nor linked, and the posyandu's staff are asked (tests/reminders/test_privacy.py)."""
    aisyah = session.scalars(select(Member).where(Member.name == "Aisyah Putri")).one()
    members_before = session.scalar(select(func.count()).select_from(Member))
    warga = new_resident(runtime)
    assert "UU No. 27" in warga.say("mawar7")  # an exact code skips the list
    warga.say("ya")
    warga.say("AISYAH PUTRI")
    warga.say("perempuan")
    reply = warga.say(aisyah.birth_date.strftime("%d-%m-%Y"))
    assert "berhasil didaftarkan (9 bulan)" in reply and "tercatat" not in reply
    assert session.scalar(select(func.count()).select_from(Member)) == members_before  # not duplicated
    assert contact(session, "warga").household_id != aisyah.household_id  # not linked yet


def test_declining_consent_stores_nothing(runtime, demo, session):
    warga = new_resident(runtime)
    warga.say("MAWAR7")
    assert "Tidak ada data yang disimpan" in warga.say("2")
    saved = contact(session, "warga")
    assert not saved.opted_in and saved.household_id is None and saved.consent_at is None


def test_daftar_refuses_impossible_answers_kindly(runtime, demo):
    warga = new_resident(runtime)
    assert "tidak ditemukan" in warga.say("zzzzqqq")
    warga.say("MAWAR7")
    warga.say("1")
    assert "nama lengkapnya" in warga.say("12")
    warga.say("Rina")
    warga.say("P")
    assert "tidak bisa saya baca" in warga.say("kemarin sore")
    assert "setelah hari ini" in warga.say("1-1-2030")
    warga.say("1-1-1995")
    warga.say("ya")
    assert "44 minggu" in warga.say("1-1-2025")
    assert "setelah hari ini" in warga.say("1 Desember 2026")


def test_daftar_in_english(runtime, demo):
    anna = Person(runtime, "anna")
    anna.say("/start")
    anna.say("2")
    assert "Which posyandu" in anna.say("1")
    assert "Law No. 27 of 2022" in anna.say("MAWAR7")
    assert "What is the name" in anna.say("1")


def test_jadwal_shows_the_next_session_with_time_place_and_zone(runtime, demo, session, clock):
    warga = new_resident(runtime)
    warga.say("batal")
    assert "belum terdaftar" in warga.say("jadwal")
    warga.say("daftar")
    warga.say("MAWAR7")
    warga.say("1")
    warga.say("batal")
    assert "Belum ada jadwal Posyandu Mawar 7" in warga.say("jadwal")
    posyandu = mawar(session)
    session.add(PosyanduSession(posyandu_id=posyandu.id, starts_at=local_instant(date(2026, 12, 3), 8, "Asia/Jakarta"),
                                place="Balai RW 07", groups=["bayi_balita"], status="scheduled", revision=1,
                                created_at=clock.now(), updated_at=clock.now()))
    session.commit()
    reply = warga.say("jadwal")
    assert "Kamis, 3 Desember 2026 pukul 08.00 WIB" in reply and "Balai RW 07" in reply and "Bayi dan balita" in reply


def test_jadwal_in_papua_says_wit(runtime, session, clock):
    posyandu = wit_posyandu(session)
    session.add(PosyanduSession(posyandu_id=posyandu.id, starts_at=local_instant(date(2026, 12, 3), 9, "Asia/Jayapura"),
                                place=None, groups=[], status="scheduled", revision=1, created_at=clock.now(),
                                updated_at=clock.now()))
    session.commit()
    warga = new_resident(runtime)
    warga.say("ANGGREK1")
    warga.say("1")
    warga.say("batal")
    reply = warga.say("jadwal")
    assert "pukul 09.00 WIT" in reply and "Jalan Anggrek" in reply


def test_keluarga_shows_results_in_plain_words_and_what_is_due(runtime, demo, session, clock):
    warga = new_resident(runtime)
    warga.say("MAWAR7")
    warga.say("1")
    warga.say("Putri Ayu")
    warga.say("P")
    born = clock.now().date() - timedelta(days=85)
    warga.say(born.isoformat())
    warga.say("2")
    member = session.scalars(select(Member).where(Member.name == "Putri Ayu")).one()
    session.add(Measurement(member_id=member.id, posyandu_id=member.posyandu_id, measured_on=date(2026, 11, 10),
                            weight_kg=5.6, height_cm=59.5, weight_gain="N", statuses={}, flags=[],
                            created_at=clock.now()))
    session.commit()
    reply = warga.say("anak")
    assert "Putri Ayu, 2 bulan" in reply
    assert "berat 5,6 kg" in reply and "tinggi/panjang 59,5 cm" in reply and "berat badan naik" in reply
    # issue 16: every dose still worth giving, in order and in words; none before its series' earlier dose
    assert "Imunisasi yang bisa diberikan sekarang: DPT-HB-Hib ke-1, PCV ke-1, Rotavirus ke-1." in reply
    assert "masih bisa dikejar — bawa anak ke posyandu atau puskesmas: BCG, Polio tetes ke-1." in reply
    assert "DPT-HB-Hib ke-2" not in reply and "Polio tetes ke-2" not in reply


def test_hapus_data_asks_twice_then_keeps_only_posyandu_records(runtime, demo, session, clock):
    warga = new_resident(runtime)
    warga.say("MAWAR7")
    warga.say("1")
    for name, born in (("Adi", "1-1-2025"), ("Budi", "2-2-2025")):
        warga.say(name)
        warga.say("L")
        warga.say(born)
        warga.say("1")
    warga.say("Sari")  # a pregnant mother: her pregnancy goes with her
    warga.say("P")
    warga.say("5-5-1995")
    warga.say("ya")
    warga.say("1 oktober 2026")
    warga.say("batal")
    me = contact(session, "warga")
    household_id = me.household_id
    adi = session.scalars(select(Member).where(Member.name == "Adi")).one()
    session.add(Measurement(member_id=adi.id, posyandu_id=adi.posyandu_id, measured_on=date(2026, 11, 10),
                            weight_kg=9.1, statuses={}, flags=[], created_at=clock.now()))
    session.commit()
    plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()

    assert "Lanjutkan menghapus" in warga.say("hapus data")
    assert "tidak dihapus" in warga.say("2")
    warga.say("hapus data")
    assert "Ketik HAPUS" in warga.say("1")
    assert "sudah dihapus" in warga.say("HAPUS")

    me = contact(session, "warga")
    assert (me.household_id, me.opted_in, me.consent_at, me.posyandu_id) == (None, False, None, None)
    assert session.get(Household, household_id) is None
    kept = session.scalars(select(Member).where(Member.name.in_(["Adi", "Budi", "Sari"]))).all()
    assert [(m.name, m.household_id) for m in kept] == [("Adi", None)]  # measured at the posyandu: stays, unlinked
    assert session.scalar(select(func.count()).select_from(Measurement)) == 1
    assert session.scalar(select(func.count()).select_from(Pregnancy).where(Pregnancy.hpht == date(2026, 10, 1))) == 0
    assert {r.status for r in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))} == {"cancelled"}
    assert session.scalar(select(func.count()).select_from(PlannedReminder)) == 0
    clock.advance(days=1)
    stats = plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert sum(s.messages for s in stats) == 0
    runtime.dispatcher.drain()
    assert not [m for m in runtime.senders[me.channel].sent if "Pengingat" in m.text]


def test_posyandu_search_wants_a_meaningful_query(runtime, demo):
    """'ya' found Posyandu Mawar 7 and '1 juni 2026' Kenanga 1 (on the "1"): such answers search nothing."""
    warga = new_resident(runtime)
    for query in ("ya", "1 juni 2026", "7", "tidak", "ok"):
        reply = warga.say(query)
        assert "tidak bisa mencari posyandu" in reply and "nama desa" in reply, query
        assert "Pilih posyandu" not in reply and not warga.choices(), query
    reply = warga.say("qwertyuiop")
    assert "tidak ditemukan" in reply and "nama desanya" in reply
    assert "Pilih posyandu" in warga.say("banyumenang")  # a typo still finds the desa
    assert "UU No. 27" in warga.say("kenanga1")  # an exact code is always taken


def test_command_words_are_not_taken_as_answers(runtime, demo, session):
    warga = new_resident(runtime)
    reply = warga.say("jadwal")
    assert "*jadwal* adalah kata perintah" in reply and "Di posyandu mana" in reply
    warga.say("MAWAR7")
    warga.say("1")
    reply = warga.say("daftar")
    assert "*daftar* adalah kata perintah" in reply and "Siapa nama" in reply
    warga.say("Rina")
    warga.say("P")
    assert "*keluarga* adalah kata perintah" in warga.say("keluarga")
    warga.say("1-1-1995")
    warga.say("ya")
    assert "*daftar* adalah kata perintah" in warga.say("daftar")  # at the HPHT
    assert "berhasil didaftarkan" in warga.say("1 agustus 2026")
    session.expire_all()
    assert [m.name for m in session.scalars(select(Member).where(Member.created_by_id.is_not(None)))] == ["Rina"]


def test_english_texts_name_english_command_words(runtime):
    """Texts for English speakers name the English triggers (`subscribe`, `schedule`, `family`...)."""
    import re

    from bot import engine
    from bot.flows import find
    from bot.i18n import broadcast as broadcast_texts, resident as resident_texts

    english = {word for words in (engine.CANCEL, engine.HELP, engine.MENU, engine.STOP, engine.RESUME)
               for word in words}
    indonesian = {"daftar", "jadwal", "keluarga", "anak", "hapus data", "mulai", "lapor", "buat jadwal", "berhenti",
                  "batal", "pengumuman", "hapus"}
    for texts in (resident_texts.EN, broadcast_texts.EN):
        for key, text in texts.items():
            for word in re.findall(r"\*([^*]+)\*", text):
                if "{" in word:
                    continue
                assert word.lower() not in indonesian, (key, word)
                assert word.lower() in english or find(word)[0] is not None, (key, word)
    assert "Type DELETE" in resident_texts.EN["resident.delete_confirm"]
    assert resident_texts.EN["resident.member_added"].format(name="Andi Wijaya", age="2 months") == (
        "Andi Wijaya has been registered (2 months).")


def test_a_command_word_after_registering_a_member_finishes_and_opens_it(runtime, demo):
    """Everything is saved at "add another member?", so `keluarga` there is "no" and then `keluarga`
    (it said "choose one by typing its number" and kept the family at the question)."""
    from tests.harness import Person

    family = Person(runtime, "warga-perintah")
    for text in ("daftar", "mawar 7", "ya", "Siti Rahma", "P", "17 agustus 2024"):
        family.say(text)
    answer = family.say("keluarga")
    assert "Selesai!" in answer and "Keluarga Anda di Posyandu Mawar 7" in answer and "Siti Rahma" in answer
