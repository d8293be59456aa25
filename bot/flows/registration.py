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

from datetime import date
from typing import Callable

from bot.flows.base import Invalid
from bot.parsing import parse_date, parse_yes_no
from health.ages import birth_problem
from health.growth import Sex
from health.pregnancy import hpht_problem
from storage.members import person_name

PREGNANT_YES = frozenset({"hamil", "sedang hamil"})
PREGNANT_NO = frozenset({"tidak hamil", "tidak sedang hamil"})


def read_name(text: str, ns: str) -> str:
    name = person_name(text)
    if name is None:
        raise Invalid(f"{ns}.bad_name")
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
    """A birth date not after `on` and not more than 120 years before it."""
    return _read_date(text, on, ns, birth_problem)


def read_pregnant(value: str) -> str | None:
    """'yes' / 'no' to "is she pregnant?" (also `hamil`, `tidak hamil`); None when it is neither."""
    return parse_yes_no(value, PREGNANT_YES, PREGNANT_NO)


def read_hpht(text: str, on: date, ns: str) -> date:
    """The first day of the last period: not after `on`, at most 44 weeks before it."""
    return _read_date(text, on, ns, hpht_problem)
