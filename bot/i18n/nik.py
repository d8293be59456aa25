"""Sentences of adding a NIK (`nik`) and of who is missing one."""
from bot.texts import register

ID = {
    "nik.menu": "Tambah NIK anggota",
    "nik.usage": "Ketik: nik NAMA 16-angka-NIK, contoh: nik Aisyah Putri 3201016601260003",
    "nik.missing": "Belum punya NIK (kunjungannya belum bisa dikirim ke SATUSEHAT):\n{lines}\n\n"
    "Tambahkan dengan: nik NAMA 16-angka-NIK",
    "nik.missing_line": "• {member} — {count} kunjungan menunggu",
    "nik.missing_line_no_visit": "• {member}",
    "nik.missing_more": "…dan {count} lainnya.",
    "nik.none_missing": "Semua anggota posyandu Anda sudah punya NIK (atau NIK ibu). 👍",
    "nik.bad.length": "NIK harus 16 angka (lihat KTP, KIA atau Kartu Keluarga).",
    "nik.bad.region": "Angka NIK itu tidak mungkin: 6 angka pertamanya bukan kode wilayah. Periksa lagi di KK.",
    "nik.bad.birth_date": "Angka NIK itu tidak mungkin: angka ke-7 sampai ke-12 harus tanggal lahir "
    "(tanggal+40 untuk perempuan). Periksa lagi di KK.",
    "nik.bad.serial": "Angka NIK itu tidak mungkin: 4 angka terakhir tidak boleh 0000. Periksa lagi di KK.",
    "nik.no_name": "Siapa pemilik NIK itu? Tulis namanya sebelum NIK.",
    "nik.not_found": "Tidak ada anggota bernama \"{name}\" di posyandu Anda. Periksa ejaannya, atau daftarkan "
    "dulu lewat *lapor*.",
    "nik.which": "Untuk siapa NIK ini?",
    "nik.taken": "NIK itu sudah tercatat untuk anggota lain. Periksa lagi angkanya; bila benar, hubungi bidan.",
    "nik.same": "NIK {name} sudah tercatat sama persis. Tidak ada yang diubah.",
    "nik.replaces": "Catatan: anggota ini sudah punya NIK {old}; NIK baru akan menggantikannya.",
    "nik.mismatch.birth_date": "⚠️ NIK ini menunjukkan tanggal lahir {day}, sedangkan tercatat {recorded}.",
    "nik.mismatch.sex": "⚠️ NIK ini menunjukkan {sex}, berbeda dengan yang tercatat.",
    "nik.sex.L": "laki-laki",
    "nik.sex.P": "perempuan",
    "nik.confirm": "Simpan NIK {nik} untuk {member}?",
    "nik.save": "Simpan",
    "nik.cancel": "Batal",
    "nik.saved": "Tersimpan ✅ NIK {name}: {nik}.",
    "nik.requeued": "{count} kunjungannya akan dikirim ke SATUSEHAT.",
}

EN = {
    "nik.menu": "Add a member's NIK",
    "nik.usage": "Type: nik NAME 16-digit-NIK, for example: nik Aisyah Putri 3201016601260003",
    "nik.missing": "No NIK yet (their visits cannot be sent to SATUSEHAT):\n{lines}\n\n"
    "Add one with: nik NAME 16-digit-NIK",
    "nik.missing_line": "• {member} — {count:visit|visits} waiting",
    "nik.missing_line_no_visit": "• {member}",
    "nik.missing_more": "…and {count} more.",
    "nik.none_missing": "Every member of your posyandu has a NIK (or the mother's NIK). 👍",
    "nik.bad.length": "A NIK has 16 digits (see the ID card, KIA card or family card).",
    "nik.bad.region": "That cannot be a NIK: its first 6 digits are not a region code. Check the family card.",
    "nik.bad.birth_date": "That cannot be a NIK: digits 7 to 12 must be a birth date (day+40 for a woman). "
    "Check the family card.",
    "nik.bad.serial": "That cannot be a NIK: its last 4 digits cannot be 0000. Check the family card.",
    "nik.no_name": "Whose NIK is it? Write the name before the NIK.",
    "nik.not_found": "No member called \"{name}\" at your posyandu. Check the spelling, or register them first "
    "with *report*.",
    "nik.which": "Whose NIK is this?",
    "nik.taken": "That NIK is already recorded for another member. Check the digits; if it is right, ask the "
    "midwife.",
    "nik.same": "{name}'s NIK is already recorded exactly so. Nothing changed.",
    "nik.replaces": "Note: this member already has NIK {old}; the new NIK will replace it.",
    "nik.mismatch.birth_date": "⚠️ This NIK says born {day}, but {recorded} is recorded.",
    "nik.mismatch.sex": "⚠️ This NIK says {sex}, unlike what is recorded.",
    "nik.sex.L": "male",
    "nik.sex.P": "female",
    "nik.confirm": "Save NIK {nik} for {member}?",
    "nik.save": "Save",
    "nik.cancel": "Cancel",
    "nik.saved": "Saved ✅ {name}'s NIK: {nik}.",
    "nik.requeued": "{count} of their visits will be sent to SATUSEHAT.",
}

register(ID, EN)
