"""One order for every list of cases (the bidan's `rujukan`, the kader's `kunjungan`): the more urgent level first,
then the more severe findings, by the categories' own severity (`health.labels`).

Apart from `health.urgency` because it reads every table's labels, and `health.labels` reads urgency's.
"""
from __future__ import annotations

from .labels import category_of
from .urgency import LEVELS

_SEVERITY_ORDER = {"severe": 0, "warning": 1}


def severity_rank(reasons: "list[str] | tuple[str, ...]") -> int:
    """How bad the worst of these findings (`index:code`) is: 0 severe (BGM, 2T, gizi buruk, hypertension in
    pregnancy...), 1 a warning (a single T, underweight...), 2 anything else; the categories' own severity."""
    ranks = [_SEVERITY_ORDER.get(c.severity.value, 2) for c in map(category_of, reasons) if c is not None]
    return min(ranks, default=2)


def case_priority(level: str | None, reasons: "list[str] | tuple[str, ...]") -> tuple[int, int]:
    """The order of two cases: the more urgent level first (today, then this week), then the more severe
    findings (a BGM child before a child with a single T). Both lists sort by it, so they never disagree."""
    return (LEVELS.index(level) if level in LEVELS else len(LEVELS), severity_rank(reasons))
