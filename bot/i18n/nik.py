"""Sentences of adding a NIK (`nik`) and of who is missing one."""
from bot.texts import register

ID = {
    "nik.menu": "Tambah NIK anggota",
    "nik.usage": "Ketik: nik NAMA 16-angka-NIK, contoh: nik Aisyah Putri 3201016601260003\n"
    "NIK ibu untuk anak: nik ibu NAMA-ANAK 16-angka-NIK-ibu",
    "nik.missing": "Belum punya NIK (kunjungannya belum bisa dikirim ke SATUSEHAT):\n{lines}\n\n"
    "Tambahkan dengan: nik NAMA 16-angka-NIK\nBayi tanpa NIK: nik ibu NAMA-BAYI 16-angka-NIK-ibu",
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
    "nik.mother.usage": "Untuk NIK ibu seorang anak, ketik: nik ibu NAMA-ANAK 16-angka-NIK-ibu, contoh: "
    "nik ibu Aisyah Putri 3201015203950004",
    "nik.mother.which": "NIK ibu ini untuk anak yang mana?",
    "nik.mother.male": "Angka itu NIK laki-laki (tanggal lahirnya 01-31; pada NIK perempuan tanggalnya ditambah 40, "
    "jadi 41-71). Periksa lagi NIK ibu di KK.",
    "nik.mother.too_young": "Angka itu tidak mungkin NIK ibu {name}: tanggal lahir di NIK itu sesudah atau "
    "terlalu dekat dengan tanggal lahir anaknya. Periksa lagi di KK.",
    "nik.mother.own": "Itu NIK {name} sendiri, bukan NIK ibunya. Untuk NIK anak, ketik: nik NAMA 16-angka-NIK",
    "nik.mother.same": "NIK ibu {name} sudah tercatat sama persis. Tidak ada yang diubah.",
    "nik.mother.replaces": "Catatan: NIK ibu {old} sudah tercatat; NIK baru akan menggantikannya.",
    "nik.mother.doubt.birth_date": "⚠️ NIK ini menunjukkan tanggal lahir {day}, sedangkan {mother} tercatat lahir "
    "{recorded}.",
    "nik.mother.doubt.age": "⚠️ Menurut NIK ini, ibunya berusia {age} tahun saat {name} lahir. Periksa lagi.",
    "nik.mother.confirm": "Simpan NIK ibu {nik} untuk {member}?",
    "nik.mother.saved": "Tersimpan ✅ NIK ibu {name}: {nik}.",
    "ihs.usage": "Ketik nomor IHS Anda (ID tenaga kesehatan di SATUSEHAT, 11 angka), contoh: ihs 10009880728. "
    "Bila belum tahu, tanyakan ke pengelola SATUSEHAT puskesmas.",
    "ihs.current": "Nomor IHS Anda tercatat: {ihs}.",
    "ihs.none": "Nomor IHS Anda belum tercatat.",
    "ihs.bad.digits": "Nomor IHS hanya berisi angka (11 angka), contoh: ihs 10009880728.",
    "ihs.bad.length": "Nomor IHS harus 11 angka, contoh: ihs 10009880728. Periksa lagi angkanya.",
    "ihs.same": "Nomor IHS Anda sudah tercatat sama persis: {ihs}. Tidak ada yang diubah.",
    "ihs.saved": "Tersimpan ✅ Nomor IHS Anda: {ihs}. Kunjungan posyandu di desa Anda yang belum terkirim ke "
    "SATUSEHAT akan mencatat Anda sebagai bidan yang hadir dan yang memberi imunisasi.",
}

EN = {
    "nik.menu": "Add a member's NIK",
    "nik.usage": "Type: nik NAME 16-digit-NIK, for example: nik Aisyah Putri 3201016601260003\n"
    "A child's mother's NIK: nik mother CHILD-NAME mother's-16-digit-NIK",
    "nik.missing": "No NIK yet (their visits cannot be sent to SATUSEHAT):\n{lines}\n\n"
    "Add one with: nik NAME 16-digit-NIK\nA baby without NIK: nik mother BABY-NAME mother's-16-digit-NIK",
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
    "nik.mother.usage": "For a child's mother's NIK, type: nik mother CHILD-NAME mother's-16-digit-NIK, for "
    "example: nik mother Aisyah Putri 3201015203950004",
    "nik.mother.which": "Whose mother's NIK is this?",
    "nik.mother.male": "That is a man's NIK (its day part is 01-31; a woman's day has 40 added, so 41-71). Check "
    "the mother's NIK on the family card.",
    "nik.mother.too_young": "That cannot be {name}'s mother's NIK: the birth date in it is after, or too close "
    "to, the child's. Check the family card.",
    "nik.mother.own": "That is {name}'s own NIK, not the mother's. For a child's NIK, type: nik NAME 16-digit-NIK",
    "nik.mother.same": "{name}'s mother's NIK is already recorded exactly so. Nothing changed.",
    "nik.mother.replaces": "Note: mother's NIK {old} is recorded; the new NIK will replace it.",
    "nik.mother.doubt.birth_date": "⚠️ This NIK says born {day}, but {mother} is recorded as born {recorded}.",
    "nik.mother.doubt.age": "⚠️ By this NIK the mother was {age:year|years} old when {name} was born. Please check.",
    "nik.mother.confirm": "Save mother's NIK {nik} for {member}?",
    "nik.mother.saved": "Saved ✅ {name}'s mother's NIK: {nik}.",
    "ihs.usage": "Type your IHS number (your health worker id in SATUSEHAT, 11 digits), for example: ihs "
    "10009880728. If you do not know it, ask the puskesmas' SATUSEHAT officer.",
    "ihs.current": "Your IHS number on record: {ihs}.",
    "ihs.none": "Your IHS number is not recorded yet.",
    "ihs.bad.digits": "An IHS number is digits only (11 digits), for example: ihs 10009880728.",
    "ihs.bad.length": "An IHS number has 11 digits, for example: ihs 10009880728. Check the digits.",
    "ihs.same": "Your IHS number is already recorded exactly so: {ihs}. Nothing changed.",
    "ihs.saved": "Saved ✅ Your IHS number: {ihs}. The posyandu visits of your village not yet sent to SATUSEHAT "
    "will name you as the midwife who attended and gave the vaccines.",
}

register(ID, EN)
