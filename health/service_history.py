"""Services given before or elsewhere, as registers and kaders write them, and whether they are possible.

Why here: the register import (`services import`) and the chat ("sudah di puskesmas") record the same
history with the same checks as the posyandu's own doses (health.immunisation.check_dose), so a dose
out of order, too soon after the previous one or past its age is refused the same way everywhere.

Words (case, spaces, dashes and dots ignored): `BCG`, `HB0`/`HB 0`/`Hep B 0`, `Polio 1`/`OPV 1`/`bOPV 1`,
`IPV`/`IPV 2`/`Polio suntik`, `DPT-HB-Hib 1`/`DPT 1`/`Pentabio 1`/`Penta 1`, `PCV 1`, `RV 1`/`Rota 1`,
`Campak`/`MR 1`/`MR 2`/`Campak lanjutan`, `DPT lanjutan` (DPT-HB-Hib 4), `JE`, `Vit A biru`/`kapsul
biru`, `Vit A merah`, `Vit A`, `obat cacing`/`albendazol`, `TT 1`..`TT 5`/`Td 1`..`Td 5` (a woman's
tetanus status T1-T5), `DT`. A vaccine named without its number is the next dose of that series.

Checks beyond the doses (sources):
* Vitamin A blue capsule at 6-11 months, red at 12-59 months (ilp-domain 4.3 [S51][S53]); two capsules
  less than a month apart are refused (ilp-domain 4.3: ask before giving, to avoid double dosing).
* Deworming from 12 months (ilp-domain 4.4).
* TT/Td status doses in order: T2 >= 4 weeks after T1, T3 >= 6 months after T2, T4 and T5 >= 1 year
  after the previous (Permenkes 12/2017, status T ⚠ intervals as the WHO TT schedule); not for infants
  (their tetanus doses are DPT-HB-Hib).
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .immunisation import DOSES_BY_CODE, SERIES, DoseProblem, check_dose
from .schedules import months_days, years_days

VITA, CACING = "VITA", "CACING"
TT_CODES = tuple(f"TT{n}" for n in range(1, 6))
TT_INTERVAL_DAYS = {"TT2": 28, "TT3": months_days(6), "TT4": years_days(1), "TT5": years_days(1)}


@dataclass(frozen=True)
class Named:
    """What a register's word names: a code, or a series whose next dose it is (`number` None)."""

    code: str | None  # OPV1, VITA, CACING, TT2...
    series: str | None = None  # OPV, MR...: a vaccine named without its number
    capsule: str | None = None  # 'blue' | 'red' for vitamin A when the colour is written


def _key(text: str) -> str:
    return re.sub(r"[\s\-_.,/()]+", "", text.strip().lower())


# series names (normalised) -> series; a trailing number is the dose
SERIES_WORDS: dict[str, str] = {
    "polio": "OPV", "opv": "OPV", "bopv": "OPV", "poliotetes": "OPV", "poliooral": "OPV",
    "ipv": "IPV", "poliosuntik": "IPV", "poliosuntikipv": "IPV",
    "dpthbhib": "DPT-HB-HIB", "dpthb": "DPT-HB-HIB", "dpt": "DPT-HB-HIB", "pentabio": "DPT-HB-HIB",
    "penta": "DPT-HB-HIB", "pentavalen": "DPT-HB-HIB", "dpthbhibpentabio": "DPT-HB-HIB",
    "pcv": "PCV", "pneumokokus": "PCV", "pneumokok": "PCV",
    "rv": "RV", "rota": "RV", "rotavirus": "RV",
    "mr": "MR", "campak": "MR", "campakrubela": "MR", "measles": "MR", "mmr": "MR",
    "tt": "TT", "td": "TT",
}
FIXED_WORDS: dict[str, Named] = {
    "bcg": Named("BCG"),
    "hb0": Named("HB0"), "hbo": Named("HB0"), "hepb0": Named("HB0"), "hepatitisb0": Named("HB0"),
    "hbnol": Named("HB0"), "hb0uniject": Named("HB0"),
    "je": Named("JE"), "japaneseencephalitis": Named("JE"),
    "campaklanjutan": Named("MR2"), "mrlanjutan": Named("MR2"),
    "dptlanjutan": Named("DPT-HB-HIB4"), "pentabiolanjutan": Named("DPT-HB-HIB4"),
    "dpthbhiblanjutan": Named("DPT-HB-HIB4"),
    "dt": Named("DT"),
    "vita": Named(VITA), "vitamina": Named(VITA), "kapsulvitamina": Named(VITA),
    "obatcacing": Named(CACING), "cacing": Named(CACING), "albendazol": Named(CACING),
    "albendazole": Named(CACING), "deworming": Named(CACING),
}
for _word in ("vita", "vitamina", "kapsulvitamina", "kapsul", "vitaminakapsul", "capsule", "vitaminacapsule"):
    for _blue, _red in (("biru", "merah"), ("blue", "red")):  # the register's words, and an English reader's
        FIXED_WORDS[_word + _blue] = Named(VITA, capsule="blue")
        FIXED_WORDS[_word + _red] = Named(VITA, capsule="red")
_NUMBERED = re.compile(r"^([a-z]+?)(?:ke)?([0-9])$")


def name_service(text: str) -> Named | None:
    """A register's word for a service; None when it names none."""
    key = _key(text)
    if not key:
        return None
    if key in FIXED_WORDS:
        return FIXED_WORDS[key]
    if key in SERIES_WORDS:
        series = SERIES_WORDS[key]
        return Named(None, series=series)
    match = _NUMBERED.match(key)
    if match and match.group(1) in SERIES_WORDS:
        series, number = SERIES_WORDS[match.group(1)], int(match.group(2))
        code = f"{series}{number}"
        if series == "TT":
            return Named(code) if code in TT_CODES else None
        return Named(code) if code in DOSES_BY_CODE else None
    return None


def resolve(named: Named, given: Mapping[str, date | None], on: date) -> str | None:
    """The code: a series named without its number is the dose after those recorded before `on`."""
    if named.code is not None:
        return named.code
    if named.series == "TT":
        codes: tuple[str, ...] = TT_CODES
    else:
        codes = tuple(d.code for d in SERIES.get(named.series or "", ()))
    for code in codes:
        if code in given and given[code] is not None and given[code] == on:
            return code  # already recorded on that day (a rerun)
    before = [c for c in codes if c in given and ((day := given[c]) is None or day < on)]
    index = max((codes.index(c) for c in before), default=-1) + 1
    return codes[index] if index < len(codes) else None


def check_service(birth: date, given: Mapping[str, date | None], code: str, on: date, today: date,
                  capsule: str | None = None, vita_days: tuple[date, ...] = ()) -> DoseProblem | None:
    """Whether `code` may be recorded as given on `on` (the import's and the chat's one check)."""
    if on < birth:
        return DoseProblem("before_birth", code)
    if on > today:
        return DoseProblem("future", code)
    if code in DOSES_BY_CODE:
        return check_dose(birth, given, code, on, today)
    age = (on - birth).days
    if code == VITA:
        low, high = {"blue": (months_days(6), months_days(12) - 1),
                     "red": (months_days(12), months_days(60) - 1)}.get(capsule or "", (months_days(6),
                                                                                        months_days(60) - 1))
        if not low <= age <= high:
            return DoseProblem(f"vita_age_{capsule or 'any'}", code)
        if any(abs((on - d).days) < 28 for d in vita_days if d != on):
            return DoseProblem("vita_twice", code)
        return None
    if code == CACING:
        return None if age >= months_days(12) else DoseProblem("cacing_age", code)
    if code in TT_CODES:
        if age < years_days(1):
            return DoseProblem("tt_infant", code)
        if code in given:
            return DoseProblem("already", code, (given[code] or on).isoformat())
        index = TT_CODES.index(code)
        if index > 0:
            previous = TT_CODES[index - 1]
            if previous not in given:
                return DoseProblem("previous_missing", code, previous)
            previous_day = given[previous]
            if previous_day is not None and (on - previous_day).days < TT_INTERVAL_DAYS[code]:
                return DoseProblem("too_soon" if on >= previous_day else "before_previous", code, previous)
        return None
    return None


def service_name(code: str, lang: str | None = "id") -> str:
    """A recorded history service in words (doses through health.schedules.dose_name)."""
    from .schedules import dose_name
    if code in DOSES_BY_CODE:
        return dose_name(code, lang)
    if code in TT_CODES:
        return f"TT/Td ke-{code[2:]}" if lang != "en" else f"TT/Td dose {code[2:]}"
    return {VITA: ("Vitamin A", "Vitamin A"), CACING: ("Obat cacing", "Deworming"),
            "DT": ("DT", "DT")}.get(code, (code, code))[1 if lang == "en" else 0]


# -- reading a register's line (the import and the chat) ------------------------------------------------
# Month names as registers write them (Indonesian first, English too); the same as bot.parsing.MONTHS (a test
# says so): health/ reads no bot module.
MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    ("januari", "jan", "january"), ("februari", "feb", "pebruari", "peb", "february"), ("maret", "mar", "mrt", "march"),
    ("april", "apr"), ("mei", "may"), ("juni", "jun", "june"), ("juli", "jul", "july"),
    ("agustus", "agu", "agt", "ags", "agst", "agus", "aug", "august"), ("september", "sep", "sept"),
    ("oktober", "okt", "oct", "october"), ("november", "nov", "nop", "nopember"),
    ("desember", "des", "dec", "december"),
), start=1):
    for _name in _names:
        MONTHS[_name] = _number
_MONTH_ONLY_NUMERIC = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")
_MONTH_ONLY_WORDS = re.compile(r"^([a-z]+)\.?\s*[-/]?\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})\s*[-/]?\s*([a-z]+)\.?\s*[-/]?\s*(\d{4})$")


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_register_day(text: str) -> date | None:
    """A full date as registers write it, day first, the year in full: `17-08-2024`, `17/8/2024`,
    `17.08.2024`, `17 agustus 2024`, `17 Agt 2024`, `2024-08-17`; None otherwise (31-02-2025 too)."""
    key = re.sub(r"\s+", " ", text.strip().lower()).strip(" .,")
    if match := _ISO.match(key):
        return _day(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _NUMERIC.match(key):
        return _day(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if (match := _WORDS.match(key)) and match.group(2) in MONTHS:
        return _day(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
    return None


class HistoryProblem(Exception):
    """Why a history line cannot be recorded: a text key of bot/i18n/services.py with its parameters (the
    caller says it in the person's language: bot.texts.render)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def register_date(text: str, today: date) -> tuple[date, str]:
    """A date as registers write it -> (day, precision): `17-08-2024`, `17/8/2024`, `17 agustus 2024`,
    `17 Agt 2024`, `2024-08-17` (precision 'day'); `08/2024`, `8-2024`, `Agustus 2024` (precision 'month':
    the month's last day, or today in the current month). Raises HistoryProblem."""
    key = re.sub(r"\s+", " ", text.strip().lower()).strip(" .,")
    if not key:
        raise HistoryProblem("history.problem.no_date")
    month = year = None
    if match := _MONTH_ONLY_NUMERIC.match(key):
        month, year = int(match.group(1)), int(match.group(2))
    elif (match := _MONTH_ONLY_WORDS.match(key)) and match.group(1) in MONTHS:
        month, year = MONTHS[match.group(1)], int(match.group(2))
    if month is not None and year is not None:
        if not 1 <= month <= 12:
            raise HistoryProblem("history.problem.bad_date", text=text.strip())
        first = date(year, month, 1)
        if first > today:
            raise HistoryProblem("history.problem.future")
        last = date(year, month, calendar.monthrange(year, month)[1])
        return min(last, today), "month"
    day = parse_register_day(key)
    if day is None:
        raise HistoryProblem("history.problem.bad_date", text=text.strip())
    if day > today:
        raise HistoryProblem("history.problem.future")
    return day, "day"


def problem_of(problem: DoseProblem, lang: str | None = "id") -> HistoryProblem:
    """A refused dose as a HistoryProblem, the doses in words."""
    return HistoryProblem(f"history.problem.{problem.key}", service=service_name(problem.code, lang),
                          other=service_name(problem.detail, lang) if problem.detail[:1].isalpha() else problem.detail)


FILLER = re.compile(r"\b(?:sudah|sdh|diberikan|dikasih|diberi|tanggal|tgl|bulan|bln|pada|tahun)\b", re.I)
PLACE = re.compile(r"\s+(?:di|at)\s+(?P<place>.+)$", re.I)


def parse_entry(text: str, today: date) -> tuple[Named | None, str, tuple[date, str] | None, str | None]:
    """`polio 1 agustus 2025 di puskesmas` -> (the service, its words, (day, precision) or None, place)."""
    place = None
    text = " ".join(text.split())
    if match := PLACE.search(text):
        place = match.group("place").strip(" .")
        text = text[:match.start()]
    words = FILLER.sub(" ", text).split()
    for cut in range(len(words), 0, -1):
        named = name_service(" ".join(words[:cut]))
        if named is None:
            continue
        rest = " ".join(words[cut:])
        if not rest:
            return named, " ".join(words[:cut]), None, place
        try:
            return named, " ".join(words[:cut]), register_date(rest, today), place
        except HistoryProblem:
            continue
    return None, text, None, place


