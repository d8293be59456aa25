"""What a young child is fed and given, by age: the one "6 months" boundary of feeding advice and PMT.

Under 6 months a baby gets breast milk only (ASI eksklusif): no other food or drink, so no PMT
(supplementary food); a baby who does not grow is helped by lactation counselling and referred (WHO/UNICEF
infant and young child feeding; Buku KIA 2023 [S30]; WHO guideline on wasting, 2023: infants < 6 months at risk
are assessed and supported in breastfeeding, not given supplementary food). PMT for balita starts at 6 months
(Kemenkes, Petunjuk Teknis PMT Lokal 2023: sasaran balita 6-59 bulan; ilp-domain 2.2: MT for gizi kurang).
"""
from __future__ import annotations

import math

DAYS_PER_MONTH = 30.4375
SIX_MONTHS_DAYS = math.ceil(6 * DAYS_PER_MONTH)  # 183: the first day of 6 months (as health.schedules counts)
TWO_YEARS_DAYS = 731  # WHO: 24 months is day 731 (health.growth.LENGTH_TABLE_LAST_DAY + 1)
PMT_FROM_DAYS = SIX_MONTHS_DAYS
SOURCE = ("WHO/UNICEF IYCF; Buku KIA 2023 [S30]; WHO wasting guideline 2023 (infants < 6 months: breastfeeding "
          "support, referral); Juknis PMT Lokal Kemenkes 2023 (balita 6-59 bulan) (GK)")


def exclusive_breastfeeding(age_days: int) -> bool:
    """Under 6 months: breast milk only."""
    return age_days < SIX_MONTHS_DAYS


def pmt_for_balita(age_days: int) -> bool:
    """Whether PMT (supplementary food) is for a balita of this age: from 6 months, never before."""
    return age_days >= PMT_FROM_DAYS
