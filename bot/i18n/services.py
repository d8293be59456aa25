"""Sentences of the service history: `riwayat` in chat ("sudah di puskesmas") and `services import`'s reasons."""
from bot.texts import register

ID = {
    "history.menu": "Riwayat imunisasi/layanan (sudah di puskesmas)",
    "history.hint": "Imunisasi yang terlambat sudah diberikan di puskesmas atau bidan? Setelah ini ketik "
    "*riwayat {name}* untuk mencatatnya.",
    "history.ask_member": "Riwayat layanan siapa? Ketik nama anggota (contoh: Aisyah Putri).",
    "history.not_found": "Tidak ada anggota bernama \"{name}\" di posyandu Anda. Periksa ejaannya, atau "
    "daftarkan dulu lewat *lapor*.",
    "history.which": "Yang mana?",
    "history.ask_service": "Layanan apa yang sudah diberikan di luar posyandu (puskesmas, bidan, rumah sakit) "
    "untuk {member}, dan bulan apa?\n"
    "Contoh: *BCG Agustus 2025*, *Polio 1 08/2025*, *DPT 1 17-09-2025 di puskesmas*, *Vit A merah Feb 2026*.\n"
    "Sudah tercatat: {given}",
    "history.none_given": "belum ada",
    "history.need_date": "Kapan diberikan? Tulis bulan dan tahunnya (contoh: Agustus 2025 atau 08/2025), "
    "atau tanggalnya bila ada di Buku KIA.",
    "history.confirm": "Catat sebagai riwayat (diberikan di luar posyandu, bukan layanan posyandu hari ini; tidak "
    "masuk rekap bulan ini):\n"
    "• {member}: {service}, {when}{place}\nSimpan?",
    "history.save": "Simpan",
    "history.cancel": "Batal",
    "history.saved": "Tercatat ✅ {service} untuk {member} ({when}). Pengingat dan daftar kunjungan sudah "
    "menyesuaikan.\nImunisasi berikutnya: {next}\n\nAda riwayat lain untuk {member}? Ketik layanan dan bulannya, "
    "atau *selesai*.",
    "history.same": "{service} ({when}) sudah tercatat untuk {member}. Tidak ada yang diubah.\n\nAda riwayat lain? "
    "Ketik layanan dan bulannya, atau *selesai*.",
    "history.next_none": "tidak ada yang jatuh tempo",
    "history.month": "bulan {month}",
    "history.at_place": " di {place}",
    "history.done": "Selesai. Riwayat {member} tersimpan.",
    "history.retry": "Ketik layanan dan bulannya lagi (contoh: *Polio 1 08/2025*), atau *batal*.",
    "history.problem.no_date": "tanggal pemberian kosong",
    "history.problem.entry": "layanan atau tanggal tidak terbaca (contoh: BCG 08/2024; Polio 1 17-08-2024)",
    "history.problem.bad_date": "tanggal \"{text}\" tidak terbaca (contoh: 17-08-2024, 17 Agustus 2024, "
    "08/2024)",
    "history.problem.future": "tanggal pemberian di masa depan",
    "history.problem.columns": "kolom tidak ada: {columns}",
    "history.problem.posyandu": "kode posyandu tidak dikenal",
    "history.problem.no_posyandu": "kode posyandu kosong",
    "history.problem.birth_date": "tanggal lahir kosong atau tidak terbaca (tulis dengan tahun lengkap)",
    "history.problem.no_name": "nama kosong",
    "history.problem.no_member": "anggota dengan nama dan tanggal lahir ini tidak ada di posyandu tersebut "
    "(impor anggota dulu)",
    "history.problem.service": "layanan \"{text}\" tidak dikenal (contoh: BCG, Polio 1, DPT-HB-Hib 1, Campak, "
    "MR 2, Vit A biru, obat cacing, TT 2)",
    "history.problem.series_complete": "semua dosis {service} sudah tercatat",
    "history.problem.before_birth": "{service}: tanggal pemberian sebelum tanggal lahir",
    "history.problem.already": "{service} sudah tercatat pada tanggal lain ({other})",
    "history.problem.previous_missing": "{service} tercatat tanpa {other}: catat {other} dulu (tanggal atau "
    "bulannya)",
    "history.problem.before_previous": "{service} tercatat sebelum {other}: urutan dosis tidak mungkin",
    "history.problem.after_next": "{service} tercatat sesudah {other}: urutan dosis tidak mungkin",
    "history.problem.too_soon": "{service} terlalu dekat dengan {other} (di bawah jarak minimal antar-dosis)",
    "history.problem.too_old": "{service} tidak diberikan lagi pada usia itu",
    "history.problem.too_young": "{service} pada usia itu terlalu muda (tidak dihitung; perlu diberikan lagi)",
    "history.problem.vita_age_blue": "vitamin A biru hanya untuk usia 6-11 bulan",
    "history.problem.vita_age_red": "vitamin A merah hanya untuk usia 12-59 bulan",
    "history.problem.vita_age_any": "vitamin A untuk balita hanya pada usia 6-59 bulan",
    "history.problem.vita_twice": "dua kapsul vitamin A kurang dari sebulan",
    "history.problem.cacing_age": "obat cacing balita mulai usia 12 bulan",
    "history.problem.tt_infant": "TT/Td tidak untuk bayi (bayi mendapat DPT-HB-Hib)",
}

EN = {
    "history.menu": "Immunisation/service history (given at the puskesmas)",
    "history.hint": "Late doses already given at the puskesmas or a midwife? Afterwards type *history {name}* "
    "to record them.",
    "history.ask_member": "Whose service history? Type the member's name (e.g. Aisyah Putri).",
    "history.not_found": "No member called \"{name}\" at your posyandu. Check the spelling, or register them "
    "first with *report*.",
    "history.which": "Which one?",
    "history.ask_service": "Which service was given outside the posyandu (puskesmas, midwife, hospital) to "
    "{member}, and in which month?\n"
    "E.g. *BCG August 2025*, *Polio 1 08/2025*, *DPT 1 17-09-2025 at the puskesmas*, *Vit A red Feb 2026*.\n"
    "Already recorded: {given}",
    "history.none_given": "none",
    "history.need_date": "When was it given? Write the month and year (e.g. August 2025 or 08/2025), or the "
    "day from the KIA book.",
    "history.confirm": "Record as history (given outside the posyandu, not today's posyandu service; not in this "
    "month's recap):\n"
    "• {member}: {service}, {when}{place}\nSave?",
    "history.save": "Save",
    "history.cancel": "Cancel",
    "history.saved": "Recorded ✅ {service} for {member} ({when}). Reminders and the visit list now follow it.\n"
    "Next immunisations: {next}\n\nAnother one for {member}? Type the service and month, or *done*.",
    "history.same": "{service} ({when}) is already recorded for {member}. Nothing changed.\n\nAnother one? Type "
    "the service and month, or *done*.",
    "history.next_none": "nothing due",
    "history.month": "{month}",
    "history.at_place": " at {place}",
    "history.done": "Done. {member}'s history is saved.",
    "history.retry": "Type the service and month again (e.g. *Polio 1 08/2025*), or *cancel*.",
    "history.problem.no_date": "the date given is empty",
    "history.problem.entry": "service or date cannot be read (e.g. BCG 08/2024; Polio 1 17-08-2024)",
    "history.problem.bad_date": "date \"{text}\" cannot be read (e.g. 17-08-2024, 17 August 2024, 08/2024)",
    "history.problem.future": "the date given is in the future",
    "history.problem.columns": "missing columns: {columns}",
    "history.problem.posyandu": "unknown posyandu code",
    "history.problem.no_posyandu": "posyandu code is empty",
    "history.problem.birth_date": "birth date empty or unreadable (write the year in full)",
    "history.problem.no_name": "name is empty",
    "history.problem.no_member": "no member with this name and birth date at that posyandu (import the members "
    "first)",
    "history.problem.service": "unknown service \"{text}\" (e.g. BCG, Polio 1, DPT-HB-Hib 1, Campak, MR 2, "
    "Vit A blue, deworming, TT 2)",
    "history.problem.series_complete": "every dose of {service} is already recorded",
    "history.problem.before_birth": "{service}: given before the birth date",
    "history.problem.already": "{service} is already recorded on another day ({other})",
    "history.problem.previous_missing": "{service} without {other}: record {other} first (its day or month)",
    "history.problem.before_previous": "{service} before {other}: impossible dose order",
    "history.problem.after_next": "{service} after {other}: impossible dose order",
    "history.problem.too_soon": "{service} too soon after {other} (under the minimum interval)",
    "history.problem.too_old": "{service} is no longer given at that age",
    "history.problem.too_young": "{service} at that age is too young (it does not count; it must be given again)",
    "history.problem.vita_age_blue": "the blue vitamin A capsule is for 6-11 months only",
    "history.problem.vita_age_red": "the red vitamin A capsule is for 12-59 months only",
    "history.problem.vita_age_any": "vitamin A for under-fives is for 6-59 months only",
    "history.problem.vita_twice": "two vitamin A capsules less than a month apart",
    "history.problem.cacing_age": "deworming for under-fives starts at 12 months",
    "history.problem.tt_infant": "The tetanus vaccine for mothers (TT) is not for infants (they get DPT-HB-Hib)",
}

register(ID, EN)
