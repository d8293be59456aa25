"""`/lapor` end to end through the engine (terminal channel): checks, summary, save, alerts, roles."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from storage.media import attachments_for
from storage.models import Contact, Measurement, Member, Pregnancy, Referral, ServiceGiven
from tests.harness import Person
from tests.reporting.helpers import guardian, member, outbox, past_visit


def count(session, model) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def to_aisyah(kader: Person) -> str:
    kader.say("lapor")  # the posyandu day is today
    return kader.say("aisah")  # a misspelling still finds her, and the only match is taken


def test_full_report_with_a_bad_value_a_correction_and_an_edit(runtime, demo, session):
    k = Person(runtime, "kader1")
    assert "Tanggal: hari ini, 22 Nov 2026" in k.say("lapor")  # today unless the kader types another date
    reply = k.say("aisah")  # the only match is taken
    assert "Aisyah Putri — Perempuan, 9 bulan — Bayi dan balita" in reply and "Berat badan (kg)?" in reply
    reply = k.say("sembilan")
    assert "belum terbaca" in reply and "Berat badan (kg)?" in reply
    assert "Maksudnya 9,5 kg?" in k.say("9500")
    assert "ketik ulang" in k.say("2")
    assert "Diukur berbaring" in k.say("8,1 kg")  # under 24 months: lying, and the question says so
    assert "Lingkar kepala" in k.say("70")
    assert "LiLA" in k.say("43")
    reply = k.say("14")
    assert "Layanan yang diberikan" in reply and "Vitamin A" not in k.choices()  # November: no vitamin A round
    pmt = k.choices().index("PMT (makanan tambahan)") + 1
    k.say(str(pmt))
    assert "✓ PMT (makanan tambahan)" in k.choices()  # a number picks, it does not end the list
    summary = k.say("selesai")
    assert "Ringkasan — Aisyah Putri" in summary
    assert "• Berat badan: 8,1 kg — baru pertama ditimbang (B)" in summary
    assert "BB/U: Berat badan normal" in summary and "PB/U" in summary and "Layanan: PMT (makanan tambahan)" in summary
    assert k.choices() == ["Simpan", "Ubah", "Batal"]
    assert "Bagian mana" in k.say("ubah")
    lila = next(i for i, label in enumerate(k.choices(), 1) if label.startswith("LiLA"))
    assert "LiLA" in k.say(str(lila))
    summary = k.say("13,5")
    assert "• LiLA: 13,5 cm — Normal" in summary and "Simpan laporan ini?" in summary
    assert count(session, Measurement) == 0  # nothing stored before simpan
    reply = k.say("simpan")
    assert "Tersimpan ✅" in reply and "anggota berikutnya" in reply
    row = session.scalars(select(Measurement)).one()
    assert (row.weight_kg, row.height_cm, row.position, row.head_cm, row.muac_cm) == (8.1, 70.0, "L", 43.0, 13.5)
    assert row.life_stage == "bayi_balita" and row.weight_gain == "B" and row.source == "chat"
    assert row.statuses["bb_u"] == "normal" and row.waz is not None and row.age_days == 300
    codes = set(session.scalars(select(ServiceGiven.code)))
    assert codes == {"PMT", "TIMBANG"}
    assert count(session, Referral) == 0


def test_cancel_at_the_summary_stores_nothing(runtime, demo, session):
    k = Person(runtime, "kader1")
    to_aisyah(k)
    k.say("bb 8 pb 70 lk 43 lila 14")
    assert "Ringkasan" in k.say("-")
    assert "Dibatalkan" in k.press("cancel")  # the Batal button
    assert count(session, Measurement) == 0 and count(session, ServiceGiven) == 0
    to_aisyah(k)
    assert "Dibatalkan" in k.say("batal")  # the global word, mid-flow


def test_a_kader_cannot_report_another_posyandus_member(runtime, demo, session):
    bagus = member(session, "Bagus Saputra")  # Posyandu Melati 3
    k = Person(runtime, "kader1")  # kader of Mawar 7
    k.say("lapor")
    assert "tidak ditemukan di Posyandu Mawar 7" in k.say("Bagus Saputra")
    reply = k.press(f"m{bagus.id}")  # a forged button
    assert "bukan anggota posyandu Anda" in reply
    assert count(session, Measurement) == 0
    other = Person(runtime, "kader2")  # kader of Melati 3 finds him
    other.say("lapor")
    assert "Bagus Saputra" in other.say("bagus")


def test_a_resident_cannot_report(runtime, demo, session, clock):
    session.add(Contact(channel="terminal", address="warga", role="resident", language="id", created_at=clock.now()))
    session.commit()
    warga = Person(runtime, "warga")
    reply = warga.say("lapor")
    # a kader with no invite yet is told how to get one, and may type it right away (issue 7)
    assert "untuk kader dan bidan" in reply and "kode undangan" in reply
    assert count(session, Measurement) == 0
    assert "tidak ditemukan" in warga.say("ABCDEF")  # an unknown code: asked again kindly
    assert "kode undangan" not in warga.say("batal")  # back to the menu


def test_a_kader_without_an_invite_joins_from_lapor(runtime, demo, session, clock):
    from storage.reporting import create_invite
    from tests.reporting.helpers import posyandu
    session.add(Contact(channel="terminal", address="kader-baru", role="resident", language="id",
                        created_at=clock.now()))
    invite = create_invite(session, posyandu(session, "MAWAR7").id, "kader", clock.now(), 7)
    session.commit()
    k = Person(runtime, "kader-baru")
    assert "kode undangan" in k.say("lapor")
    assert "terdaftar sebagai" in k.say(invite.code)
    assert "Siapa yang diperiksa" in k.say("lapor")


def test_roles_are_checked_on_every_step(runtime, demo, session):
    k = Person(runtime, "kader1")
    to_aisyah(k)
    kader = session.scalars(select(Contact).where(Contact.address == "kader1")).one()
    kader.posyandu_id = member(session, "Bagus Saputra").posyandu_id  # moved to Melati 3 mid-report
    session.commit()
    assert "tidak lagi terdaftar untuk posyandu ini" in k.say("8")
    kader.role = "resident"
    session.commit()
    assert "kode undangan" in k.say("lapor")


def test_a_flag_alerts_the_bidan_opens_a_referral_and_tells_the_family(runtime, demo, session):
    aisyah = member(session, "Aisyah Putri")
    past_visit(session, aisyah, date(2026, 10, 20), weight_kg=8.0, height_cm=69.0, weight_gain="T")
    guardian(session, aisyah)
    k = Person(runtime, "kader1")
    to_aisyah(k)
    k.say("7,9"), k.say("70"), k.say("43")
    k.say("11,2")
    summary = k.say("-")
    assert "⚠️ Perlu dirujuk ke bidan:" in summary
    assert "Tidak naik 2 kali berturut-turut (2T)" in summary and "Gizi buruk (LiLA < 11,5 cm)" in summary
    assert "turun 100 gram (T)" in summary  # 8,0 -> 7,9 kg: a loss is said as a loss
    reply = k.say("1")
    assert "Bidan desa sudah diberi tahu (1 orang)" in reply
    alert = outbox(session, kind="alert")
    assert [m.address for m in alert] == ["bidan"]
    assert "Aisyah Putri" in alert[0].text and "Posyandu Mawar 7" in alert[0].text and "2T" in alert[0].text
    assert "+6281234500001" in alert[0].text and "Kader Siti Aminah" in alert[0].text
    result = outbox(session, kind="result")
    # the result in words, then the weight-for-age and the length-for-age charts as pictures
    assert [m.address for m in result] == ["ibu-aisyah"] * 3
    assert "7,9 kg" in result[0].text and "bidan" in result[0].text.lower() and "z " not in result[0].text
    charts = attachments_for(session, [m.id for m in result])
    assert [charts[m.id].spec["indicator"] for m in result[1:]] == ["wfa", "lhfa"] and result[0].id not in charts
    referral = session.scalars(select(Referral)).one()
    assert "growth_flag:two_t" in referral.reasons and referral.status == "open"
    row = session.scalars(select(Measurement).where(Measurement.measured_on == date(2026, 11, 22))).one()
    assert row.weight_gain == "T" and "growth_flag:two_t" in row.flags


def test_a_normal_result_reaches_the_family_without_an_alert(runtime, demo, session):
    aisyah = member(session, "Aisyah Putri")
    past_visit(session, aisyah, date(2026, 10, 20), weight_kg=7.7, height_cm=69.0, weight_gain="N")
    guardian(session, aisyah)
    k = Person(runtime, "kader1")
    to_aisyah(k)
    k.say("bb 8,1 pb 70 lk 43 lila 14")
    k.say("-")
    assert "Bidan desa" not in k.say("simpan")
    assert outbox(session, kind="alert") == []
    text = outbox(session, kind="result")[0].text
    assert "naik 400 gram" in text and "Pertumbuhannya baik" in text


def test_an_implausible_change_since_last_visit_is_asked_back(runtime, demo, session):
    aisyah = member(session, "Aisyah Putri")
    past_visit(session, aisyah, date(2026, 10, 20), weight_kg=10.0, weight_gain="N")
    k = Person(runtime, "kader1")
    to_aisyah(k)
    reply = k.say("7")
    assert "bulan lalu 10 kg (20 Okt 2026), sekarang 7 kg" in reply
    assert "Tinggi atau panjang" in k.say("ya")
    k.say("-"), k.say("-")
    assert "Tersimpan" in k.say("simpan")  # at the LiLA question: nothing more measured, saved
    session.expire_all()
    assert session.scalars(select(Measurement.weight_kg).where(Measurement.measured_on == date(2026, 11, 22))).one() == 7.0


def test_expert_mode_fills_the_visit_in_one_line(runtime, demo, session):
    k = Person(runtime, "kader1")
    summary = k.say("lapor aisyah bb 8,1 pb 70 lk 43 lila 14 vita")
    assert "Ringkasan — Aisyah Putri" in summary and "Layanan: Vitamin A" in summary
    assert "• Tinggi/panjang badan: 70 cm (berbaring)" in summary
    k.say("simpan")
    row = session.scalars(select(Measurement)).one()
    assert (row.weight_kg, row.position, row.muac_cm) == (8.1, "L", 14.0)


def test_expert_line_with_a_unit_slip_asks_back_then_continues(runtime, demo):
    k = Person(runtime, "kader1")
    to_aisyah(k)
    assert "Maksudnya 8,1 kg?" in k.say("bb 8100 pb 70 xyz")
    assert "Ringkasan" in k.say("1")


def test_register_a_pregnant_woman_and_flag_her_blood_pressure(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor")
    k.say("zzzz")  # not found: the list with "Anggota baru"
    assert "Nama lengkap" in k.press("new")
    assert "Jenis kelamin" in k.say("sri wahyuningsih")
    assert "Tanggal lahir" in k.say("2")
    assert "belum terbaca" in k.say("31-02-1998")
    assert "sesudah tanggal posyandu" in k.say("17-08-2030")
    reply = k.say("17 Agustus 1998")
    assert "Nomor HP/WhatsApp (boleh dikosongkan dengan -)?" in reply and "orang tua" not in reply  # an adult
    assert "belum benar" in k.say("12345")
    assert "16 angka" in k.say("0812-3456-7890 3321")  # a phone and a short number: the NIK is checked
    assert "sedang hamil" in k.say("0812-3456-7890")
    assert "HPHT" in k.say("2")
    assert "lebih dari 44 minggu" in k.say("01-01-2025")
    reply = k.say("15-06-2026")
    assert "Usia kehamilan 22 minggu" in reply and "Berat badan" in reply
    assert "misalnya 55,5 (kg)" in k.say("lima puluh")  # an adult's example, not a baby's 9,5
    assert "Maksudnya 55,5 kg?" in k.say("55500")  # grams typed: asked back
    assert "LiLA" in k.say("1")
    k.say("22"), k.say("150/95")
    k.say("-")  # Hb: no result yet (asked step by step, issue 7)
    services = k.choices()
    assert "Pemeriksaan kehamilan (K3)" in services and "TTD/MMS ibu hamil" in services
    summary = k.say("-")
    assert "🚨 SEGERA" in summary and "Kurang Energi Kronis (KEK)" in summary
    assert "Hipertensi dalam kehamilan" in summary and "Usia kehamilan: 22 minggu" in summary
    assert count(session, Member) == 8  # still nothing stored
    k.say("simpan")
    sri = member(session, "Sri Wahyuningsih")
    assert (sri.sex, sri.birth_date, sri.guardian_phone, sri.nik) == ("P", date(1998, 8, 17), "+6281234567890", None)
    assert session.scalars(select(Pregnancy.hpht).where(Pregnancy.member_id == sri.id)).one() == date(2026, 6, 15)
    row = session.scalars(select(Measurement).where(Measurement.member_id == sri.id)).one()
    assert row.life_stage == "ibu_hamil" and row.gestational_weeks == 22
    alert = outbox(session, kind="alert")[0]
    assert alert.text.startswith("🚨 SEGERA") and "Hipertensi dalam kehamilan" in alert.text


def test_session_dates_in_indonesian(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor")  # the date is typed at the name question
    assert "17 Agu 2024 itu untuk apa?" in k.say("17 Agustus 2024")  # too old for a visit: a birth date?
    assert k.choices() == ["Tanggal lahir anak/orang yang diperiksa: 17 Agu 2024"]
    k.say("menu")
    k.say("lapor")
    assert "belum lewat" in k.say("30-11-2026")
    assert "Tanggal posyandu: 21 Nov 2026" in k.say("kemarin")
    k.say("aisyah")
    k.say("bb 8 pb 70 lk 43"), k.say("-"), k.say("simpan")
    assert session.scalars(select(Measurement.measured_on)).one() == date(2026, 11, 21)


def test_a_second_report_the_same_day_replaces_the_first(runtime, demo, session):
    k = Person(runtime, "kader1")
    to_aisyah(k)
    k.say("bb 8 pb 70 lk 43"), k.say("-"), k.say("simpan")
    assert "Siapa yang diperiksa" in k.say("1")  # next member, same date
    assert "Sudah ada laporan untuk tanggal ini" in k.say("aisyah")
    k.say("bb 8,2 pb 70 lk 43"), k.say("-")
    assert "diperbarui" in k.say("simpan")
    assert session.scalars(select(Measurement.weight_kg)).all() == [8.2]


def test_a_bidan_picks_the_posyandu_of_her_desa(runtime, demo, session):
    b = Person(runtime, "bidan")
    assert "posyandu mana" in b.say("lapor")
    assert b.choices() == ["Posyandu Mawar 7", "Posyandu Kenanga 1", "Posyandu Melati 3"]
    b.say("Posyandu Melati 3")
    assert "Bagus Saputra" in b.say("bagus")
    b.say("bb 4,5 pb 54 lk 38"), b.say("-"), b.say("simpan")
    assert session.scalars(select(Measurement.posyandu_id)).one() == member(session, "Bagus Saputra").posyandu_id
    assert outbox(session, kind="alert", address="bidan") == []  # never alerted about her own report


def test_english_kader(runtime, demo, session):
    kader = session.scalars(select(Contact).where(Contact.address == "kader1")).one()
    kader.language = "en"
    session.commit()
    k = Person(runtime, "kader1")
    assert "Date: today, 22 Nov 2026" in k.say("lapor")
    assert "Weight (kg)?" in k.say("aisyah")
    assert "Did you mean 9.5 kg?" in k.say("9500")


def test_button_presses_toggle_services(runtime, demo):
    k = Person(runtime, "kader1")
    to_aisyah(k)
    assert "Ringkasan" in k.say("bb 8 pb 70 lk 43")  # a line goes to the summary
    assert "Bagian mana" in k.say("ubah")
    k.press("services")
    k.press("KONSELING")
    assert "✓ Penyuluhan/konseling" in k.choices()
    k.press("PMT")
    k.press("KONSELING")
    assert "✓ PMT (makanan tambahan)" in k.choices() and "Penyuluhan/konseling" in k.choices()
    assert "Layanan: PMT (makanan tambahan)" in k.press("done")


def test_odd_answers_never_crash(runtime, demo):
    k = Person(runtime, "kader1")
    to_aisyah(k)
    for text in ["🙂", "9,5,3", "-5", "1e5", "bb", "x" * 900, "NaN", "inf"]:
        reply = k.say(text)
        assert "ada gangguan" not in reply and reply
    assert "Berat badan" in k.say("bantuan")


def test_a_correction_that_drops_a_referral_tells_the_bidan(runtime, demo, session):
    from storage.models import AuditEvent

    k = Person(runtime, "kader1")
    k.say("lapor joko td 150/95")
    k.say("simpan")
    assert len(outbox(session, kind="alert")) == 1 and count(session, Referral) == 1
    k.say("lapor joko td 118/76")
    assert "diperbarui" in k.say("simpan")
    alerts = outbox(session, kind="alert")
    assert len(alerts) == 2 and alerts[1].address == "bidan"
    assert "Laporan dikoreksi" in alerts[1].text and "Joko Susilo" in alerts[1].text
    assert "Hipertensi derajat 1" in alerts[1].text and "tidak ada lagi alasan rujukan" in alerts[1].text
    assert count(session, Referral) == 0
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "referral.corrected")).one()


def test_a_girl_under_15_is_not_asked_about_pregnancy_and_a_teen_gently(runtime, demo, session):
    from health.pregnancy import pregnancy_question

    k = Person(runtime, "kader1")
    k.say("lapor")
    reply = k.say("dewi")  # Dewi Anggraini, 13
    assert "hamil" not in reply and "Berat badan" in reply
    assert pregnancy_question("P", date(2010, 1, 1), date(2026, 11, 22)) == "minor"  # 16: "Apakah ia..."
    assert pregnancy_question("P", date(2000, 1, 1), date(2026, 11, 22)) == "adult"


def test_search_echo_is_short(runtime, demo):
    k = Person(runtime, "kader1")
    k.say("lapor")
    reply = k.say("z" * 900)
    assert "z" * 41 not in reply and "tidak ditemukan" in reply


def test_from_24_months_height_and_its_indices_follow_age_not_position(runtime, demo, session, clock):
    rizky = member(session, "Muhammad Rizky")
    rizky.birth_date = clock.now().date().replace(year=clock.now().year - 3)  # 36 months
    session.commit()
    k = Person(runtime, "kader1")
    k.say("lapor")
    reply = k.say("rizky")
    assert "Berat badan (kg)?" in reply
    reply = k.say("14")
    assert "Tinggi badan (cm)?" in reply and "Diukur berdiri" in reply  # from 24 months: standing
    summary = k.say("bb 14 pb 95")  # lying: WHO subtracts 0,7 cm, the index is still TB/U and BB/TB
    summary = summary if "Ringkasan" in summary else k.say("-")
    assert "• Tinggi badan: 95 cm (berbaring)" in summary
    assert "TB/U" in summary and "BB/TB" in summary and "PB/U" not in summary and "BB/PB" not in summary


def test_a_new_childs_phone_is_the_guardians(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor")
    k.say("zzzz")
    k.press("new")
    k.say("putri ayu"), k.say("2")
    assert "orang tua atau wali" in k.say("01-01-2024")
