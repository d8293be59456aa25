"""The words `bantuan`/`help` lists for each service, in the reader's language.

Each word here is one of the flow's triggers (tests/english/test_help_words.py), so typing it starts that
service; a flow without an entry shows its first triggers.
"""
from bot.texts import register

ID = {
    "help.words.bahasa": "bahasa",
    "help.words.undangan": "undangan, kode undangan",
    "help.words.rujukan": "rujukan",
    "help.words.sambungan": "sambungan",
    "help.words.lapor": "lapor, laporan, timbang",
    "help.words.persalinan": "persalinan, melahirkan",
    "help.words.keguguran": "keguguran",
    "help.words.daftar": "daftar, tambah anggota",
    "help.words.jadwal": "jadwal",
    "help.words.keluarga": "keluarga, anak",
    "help.words.hapus_data": "hapus data",
    "help.words.jadwal_baru": "buat jadwal",
    "help.words.ubah_jadwal": "ubah jadwal, batalkan jadwal",
    "help.words.pengumuman": "pengumuman",
    "help.words.nik": "nik, tambah nik",
    "help.words.rekap": "rekap, rekap bulan lalu",
    "help.words.grafik": "grafik, kms",
    "help.words.kunjungan": "kunjungan, daftar kunjungan",
    "help.words.persetujuan": "persetujuan",
    "help.words.jangkauan": "jangkauan",
}

EN = {
    "help.words.bahasa": "language",
    "help.words.undangan": "invite",
    "help.words.rujukan": "referrals",
    "help.words.sambungan": "link requests",
    "help.words.lapor": "report (or at once: report Aisyah weight 8.1 length 70)",
    "help.words.persalinan": "birth, delivery",
    "help.words.keguguran": "miscarriage, pregnancy ended",
    "help.words.daftar": "subscribe",
    "help.words.jadwal": "schedule",
    "help.words.keluarga": "family, my family",
    "help.words.hapus_data": "delete my data",
    "help.words.jadwal_baru": "new session",
    "help.words.ubah_jadwal": "change session",
    "help.words.pengumuman": "announce",
    "help.words.nik": "nik, add nik",
    "help.words.rekap": "recap, recap last month",
    "help.words.grafik": "chart",
    "help.words.kunjungan": "visits, home visits",
    "help.words.persetujuan": "consent, record consent",
    "help.words.jangkauan": "reach, message reach",
}

register(ID, EN)
