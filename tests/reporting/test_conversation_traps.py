"""The conversation traps of issue 16, each tried the way a kader, a bidan or a new resident falls in."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from bot.parsing import parse_time
from storage.models import Contact, ConversationState, Measurement, Member, PosyanduSession
from tests.harness import Person
from tests.reporting.helpers import member, past_visit


def state(session, address: str) -> ConversationState:  # type: ignore[no-untyped-def]
    session.expire_all()
    contact = session.scalars(select(Contact).where(Contact.address == address)).one()
    return session.get(ConversationState, contact.id)


# -- 1. a fixed option keeps its number -------------------------------------------------------------------
def test_new_member_is_always_1_however_many_visited_recently(runtime, demo, session):
    aisyah, joko = member(session, "Aisyah Putri"), member(session, "Joko Susilo")
    k = Person(runtime, "kader1")
    k.say("lapor")
    assert k.choices() == ["➕ Anggota baru"]
    k.say("menu")
    past_visit(session, aisyah, date(2026, 11, 1), weight_kg=8.0)
    past_visit(session, joko, date(2026, 11, 1), weight_kg=70.0)
    k.say("lapor")
    assert k.choices()[0] == "➕ Anggota baru" and len(k.choices()) == 3  # the day's visitors below it
    assert "Nama lengkap anggota baru?" in k.say("1")  # the habit of `1` opens no child's report
    k.say("batal")
    k.say("lapor")
    assert "Nama lengkap anggota baru?" in k.say("baru")  # and the word works


def test_services_list_starts_with_selesai_for_every_group(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("aisyah"), k.say("8,1"), k.say("70"), k.say("-")
    k.say("-")
    baby = k.choices()
    k.say("batal"), k.say("lapor"), k.say("joko"), k.say("70 170"), k.say("-"), k.say("-"), k.say("-")
    k.say("-")
    adult = k.choices()
    assert baby[0] == adult[0] == "✅ Selesai" and len(baby) != len(adult)
    summary = k.say("2 1")  # a service by its number, and 1 for "Selesai" in the same message
    assert "Ringkasan — Joko Susilo" in summary and f"Layanan: {adult[1]}" in summary


def fixed_numbers(runtime, session, address: str, inputs: list[str]) -> dict:  # type: ignore[no-untyped-def]
    """Per (flow, step), the number of each offered value on every screen of that question."""
    p = Person(runtime, address)
    seen: dict = {}
    for text in inputs:
        p.say(text)
        row = state(session, address)
        if row is None or not row.flow:
            continue
        for n, (value, _) in enumerate(row.choices or [], 1):
            seen.setdefault((row.flow, row.step), []).append((value, n))
    return seen


def test_the_same_fixed_option_never_changes_its_number_across_members(runtime, demo, session):
    past_visit(session, member(session, "Aisyah Putri"), date(2026, 11, 1), weight_kg=8.0)
    seen = fixed_numbers(runtime, session, "kader1", [
        "lapor", "aisyah", "8,1 70", "-", "-", "-", "simpan", "1",  # a baby, then the next member
        "joko", "70 170", "-", "-", "-", "-", "simpan", "1", "rina", "-", "-", "-", "-", "-", "selesai"])
    for (flow, step), pairs in seen.items():
        screens = [v for v, _ in pairs]
        for value in ("new", "done", "next", "save", "edit", "cancel"):
            numbers = {n for v, n in pairs if v == value}
            assert len(numbers) <= 1, (flow, step, value, numbers, screens)


# -- 2. a date at the name question is asked back -------------------------------------------------------------
def test_a_birth_date_at_the_name_question_never_moves_the_visit_silently(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor")
    reply = k.say("17 agustus 2026")  # the baby's birth date, typed where the name is asked
    assert "17 Agu 2026 itu untuk apa?" in reply and "Tanggal: hari ini" not in reply
    assert "Belum ada anggota yang lahir 17 Agu 2026" in k.say("2")
    assert k.choices()[0] == "➕ Anggota baru"
    k.say("1"), k.say("Putri Ayu"), 
    assert "Nomor HP" in k.say("p")  # the birth date is not asked again
    header = k.say("-")
    assert "Putri Ayu — Perempuan, 3 bulan" in header and "Tanggal posyandu: 22 Nov 2026" in header
    k.say("5,8 58 simpan")
    row = session.scalars(select(Measurement)).one()
    assert row.measured_on == date(2026, 11, 22)
    assert session.get(Member, row.member_id).birth_date == date(2026, 8, 17)


def test_a_birth_date_finds_the_children_born_that_day(runtime, demo, session):
    aisyah = member(session, "Aisyah Putri")
    k = Person(runtime, "kader1")
    k.say("lapor")
    k.say(aisyah.birth_date.strftime("%d-%m-%Y"))
    k.say("2")
    assert k.choices() == ["➕ Anggota baru", "Aisyah Putri (P, 9 bulan)"]
    assert "Aisyah Putri — Perempuan, 9 bulan" in k.say("2")


# -- 3. `lanjut` and `selesai` tell the truth -----------------------------------------------------------------
def test_lanjut_with_nothing_to_continue_says_so_and_selesai_says_nothing_was_saved(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor")
    reply = k.say("lanjut")
    assert "Tidak ada laporan tertunda" in reply and "sudah tercatat" not in reply
    assert state(session, "kader1").step == "member"
    reply = k.say("selesai")
    assert "Belum ada laporan yang disimpan" in reply and "sudah tercatat" not in reply


def test_lanjut_after_a_save_goes_to_the_next_member_and_the_goodbye_counts(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("aisyah"), k.say("bb 8,1 pb 70 simpan")
    assert "Siapa yang diperiksa" in k.say("lanjut")  # "Lanjut ke anggota berikutnya?" answered `lanjut`
    assert "Laporan hari ini sudah tercatat" in k.say("selesai")


def test_lanjut_at_the_name_question_resumes_a_kept_draft(runtime, demo, session, clock):
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("aisyah"), k.say("8,1")
    clock.advance(hours=3)  # the report timed out: kept as a draft
    k.say("lapor")
    reply = k.say("lanjut")
    assert "Aisyah Putri" in reply and "Tinggi atau panjang badan" in reply


# -- 4. every hint's example is accepted at its question --------------------------------------------------------
REFUSED = ("belum terbaca", "harus antara", "tidak mungkin", "lebih banyak dari", "tidak masuk akal",
           "tidak diukur untuk kelompok", "tidak saya pahami")


@pytest.mark.parametrize("who,setup", [("aisyah", []), ("rizky", []), ("joko", []), ("sumarni", []),
                                       ("nurhayati", ["2", "15-08-2026"]), ("rina", [])])
def test_the_hints_examples_are_accepted_by_their_own_question(runtime, demo, session, who, setup):
    import re

    k = Person(runtime, "kader1")
    k.say("lapor")
    reply = k.say(who)
    for answer in setup:
        reply = k.say(answer)
    hint = re.search(r"berurutan, contoh: ([^;]+); atau semua sekaligus, contoh: ([^)]+)\)", reply)
    assert hint, reply
    for example in hint.groups():
        k.say("batal"), k.say("lapor"), k.say(who)
        for answer in setup:
            k.say(answer)
        answered = k.say(example)
        assert not any(word in answered for word in REFUSED), (who, example, answered)


# -- 5. the length hint follows what the kader said ---------------------------------------------------------------
def test_after_measured_lying_the_hint_says_lying(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("rizky"), k.say("9,8")  # 23 months: lying is assumed
    assert "tidak wajar" in k.say("tb 60")  # typed as standing, and asked back
    assert "tidak wajar" in k.say("berbaring")  # "it was lying down": still asked back
    reply = k.say("2")  # "no, I will retype it"
    assert "Diukur berbaring, seperti Anda tulis" in reply and "Diukur berdiri" not in reply
    k.say("tb 60"), k.say("2")
    assert "Diukur berdiri, seperti Anda tulis" in k.last[-1].text


def test_a_baby_under_9_months_is_never_told_how_to_type_standing(runtime, demo, session):
    k = Person(runtime, "kader2")
    k.say("lapor"), k.say("bagus")
    reply = k.say("4,5")
    assert "diukur berbaring" in reply and "tb " not in reply


# -- 6. a newcomer's first word, and names that are not names -------------------------------------------------------
def test_daftar_at_the_language_question_goes_on_and_halo_is_not_a_name(runtime, demo, session):
    r = Person(runtime, "warga-baru")
    assert "Pilih bahasa" in r.say("/start")
    assert "Di posyandu mana" in r.say("daftar")  # honoured, in the default language
    r.say("MAWAR7")
    assert "Siapa nama anggota keluarga" in r.say("ya")
    for greeting in ("halo", "Selamat pagi bu", "assalamualaikum"):
        assert "bukan nama" in r.say(greeting)
    for junk in ("12345", "😀😀"):
        assert "dengan huruf" in r.say(junk)
    assert "Jenis kelamin Aisyah Putri" in r.say("aisyah putri")
    assert session.scalars(select(Contact.language).where(Contact.address == "warga-baru")).one() == "id"


def test_lapor_at_the_role_question_asks_for_the_invite_code(runtime, demo, session):
    r = Person(runtime, "calon-kader")
    r.say("/start"), r.say("1")
    assert "kode undangan" in r.say("lapor")


def test_selamat_is_a_name_and_a_greeting_is_not(runtime, demo, session):
    from bot.flows.base import Invalid
    from bot.flows.registration import read_name

    assert read_name("Selamat Riyadi", "report") == "Selamat Riyadi"
    with pytest.raises(Invalid):
        read_name("hai", "report")


# -- 7. times as posyandu people write them -------------------------------------------------------------------
@pytest.mark.parametrize("typed,expected", [("8", time(8)), ("08.00", time(8)), ("8.30", time(8, 30)),
                                            ("jam 8", time(8)), ("8 pagi", time(8)), ("08:00", time(8)),
                                            ("1 siang", time(13)), ("2 sore", time(14)), ("jam 7 malam", time(19))])
def test_parse_time_reads_posyandu_times(typed, expected):
    assert parse_time(typed) == expected


def test_buat_jadwal_asks_back_an_hour_at_night_and_never_takes_a_time_as_the_place(runtime, demo, session):
    b = Person(runtime, "bidan")
    b.say("buat jadwal"), b.say("1"), b.say("30-11-2026")
    assert "Jam 01.00?" in b.say("1")
    assert b.choices() == ["13.00", "01.00, sesuai yang saya ketik"]
    assert "Di mana tempatnya" in b.say("08.00")  # a new time typed instead: taken
    reply = b.say("08.30")  # a time where the place is asked: the start corrected, not the place
    assert "itu jam, bukan tempat" in reply and "Di mana tempatnya" in reply
    b.say("1"), 
    preview = b.say("1")
    assert "pukul 08.30" in preview and "Tempat: Balai RW 07" in preview
    assert "Akan dikirim ke 0 keluarga" in preview and "Mengapa 0" in preview and "*daftar*" in preview
    b.say("kirim")
    row = session.scalars(select(PosyanduSession)).one()
    assert row.place == "Balai RW 07, Banyumeneng"
    assert row.starts_at.replace(tzinfo=timezone.utc) == datetime(2026, 11, 30, 1, 30, tzinfo=timezone.utc)


# -- 8. `lupa` never brings the HPHT question back --------------------------------------------------------------
def test_lupa_twice_goes_on(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("nurhayati"), k.say("2")
    reply = k.say("lupa")
    assert "perkiraan usia kehamilannya" in reply and "Tanggal hari pertama haid terakhir" not in reply
    reply = k.say("tidak tahu")
    assert "Berat badan (kg)?" in reply and "Kapan hari pertama haid" not in reply.split("📋")[-1]


# -- 9. the staff's menu ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["kader1", "bidan"])
def test_daily_tasks_are_one_glance_away_and_every_word_still_works(runtime, demo, session, who):
    p = Person(runtime, who)
    p.say("menu")
    first = p.choices()
    assert first[:3] == ["Lapor hasil posyandu", "Rujukan (perlu tindak lanjut)", "Rekap bulan ini"]
    assert len(first) == 5 and first[-1] == "➕ Lainnya…"
    p.say("5")
    assert "Grafik pertumbuhan anak" in p.choices() and "Lapor hasil posyandu" not in p.choices()
    assert "Grafik anak siapa?" in p.say("grafik")


# -- 10. a whole name is taken --------------------------------------------------------------------------------------
def test_a_full_name_typed_exactly_is_taken_not_listed(runtime, demo, session):
    from storage.reporting import search_members

    pid = member(session, "Aisyah Putri").posyandu_id
    session.add(Member(posyandu_id=pid, name="Aisyah Putra", name_key="aisyah putra", sex="L",
                       birth_date=date(2025, 1, 1), created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    session.commit()
    assert [m.name for m in search_members(session, [pid], " aisyah  PUTRI. ")] == ["Aisyah Putri"]
    k = Person(runtime, "kader1")
    k.say("lapor")
    assert "Aisyah Putri — Perempuan" in k.say("aisyah putri")


# -- 11. grafik does not tell a stranger whether a record exists -------------------------------------------------------
def subscribe_and_add(runtime, address: str, name: str, born: str) -> Person:  # type: ignore[no-untyped-def]
    p = Person(runtime, address)
    for text in ("/start", "1", "1", "MAWAR7", "ya", name, "2", born):
        p.say(text)
    p.say("2")  # no more members
    return p


def test_grafik_answers_a_stranger_the_same_for_a_known_and_a_new_child(runtime, demo, session):
    aisyah = member(session, "Aisyah Putri")
    stranger = subscribe_and_add(runtime, "orang-asing", "Aisyah Putri", aisyah.birth_date.strftime("%d-%m-%Y"))
    newcomer = subscribe_and_add(runtime, "keluarga-baru", "Aisyah Putri", "26-02-2026")
    known, new = stranger.say("grafik"), newcomer.say("grafik")
    assert known == new == "Belum ada penimbangan Aisyah Putri yang tercatat, jadi grafiknya belum bisa dibuat."


# -- typed the way people type ---------------------------------------------------------------------------------
def test_a_misspelt_command_is_said_back_and_a_greeting_is_greeted(runtime, demo, session):
    k = Person(runtime, "kader1")
    assert "Maksudnya *lapor*?" in k.say("lapr")
    assert "Maksudnya *rujukan*?" in k.say("rujuk")
    assert "Halo! 👋" in k.say("halo") and "Lapor hasil posyandu" in k.choices()
    assert "belum paham" in k.say("xyzzy")


def test_udah_at_a_measurement_ends_the_measurements_and_simpen_saves(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor aisyah"), k.say("9.5kg")
    assert "Layanan yang diberikan" in k.say("udah")  # nothing more measured; nothing saved yet
    assert session.scalars(select(Measurement)).first() is None
    k.say("batal"), k.say("lapor aisyah"), k.say("8,1")
    assert "Tersimpan ✅" in k.say("70 simpen")  # a slip of `simpan`


def test_a_resident_who_forgot_the_hpht_is_registered_not_asked_again(runtime, demo, session):
    r = Person(runtime, "ibu-hamil")
    for text in ("/start", "1", "1", "MAWAR7", "ya", "Siti Rahma", "2", "01-01-1995", "ya"):
        r.say(text)
    reply = r.say("lupa")
    assert "berhasil didaftarkan" in reply and "akan diperiksa dan dicatat" in reply
    assert "Tambah anggota keluarga lain?" in reply and "Kapan hari pertama haid" not in reply


def test_an_english_command_at_the_language_question_chooses_english(runtime, demo, session):
    r = Person(runtime, "newcomer")
    r.say("/start")
    assert "Which posyandu" in r.say("subscribe")
    assert session.scalars(select(Contact.language).where(Contact.address == "newcomer")).one() == "en"


# -- a name that only shares a word is offered, never taken ---------------------------------------------------
def test_a_new_name_sharing_a_word_with_a_member_is_offered_not_taken(runtime, demo, session):
    """Found by the village simulator (3 posyandu, seed 1): `Lestari Lestari`, a woman not yet registered, was
    taken as Lestari Santoso, a girl of four, and her weight saved on the girl's record. Here the demo's
    Aisyah Putri (a baby) and a mother typed as `Aisyah Aisyah`."""
    baby = member(session, "Aisyah Putri")
    k = Person(runtime, "kader1")
    k.say("lapor")
    reply = k.say("Aisyah Aisyah")
    assert "Berat badan" not in reply  # no report opened on the baby
    assert k.choices()[0] == "➕ Anggota baru" and any("Aisyah Putri" in c for c in k.choices())
    assert "Nama lengkap anggota baru?" in k.say("1")
    k.say("batal")
    k.say("lapor")
    opened = k.say("aisyah")  # part of her name, as typed: taken
    assert "Aisyah Putri" in opened and "Berat badan" in opened
    k.say("batal")
    assert session.scalars(select(Measurement).where(Measurement.member_id == baby.id)).first() is None


@pytest.mark.parametrize("typed, name, taken", [
    ("budi", "Budi Santoso", True), ("santoso budi", "Budi Santoso", True), ("siti rahyu", "Siti Rahayu", True),
    ("aisyh", "Aisyah Putri", True), ("lestari lestari", "Lestari Santoso", False), ("ani", "Rani Susanti", False),
    ("budi s", "Budi Santoso", False), ("joko widodo", "Joko Susilo", False)])
def test_which_single_match_is_taken_without_asking(typed, name, taken):
    from storage.members import taken_as_typed
    assert taken_as_typed(typed, name) is taken


def test_a_name_with_a_repeated_word_picks_no_recent_visitor(runtime, demo, session):
    """The same mistake one level up: the recent visitors are offered as choices, and `Lestari Lestari` was read
    as the one label holding the word `lestari` (a set of words, the repetition lost)."""
    baby = member(session, "Aisyah Putri")
    past_visit(session, baby, date(2026, 11, 1), weight_kg=8.0)
    k = Person(runtime, "kader1")
    k.say("lapor")
    assert any("Aisyah Putri" in c for c in k.choices())  # offered as a recent visitor
    assert "Berat badan" not in k.say("Aisyah Aisyah")
    k.say("batal")
    k.say("lapor")
    assert "Berat badan" in k.say("aisyah")  # her own word still picks her
