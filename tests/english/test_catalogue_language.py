"""Every text in the language the person chose (issue 16: English was half Indonesian, and kaders were told
"visits list"). Each key is rendered with plausible parameters and read for the other language's tell-tale
words; proper nouns of the health system are allowed in both."""
from __future__ import annotations

import re

import pytest

from bot.texts import catalogue, placeholders, render
from tests.harness import TRANSCRIPTS

# Words that give away Indonesian in an English text (common words, commands, the form's abbreviations).
INDONESIAN = frozenset("""
simpan balas dengan angka pilihan rujukan laporan lapor anak ibu bapak ketik lagi atau tidak sudah belum untuk
yang dan ini itu ada hari tanggal bulan tahun minggu nama berat tinggi panjang lingkar lengan kepala batal
anggota baru pilih bb pb tb lk lila lp td gds gdp hamil nifas keluarga warga kunjungan jadwal rekap grafik
lanjut buang ubah selesai lupa daftar sambungan persalinan keguguran bayi bila jika saja kami anda saya
dari pada akan bisa harus perlu silakan terima kasih mohon maaf lahir perempuan laki orang kali baik
berikutnya sebelumnya lengkap catat dicatat tercatat ringkasan bantuan berhenti mulai kirim dikirim
imunisasi timbang penimbangan pemeriksaan kehamilan tekanan darah gula obat cacing garam
""".split())
# Words that give away English in an Indonesian text.
ENGLISH = frozenset("""
the and of to for with list visits visit report reports please done save saved type your you is are was
not yes from by at on new next more back cancel edit delete family child mother schedule recap referral
referrals weight height length head date name names today week month year unknown none total due overdue
dose reminder reminders sent failed delivered pending open closed here there this that what who when
which how about after before only also still already
""".split())
# Proper nouns and terms of the health system, used as they are in both languages.
PROPER = frozenset("""
posyandu puskesmas kia kms kader kaders bidan ilp satusehat nik hpht hpl pmt bgm skdn kek ttd mms anc pnc
kf kn bcg dpt hb hib ipv opv pcv mr je rota rotavirus posbindu balita desa rw rt wib wita wit
""".split())
# Keys whose text is meant for both languages at once.
BILINGUAL = frozenset({"core.ask_language", "core.lang.id", "core.lang.en"})
ALLOWED_WORDS = {
    "en": frozenset(),
    "id": frozenset({"chat", "terminal", "menu", "admin", "online", "link", "website"}),
}

PARAMS: dict[str, object] = {
    "name": "Aisyah Putri", "member": "Aisyah Putri", "reporter": "Siti Aminah", "requester": "Rina",
    "posyandu": "Posyandu Mawar 7", "household": "Slamet", "desa": "Sukamaju", "place": "Balai RW 03",
    "phone": "0812 3456 7890", "nik": "3201010111260001", "code": "K7M2QP", "command": "/foo",
    "query": "aisyah", "typed": "aisyah", "suggestion": "Aisyah Putri", "text": "Sukamaju",
    "message": "", "detail": "", "what": "Aisyah Putri", "zone": "WIB", "time": "08.00",
    "channel": "WhatsApp", "example": "45", "ordered": "9.5 75",
}


def plausible(template: str) -> dict[str, object]:
    """Every placeholder with a value that could come (numbers for counts, a name for a name)."""
    return {name: PARAMS.get(name, 3) for name in placeholders(template)}


def words_of(text: str) -> set[str]:
    text = re.sub(r"https?://\S+|\bWHO\b", " ", text)  # the World Health Organization, in both languages
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def rendered(lang: str) -> list[tuple[str, str]]:
    return [(key, render(lang, key, **plausible(template))) for key, template in sorted(catalogue(lang).items())]


def test_both_languages_have_the_same_keys_and_placeholders():
    indonesian, english = catalogue("id"), catalogue("en")
    assert set(indonesian) == set(english)
    differ = [k for k in indonesian if placeholders(indonesian[k]) != placeholders(english[k])]
    assert differ == []


@pytest.mark.parametrize(("lang", "tell_tale"), [("en", INDONESIAN), ("id", ENGLISH)])
def test_every_text_is_in_its_own_language(lang, tell_tale):
    wrong = []
    for key, text in rendered(lang):
        if key in BILINGUAL:
            continue
        found = (words_of(text) & tell_tale) - PROPER - ALLOWED_WORDS[lang]
        if found:
            wrong.append(f"{key}: {sorted(found)} in {text[:120]!r}")
    assert wrong == [], "\n".join(wrong)


def test_english_writes_decimals_with_a_point():
    commas = [f"{key}: {text[:100]!r}" for key, text in rendered("en")
              if re.search(r"(?<![\d,])\d+,\d{1,2}(?![\d])", text)]
    assert commas == [], "\n".join(commas)


# People and places of the demo data, named in the conversations.
NAMES = frozenset("""
aisyah putri rina marlina muhammad rizky nurhayati sumarni joko susilo dewi anggraini lestari siti aminah
mawar kenanga melati banyumeneng slamet sri wahyuni
""".split())


@pytest.mark.parametrize("path", sorted(TRANSCRIPTS.glob("english_*.txt")), ids=lambda p: p.stem)
def test_english_conversations_are_english(path):
    """What the bot said in the golden English conversations (values the code fills in included, which
    rendering the catalogue alone cannot show): no Indonesian word once English is chosen."""
    _, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    chosen = False
    wrong = []
    for line in body.splitlines():
        if line.startswith("> "):
            chosen = chosen or line in ("> 2",)
            continue
        if not chosen or line.startswith(("[foto:", "[dokumen:")) or "Pilih bahasa" in line:
            continue
        found = (words_of(line) & INDONESIAN) - PROPER - NAMES
        if found:
            wrong.append(f"{sorted(found)} in {line[:120]!r}")
    assert wrong == [], "\n".join(wrong)
    said = body.split("> 2", 1)[-1]
    numeric = [m.group(0) for m in re.finditer(r"\b\d{1,2}-\d{1,2}-\d{4}\b", said)
               if "example" not in said[max(0, m.start() - 30):m.start()]]  # what to type may be numbers
    assert numeric == [], f"dates shown in numbers: {numeric}"


PLURALS = ("households", "weeks", "days", "months", "years", "grams", "doses", "characters", "under-fives",
           "people", "visits", "referrals", "members", "messages", "children", "families", "times", "entries")


def test_one_is_singular_in_english():
    """`1 households` (issue 16): every count is rendered with 1 and with 3, through the one plural helper."""
    wrong = []
    for key, template in sorted(catalogue("en").items()):
        params = {name: 1 if not isinstance(value, str) else value for name, value in plausible(template).items()}
        text = render("en", key, **params)
        found = re.findall(r"(?<![\d.,])1 (%s)\b" % "|".join(PLURALS), text)
        if found or re.search(r"\(s\)", text):
            wrong.append(f"{key}: {text[:100]!r}")
    assert wrong == [], "\n".join(wrong)
    assert render("en", "broadcast.sent_cancel", count=1) == "The cancellation was sent to 1 household."
    assert render("en", "broadcast.sent_cancel", count=3) == "The cancellation was sent to 3 households."
    assert render("id", "broadcast.sent_cancel", count=1).count("1 ") == 1
