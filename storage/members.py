"""Member helpers shared by flows, imports and the seed."""
from __future__ import annotations

import re
import unicodedata


def name_key(name: str) -> str:
    """The searchable form of a name: lower case, ASCII letters, single spaces."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def clean_name(name: str) -> str:
    """A name as it should be shown: trimmed, single spaces, capitalised words."""
    words = re.sub(r"\s+", " ", name.strip()).split(" ")
    return " ".join(w[:1].upper() + w[1:] if w.islower() or w.isupper() else w for w in words)
