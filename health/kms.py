"""KMS growth monitoring codes: N / T / O / B, KBM, 2T and BGM.

Why: the monthly weighing result a kader reports is judged against the
minimum weight gain (KBM) for the child's age; SKDN recaps count N, T, O, B,
2T and BGM, so these rules must be one tested implementation.

⚠ Buku KIA 2023 makes the direction of the growth line the primary
judgement and uses KBM only when it is ambiguous [S30]; we implement the KBM
rule only. The KBM month-by-month split is GK (see KBM_NOTE).
"""

from __future__ import annotations

from datetime import date

KBM_SOURCE = (
    "Buku KIA 2023 KMS page [S30] (row 800,900,800,600,500,400,300,200 g, merged "
    "cells) and classic KMS table as reproduced in apps [S31]; ilp-domain 3.2"
)
KBM_NOTE = (
    "⚠ GK for the exact month boundaries: some apps use 300 g already at 7 months; "
    "verify against a printed Buku KIA 2023/2024 and Juknis Penggunaan KMS Balita "
    "2021 [S33]. Keep configurable."
)
# (first month, last month, minimum gain in grams) by age at the current weighing.
KBM: tuple[tuple[int, int, int], ...] = (
    (1, 1, 800), (2, 2, 900), (3, 3, 800), (4, 4, 600), (5, 5, 500), (6, 6, 400),
    (7, 7, 400), (8, 8, 300), (9, 9, 300), (10, 10, 300), (11, 11, 200),
    (12, 60, 200),
)
GAIN_CODES = ("N", "T", "O", "B")
BGM_WAZ = -3.0  # red line ≈ -3 SD BB/U after Permenkes 2/2020 ⚠ (GK), ilp-domain 3.2
BGM_SOURCE = "KMS red line ≈ -3 SD BB/U (ilp-domain 3.2, GK ⚠) [S30][S34]"


KMS_MAX_MONTHS = 60  # the KMS (and its KBM table) is the balita's card: 0-60 completed months (ilp-domain 1.4, 3.2)


def applies(age_months: int) -> bool:
    """Whether a weighing at this age (completed months) is judged on the KMS (N/T/O/B): balita only.

    A pregnant woman, a school child, a remaja or a lansia weighed twice has a weight, not a KMS code."""
    return 0 <= age_months <= KMS_MAX_MONTHS


def kbm_grams(age_months: int, table: tuple[tuple[int, int, int], ...] = KBM) -> int:
    """Minimum gain in grams at this age (completed months, 1-60)."""
    for first, last, grams in table:
        if first <= age_months <= last:
            return grams
    raise ValueError(f"KBM is defined for 1-60 months, not {age_months}")


def months_between(previous: date, current: date) -> int:
    """Calendar months between two weighings (1 = previous calendar month)."""
    return (current.year - previous.year) * 12 + current.month - previous.month


def weight_gain(
    age_months: int,
    weight_kg: float,
    previous_weight_kg: float | None,
    months_since_previous: int | None,
    first_visit: bool,
    table: tuple[tuple[int, int, int], ...] = KBM,
) -> str:
    """KMS code for this weighing: 'N', 'T', 'O' or 'B' (ilp-domain 3.2).

    B: first weighing ever. O: no weighing in the previous calendar month
    (`months_since_previous` != 1). N: gain >= KBM for the current age,
    else T (a loss is T). Re-weighings in the same month should replace the
    earlier record, so months_since_previous < 1 is a ValueError.
    """
    if first_visit:
        return "B"
    if previous_weight_kg is None or months_since_previous is None:
        return "O"
    if months_since_previous < 1:
        raise ValueError("previous weighing must be from an earlier calendar month")
    if months_since_previous != 1:
        return "O"
    gain_g = round((weight_kg - previous_weight_kg) * 1000)
    return "N" if gain_g >= kbm_grams(age_months, table) else "T"


def is_2t(current: str | None, previous: str | None) -> bool:
    """Two consecutive T (this month and last month) [S32][S34]."""
    return current == "T" and previous == "T"


def is_bgm(waz: float | None) -> bool:
    """Below the red line (Bawah Garis Merah): BB/U z < -3."""
    return waz is not None and waz < BGM_WAZ
