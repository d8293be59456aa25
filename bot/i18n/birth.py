"""Sentences of recording a delivery (`persalinan`)."""
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
    "minggu). Periksa lagi tanggalnya, atau hubungi bidan.",
    "birth.already": "Persalinan ibu ini sudah tercatat.",
    "birth.confirm": "Catat: {name} melahirkan pada {date} (usia kehamilan {weeks} minggu)?",
    "birth.save": "Simpan",
    "birth.cancel": "Batal",
    "birth.saved": "Tersimpan ✅ Pengingat kunjungan nifas (KF1–KF4) akan dikirim ke keluarga yang berlangganan. "
    "Daftarkan bayinya lewat *lapor* → Anggota baru, supaya kunjungan neonatal (KN1–KN3) dan imunisasinya "
    "juga diingatkan.",
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
    "Check the date, or contact the midwife.",
    "birth.already": "This mother's delivery is already recorded.",
    "birth.confirm": "Record: {name} gave birth on {date} ({weeks} weeks of pregnancy)?",
    "birth.save": "Save",
    "birth.cancel": "Cancel",
    "birth.saved": "Saved ✅ Postnatal visit reminders (KF1–KF4) will go to the subscribed family. Register the "
    "baby with *report* → New member, so its neonatal visits (KN1–KN3) and immunisations are reminded too.",
}

register(ID, EN)
