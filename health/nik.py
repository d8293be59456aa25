"""NIK (Nomor Induk Kependudukan) structure checks: what a kader or an import may store as a NIK.

Why here: SATUSEHAT finds a patient by NIK (data-out.md §1.3), so a NIK with a
typo sends a visit to nobody, or to someone else. A NIK is 16 digits
PPKKCC DDMMYY SSSS: province, kabupaten/kota and kecamatan where it was first
issued, the birth date (day + 40 for a woman), then a serial number from 0001
[NIK1][NIK2]. What we can check without Dukcapil: the province exists, the
kabupaten/kota and kecamatan parts are not 00, the date part is a real date
not in the future, the serial is not 0000. A NIK whose date or sex differs
from the member's is *unlikely* but possible (a NIK never changes when a
birth date is corrected, PP 40/2019 art. 30(2) [NIK3]), so it is asked back,
never refused.

Sources:
[NIK1] Dukcapil Klaten, "Arti 16 digit NIK" (dukcapil.klaten.go.id/arti-16-digit-nomor-induk-kependudukan-nik)
[NIK2] Dirjen Dukcapil T. Setyabudi via TribunJakarta 29 Aug 2023 (example 3602041211870001) and the
       province codes of Kemendagri as listed by BPS in the same article
[NIK3] Ditjen Dukcapil via curupekspress.bacakoran.co (PP 40/2019 art. 30(2))
[NIK4] Kepmendagri 100.1.1-6117/2022: the four Papua provinces of 2022 (93 Papua Selatan,
       94 Papua Tengah, 95 Papua Pegunungan, 96 Papua Barat Daya; 91/92 older NIKs of Papua) ⚠ (GK)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Province codes (2 digits) of the 38 provinces [NIK2][NIK4].
PROVINCES: dict[str, str] = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara", "75": "Gorontalo",
    "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua Barat", "92": "Papua Barat",
    "93": "Papua Selatan", "94": "Papua", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}
FEMALE_DAY_OFFSET = 40  # [NIK1]


@dataclass(frozen=True)
class NikParts:
    """What a structurally valid NIK says: where it was issued, the birth date and sex it encodes."""

    nik: str
    province: str
    birth_date: date
    sex: str  # L | P


def clean_nik(text: str | None) -> str:
    """The digits as typed, without spaces, dots and dashes."""
    return re.sub(r"[\s.-]", "", text or "")


def nik_problem(text: str | None, today: date) -> str | None:
    """Why this cannot be a NIK: 'length', 'region', 'birth_date' or 'serial'; None when it can be."""
    nik = clean_nik(text)
    if not re.fullmatch(r"\d{16}", nik):
        return "length"
    if nik[:2] not in PROVINCES or nik[2:4] == "00" or nik[4:6] == "00":
        return "region"
    if _birth(nik, today) is None:
        return "birth_date"
    if nik[12:] == "0000":
        return "serial"
    return None


def parse_nik(text: str | None, today: date) -> NikParts | None:
    """The parts of a valid NIK, or None (see `nik_problem`)."""
    if nik_problem(text, today) is not None:
        return None
    nik = clean_nik(text)
    born = _birth(nik, today)
    assert born is not None
    sex = "P" if int(nik[6:8]) > FEMALE_DAY_OFFSET else "L"
    return NikParts(nik, PROVINCES[nik[:2]], born, sex)


def nik_mismatch(parts: NikParts, birth_date: date, sex: str) -> list[str]:
    """What differs from the member ('birth_date', 'sex'): unlikely, so asked back, never refused."""
    out = []
    if (parts.birth_date.day, parts.birth_date.month, parts.birth_date.year % 100) != \
            (birth_date.day, birth_date.month, birth_date.year % 100):
        out.append("birth_date")
    if parts.sex != sex:
        out.append("sex")
    return out


def _birth(nik: str, today: date) -> date | None:
    """The encoded birth date: the latest century that puts it on or before `today`."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
    for century in (2000, 1900):
        year = century + yy
        try:
            born = date(year, month, day)
        except ValueError:
            continue
        if born <= today:
            return born
    return None


# -- a mother's NIK (NIK ibu), recorded on her child (docs/satusehat.md "NIK ibu") --------------------------
# The child's age-of-mother plausibility band: a mother's NIK whose birth date makes her younger than this or
# older than that at her child's birth is *asked back* (unlikely, possible); ⚠ project choice (docs/health.md).
MOTHER_AGE_AT_BIRTH_YEARS = (12, 55)
# Younger than this at her child's birth is impossible, not unlikely: refused. The youngest mother on medical
# record was 5 years 7 months old (Lina Medina, Peru 1939) (GK).
MOTHER_IMPOSSIBLE_BELOW_YEARS = 5


def mother_nik_problem(parts: NikParts, child_birth: date) -> str | None:
    """Why this cannot be the child's mother's NIK: 'male' (a man's day part, 01-31: a NIK ibu is a woman's,
    day + 40 [NIK1]) or 'too_young' (born after the child, or less than MOTHER_IMPOSSIBLE_BELOW_YEARS before).
    None: it can."""
    if parts.sex != "P":
        return "male"
    if (child_birth - parts.birth_date).days < MOTHER_IMPOSSIBLE_BELOW_YEARS * 365.25:
        return "too_young"
    return None


def mother_nik_doubts(parts: NikParts, child_birth: date, mother_birth: date | None) -> list[str]:
    """What is unlikely (asked back, never refused): 'birth_date' (differs from the mother's recorded birth
    date, where she is on record) and 'age' (her age at the child's birth outside MOTHER_AGE_AT_BIRTH_YEARS)."""
    out = []
    if mother_birth is not None and nik_mismatch(parts, mother_birth, "P"):
        out.append("birth_date")
    youngest, oldest = MOTHER_AGE_AT_BIRTH_YEARS
    years = (child_birth - parts.birth_date).days / 365.25
    if not youngest <= years <= oldest:
        out.append("age")
    return out
