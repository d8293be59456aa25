"""One item's failure never blocks the others: how the clock's jobs log and count what failed.

Why: the clock's jobs loop over posyandu, households, referrals and puskesmas; a bug
or one record's bad data must cost that item only (rolled back alone, logged, counted,
tried again at the next run), never the rest of the zone. Logs name the item by a
pseudonym or an id and the exception's class and place, never its message: a
database error's text carries the statement's parameters (names, phone numbers,
message texts), and a value error may quote a value.
"""
from __future__ import annotations

import logging
from typing import Any

from bot.privacy import pseudonym
from storage.db import failure_label

__all__ = ["failure_label", "log_failure"]


def log_failure(log: logging.Logger, what: str, key: Any, exc: BaseException, *, private: bool = True) -> None:
    """One line per failed item: what (`monthly recap of posyandu`), which (pseudonymised unless `private` is
    False, for places), why (class and place only). The run goes on; the next run tries it again."""
    shown = pseudonym(key) if private else key
    log.error("%s %s failed: %s; the others went on, it is tried again at the next run", what, shown,
              failure_label(exc))
