"""Sentences that get people out of conversation traps (issue 16): a date typed where a name is asked, a word
that continues nothing, a time read back, a count of zero explained. Indonesian first, English second.

Kept in their own module so the areas' catalogues stay as they were (several people edit those at once).
"""
from bot.texts import register

ID = {
    # /lapor: the member question
    "report.nothing_to_resume": "Tidak ada laporan tertunda yang bisa dilanjutkan, dan belum ada yang disimpan. "
    "Ketik nama orang yang diperiksa, *baru* untuk anggota baru, atau *selesai* bila sudah.",
    "report.bye_nothing_saved": "Baik. Belum ada laporan yang disimpan kali ini.",
    "report.ask_which_date": "Tanggal {date} itu untuk apa?",
    "report.date_means_visit": "Tanggal posyandu (hari pemeriksaan) {date}",
    "report.date_means_birth": "Tanggal lahir anak/orang yang diperiksa: {date}",
    "report.choose_which_date": "Pilih 1 atau 2: tanggal posyandu, atau tanggal lahir.",
    "report.born_on": "Yang lahir {date} di posyandu ini ada di daftar. Pilih orangnya, atau *baru* bila anggota "
    "baru.",
    "report.born_on_none": "Belum ada anggota yang lahir {date} di posyandu ini. Pilih *Anggota baru* untuk "
    "mendaftarkannya (tanggal lahirnya sudah saya catat), atau ketik namanya untuk mencari.",
    # /lapor: how a balita's length was measured, as the kader said it (or as the age says)
    "report.position_hint.L": "(Diukur berbaring. Bila diukur berdiri, ketik misalnya: tb {example})",
    "report.position_hint.H": "(Diukur berdiri. Bila diukur berbaring, ketik misalnya: pb {example})",
    "report.position_told.L": "(Diukur berbaring, seperti Anda tulis. Bila ternyata berdiri, ketik misalnya: "
    "tb {example})",
    "report.position_told.H": "(Diukur berdiri, seperti Anda tulis. Bila ternyata berbaring, ketik misalnya: "
    "pb {example})",
    "report.position_lying_only": "(Bayi di bawah 9 bulan diukur berbaring: ketik panjangnya.)",
    # names: a greeting is not a name
    "report.name_is_greeting": "Halo juga! 😊 \"{word}\" seperti salam, bukan nama. Mohon ketik nama lengkap "
    "orangnya, misalnya: Aisyah Putri.",
    # broadcasts: the start time read back, a time is not a place, why nobody is told
    "broadcast.ask_time_check": "Jam {time}? Posyandu biasanya buka pagi sampai sore. Pilih yang benar, atau ketik "
    "jamnya lagi (contoh: 08.00).",
    "broadcast.time_as_typed": "{time}, sesuai yang saya ketik",
    "broadcast.time_not_place": "{time} itu jam, bukan tempat: jam mulai saya ganti menjadi {time}.",
    "broadcast.saved_no_one": "Jadwal disimpan. Belum ada keluarga yang menerimanya lewat chat; keluarga yang "
    "berlangganan nanti melihatnya dengan *jadwal*.",
    "broadcast.zero_no_chat": "Mengapa 0: belum ada keluarga di {posyandu} yang berlangganan lewat chat "
    "({households} keluarga tercatat). Minta keluarga mengirim *daftar* ke nomor ini. Jadwal tetap bisa disimpan; "
    "keluarga yang berlangganan nanti melihatnya dengan *jadwal*.",
    "broadcast.zero_unreachable": "Mengapa 0: {count} keluarga pernah berlangganan, tetapi semuanya sudah berhenti "
    "(BERHENTI), belum setuju, atau nomornya tidak bisa dihubungi. Mereka bisa mengetik *mulai* untuk menerima "
    "pesan lagi; kader melihat keluarga ini di *kunjungan*.",
    "broadcast.zero_groups": "Mengapa 0: {count} keluarga berlangganan, tetapi tidak ada yang punya anggota di "
    "kelompok yang dipilih. Pilih *Semua kelompok* bila pesan ini untuk semua.",
    # the staff's menu: daily tasks first
    "core.menu_more": "➕ Lainnya…",
    "core.menu_more_title": "Menu lainnya — pilih atau ketik kata kuncinya (ketik *menu* untuk kembali):",
    "core.did_you_mean": "Maksudnya *{word}*? Ketik *{word}* untuk memulai, atau pilih dari menu.",
    "core.greeting_back": "Halo! 👋 Ada yang bisa saya bantu? Pilih dari menu, atau ketik kata kuncinya.",
    "resident.hpht_unknown_ok": "Tidak apa-apa bila HPHT-nya tidak ingat. Mohon datang ke posyandu atau bidan desa "
    "dengan buku KIA: usia kehamilan {name} akan diperiksa dan dicatat di sana.",
}

EN = {
    "report.nothing_to_resume": "There is no unfinished report to continue, and nothing was saved yet. Type the "
    "name of the person seen, *new* for a new member, or *done* when you are done.",
    "report.bye_nothing_saved": "All right. No report was saved this time.",
    "report.ask_which_date": "What is the date {date}?",
    "report.date_means_visit": "The posyandu date (day of the check) {date}",
    "report.date_means_birth": "The birth date of the person checked: {date}",
    "report.choose_which_date": "Choose 1 or 2: the posyandu date, or the birth date.",
    "report.born_on": "Those born on {date} at this posyandu are listed. Choose the person, or *new* for a new "
    "member.",
    "report.born_on_none": "No member born on {date} is recorded at this posyandu. Choose *New member* to register "
    "them (the birth date is noted), or type the name to search.",
    "report.position_hint.L": "(Measured lying down. If measured standing, type for example: height {example})",
    "report.position_hint.H": "(Measured standing. If measured lying down, type for example: length {example})",
    "report.position_told.L": "(Measured lying down, as you wrote. If it was standing after all, type for "
    "example: height {example})",
    "report.position_told.H": "(Measured standing, as you wrote. If it was lying down after all, type for "
    "example: length {example})",
    "report.position_lying_only": "(A baby under 9 months is measured lying down: type the length.)",
    "report.name_is_greeting": "Hello! 😊 \"{word}\" looks like a greeting, not a name. Please type the person's "
    "full name, for example: Aisyah Putri.",
    "broadcast.ask_time_check": "{time}? A posyandu usually opens between morning and afternoon. Choose the right "
    "one, or type the time again (for example: 08.00).",
    "broadcast.time_as_typed": "{time}, as I typed it",
    "broadcast.time_not_place": "{time} is a time, not a place: I changed the start time to {time}.",
    "broadcast.saved_no_one": "The posyandu day is saved. No household received it by chat yet; families who "
    "subscribe later see it with *schedule*.",
    "broadcast.zero_no_chat": "Why 0: no household of {posyandu} has subscribed by chat yet ({households:household|"
    "households} on record). Ask families to send *subscribe* to this number. The posyandu day can still be saved; "
    "families who subscribe later see it with *schedule*.",
    "broadcast.zero_unreachable": "Why 0: {count:household|households} subscribed once, but all have stopped (STOP), "
    "not agreed yet, or cannot be reached. They can type *resume* to get messages again; kaders see them in "
    "*visits*.",
    "broadcast.zero_groups": "Why 0: {count:household is|households are} subscribed, but none has a member in the "
    "chosen groups. "
    "Choose *All groups* if the message is for everyone.",
    "core.menu_more": "➕ More…",
    "core.menu_more_title": "More — choose or type the keyword (type *menu* to go back):",
    "core.did_you_mean": "Did you mean *{word}*? Type *{word}* to start it, or choose from the menu.",
    "core.greeting_back": "Hello! 👋 How can I help? Choose from the menu, or type its keyword.",
    "resident.hpht_unknown_ok": "It is fine not to remember the HPHT. Please come to the posyandu or the village "
    "midwife with the KIA book: {name}'s pregnancy will be checked and dated there.",
}

register(ID, EN)
