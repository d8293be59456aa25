"""Pseudonyms for logs: never write a phone number, chat id or message body in clear."""
from __future__ import annotations

import hashlib

_salt = "posyandu"


def configure(salt: str) -> None:
    """Set the deployment's salt (Settings.log_hash_salt) so pseudonyms differ between sites."""
    global _salt
    _salt = salt


def pseudonym(value: str | int | None) -> str:
    """A short stable hash of an identifier, good for correlating log lines only."""
    if value is None:
        return "-"
    return hashlib.sha256(f"{_salt}:{value}".encode()).hexdigest()[:10]
