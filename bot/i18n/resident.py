"""Sentences for residents (subscribe, jadwal, keluarga, hapus data) and for the reminders they get.

Also the date/time wording shared by resident flows, broadcasts and reminders
(`fmt_date`, `fmt_when`), so "Kamis, 3 Desember 2026 pukul 08.00 WIB" is
written the same way everywhere.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dates import DATE_PATTERN, SHORT_PATTERN, fmt_date  # noqa: F401  (re-exported)
from bot.texts import register, render
from storage.places import zone_label

ID = {
    # -- menu entries
    "resident.menu.daftar": "Daftar / tambah anggota keluarga",
    "resident.menu.jadwal": "Jadwal posyandu berikutnya",
    "resident.menu.keluarga": "Keluarga saya: hasil dan layanan berikutnya",
    "resident.menu.hapus": "Hapus data saya",
    # -- finding the posyandu
    "resident.ask_posyandu": "Di posyandu mana keluarga Anda biasa datang? Ketik nama desa, nama posyandu, "
    "atau kode posyandu (contoh: Banyumeneng, Mawar 7, atau MAWAR7).",
    "resident.posyandu_query_help": "Maaf, dengan \"{query}\" saya tidak bisa mencari posyandu. Ketik nama desa, "
    "nama posyandu, atau kode posyandu (minimal 3 huruf), misalnya: Banyumeneng, Mawar 7 atau MAWAR7.",
    "resident.command_word": "*{word}* adalah kata perintah, bukan jawaban untuk pertanyaan ini. Jawab pertanyaan "
    "di bawah, atau ketik *batal* lalu *{word}*.",
    "resident.posyandu_not_found": "Maaf, posyandu \"{query}\" tidak ditemukan. Coba ketik nama desanya saja, "
    "atau tanyakan kode posyandu ke kader.",
    "resident.pick_posyandu": "Pilih posyandu Anda:",
    "resident.posyandu_none_of_these": "Tidak ada di daftar — cari lagi",
    "resident.posyandu_label": "{name} — Desa {desa} ({code})",
    # -- consent (UU PDP)
    "resident.consent": "Sebelum lanjut, mohon baca ini:\n"
    "• Kami akan mengirim pengingat jadwal posyandu, imunisasi, pemeriksaan kehamilan dan pemeriksaan "
    "kesehatan untuk anggota keluarga Anda, serta pengumuman dari bidan desa {posyandu}.\n"
    "• Yang kami simpan: akun chat ini, nama, jenis kelamin dan tanggal lahir anggota keluarga, dan HPHT "
    "bila sedang hamil. Hasil penimbangan dan pemeriksaan dicatat oleh kader dan bidan.\n"
    "• Untuk apa dan ke siapa: data dipakai oleh posyandu, bidan desa dan puskesmas Anda untuk layanan "
    "kesehatan. Hasil pemeriksaan di posyandu (dengan NIK bila ada) juga dikirim puskesmas ke SATUSEHAT, "
    "sistem rekam kesehatan elektronik Kementerian Kesehatan. Selain itu data tidak dijual dan tidak dibagikan "
    "ke pihak lain (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi).\n"
    "• Anda bisa berhenti kapan saja (ketik *berhenti*) dan menghapus data (ketik *hapus data*).\n\n"
    "Apakah Anda setuju?",
    "resident.consent_yes": "Ya, saya setuju",
    "resident.consent_no": "Tidak setuju",
    "resident.consent_declined": "Tidak apa-apa. Tidak ada data yang disimpan dan Anda tidak akan menerima "
    "pengingat. Ketik *daftar* kapan saja bila berubah pikiran.",
    "resident.subscribed": "Terima kasih! Keluarga Anda terdaftar di {posyandu}.",
    # -- members
    "resident.ask_member_name": "Siapa nama anggota keluarga yang ingin didaftarkan? (contoh: Aisyah Putri)",
    "resident.bad_name": "Mohon ketik nama lengkapnya dengan huruf (2 sampai 120 huruf).",
    "resident.ask_sex": "Jenis kelamin {name}?",
    "resident.sex.L": "Laki-laki",
    "resident.sex.P": "Perempuan",
    "resident.ask_birth_date": "Tanggal lahir {name}? (contoh: 14-03-2024 atau 14 Maret 2024)",
    "resident.bad_date": "Tanggal itu tidak bisa saya baca. Tulis seperti 14-03-2024 atau 14 Maret 2024.",
    "resident.birth_in_future": "Tanggal lahir tidak boleh setelah hari ini. Mohon periksa lagi.",
    "resident.birth_too_old": "Tanggal lahir itu lebih dari 120 tahun yang lalu. Mohon periksa lagi.",
    "resident.ask_pregnant": "Apakah {name} sedang hamil?",
    "resident.yes": "Ya",
    "resident.no": "Tidak",
    "resident.ask_hpht": "Kapan hari pertama haid terakhir (HPHT) {name}? (contoh: 1 Agustus 2026; bila lupa, "
    "ketik *lupa*)",
    "resident.pregnant_undated": "{name} dicatat sedang hamil. Usia kehamilannya belum diketahui: bidan atau kader "
    "akan menanyakannya di posyandu.",
    "resident.hpht_in_future": "HPHT tidak boleh setelah hari ini. Mohon periksa lagi.",
    "resident.hpht_too_old": "HPHT itu lebih dari 44 minggu yang lalu. Mohon periksa lagi, atau tanyakan ke bidan.",
    "resident.hpl": "Usia kehamilan {name} sekarang {weeks} minggu {days} hari. Perkiraan lahir (HPL): {hpl}. "
    "Kami akan mengingatkan jadwal pemeriksaan kehamilan.",
    "resident.member_added": "{name} berhasil didaftarkan ({age}).",
    "resident.share_phone_hint": "Bila kader sudah mencatat keluarga Anda dengan nomor HP, tekan “Bagikan nomor HP "
    "saya” agar data posyandu keluarga Anda langsung tersambung (tidak wajib; nomor hanya dipakai untuk itu).",
    "resident.share_phone": "📱 Bagikan nomor HP saya",
    "resident.phone_saved": "Terima kasih, nomor HP Anda tersimpan.",
    "resident.share_phone_help": "Tekan tombol “Bagikan nomor HP saya” di bawah kolom ketik, atau langsung ketik "
    "nama anggota keluarga.",
    "resident.member_linked": "{name} sudah tercatat di posyandu dengan nomor HP ini; sekarang terhubung dengan "
    "keluarga Anda.",
    "resident.member_exists": "{name} sudah ada di keluarga Anda.",
    "resident.ask_more": "Tambah anggota keluarga lain?",
    "resident.more_yes": "Ya, tambah lagi",
    "resident.more_no": "Sudah, selesai",
    "resident.finished": "Selesai! Anda akan menerima pengingat untuk keluarga Anda di {posyandu}.\n"
    "Ketik *jadwal* untuk jadwal posyandu, *keluarga* untuk melihat anggota keluarga, *berhenti* untuk "
    "berhenti menerima pesan.",
    "resident.already_subscribed": "Keluarga Anda sudah terdaftar di {posyandu}.",
    "resident.not_subscribed": "Anda belum terdaftar di posyandu. Ketik *daftar* untuk mendaftar.",
    "resident.choose": "Pilih salah satu dengan mengetik angkanya.",
    # -- jadwal
    "resident.next_session": "Jadwal {posyandu} berikutnya:\n{when}\nTempat: {place}",
    "resident.next_session_groups": "Untuk: {groups}",
    "resident.no_session": "Belum ada jadwal {posyandu} berikutnya. Bidan desa akan mengumumkannya di sini.",
    # -- keluarga
    "resident.family_title": "Keluarga Anda di {posyandu}:",
    "resident.family_empty": "Belum ada anggota keluarga yang terdaftar. Ketik *daftar* untuk menambahkan.",
    "resident.member_line": "{n}. {name}, {age} — {stage}",
    "resident.pregnant_line": "   Hamil {weeks} minggu; HPL {hpl}.",
    "resident.last_result": "   Hasil terakhir ({date}): {values}.",
    "resident.no_result": "   Belum ada hasil pengukuran di posyandu.",
    "resident.value.weight": "berat {v} kg",
    "resident.value.height": "tinggi/panjang {v} cm",
    "resident.value.muac": "LiLA {v} cm",
    "resident.value.bp": "tekanan darah {s}/{d}",
    "resident.value.gain": "berat badan {gain}",
    "resident.value.gain_ask": " — tanyakan ke kader atau bidan",
    "resident.next_due": "   Berikutnya: {items}.",
    "resident.nothing_due": "   Tidak ada layanan yang jatuh tempo dalam {days} hari ke depan.",
    "resident.due_now": "{label} (sekarang)",
    "resident.due_on": "{label} ({date})",
    "resident.doses_now": "   Imunisasi yang bisa diberikan sekarang: {items}.",
    "resident.doses_late": "   Sudah lewat jadwal, masih bisa dikejar — bawa anak ke posyandu atau puskesmas: {items}.",
    "resident.doses_next": "   Imunisasi berikutnya: {items}.",
    # -- hapus data
    "resident.delete_explain": "Menghapus data berarti:\n"
    "• Chat ini tidak terhubung lagi dengan keluarga Anda dan tidak menerima pengingat atau pengumuman.\n"
    "• Anggota keluarga yang Anda daftarkan sendiri dihapus.\n"
    "• Hasil penimbangan dan pemeriksaan yang dicatat di posyandu tetap disimpan oleh posyandu "
    "(catatan layanan kesehatan), tetapi tidak lagi terhubung dengan chat ini.\n\n"
    "Lanjutkan menghapus?",
    "resident.delete_yes": "Ya, hapus",
    "resident.delete_no": "Tidak jadi",
    "resident.delete_confirm": "Yakin? Ini tidak bisa dibatalkan. Ketik HAPUS untuk menghapus data Anda.",
    "resident.delete_word": "hapus",
    "resident.delete_kept": "Baik, data Anda tidak dihapus.",
    "resident.deleted": "Data Anda sudah dihapus. Anda tidak akan menerima pesan lagi. Terima kasih sudah "
    "menggunakan layanan posyandu. Ketik *daftar* bila ingin mendaftar lagi.",
    "resident.nothing_to_delete": "Tidak ada data keluarga yang tersimpan untuk chat ini.",
    # -- reminders (planner)
    "reminder.header": "🔔 Pengingat dari {posyandu} — {date}",
    "reminder.session_eve": "📅 Besok, {when}: hari buka posyandu di {place}.",
    "reminder.session_day": "📅 Hari ini, {when}: hari buka posyandu di {place}.",
    "reminder.member": "{name}:",
    "reminder.item": "• {label}",
    "reminder.footer": "Bawa Buku KIA ke posyandu. Ketik *jadwal* untuk jadwal posyandu, *berhenti* untuk "
    "berhenti menerima pengingat.",
    "reminder.nudge": "Kemarin ({date}) ada hari buka {posyandu}, tetapi belum ada hasil penimbangan yang "
    "dicatat. Mohon catat hasilnya (ketik *lapor*) atau kabari bidan bila posyandu batal.",
    "reminder.at_time": "pukul {time} {zone}",
}

EN = {
    "resident.menu.daftar": "Subscribe / add a family member",
    "resident.menu.jadwal": "Next posyandu day",
    "resident.menu.keluarga": "My family: results and next services",
    "resident.menu.hapus": "Delete my data",
    "resident.ask_posyandu": "Which posyandu does your family go to? Type the village name, the posyandu name "
    "or its code (for example: Banyumeneng, Mawar 7 or MAWAR7).",
    "resident.posyandu_query_help": "Sorry, I cannot search for a posyandu with \"{query}\". Type the village "
    "name, the posyandu name or its code (at least 3 letters), for example: Banyumeneng, Mawar 7 or MAWAR7.",
    "resident.command_word": "*{word}* is a command word, not an answer to this question. Answer the question "
    "below, or type *cancel* and then *{word}*.",
    "resident.posyandu_not_found": "Sorry, no posyandu matches \"{query}\". Try just the village name, or ask "
    "the kader for the posyandu code.",
    "resident.pick_posyandu": "Choose your posyandu:",
    "resident.posyandu_none_of_these": "Not in the list — search again",
    "resident.posyandu_label": "{name} — {desa} village ({code})",
    "resident.consent": "Before we continue, please read this:\n"
    "• We will send reminders of posyandu days, immunisations, pregnancy check-ups and health checks for "
    "your family members, and announcements from the village midwife of {posyandu}.\n"
    "• What we keep: this chat account, your family members' names, sex and birth dates, and the first day "
    "of the last period (HPHT) during a pregnancy. Measurements and check-up results are recorded by the "
    "kader and the midwife.\n"
    "• What for and who receives it: the data is used by your posyandu, village midwife and puskesmas for health "
    "care. Posyandu check-up results (with the NIK when there is one) are also sent by the puskesmas to "
    "SATUSEHAT, the electronic health record system of the Ministry of Health (Kemenkes). Apart from that the "
    "data is never sold or shared with others (Law No. 27 of 2022 on Personal Data Protection, UU PDP).\n"
    "• You can stop at any time (type *stop*) and delete your data (type *delete my data*).\n\n"
    "Do you agree?",
    "resident.consent_yes": "Yes, I agree",
    "resident.consent_no": "I do not agree",
    "resident.consent_declined": "That is fine. Nothing was saved and you will not receive reminders. Type "
    "*subscribe* any time if you change your mind.",
    "resident.subscribed": "Thank you! Your family is registered at {posyandu}.",
    "resident.ask_member_name": "What is the name of the family member to register? (for example: Aisyah Putri)",
    "resident.bad_name": "Please type the full name in letters (2 to 120 letters).",
    "resident.ask_sex": "Sex of {name}?",
    "resident.sex.L": "Male",
    "resident.sex.P": "Female",
    "resident.ask_birth_date": "Date of birth of {name}? (for example: 14-03-2024 or 14 March 2024)",
    "resident.bad_date": "I cannot read that date. Write it like 14-03-2024 or 14 March 2024.",
    "resident.birth_in_future": "The date of birth cannot be after today. Please check it.",
    "resident.birth_too_old": "That date of birth is more than 120 years ago. Please check it.",
    "resident.ask_pregnant": "Is {name} pregnant now?",
    "resident.yes": "Yes",
    "resident.no": "No",
    "resident.ask_hpht": "When was the first day of {name}'s last period (HPHT)? (for example: 1 August 2026; if "
    "she does not know, type: unknown)",
    "resident.pregnant_undated": "{name} is recorded as pregnant. How far along is not known yet: the midwife or "
    "kader will ask at the posyandu.",
    "resident.hpht_in_future": "The HPHT cannot be after today. Please check it.",
    "resident.hpht_too_old": "That HPHT is more than 44 weeks ago. Please check it, or ask the midwife.",
    "resident.hpl": "{name} is now {weeks:week|weeks} {days:day|days} pregnant. Estimated due date (HPL): {hpl}. "
    "We will remind you of the antenatal check-ups.",
    "resident.member_added": "{name} has been registered ({age}).",
    "resident.share_phone_hint": "If the kader recorded your family with a phone number, press “Share my phone "
    "number” so your family's posyandu records are linked at once (optional; the number is used only for that).",
    "resident.share_phone": "📱 Share my phone number",
    "resident.phone_saved": "Thank you, your phone number is saved.",
    "resident.share_phone_help": "Press the “Share my phone number” button below the typing field, or just type "
    "the family member's name.",
    "resident.member_linked": "{name} was already recorded at the posyandu with this phone number; now linked to "
    "your family.",
    "resident.member_exists": "{name} is already in your family.",
    "resident.ask_more": "Add another family member?",
    "resident.more_yes": "Yes, add another",
    "resident.more_no": "No, that is all",
    "resident.finished": "Done! You will receive reminders for your family at {posyandu}.\n"
    "Type *schedule* for the posyandu day, *family* to see your family, *stop* to stop receiving messages.",
    "resident.already_subscribed": "Your family is already registered at {posyandu}.",
    "resident.not_subscribed": "You are not registered at a posyandu yet. Type *subscribe* to subscribe.",
    "resident.choose": "Choose one by typing its number.",
    "resident.next_session": "Next day at {posyandu}:\n{when}\nPlace: {place}",
    "resident.next_session_groups": "For: {groups}",
    "resident.no_session": "There is no next day planned at {posyandu} yet. The village midwife will announce "
    "it here.",
    "resident.family_title": "Your family at {posyandu}:",
    "resident.family_empty": "No family member is registered yet. Type *subscribe* to add one.",
    "resident.member_line": "{n}. {name}, {age} — {stage}",
    "resident.pregnant_line": "   {weeks:week|weeks} pregnant; due date {hpl}.",
    "resident.last_result": "   Latest results ({date}): {values}.",
    "resident.no_result": "   No measurement at the posyandu yet.",
    "resident.value.weight": "weight {v} kg",
    "resident.value.height": "height/length {v} cm",
    "resident.value.muac": "MUAC {v} cm",
    "resident.value.bp": "blood pressure {s}/{d}",
    "resident.value.gain": "weight {gain}",
    "resident.value.gain_ask": " — ask the kader or midwife",
    "resident.next_due": "   Next: {items}.",
    "resident.nothing_due": "   Nothing due in the next {days:day|days}.",
    "resident.due_now": "{label} (now)",
    "resident.due_on": "{label} ({date})",
    "resident.doses_now": "   Immunisations that can be given now: {items}.",
    "resident.doses_late": "   Past their schedule, can still be caught up — bring the child to the posyandu or "
    "puskesmas: {items}.",
    "resident.doses_next": "   Next immunisations: {items}.",
    "resident.delete_explain": "Deleting your data means:\n"
    "• This chat is no longer linked to your family and gets no reminders or announcements.\n"
    "• The family members you registered yourself are deleted.\n"
    "• Measurements and check-ups recorded at the posyandu stay with the posyandu (health-care records), "
    "but are no longer linked to this chat.\n\n"
    "Go ahead and delete?",
    "resident.delete_yes": "Yes, delete",
    "resident.delete_no": "No, keep it",
    "resident.delete_confirm": "Are you sure? This cannot be undone. Type DELETE to delete your data.",
    "resident.delete_word": "delete",
    "resident.delete_kept": "OK, your data was not deleted.",
    "resident.deleted": "Your data has been deleted. You will not receive messages any more. Thank you for "
    "using the posyandu service. Type *subscribe* if you want to subscribe again.",
    "resident.nothing_to_delete": "No family data is stored for this chat.",
    "reminder.header": "🔔 Reminder from {posyandu} — {date}",
    "reminder.session_eve": "📅 Tomorrow, {when}: posyandu day at {place}.",
    "reminder.session_day": "📅 Today, {when}: posyandu day at {place}.",
    "reminder.member": "{name}:",
    "reminder.item": "• {label}",
    "reminder.footer": "Bring the Buku KIA to the posyandu. Type *schedule* for the posyandu day, *stop* to stop "
    "receiving reminders.",
    "reminder.nudge": "Yesterday ({date}) was a posyandu day at {posyandu}, but no weighing results were "
    "recorded. Please record them (type *report*) or tell the midwife if the posyandu did not take place.",
    "reminder.at_time": "at {time} {zone}",
}

register(ID, EN)

def fmt_when(lang: str | None, at: datetime, tz: str) -> str:
    """A session's local day and time with its zone: 'Kamis, 3 Desember 2026 pukul 08.00 WIB'."""
    local = at.astimezone(ZoneInfo(tz))
    clock = f"{local:%H.%M}" if lang != "en" else f"{local:%H:%M}"
    return f"{fmt_date(lang, local.date())} {render(lang, 'reminder.at_time', time=clock, zone=zone_label(tz))}"
