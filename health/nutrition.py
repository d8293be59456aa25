"""Child nutrition: Permenkes 2/2020 categories, KMS weight gain and the
referral reasons after a weighing (ilp-domain 3.1-3.3).

Why a facade: each rule set lives in its own small module (`permenkes`,
`kms`, `child_flags`); callers import them from here as one "nutrition" API.

Boundary convention (all indices): a z-score exactly on a cut-off belongs to
the band nearer the median, which is Permenkes' own wording; see `permenkes`.
"""

from .child_flags import ORANGE_LINE_WAZ, REASONS, growth_flags
from .kms import (
    BGM_SOURCE, BGM_WAZ, KBM, KBM_NOTE, KBM_SOURCE, is_2t, is_bgm, kbm_grams,
    months_between, weight_gain,
)
from .permenkes import (
    INDEX_LABELS, PERMENKES_2_2020, SOURCE_PERMENKES, ZBand, child_status, classify,
    school_status,
)

__all__ = [
    "ZBand", "PERMENKES_2_2020", "INDEX_LABELS", "SOURCE_PERMENKES", "classify",
    "child_status", "school_status", "KBM", "KBM_NOTE", "KBM_SOURCE", "BGM_WAZ",
    "BGM_SOURCE", "kbm_grams", "weight_gain", "months_between", "is_2t", "is_bgm",
    "growth_flags", "REASONS", "ORANGE_LINE_WAZ",
]
