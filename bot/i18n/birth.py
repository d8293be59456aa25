"""Sentences of recording a delivery (`persalinan`) or a pregnancy that ended (`keguguran`)."""
from bot.texts import register

ID = {
    "birth.menu": "Catat persalinan",
    "birth.ask_posyandu": "Persalinan di posyandu mana?",
    "birth.none": "Belum ada ibu hamil tercatat di posyandu ini. Ibu hamil dicatat lewat *lapor*.",
    "birth.ask_mother": "Siapa ibu yang sudah melahirkan?",
    "birth.ask_date": "Tanggal persalinan? Pilih, atau ketik tanggalnya (contoh: 20-11-2026).",
    "birth.today": "Hari ini",
    "birth.yesterday": "Kemarin",
    "birth.date_unreadable": "Tanggalnya belum terbaca. Contoh: 20-11-2026 atau 20 November 2026.",
    "birth.date_future": "Tanggal persalinan tidak boleh di masa depan.",
    "birth.too_early": "Tanggal itu terlalu awal untuk persalinan (paling cepat {earliest}, usia kehamilan 22 "
    "minggu). Periksa lagi tanggalnya. Bila kehamilan berakhir sebelum 22 minggu (keguguran), ketik *keguguran*.",
    "ended.menu": "Catat kehamilan berakhir (keguguran)",
    "ended.ask_posyandu": "Di posyandu mana?",
    "ended.ask_mother": "Kehamilan siapa yang sudah berakhir?",
    "ended.ask_reason": "Kehamilan berakhir karena apa?",
    "ended.reason.keguguran": "Keguguran",
    "ended.reason.lainnya": "Lainnya (pindah, salah catat)",
    "ended.ask_date": "Tanggal berakhirnya? Pilih, atau ketik tanggalnya (contoh: 20-11-2026).",
    "ended.date_future": "Tanggalnya tidak boleh di masa depan.",
    "ended.before_hpht": "Tanggal itu sebelum HPHT ({hpht}). Periksa lagi tanggalnya.",
    "ended.is_a_birth": "Pada usia kehamilan 22 minggu atau lebih, ini dicatat sebagai persalinan: ketik "
    "*persalinan*, supaya kunjungan nifas ibu diingatkan.",
    "ended.already": "Kehamilan ini sudah ditutup atau persalinannya sudah tercatat.",
    "ended.confirm": "Catat: kehamilan {name} berakhir pada {date} ({reason})? Pengingat pemeriksaan kehamilan "
    "akan berhenti.",
    "ended.saved": "Tersimpan ✅ Pengingat pemeriksaan kehamilan untuk ibu ini dihentikan. Semoga ibu lekas pulih. "
    "Bidan desa sudah diberi tahu ({count} orang) untuk perawatan pasca keguguran.",
    "ended.saved_no_bidan": "Tersimpan ✅ Pengingat pemeriksaan kehamilan untuk ibu ini dihentikan. Semoga ibu lekas "
    "pulih. Belum ada bidan desa yang terhubung: mohon sampaikan langsung ke bidan untuk perawatan pasca keguguran.",
    "ended.saved_other": "Tersimpan ✅ Pengingat pemeriksaan kehamilan untuk ibu ini dihentikan.",
    "birth.already": "Persalinan ibu ini sudah tercatat.",
    "birth.undated": "usia kehamilan belum diketahui",
    "birth.ask_place": "{name} melahirkan pada {date} (usia kehamilan {weeks} minggu). Di mana, dan siapa yang "
    "menolong persalinannya?",
    "birth.ask_place_undated": "{name} melahirkan pada {date}. Di mana, dan siapa yang menolong persalinannya?",
    "birth.place.faskes": "Di fasilitas kesehatan (puskesmas, klinik, rumah sakit, praktik bidan)",
    "birth.place.rumah_nakes": "Di rumah, ditolong bidan/tenaga kesehatan",
    "birth.place.rumah_non": "Di rumah, ditolong dukun/keluarga",
    "birth.place.tidak_tahu": "Belum tahu",
    "birth.confirm_place": "Catat: {name} melahirkan pada {date} (usia kehamilan {weeks} minggu), {place}?",
    "birth.confirm_place_undated": "Catat: {name} melahirkan pada {date}, {place}?",
    "birth.save": "Simpan",
    "birth.cancel": "Batal",
    "birth.saved": "Tersimpan ✅ Pengingat kunjungan nifas (KF1–KF4) akan dikirim ke keluarga yang berlangganan. "
    "Daftarkan bayinya lewat *lapor* → Anggota baru, supaya kunjungan neonatal (KN1–KN3) dan imunisasinya "
    "juga diingatkan.",
    "birth.mother_choice": "{name} (HPL {hpl})",
}

EN = {
    "birth.menu": "Record a birth",
    "birth.ask_posyandu": "At which posyandu?",
    "birth.none": "No pregnant woman is recorded at this posyandu yet. Pregnancies are recorded with *report*.",
    "birth.ask_mother": "Which mother has given birth?",
    "birth.ask_date": "Date of the birth? Choose, or type the date (for example: 20-11-2026).",
    "birth.today": "Today",
    "birth.yesterday": "Yesterday",
    "birth.date_unreadable": "I could not read that date. For example: 20-11-2026 or 20 November 2026.",
    "birth.date_future": "The date of birth cannot be in the future.",
    "birth.too_early": "That date is too early for a birth (at the earliest {earliest}, 22 weeks of pregnancy). "
    "Check the date. If the pregnancy ended before 22 weeks (a miscarriage), type *miscarriage*.",
    "ended.menu": "Record a pregnancy that ended (miscarriage)",
    "ended.ask_posyandu": "At which posyandu?",
    "ended.ask_mother": "Whose pregnancy has ended?",
    "ended.ask_reason": "How did the pregnancy end?",
    "ended.reason.keguguran": "Miscarriage",
    "ended.reason.lainnya": "Other (moved away, recorded by mistake)",
    "ended.ask_date": "On which date? Choose, or type the date (for example: 20-11-2026).",
    "ended.date_future": "The date cannot be in the future.",
    "ended.before_hpht": "That date is before the HPHT ({hpht}). Please check it.",
    "ended.is_a_birth": "From 22 weeks of pregnancy this is recorded as a birth: type *birth*, so the mother's "
    "postnatal visits are reminded.",
    "ended.already": "This pregnancy is already closed or its birth is recorded.",
    "ended.confirm": "Record: {name}'s pregnancy ended on {date} ({reason})? The antenatal reminders will stop.",
    "ended.saved": "Saved ✅ The antenatal reminders for this mother have stopped. We wish her a quick recovery. "
    "The village midwife has been told ({count}) for post-abortion care.",
    "ended.saved_no_bidan": "Saved ✅ The antenatal reminders for this mother have stopped. We wish her a quick "
    "recovery. No village midwife is connected yet: please tell the midwife yourself for post-abortion care.",
    "ended.saved_other": "Saved ✅ The antenatal reminders for this mother have stopped.",
    "birth.already": "This mother's delivery is already recorded.",
    "birth.undated": "gestational age not known",
    "birth.ask_place": "{name} gave birth on {date} ({weeks:week|weeks} of pregnancy). Where, and who helped?",
    "birth.ask_place_undated": "{name} gave birth on {date}. Where, and who helped?",
    "birth.place.faskes": "At a health facility (puskesmas, clinic, hospital, midwife's practice)",
    "birth.place.rumah_nakes": "At home, with a midwife/health worker",
    "birth.place.rumah_non": "At home, with a traditional birth attendant/family",
    "birth.place.tidak_tahu": "Not known yet",
    "birth.confirm_place": "Record: {name} gave birth on {date} ({weeks:week|weeks} of pregnancy), {place}?",
    "birth.confirm_place_undated": "Record: {name} gave birth on {date}, {place}?",
    "birth.save": "Save",
    "birth.cancel": "Cancel",
    "birth.saved": "Saved ✅ Postnatal visit reminders (KF1–KF4) will go to the subscribed family. Register the "
    "baby with *report* → New member, so its neonatal visits (KN1–KN3) and immunisations are reminded too.",
    "birth.mother_choice": "{name} (due {hpl})",
}

register(ID, EN)
