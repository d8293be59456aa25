"""Sentences of the bidan's referral queue (`rujukan`), its next-morning repeat, and link requests (`sambungan`)."""
from bot.texts import register

ID = {
    "referral.none": "Tidak ada rujukan yang belum ditangani. 👍",
    "referral.title": "Rujukan belum ditangani: {total} ({today} perlu hari ini).",
    "referral.level.today": "🚨 HARI INI",
    "referral.level.week": "⚠️ Minggu ini",
    "referral.entry": "{n}. {level} · {member}\n   {posyandu}, {date} · {times}\n   Nilai: {values}\n"
    "   Alasan: {reasons}\n   Dilaporkan oleh: {reporter} · HP keluarga: {phone}",
    "referral.first_time": "sejak {date}",
    "referral.pregnant": "hamil {weeks} minggu",
    "referral.reporter_unknown": "-",
    "referral.reporter_import": "register (impor)",
    "referral.page": "Menampilkan {first}-{last} dari {total}.",
    "referral.more": "Ketik *lagi* untuk {n} berikutnya.",
    "referral.ask_pick": "Pilih nama untuk mencatat hasil tindak lanjut, atau *Selesai*.",
    "referral.ask_pick_kader": "Hanya bidan yang mencatat hasil tindak lanjut. Ketik *Selesai* untuk keluar.",
    "referral.next_page": "Lagi (berikutnya)",
    "referral.first_page": "Kembali ke awal",
    "referral.choose": "Pilih salah satu nama dari daftar dengan mengetik nomornya, *lagi*, atau *Selesai*.",
    "referral.kader_cannot_close": "Hanya bidan desa yang mencatat hasil tindak lanjut rujukan. Terima kasih sudah "
    "melapor!",
    "referral.ask_outcome": "Hasil tindak lanjut {name}?",
    "referral.outcome.dikunjungi": "Sudah dikunjungi",
    "referral.outcome.dirujuk": "Dirujuk ke puskesmas",
    "referral.outcome.membaik": "Membaik",
    "referral.outcome.tidak_ditemukan": "Tidak ditemukan",
    "referral.back": "Kembali ke daftar",
    "referral.ask_note": "Catatan singkat (tidak wajib)? Ketik catatannya, atau *lewati*.",
    "referral.skip": "Lewati",
    "referral.closed": "Dicatat ✅ {name}: {outcome}.",
    "referral.gone": "Rujukan itu sudah ditangani atau tidak ada lagi.",
    "referral.repeat": "⏰ Pengingat: rujukan SEGERA kemarin belum ditangani.\n\n{text}\n\nKetik *rujukan* untuk "
    "mencatat hasil tindak lanjut.",
    "referral.alert_pregnancy": "Usia kehamilan: {weeks} minggu",
    # link requests
    "link.menu": "Permintaan sambungan keluarga",
    "link.notice": "🔗 Permintaan sambungan di {posyandu}: sebuah chat warga mendaftarkan {member}, yang sudah "
    "tercatat di posyandu. Data keluarga tidak ditampilkan ke chat itu sampai kader atau bidan "
    "mengonfirmasi. Ketik *sambungan* untuk memeriksa.",
    "link.none": "Tidak ada permintaan sambungan yang menunggu. 👍",
    "link.title": "Permintaan sambungan yang menunggu:",
    "link.entry": "{n}. {member} — {posyandu}\n   Didaftarkan oleh chat: {requester} ({channel}), {date}\n"
    "   Keluarga tercatat: {household} · HP {phone}",
    "link.ask_pick": "Pilih nomor untuk memeriksa, atau *Selesai*. Hubungi keluarga dulu bila ragu.",
    "link.choose": "Pilih salah satu dari daftar dengan mengetik nomornya, atau *Selesai*.",
    "link.ask_decide": "Sambungkan chat itu ke keluarga {member}? Hanya bila Anda yakin itu keluarganya "
    "(misalnya sudah menelepon nomor keluarga).",
    "link.accept": "Ya, sambungkan",
    "link.refuse": "Tolak",
    "link.back": "Kembali",
    "link.accepted": "Tersambung ✅ Chat itu sekarang melihat keluarga {member}.",
    "link.refused": "Ditolak. Chat itu tidak melihat data keluarga {member}.",
    "link.gone": "Permintaan itu sudah diputuskan atau tidak ada lagi.",
    "link.told_accepted": "Kader/bidan posyandu sudah mengonfirmasi: {name} sekarang terhubung dengan keluarga Anda. "
    "Ketik *keluarga* untuk melihat.",
    "link.channel.telegram": "Telegram",
    "link.channel.whatsapp": "WhatsApp",
    "link.channel.terminal": "terminal",
    "link.no_name": "tanpa nama",
}

EN = {
    "referral.none": "No referrals waiting. 👍",
    "referral.title": "Referrals waiting: {total} ({today} needed today).",
    "referral.level.today": "🚨 TODAY",
    "referral.level.week": "⚠️ This week",
    "referral.entry": "{n}. {level} · {member}\n   {posyandu}, {date} · {times}\n   Values: {values}\n"
    "   Reasons: {reasons}\n   Reported by: {reporter} · Family phone: {phone}",
    "referral.first_time": "since {date}",
    "referral.pregnant": "{weeks} weeks pregnant",
    "referral.reporter_unknown": "-",
    "referral.reporter_import": "register (import)",
    "referral.page": "Showing {first}-{last} of {total}.",
    "referral.more": "Type *next* for the next {n}.",
    "referral.ask_pick": "Choose a name to record the follow-up, or *Done*.",
    "referral.ask_pick_kader": "Only the midwife records the follow-up. Type *Done* to leave.",
    "referral.next_page": "Next",
    "referral.first_page": "Back to the start",
    "referral.choose": "Choose a name from the list by typing its number, *next*, or *Done*.",
    "referral.kader_cannot_close": "Only the village midwife records the follow-up of a referral. Thank you for "
    "reporting!",
    "referral.ask_outcome": "Follow-up of {name}?",
    "referral.outcome.dikunjungi": "Visited",
    "referral.outcome.dirujuk": "Referred to the puskesmas",
    "referral.outcome.membaik": "Improved",
    "referral.outcome.tidak_ditemukan": "Not found",
    "referral.back": "Back to the list",
    "referral.ask_note": "A short note (optional)? Type it, or *skip*.",
    "referral.skip": "Skip",
    "referral.closed": "Recorded ✅ {name}: {outcome}.",
    "referral.gone": "That referral was already handled or no longer exists.",
    "referral.repeat": "⏰ Reminder: yesterday's URGENT referral has not been handled yet.\n\n{text}\n\nType "
    "*rujukan* to record the follow-up.",
    "referral.alert_pregnancy": "Gestational age: {weeks} weeks",
    "link.menu": "Family link requests",
    "link.notice": "🔗 Link request at {posyandu}: a resident's chat registered {member}, who is already recorded "
    "at the posyandu. The family's data is not shown to that chat until a kader or the midwife confirms. "
    "Type *sambungan* to review.",
    "link.none": "No link requests waiting. 👍",
    "link.title": "Link requests waiting:",
    "link.entry": "{n}. {member} — {posyandu}\n   Registered by chat: {requester} ({channel}), {date}\n"
    "   Recorded family: {household} · phone {phone}",
    "link.ask_pick": "Choose a number to review, or *Done*. Call the family first when in doubt.",
    "link.choose": "Choose one from the list by typing its number, or *Done*.",
    "link.ask_decide": "Link that chat to {member}'s family? Only if you are sure it is their family "
    "(for example, you called the family's number).",
    "link.accept": "Yes, link",
    "link.refuse": "Refuse",
    "link.back": "Back",
    "link.accepted": "Linked ✅ That chat now sees {member}'s family.",
    "link.refused": "Refused. That chat does not see {member}'s family data.",
    "link.gone": "That request was already decided or no longer exists.",
    "link.told_accepted": "The posyandu's kader/midwife confirmed: {name} is now linked to your family. "
    "Type *family* to see it.",
    "link.channel.telegram": "Telegram",
    "link.channel.whatsapp": "WhatsApp",
    "link.channel.terminal": "terminal",
    "link.no_name": "no name",
}

register(ID, EN)
