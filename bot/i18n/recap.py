"""Sentences of the month's recap and the growth chart."""
from bot.texts import register

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")

ITEMS_ID = {
    "S": "S — sasaran balita", "K": "K — balita terdaftar", "D": "D — balita ditimbang",
    "N": "N — berat naik", "T": "T — berat tidak naik", "O": "O — bulan lalu tidak ditimbang",
    "B": "B — baru pertama ditimbang", "2T": "2T — dua kali berturut-turut tidak naik",
    "BGM": "BGM — di bawah garis merah", "stunted": "Pendek/sangat pendek (stunting)",
    "wasted": "Gizi kurang/buruk (wasting)", "underweight": "Berat badan kurang/sangat kurang",
    "K/S": "K/S (cakupan program)", "D/S": "D/S (partisipasi masyarakat)", "N/D": "N/D (keberhasilan)",
    "N/S": "N/S", "D/K": "D/K (kelangsungan penimbangan)", "N/(D-O-B)": "N/(D−O−B) (tanpa O dan B)",
    "BGM/D": "BGM/D", "2T/D": "2T/D",
    "ibu_hamil.seen": "Ibu hamil diperiksa", "ibu_hamil.K1": "K1", "ibu_hamil.K2": "K2", "ibu_hamil.K3": "K3",
    "ibu_hamil.K4": "K4", "ibu_hamil.K5": "K5", "ibu_hamil.K6": "K6", "ibu_hamil.kek": "Ibu hamil KEK (LiLA < 23,5)",
    "ibu_hamil.anaemia": "Ibu hamil anemia", "ibu_hamil.hypertension": "Hipertensi dalam kehamilan",
    "ibu_nifas.seen": "Ibu nifas diperiksa", "ibu_nifas.KF1": "KF1", "ibu_nifas.KF2": "KF2",
    "ibu_nifas.KF3": "KF3", "ibu_nifas.KF4": "KF4",
    "bayi_balita.doses": "Dosis imunisasi diberikan", "bayi_balita.idl": "Anak imunisasi dasar lengkap bulan ini",
    "bayi_balita.vitamin_a": "Vitamin A diberikan", "bayi_balita.deworming": "Obat cacing diberikan",
    "remaja.seen": "Remaja diperiksa", "remaja.hb_screened": "Remaja diperiksa Hb",
    "remaja.anaemia": "Remaja anemia", "remaja.ttd": "Remaja mendapat TTD",
    "dewasa_lansia.screened": "Dewasa dan lansia diskrining", "dewasa_lansia.lansia": "Lansia diperiksa",
    "dewasa_lansia.hypertension": "Hipertensi", "dewasa_lansia.high_glucose": "Gula darah tinggi",
    "dewasa_lansia.obesity": "Obesitas",
    "posyandu.referrals_opened": "Rujukan dibuka", "posyandu.referrals_handled": "Rujukan ditangani",
    "posyandu.kaders_reported": "Kader yang melapor",
}
ITEMS_EN = {
    "S": "S — target under-fives", "K": "K — registered under-fives", "D": "D — weighed",
    "N": "N — gained weight", "T": "T — did not gain", "O": "O — not weighed last month",
    "B": "B — first weighing", "2T": "2T — two months in a row without gain", "BGM": "BGM — below the red line",
    "stunted": "Stunted/severely stunted", "wasted": "Wasted/severely wasted",
    "underweight": "Underweight/severely underweight",
    "K/S": "K/S (programme reach)", "D/S": "D/S (participation)", "N/D": "N/D (success)", "N/S": "N/S",
    "D/K": "D/K (continuity)", "N/(D-O-B)": "N/(D−O−B) (without O and B)", "BGM/D": "BGM/D", "2T/D": "2T/D",
    "ibu_hamil.seen": "Pregnant women seen", "ibu_hamil.K1": "K1", "ibu_hamil.K2": "K2", "ibu_hamil.K3": "K3",
    "ibu_hamil.K4": "K4", "ibu_hamil.K5": "K5", "ibu_hamil.K6": "K6",
    "ibu_hamil.kek": "Pregnant women with KEK (MUAC < 23.5)", "ibu_hamil.anaemia": "Pregnant women with anaemia",
    "ibu_hamil.hypertension": "Hypertension in pregnancy",
    "ibu_nifas.seen": "Postpartum mothers seen", "ibu_nifas.KF1": "KF1", "ibu_nifas.KF2": "KF2",
    "ibu_nifas.KF3": "KF3", "ibu_nifas.KF4": "KF4",
    "bayi_balita.doses": "Immunisation doses given", "bayi_balita.idl": "Children fully immunised this month",
    "bayi_balita.vitamin_a": "Vitamin A given", "bayi_balita.deworming": "Deworming given",
    "remaja.seen": "Adolescents seen", "remaja.hb_screened": "Adolescents screened for Hb",
    "remaja.anaemia": "Adolescents with anaemia", "remaja.ttd": "Adolescents given iron tablets",
    "dewasa_lansia.screened": "Adults and elderly screened", "dewasa_lansia.lansia": "Elderly seen",
    "dewasa_lansia.hypertension": "Hypertension", "dewasa_lansia.high_glucose": "High blood glucose",
    "dewasa_lansia.obesity": "Obesity",
    "posyandu.referrals_opened": "Referrals opened", "posyandu.referrals_handled": "Referrals handled",
    "posyandu.kaders_reported": "Kaders who reported",
}

ID = {
    "recap.menu": "Rekap bulan ini",
    "recap.ask_posyandu": "Rekap posyandu yang mana?",
    "recap.bad_month": "Bulan \"{text}\" tidak saya kenali. Contoh: *rekap*, *rekap november*, *rekap 2026-11*, "
    "*rekap bulan lalu*.",
    "recap.future_month": "Bulan {month} belum berjalan, jadi belum ada rekapnya.",
    "recap.unknown_posyandu": "Posyandu \"{text}\" tidak saya temukan. Ketik *rekap* saja untuk posyandu Anda.",
    "recap.not_yours": "Maaf, rekap posyandu itu hanya untuk kader dan bidannya. Ketik *rekap* untuk posyandu Anda.",
    "recap.title": "📊 Rekap {posyandu} — {month}",
    "recap.empty": "Belum ada data yang tercatat di bulan ini. Angka di bawah apa adanya (semuanya nol).",
    "recap.skdn": "Balita (SKDN): S {S} · K {K} · D {D} · N {N} · T {T} · O {O} · B {B} · 2T {T2} · BGM {BGM}",
    "recap.s_target": "S = sasaran yang ditetapkan bidan/puskesmas.",
    "recap.s_registered": "S = balita terdaftar (sasaran belum ditetapkan).",
    "recap.ratios": "D/S {ds} · N/D {nd} · N/(D−O−B) {ndob} · K/S {ks} · D/K {dk}",
    "recap.names": "{label}: {names}",
    "recap.names_label": "Nama balita {code}",
    "recap.nutrition": "Stunting {stunted} · wasting {wasted} · BB kurang {underweight}",
    "recap.mothers": "Ibu hamil {seen} (K1 {K1}, K4 {K4}, K6 {K6}) · KEK {kek} · anemia {anaemia} · "
    "hipertensi {hypertension} · nifas {nifas}",
    "recap.children": "Imunisasi {doses} dosis · lengkap {idl} anak · vitamin A {vitamin_a} · obat cacing {deworming}",
    "recap.teens": "Remaja {seen} · cek Hb {hb_screened} · anemia {anaemia} · TTD {ttd}",
    "recap.adults": "Dewasa/lansia diskrining {screened} · hipertensi {hypertension} · gula tinggi {high_glucose} · "
    "obesitas {obesity}",
    "recap.referrals": "Rujukan dibuka {referrals_opened}, ditangani {referrals_handled} · kader melapor "
    "{kaders_reported}",
    "recap.missing_nik": "Belum ada NIK (kunjungannya belum bisa dikirim ke SATUSEHAT): {count} — {names}. "
    "Ketik *nik* untuk menambahkan.",
    "recap.sheet.missing_nik": "Belum ada NIK",
    "recap.item.missing_nik": "Anggota tanpa NIK / NIK ibu",
    "recap.file_follows": "File Excel rekapnya menyusul.",
    "recap.file_caption": "Rekap {posyandu} {month} (Excel)",
    "recap.auto_intro": "Rekap bulanan otomatis dari posyandu hari terakhir bulan ini.",
    "recap.none": "-",
    "recap.target_ask_posyandu": "Sasaran posyandu yang mana?",
    "recap.ask_target": "Berapa sasaran balita (S) posyandu ini untuk tahun {year}? Ketik angkanya, misalnya 45.",
    "recap.target_number": "Ketik jumlahnya dengan angka saja, misalnya 45.",
    "recap.target_impossible": "Satu posyandu tidak melayani lebih dari {most} balita. Periksa angkanya.",
    "recap.target_confirm": "{count} balita untuk satu posyandu itu banyak sekali. Benar {count}? Ketik *ya* atau *tidak*.",
    "recap.target_yes_no": "Ketik *ya* bila benar, atau *tidak* untuk mengetik ulang.",
    "recap.target_saved": "Tersimpan ✅ Sasaran balita {posyandu} tahun {year}: {count}. Rekap memakainya sebagai S.",
    "recap.sheet.recap": "Rekap",
    "recap.block.skdn": "BALITA (SKDN)",
    "recap.block.ibu_hamil": "IBU HAMIL",
    "recap.block.ibu_nifas": "IBU NIFAS",
    "recap.block.bayi_balita": "IMUNISASI, VITAMIN A, OBAT CACING",
    "recap.block.remaja": "REMAJA",
    "recap.block.dewasa_lansia": "DEWASA DAN LANSIA",
    "recap.block.posyandu": "RUJUKAN DAN KADER",
    "recap.sheet.balita": "Balita (e-PPGBM)",
    "chart.menu": "Grafik pertumbuhan anak",
    "chart.ask_name": "Grafik anak siapa? Ketik namanya.",
    "chart.no_member": "Saya tidak menemukan anak bernama \"{name}\" di posyandu Anda. Periksa ejaannya.",
    "chart.pick": "Ini nama yang mirip. Pilih anaknya:",
    "chart.not_in_family": "Tidak ada balita bernama \"{name}\" di keluarga Anda. Ketik *grafik* saja untuk memilih.",
    "chart.not_allowed": "Maaf, grafik anak itu tidak bisa Anda lihat.",
    "chart.no_family": "Belum ada balita di keluarga Anda yang terdaftar. Ketik *daftar* untuk menambahkan anak.",
    "chart.not_balita": "{name} bukan balita lagi (grafik KMS untuk umur 0–59 bulan).",
    "chart.no_weight": "Belum ada penimbangan {name} yang tercatat, jadi grafiknya belum bisa dibuat.",
    "chart.follows": "Grafik pertumbuhan {name} menyusul.",
    "chart.caption": "Grafik pertumbuhan {name} ({indicator})",
    "chart.title.wfa": "KMS Berat Badan menurut Umur",
    "chart.title.lhfa": "Panjang/Tinggi Badan menurut Umur",
    "chart.indicator.wfa": "BB/U",
    "chart.indicator.lhfa": "PB/U atau TB/U",
    "chart.subtitle": "{name} · {sex} · lahir {birth}",
    "chart.sex.L": "Laki-laki",
    "chart.sex.P": "Perempuan",
    "chart.xlabel": "Umur (bulan)",
    "chart.ylabel.wfa": "Berat badan (kg)",
    "chart.ylabel.lhfa": "Panjang/tinggi badan (cm)",
    "chart.line.red": "Garis merah",
    "chart.line.orange": "Garis oranye",
    "chart.line.median": "Median",
    "chart.note.weight": "{month}: {weight} kg{gain}",
    "chart.note.height": "{month}: {height} cm",
    "chart.note.kbm": "Naik {grams} g; KBM umur {months} bulan: {kbm} g",
    "chart.note.loss": "Turun {grams} g; KBM umur {months} bulan: {kbm} g",
    "chart.note.last": "Pengukuran terakhir: {date}",
}
EN = {
    "recap.menu": "This month's recap",
    "recap.ask_posyandu": "Recap of which posyandu?",
    "recap.bad_month": "I do not recognise the month \"{text}\". For example: *recap*, *recap november*, *recap "
    "2026-11*, *recap last month*.",
    "recap.future_month": "{month} has not started yet, so there is no recap.",
    "recap.unknown_posyandu": "I found no posyandu \"{text}\". Type just *recap* for yours.",
    "recap.not_yours": "Sorry, that posyandu's recap is only for its own kaders and midwife. Type *recap* for "
    "yours.",
    "recap.title": "📊 Recap of {posyandu} — {month}",
    "recap.empty": "Nothing was recorded in this month yet. The figures below are as they are (all zero).",
    "recap.skdn": "Under-fives (SKDN): S {S} · K {K} · D {D} · N {N} · T {T} · O {O} · B {B} · 2T {T2} · BGM {BGM}",
    "recap.s_target": "S = the target set by the midwife/puskesmas.",
    "recap.s_registered": "S = registered under-fives (no target set yet).",
    "recap.ratios": "D/S {ds} · N/D {nd} · N/(D−O−B) {ndob} · K/S {ks} · D/K {dk}",
    "recap.names": "{label}: {names}",
    "recap.names_label": "Under-fives with {code}",
    "recap.nutrition": "Stunting {stunted} · wasting {wasted} · underweight {underweight}",
    "recap.mothers": "Pregnant women {seen} (K1 {K1}, K4 {K4}, K6 {K6}) · KEK {kek} · anaemia {anaemia} · "
    "hypertension {hypertension} · postpartum {nifas}",
    "recap.children": "Immunisation {doses:dose|doses} · fully immunised {idl} · vitamin A {vitamin_a} · "
    "deworming {deworming}",
    "recap.teens": "Adolescents {seen} · Hb checked {hb_screened} · anaemia {anaemia} · iron tablets {ttd}",
    "recap.adults": "Adults/elderly screened {screened} · hypertension {hypertension} · high glucose {high_glucose} · "
    "obesity {obesity}",
    "recap.referrals": "Referrals opened {referrals_opened}, handled {referrals_handled} · kaders reporting "
    "{kaders_reported}",
    "recap.missing_nik": "No NIK yet (their visits cannot go to SATUSEHAT): {count} — {names}. "
    "Type *nik* to add one.",
    "recap.sheet.missing_nik": "No NIK yet",
    "recap.item.missing_nik": "Members without NIK / mother's NIK",
    "recap.file_follows": "The Excel file of the recap follows.",
    "recap.file_caption": "Recap of {posyandu} {month} (Excel)",
    "recap.auto_intro": "Automatic monthly recap after the month's last posyandu day.",
    "recap.none": "-",
    "recap.target_ask_posyandu": "The target of which posyandu?",
    "recap.ask_target": "What is this posyandu's target number of under-fives (S) for {year}? Type the number, e.g. 45.",
    "recap.target_number": "Please type the number only, e.g. 45.",
    "recap.target_impossible": "One posyandu does not serve more than {most:under-five|under-fives}. Please check "
    "the number.",
    "recap.target_confirm": "{count:under-five|under-fives} is a great many for one posyandu. Is {count} right? "
    "Type *yes* or *no*.",
    "recap.target_yes_no": "Type *yes* if it is right, or *no* to type it again.",
    "recap.target_saved": "Saved ✅ Target of under-fives for {posyandu} in {year}: {count}. The recap uses it as S.",
    "recap.sheet.recap": "Recap",
    "recap.block.skdn": "UNDER-FIVES (SKDN)",
    "recap.block.ibu_hamil": "PREGNANT WOMEN",
    "recap.block.ibu_nifas": "POSTPARTUM MOTHERS",
    "recap.block.bayi_balita": "IMMUNISATION, VITAMIN A, DEWORMING",
    "recap.block.remaja": "ADOLESCENTS",
    "recap.block.dewasa_lansia": "ADULTS AND ELDERLY",
    "recap.block.posyandu": "REFERRALS AND KADERS",
    "recap.sheet.balita": "Under-fives (e-PPGBM)",
    "chart.menu": "Child growth chart",
    "chart.ask_name": "Whose chart? Type the child's name.",
    "chart.no_member": "I found no child named \"{name}\" at your posyandu. Please check the spelling.",
    "chart.pick": "These names are alike. Pick the child:",
    "chart.not_in_family": "There is no under-five named \"{name}\" in your family. Type just *chart* to choose.",
    "chart.not_allowed": "Sorry, you cannot see that child's chart.",
    "chart.no_family": "No under-five is registered in your family yet. Type *subscribe* to add a child.",
    "chart.not_balita": "{name} is no longer an under-five (the KMS chart is for 0–59 months).",
    "chart.no_weight": "No weighing of {name} is on record yet, so there is no chart yet.",
    "chart.follows": "{name}'s growth chart follows.",
    "chart.caption": "{name}'s growth chart ({indicator})",
    "chart.title.wfa": "KMS Weight-for-age",
    "chart.title.lhfa": "Length/height-for-age",
    "chart.indicator.wfa": "weight-for-age",
    "chart.indicator.lhfa": "length/height-for-age",
    "chart.subtitle": "{name} · {sex} · born {birth}",
    "chart.sex.L": "Boy",
    "chart.sex.P": "Girl",
    "chart.xlabel": "Age (months)",
    "chart.ylabel.wfa": "Weight (kg)",
    "chart.ylabel.lhfa": "Length/height (cm)",
    "chart.line.red": "Red line",
    "chart.line.orange": "Orange line",
    "chart.line.median": "Median",
    "chart.note.weight": "{month}: {weight} kg{gain}",
    "chart.note.height": "{month}: {height} cm",
    "chart.note.kbm": "Up {grams} g; minimum gain (KBM) at {months:month|months}: {kbm} g",
    "chart.note.loss": "Down {grams} g; minimum gain (KBM) at {months:month|months}: {kbm} g",
    "chart.note.last": "Last measured: {date}",
}
# The workbook and the CSV in the reader's language (issue 16): sheets, column headers, cell words.
COLUMNS_ID = {
    "waiting": "Kunjungan menunggu SATUSEHAT",
    "nik": "NIK", "name": "Nama", "birth_date": "Tanggal lahir", "sex": "L/P", "measured_on": "Tanggal ukur",
    "weight_kg": "BB (kg)", "height_cm": "PB/TB (cm)", "position": "Cara ukur", "head_cm": "LK (cm)",
    "muac_cm": "LiLA (cm)", "mother": "Nama ibu/wali", "gain": "N/T/O/B", "bb_u": "Status BB/U",
    "pb_tb_u": "Status TB/U", "bb_pb_tb": "Status BB/TB", "systolic": "Sistolik", "diastolic": "Diastolik",
    "hb_gdl": "Hb (g/dL)", "glucose_mgdl": "Gula darah (mg/dL)", "gestational_weeks": "Usia kehamilan (minggu)",
    "statuses": "Temuan", "services": "Layanan",
    # the recap's CSV, one row per posyandu-month
    "posyandu_code": "Kode posyandu", "posyandu": "Posyandu", "month": "Bulan", "S_source": "Sumber S",
    "stunted": "Pendek (stunting)", "wasted": "Gizi kurang/buruk (wasting)", "underweight": "BB kurang",
    "missing_nik": "Tanpa NIK",
}
COLUMNS_EN = {
    "waiting": "Visits waiting for SATUSEHAT",
    "nik": "NIK", "name": "Name", "birth_date": "Birth date", "sex": "M/F", "measured_on": "Measured on",
    "weight_kg": "Weight (kg)", "height_cm": "Length/height (cm)", "position": "Measured", "head_cm": "Head (cm)",
    "muac_cm": "MUAC (cm)", "mother": "Mother/guardian", "gain": "N/T/O/B (KMS)", "bb_u": "Weight-for-age",
    "pb_tb_u": "Length/height-for-age", "bb_pb_tb": "Weight-for-length/height", "systolic": "Systolic",
    "diastolic": "Diastolic", "hb_gdl": "Hb (g/dL)", "glucose_mgdl": "Blood glucose (mg/dL)",
    "gestational_weeks": "Weeks pregnant", "statuses": "Findings", "services": "Services",
    "posyandu_code": "Posyandu code", "posyandu": "Posyandu", "month": "Month", "S_source": "Source of S",
    "stunted": "Stunted", "wasted": "Wasted", "underweight": "Underweight", "missing_nik": "Without NIK",
}
SHEETS_ID = {"ibu_hamil": "Ibu hamil", "ibu_nifas": "Ibu nifas", "bayi_balita": "Bayi-balita", "anak": "Anak",
             "remaja": "Remaja", "dewasa": "Dewasa", "lansia": "Lansia"}
SHEETS_EN = {"ibu_hamil": "Pregnant women", "ibu_nifas": "Postpartum mothers", "bayi_balita": "Infants-under-fives",
             "anak": "Children", "remaja": "Adolescents", "dewasa": "Adults", "lansia": "Elderly"}
ID.update({
    "recap.position.L": "Telentang", "recap.position.H": "Berdiri",
    "recap.s_source.target": "sasaran", "recap.s_source.registered": "balita terdaftar",
    "recap.posyandu_code": "Kode posyandu: {code}",
    "recap.finding_other": "temuan lain (lihat di chat)",
    "recap.service_other": "layanan lain",
    "recap.service.HB0": "Imunisasi Hepatitis B saat lahir",
    "recap.service.VITA": "Vitamin A",
    "recap.service.PTM": "Skrining PTM",
    "chart.legend.wfa": "Warna garis: merah = garis merah (−3 SD) · kuning = −2 SD · hijau = median, di pita "
    "hijau berat normal · oranye = garis oranye (+1 SD) · abu-abu = +2/+3 SD. Garis terputus: bulan tidak "
    "ditimbang (O).",
    "chart.legend.lhfa": "Warna garis: merah = −3 SD (sangat pendek) · kuning = −2 SD (pendek) · hijau = median, "
    "di pita hijau tinggi normal · abu-abu = +3 SD.",
})
EN.update({
    "recap.position.L": "Lying", "recap.position.H": "Standing",
    "recap.s_source.target": "target", "recap.s_source.registered": "registered under-fives",
    "recap.posyandu_code": "Posyandu code: {code}",
    "recap.finding_other": "another finding (see the chat)",
    "recap.service_other": "another service",
    "recap.service.HB0": "Hepatitis B birth dose",
    "recap.service.VITA": "Vitamin A",
    "recap.service.PTM": "NCD screening",
    "chart.legend.wfa": "Line colours: red = the red line (−3 SD) · yellow = −2 SD · green = median, in the green "
    "band of normal weight · orange = the orange line (+1 SD) · grey = +2/+3 SD. A break in the line: a month "
    "not weighed (O).",
    "chart.legend.lhfa": "Line colours: red = −3 SD (severely stunted) · yellow = −2 SD (stunted) · green = median, "
    "in the green band of normal height · grey = +3 SD.",
})
ID.update({f"recap.column.{k}": v for k, v in COLUMNS_ID.items()})
EN.update({f"recap.column.{k}": v for k, v in COLUMNS_EN.items()})
ID.update({f"recap.sheet.group.{k}": v for k, v in SHEETS_ID.items()})
EN.update({f"recap.sheet.group.{k}": v for k, v in SHEETS_EN.items()})
ID.update({f"recap.month.{i + 1}": name for i, name in enumerate(MONTHS_ID)})
EN.update({f"recap.month.{i + 1}": name for i, name in enumerate(MONTHS_EN)})
ID.update({f"recap.item.{k}": v for k, v in ITEMS_ID.items()})
EN.update({f"recap.item.{k}": v for k, v in ITEMS_EN.items()})

register(ID, EN)
