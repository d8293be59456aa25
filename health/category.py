"""The one result type every classifier in `health` returns.

Why: the bot, the reports and the referral logic all need the same few
facts about a classification (stable code, Indonesian/English label, how
bad it is, whether to refer, and where the cut-off comes from), so every
module returns this type instead of ad-hoc strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How worrying a category is; drives message tone, not clinical action."""

    NORMAL = "normal"
    WARNING = "warning"
    SEVERE = "severe"


@dataclass(frozen=True, slots=True)
class Category:
    """A classification result with its provenance.

    `refer` means the kader should refer/flag to the bidan or Puskesmas;
    `urgent` means same-day action (an "urgent message" in ilp-domain 2.3).
    """

    index: str  # what was classified, e.g. 'bb_u', 'bp_adult', 'hb'
    code: str  # stable ascii code, e.g. 'severely_underweight'
    label_id: str  # Indonesian label (exact source wording where one exists)
    label_en: str
    severity: Severity
    refer: bool
    source: str
    urgent: bool = False

    def __str__(self) -> str:
        return self.code
