"""Member helpers shared by flows, imports and the seed: names and NIK as people write them, a member by id."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy.orm import Session

from health.nik import clean_nik, nik_problem
from storage.models import Member

MAX_NAME_LENGTH = 120  # the width of member.name and member.name_key


def name_key(name: str) -> str:
    """The searchable form of a name: lower case, ASCII letters, single spaces."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


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
