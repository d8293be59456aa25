"""Sentences of the conversation core: greeting, language, roles, menus, errors."""
from bot.texts import register

ID = {
    "core.welcome": "Halo! Saya asisten Posyandu ILP 👋\nSaya membantu kader mencatat hasil posyandu, "
    "mengingatkan keluarga jadwal posyandu, imunisasi dan pemeriksaan, dan membantu bidan desa.",
    "core.ask_language": "Pilih bahasa / Choose a language:",
    "core.lang.id": "Bahasa Indonesia",
    "core.lang.en": "English",
    "core.ask_role": "Anda menggunakan layanan ini sebagai apa?",
    "core.role.resident": "Warga (keluarga)",
    "core.role.worker": "Kader atau bidan (punya kode undangan)",
    "core.ask_invite": "Ketik kode undangan dari bidan atau puskesmas (contoh: K7M2QP).",
    "core.invite_unknown": "Kode undangan itu tidak ditemukan. Periksa lagi hurufnya, atau minta kode baru ke bidan.",
    "core.invite_expired": "Kode undangan itu sudah kedaluwarsa. Minta kode baru ke bidan.",
    "core.invite_used": "Kode undangan itu sudah dipakai. Satu kode hanya untuk satu orang; minta kode baru ke bidan.",
    "core.invite_ok": "Terima kasih! Anda terdaftar sebagai {role} di {posyandu}.",
    "core.ask_staff_name": "Siapa nama Anda? Nama ini ditulis di laporan dan rujukan untuk bidan "
    "(contoh: Siti Aminah).",
    "core.staff_name_invalid": "Nama itu belum bisa dipakai: tulis nama Anda dengan huruf (contoh: Siti Aminah).",
    "core.staff_name_ok": "Terima kasih, {name}.",
    "core.phone_saved": "Terima kasih, nomor HP Anda tersimpan.",
    "core.registered_resident": "Terima kasih! Anda terdaftar sebagai warga.",
    "core.menu_title": "Menu — pilih atau ketik kata kuncinya:",
    "core.menu_empty": "Belum ada layanan untuk peran Anda.",
    "core.role_name.resident": "warga",
    "core.role_name.kader": "kader",
    "core.role_name.bidan": "bidan",
    "core.role_name.admin": "admin",
    "core.cancelled": "Dibatalkan. Tidak ada yang disimpan.",
    "core.nothing_to_cancel": "Tidak ada yang sedang berjalan.",
    "core.help": "Bantuan: jawab pertanyaan terakhir di atas. Ketik *batal* untuk membatalkan, *menu* untuk "
    "kembali ke menu, *berhenti* untuk berhenti menerima pesan.",
    "core.help_idle": "Bantuan: ketik *menu* untuk melihat layanan. Ketik *berhenti* untuk berhenti menerima pesan, "
    "*mulai* untuk berlangganan lagi.",
    "core.unknown": "Maaf, saya belum paham pesan itu. Ketik *menu* untuk melihat pilihan.",
    "core.help_words": "Kata yang bisa Anda ketik:",
    "core.unknown_command": "Perintah {command} tidak dikenal. Ketik *menu* untuk melihat pilihan.",
    "core.not_allowed": "Maaf, layanan itu tidak tersedia untuk peran Anda.",
    "core.staff_only": "Layanan itu untuk kader dan bidan. Bila Anda kader, minta *kode undangan* ke bidan desa "
    "atau puskesmas, lalu ketik kodenya di sini (contoh: K7M2QP). Ketik *batal* untuk kembali ke menu.",
    "core.media": "Maaf, saya hanya bisa membaca pesan teks. Silakan ketik jawabannya.",
    "core.empty": "Pesannya kosong. Silakan ketik jawabannya.",
    "core.media.location": "Terima kasih, tetapi lokasi tidak diperlukan di sini. Saya hanya bisa membaca pesan "
    "teks: silakan ketik saja.",
    "core.media.audio": "Maaf, saya belum bisa mendengarkan pesan suara. Saya hanya bisa membaca pesan teks: "
    "silakan ketik saja.",
    "core.media.contact": "Maaf, saya tidak bisa membaca kartu kontak. Bila ingin memberi nomor HP, ketik nomornya "
    "(contoh: 0812 3456 7890).",
    "core.media.sticker": "Terima kasih 🙂 Saya hanya bisa membaca pesan teks: silakan ketik saja.",
    "core.media.image": "Maaf, saya belum bisa membaca foto. Saya hanya bisa membaca pesan teks: silakan ketik "
    "saja.",
    "core.media.video": "Maaf, saya belum bisa membuka video. Saya hanya bisa membaca pesan teks: silakan ketik "
    "saja.",
    "core.media.document": "Maaf, saya belum bisa membuka berkas. Saya hanya bisa membaca pesan teks: silakan ketik "
    "saja.",
    "core.too_long": "Pesannya terlalu panjang ({length} huruf). Mohon kirim yang lebih singkat.",
    "core.expired": "Percakapan sebelumnya sudah lama tidak dilanjutkan, jadi saya mulai dari awal.",
    "core.expired_draft": "Laporan {what} belum disimpan dan sudah lama tidak dilanjutkan. Nilainya saya simpan "
    "sebagai draf: ketik *lanjut* untuk meneruskannya, atau *buang* untuk membuangnya.",
    "core.draft_waiting": "📝 Ada draf laporan {what} yang belum disimpan: ketik *lanjut* atau *buang*.",
    "core.draft_resumed": "Baik, laporan {what} dilanjutkan.",
    "core.draft_dropped": "Draf dibuang. Tidak ada yang disimpan.",
    "core.leave_ask": "Laporan {what} belum disimpan. Keluar ke menu dan membuang nilai yang sudah diketik?",
    "core.leave_stay": "Lanjutkan laporan",
    "core.leave_go": "Keluar, buang laporan",
    "core.left": "Laporan dibuang. Tidak ada yang disimpan.",
    "core.restart_ask": "Laporan {what} belum disimpan. Buang laporan itu dan mulai yang baru? (Untuk menyimpannya, "
    "pilih lanjutkan lalu ketik *simpan*.)",
    "core.restart_go": "Buang, mulai yang baru",
    "core.restarted": "Maaf, bagian ini baru saja diperbarui. Silakan mulai lagi.",
    "core.choose_from_list": "Pilih salah satu dengan mengetik angkanya (1–{count}).",
    "core.numbered_hint": "Balas dengan angka pilihan.",
    "core.stopped": "Baik, Anda tidak akan menerima pengingat atau pengumuman lagi. "
    "Ketik *mulai* kapan saja untuk berlangganan lagi.",
    "core.already_stopped": "Anda sudah berhenti berlangganan. Ketik *mulai* untuk berlangganan lagi.",
    "core.resumed": "Selamat datang kembali! Anda akan menerima pengingat dan pengumuman lagi.",
    "core.language_set": "Bahasa diganti ke Bahasa Indonesia.",
    "core.menu.bahasa": "Ganti bahasa",
    "core.error": "Maaf, ada gangguan saat memproses pesan Anda. Silakan coba lagi sebentar lagi.",
}

EN = {
    "core.welcome": "Hello! I am the ILP Posyandu assistant 👋\nI help kaders record posyandu results, remind "
    "families of posyandu days, immunisations and check-ups, and help the village midwife.",
    "core.ask_language": "Pilih bahasa / Choose a language:",
    "core.lang.id": "Bahasa Indonesia",
    "core.lang.en": "English",
    "core.ask_role": "How will you use this service?",
    "core.role.resident": "Resident (family)",
    "core.role.worker": "Kader or midwife (I have an invite code)",
    "core.ask_invite": "Type the invite code from the midwife or puskesmas (for example: K7M2QP).",
    "core.invite_unknown": "That invite code was not found. Check the letters, or ask the midwife for a new code.",
    "core.invite_expired": "That invite code has expired. Ask the midwife for a new one.",
    "core.invite_used": "That invite code was already used. Each code is for one person; ask the midwife for a new one.",
    "core.invite_ok": "Thank you! You are registered as {role} at {posyandu}.",
    "core.ask_staff_name": "What is your name? It is written on the reports and referrals the midwife reads "
    "(for example: Siti Aminah).",
    "core.staff_name_invalid": "That name cannot be used yet: write your name in letters (for example: Siti Aminah).",
    "core.staff_name_ok": "Thank you, {name}.",
    "core.phone_saved": "Thank you, your phone number is saved.",
    "core.registered_resident": "Thank you! You are registered as a resident.",
    "core.menu_title": "Menu — choose or type the keyword:",
    "core.menu_empty": "There is no service for your role yet.",
    "core.role_name.resident": "resident",
    "core.role_name.kader": "kader",
    "core.role_name.bidan": "midwife",
    "core.role_name.admin": "admin",
    "core.cancelled": "Cancelled. Nothing was saved.",
    "core.nothing_to_cancel": "Nothing is in progress.",
    "core.help": "Help: answer the last question above. Type *cancel* to stop, *menu* for the menu, "
    "*stop* to stop receiving messages.",
    "core.help_idle": "Help: type *menu* to see the services. Type *stop* to stop receiving messages, "
    "*resume* to subscribe again.",
    "core.unknown": "Sorry, I did not understand that. Type *menu* to see the options.",
    "core.help_words": "Words you can type:",
    "core.unknown_command": "Unknown command {command}. Type *menu* to see the options.",
    "core.not_allowed": "Sorry, that service is not available for your role.",
    "core.staff_only": "That service is for kaders and midwives. If you are a kader, ask the village midwife or "
    "the puskesmas for an *invite code*, then type it here (for example: K7M2QP). Type *cancel* to go back to the "
    "menu.",
    "core.media": "Sorry, I can only read text messages. Please type your answer.",
    "core.empty": "The message was empty. Please type your answer.",
    "core.media.location": "Thank you, but a location is not needed here. I can only read text messages: "
    "please type instead.",
    "core.media.audio": "Sorry, I cannot listen to voice messages yet. I can only read text messages: please type "
    "instead.",
    "core.media.contact": "Sorry, I cannot read contact cards. To give a phone number, type the number "
    "(for example: 0812 3456 7890).",
    "core.media.sticker": "Thank you 🙂 I can only read text messages: please type instead.",
    "core.media.image": "Sorry, I cannot read photos yet. I can only read text messages: please type instead.",
    "core.media.video": "Sorry, I cannot open videos yet. I can only read text messages: please type instead.",
    "core.media.document": "Sorry, I cannot open files yet. I can only read text messages: please type instead.",
    "core.too_long": "The message is too long ({length:character|characters}). Please send a shorter one.",
    "core.expired": "The previous conversation was left for a long time, so I started again.",
    "core.expired_draft": "The report for {what} was not saved and was left for a long time. I kept its values as "
    "a draft: type *continue* to go on with it, or *discard* to throw it away.",
    "core.draft_waiting": "📝 There is an unsaved draft report for {what}: type *continue* or *discard*.",
    "core.draft_resumed": "OK, back to the report for {what}.",
    "core.draft_dropped": "Draft thrown away. Nothing was saved.",
    "core.leave_ask": "The report for {what} is not saved. Leave for the menu and throw away the values typed?",
    "core.leave_stay": "Go on with the report",
    "core.leave_go": "Leave, throw it away",
    "core.left": "Report thrown away. Nothing was saved.",
    "core.restart_ask": "The report for {what} is not saved. Throw it away and start the new one? (To save it, "
    "go on with it and type *save*.)",
    "core.restart_go": "Throw it away, start anew",
    "core.restarted": "Sorry, this part was just updated. Please start again.",
    "core.choose_from_list": "Choose one by typing its number (1–{count}).",
    "core.numbered_hint": "Reply with the number of your choice.",
    "core.stopped": "OK, you will not receive reminders or announcements any more. "
    "Type *resume* at any time to subscribe again.",
    "core.already_stopped": "You have already unsubscribed. Type *resume* to subscribe again.",
    "core.resumed": "Welcome back! You will receive reminders and announcements again.",
    "core.language_set": "Language changed to English.",
    "core.menu.bahasa": "Change language",
    "core.error": "Sorry, something went wrong while handling your message. Please try again shortly.",
}

register(ID, EN)
