"""Failures the simulator finds that are bugs listed in issue 16 and being fixed on other branches.

The invariants stay strict: a violation is only let through when it matches an entry here, and each entry
names the issue bullet it belongs to. The lead removes an entry after merging its fix; the simulator then
holds the line. Anything not matched here fails the run.
"""
from __future__ import annotations

import re

# key -> (issue 16 bullet, invariant, a regular expression the violation's detail matches)
# Empty since the fixes of issue 16 were merged (December 2026): every violation fails the run.
KNOWN_OPEN: dict[str, tuple[str, str, str]] = {
}


def known(invariant: str, detail: str) -> str | None:
    """The KNOWN_OPEN key this violation belongs to, or None."""
    for key, (_bullet, invariants, pattern) in KNOWN_OPEN.items():
        if re.fullmatch(invariants, invariant) and re.search(pattern, detail):
            return key
    return None
