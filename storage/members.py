"""Member helpers shared by flows, imports and the seed: names and NIK as people write them, a member by id."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date
from typing import Protocol, Sequence, TypeVar

from rapidfuzz import fuzz

from sqlalchemy.orm import Session

from health.nik import clean_nik, nik_problem
from storage.models import Member

MAX_NAME_LENGTH = 120  # the width of member.name and member.name_key
SLIP_RATIO = 80  # rapidfuzz ratio of a typed word to a word of the name: `rahyu` ~ `rahayu` 91, `aisyh` ~ `aisyah` 91
SLIP_MIN_LETTERS = 5  # a short word differing by a letter is another name (Ani, Rani), not a slip

Named = TypeVar("Named", bound="HasNameKey")


def name_key(name: str) -> str:
    """The searchable form of a name: lower case, ASCII letters, single spaces."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


class HasNameKey(Protocol):
    """Any row with a searchable name (a member, or what a flow holds of one)."""

    @property
    def name_key(self) -> str: ...


def taken_as_typed(query: str, name: str) -> bool:
    """Whether one name found for `query` may be taken without asking: every word typed is a word of the name,
    as written or with a slip of the finger (`budi` for Budi Santoso, `siti rahyu`, `aisyh`). Never another name
    that shares a word: `lestari lestari` (a woman not yet registered) is not Lestari Santoso (a girl of four),
    and a report saved on the wrong person is worse than one more tap."""
    typed, left = name_key(query).split(), name_key(name).split()
    if not typed:
        return False
    for word in typed:  # each typed word takes a word of the name of its own, the closest first
        best = max(left, key=lambda known: fuzz.ratio(word, known), default=None)
        if best is None or (best != word and (len(word) < SLIP_MIN_LETTERS or fuzz.ratio(word, best) < SLIP_RATIO)):
            return False
        left.remove(best)
    return True


def sure_match(query: str, found: Sequence[Named]) -> Named | None:
    """The one member a search found, when it may be taken without asking (`taken_as_typed`); else None, and
    the caller offers the list (with *baru* where a new member can be added)."""
    return found[0] if len(found) == 1 and taken_as_typed(query, found[0].name_key) else None


def clean_name(name: str) -> str:
    """A name as it should be shown: trimmed, single spaces, capitalised words."""
    words = re.sub(r"\s+", " ", name.strip()).split(" ")
    return " ".join(w[:1].upper() + w[1:] if w.islower() or w.isupper() else w for w in words)


NAME_PUNCTUATION = set(" '.,-`’")  # Siti Nur'aini, Moh. Rizki, Anak-Agung


def name_problem(text: str) -> str | None:
    """Why the text cannot be a member's name: 'too_long', 'not_letters' (digits, emoji, symbols), or None."""
    name = clean_name(text)
    if len(name) > MAX_NAME_LENGTH:
        return "too_long"
    if len(name_key(name)) < 2 or any(not (ch.isalpha() or ch in NAME_PUNCTUATION) for ch in name):
        return "not_letters"
    return None


def person_name(text: str) -> str | None:
    """A member's name as typed (chat or CSV), cleaned; None when it cannot be a name.

    A name is letters (with spaces and ' . , -), no digits, emoji or symbols,
    fits the column (`MAX_NAME_LENGTH`) and has at least two characters in its
    `name_key`, by which members are searched and told apart.
    """
    return None if name_problem(text) else clean_name(text)


def normalise_nik(text: str | None) -> str | None:
    """A NIK as typed (spaces, dots and dashes allowed), when its structure can be one
    (`health.nik`: 16 digits, a province, a real birth date part); None otherwise."""
    digits = clean_nik(text)
    return digits if nik_problem(digits, date.max) is None else None


def member_by_id(session: Session, member_id: int) -> Member | None:
    """The member with this id (None: deleted meanwhile); whether the asker may see them is the caller's check
    (`storage.reporting.member_in_scope`)."""
    return session.get(Member, member_id)
