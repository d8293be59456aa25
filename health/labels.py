"""Words for a stored code: `bb_u:severely_underweight` -> "Berat badan sangat kurang" / "Severely underweight".

Why: visits store their findings as stable codes (`index:code` flags, `{index: code}` statuses), and every
file or list a kader, bidan or TPG reads must show the category's own label instead (issue 16: codes in the
XLSX and the CSV). The labels are the classifiers' own (`health.category.Category`), found once in every table
of health/, so a new category is labelled the day it is added; a code no table knows is None, and the caller
says so in words rather than showing the code.
"""
from __future__ import annotations

from functools import lru_cache
from types import ModuleType
from typing import Any, Iterator

from .category import Category


def _modules() -> list[ModuleType]:
    from . import child_flags, nutrition, permenkes, pregnancy, screening  # noqa: F401 (tables live there)
    from . import growth, kms, urgency, visit

    return [permenkes, screening, child_flags, nutrition, pregnancy, growth, kms, urgency, visit]


def _walk(value: Any, depth: int = 0) -> Iterator[Category]:
    if depth > 4:
        return
    if isinstance(value, Category):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item, depth + 1)
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _walk(item, depth + 1)
    elif hasattr(value, "category") and isinstance(getattr(value, "category", None), Category):
        yield value.category


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Category]:
    """Every category of health/'s tables by its `index:code`."""
    from .child_flags import _IMPLAUSIBLE_LABELS, implausible
    from .screening import HB_CUTOFFS, hb_category

    found: dict[str, Category] = {}
    for module in _modules():
        for name, value in vars(module).items():
            if name.startswith("__"):
                continue
            for category in _walk(value):
                found.setdefault(f"{category.index}:{category.code}", category)
    made = [implausible(name) for name in _IMPLAUSIBLE_LABELS]  # built by functions, not kept in a table
    made += [hb_category(hb, group) for group in HB_CUTOFFS for hb in (5.0, 8.0, 10.0, 11.0, 12.0, 16.0)]
    for category in made:
        found.setdefault(f"{category.index}:{category.code}", category)
    return found


def category_of(code: str) -> Category | None:
    """The category behind a stored flag `index:code` (or None when no table of health/ has it)."""
    return catalogue().get(code)


def status_category(index: str, code: str) -> Category | None:
    """The category behind a stored status (`statuses[index] == code`)."""
    return catalogue().get(f"{index}:{code}")
