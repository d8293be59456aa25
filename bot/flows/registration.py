"""The questions about a new member that `/lapor` (a kader) and `daftar` (a resident) both ask.

    name -> sex -> birth date -> (a woman of 10-55) pregnant? -> HPHT

Why one place: the same person registered by a kader and by their family must
be read the same way, or the two records do not meet (`storage.households.add_member`
links them by name and birth date). Each reader takes the answer and the
reference date and raises `Invalid` with the flow's own sentence: `ns` is the
text namespace (`report`, `resident`), the key's end is the reason
(`bad_name`, `bad_date`, `birth_in_future`, `birth_too_old`, `hpht_in_future`,
`hpht_too_old`).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Callable

from bot.flows.base import Invalid
from bot.parsing import GREETING_START, GREETINGS, has_short_year, parse_date, parse_yes_no
from health.ages import age_in_years, birth_problem
from health.growth import Sex
from health.pregnancy import estimated_hpht, hpht_problem
from storage.members import name_key, name_problem, person_name

# Words a chat reads as commands or answers: never a member's name (`simpan`, `menu`, `lapor`...).
STEP_WORDS = frozenset({"simpan", "save", "ubah", "edit", "ganti", "koreksi", "selesai", "lanjut", "done", "ya",
                        "tidak", "ok", "oke", "lewat", "skip", "baru", "anggota baru", "hari ini", "kemarin"})
SHORT_YEAR_MAX_AGE = 80  # ⚠ project choice: an older age read from a two-digit year is asked back

PREGNANT_YES = frozenset({"hamil", "sedang hamil"})
PREGNANT_NO = frozenset({"tidak hamil", "tidak sedang hamil"})


def command_words() -> frozenset[str]:
    """Every flow trigger, global word (engine) and step word, in `name_key` form."""
    from bot import engine, flows  # late: the registry imports the flows that import this module

    found = set(STEP_WORDS) | engine.CANCEL | engine.HELP | engine.MENU | engine.STOP | engine.RESUME | engine.START
    for flow in flows.flows():
        found.update(flow.triggers)
    return frozenset(name_key(word) for word in found if name_key(word))


def read_name(text: str, ns: str) -> str:
    """A member's name; a command word (`simpan`, `menu`) or an over-long text is refused with its own reason."""
    problem = name_problem(text)
    if problem == "too_long":
        raise Invalid("report.name_too_long")
    name = person_name(text)
    if name is None:
        raise Invalid(f"{ns}.bad_name")
    key = name_key(name)
    if key in command_words():
        raise Invalid("report.name_is_command", word=name)
    if key in GREETINGS or GREETING_START.match(key):
        raise Invalid("report.name_is_greeting", word=name)
    return name


def read_sex(value: str) -> str | None:
    """'L' or 'P' from a button or a word (`perempuan`, `laki-laki`, `cewek`...); None when it is neither."""
    try:
        return Sex.parse(value).code
    except ValueError:
        return None


def _read_date(text: str, on: date, ns: str, problem: Callable[[date, date], str | None]) -> date:
    found = parse_date(text, on)
    if found is None:
        raise Invalid(f"{ns}.bad_date")
    reason = problem(found, on)
    if reason is not None:
        raise Invalid(f"{ns}.{reason}")
    return found


def read_birth(text: str, on: date, ns: str) -> date:
    """A birth date not after `on` and not more than 120 years before it.

    A two-digit year is read as the latest such year not after `on` (`17/8/24`
    is 2024); when that makes the person older than `SHORT_YEAR_MAX_AGE`
    (`17 agustus 29` -> 1929) the century is a guess, so it is asked back
    instead of stored: the answer with four digits is taken as written.
    """
    born = _read_date(text, on, ns, birth_problem)
    if has_short_year(text) and age_in_years(born, on) > SHORT_YEAR_MAX_AGE:
        raise Invalid("report.birth_year_check", date=born)
    return born


def read_pregnant(value: str) -> str | None:
    """'yes' / 'no' to "is she pregnant?" (also `hamil`, `tidak hamil`); None when it is neither."""
    return parse_yes_no(value, PREGNANT_YES, PREGNANT_NO)


def read_hpht(text: str, on: date, ns: str) -> date:
    """The first day of the last period: not after `on`, at most 44 weeks before it."""
    return _read_date(text, on, ns, hpht_problem)


UNKNOWN = re.compile(r"^(lupa|tidak tahu|tdk tahu|tidak tau|tdk tau|ga tau|gak tau|nggak tahu|belum tahu|"
                     r"tidak ingat|don'?t know|unknown|forgot)\b")
_AGE = re.compile(r"(?:hamil\s*|usia\s*(?:kehamilan\s*)?)?(\d{1,2})\s*(bulan|bln|minggu|mgg|mg|months?|weeks?)\b")
_HPL = re.compile(r"^(?:hpl|perkiraan lahir|taksiran persalinan|tp|due(?: date)?)\s*:?\s*(.+)$")


def read_hpht_or_estimate(text: str, on: date, ns: str) -> tuple[date, str | None]:
    """The HPHT as a date, or estimated (health.pregnancy.estimated_hpht) from `HPL 12-03-2027`,
    `hamil 5 bulan` or `20 minggu`: (HPHT, None | 'hpl' | 'weeks' | 'months').

    `lupa` / `tidak tahu` raise `Invalid({ns}.hpht_unknown)`, which asks for an estimate instead.
    """
    key = re.sub(r"\s+", " ", text.strip().lower())
    if UNKNOWN.match(key):
        raise Invalid(f"{ns}.hpht_unknown")
    if match := _HPL.match(key):
        due = parse_date(match.group(1), on, ahead=True)
        if due is None:
            raise Invalid(f"{ns}.bad_date")
        found = estimated_hpht(on, due=due)
        if found is None:
            raise Invalid(f"{ns}.hpl_impossible")
        return found
    if match := _AGE.search(key):
        number, unit = int(match.group(1)), match.group(2)
        months = unit.startswith(("bul", "bln", "mon"))
        found = estimated_hpht(on, months=number) if months else estimated_hpht(on, weeks=number)
        if found is None:
            raise Invalid(f"{ns}.age_impossible")
        return found
    return read_hpht(text, on, ns), None
