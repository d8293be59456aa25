"""How soon a finding needs the bidan: `today`, this `week`, or no referral (None).

Why one table: the kader's summary heading, the family's advice, the bidan's
alert and the referral queue must agree on what cannot wait, and each level
needs its source. A referral flag not listed here is `week` (the Posyandu
refers it; the bidan sees the child within the week: ilp-domain 3.1-3.8,
Juknis ILP 08-balita-masalah-gizi [S1]). A finding that is not referred
(counselling, re-check) has no level.

⚠ Disputed rows are marked; docs/health.md lists them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .feeding import SIX_MONTHS_DAYS

TODAY, WEEK = "today", "week"
LEVELS = (TODAY, WEEK)
# Under 6 months (WHO 2023 wasting guideline: infants < 6 months): age_days < 183, the same boundary as the
# schedules' months (ceil(6 x 30.4375) = 183 is the first day of 6 months), the feeding advice and PMT.
INFANT_DAYS = SIX_MONTHS_DAYS

SRC_SAM = ("Gizi buruk: same-day referral for inpatient/outpatient care, Pedoman Pencegahan & Tatalaksana Gizi "
           "Buruk pada Balita, Kemenkes 2019 [S35]; WHO 2013 SAM guideline; ilp-domain 3.1, 3.3")
SRC_INFANT = ("WHO guideline on the prevention and management of wasting and nutritional oedema, 2023: infants "
              "< 6 months with wasting or underweight are at risk and are referred at once ⚠ (GK)")
SRC_BP_PREG = ("(GK) ilp-domain 3.6: >= 140/90 in pregnancy -> same-day referral (pre-eclampsia risk); "
               "kept in nifas, where pre-eclampsia can still start ⚠ (health.screening.SRC_BP_NIFAS)")
SRC_BP_CRISIS = "(GK) ilp-domain 2.3: >= 180/110 -> urgent message"
SRC_HB = "(GK) ilp-domain 2.3: Hb < 7 g/dL -> urgent"
SRC_GLUCOSE = "(GK) ilp-domain 2.3: glucose < 70 or >= 300 mg/dL -> urgent message"
SRC_POST_TERM = "ilp-domain 2.3: > 42 weeks -> post-term alert; WHO ICD >= 42 completed weeks"
# A miscarriage reported at the posyandu: the bidan follows it up as postabortion care (WHO Abortion care
# guideline 2022, post-abortion care: check bleeding, fever, pain; contraception counselling; Juknis ILP
# klaster 2 ibu: follow-up of an ended pregnancy). No danger sign is known from the report itself: this week.
MISCARRIAGE = "pregnancy:miscarriage"
SRC_MISCARRIAGE = ("WHO Abortion care guideline 2022 (post-abortion care, follow-up visit); Juknis ILP klaster 2 "
                   "[S1]: the bidan follows up an ended pregnancy ⚠ (GK: level 'week' without a reported danger sign)")


@dataclass(frozen=True, slots=True)
class Rule:
    """Flags (`index:code`) at this level, optionally only under an age or below a measured value."""

    codes: frozenset[str]
    level: str
    source: str
    max_age_days: int | None = None  # only for someone younger than this
    below: tuple[str, float] | None = None  # only when this value is below the threshold


def _rule(codes: str, level: str, source: str, max_age_days: int | None = None,
          below: tuple[str, float] | None = None) -> Rule:
    return Rule(frozenset(codes.split()), level, source, max_age_days, below)


URGENCY: tuple[Rule, ...] = (
    # Danger signs: the bidan sees them today.
    _rule("bb_pb_tb:severely_wasted imt_u_0_60:severely_wasted lila_balita:muac_severe", TODAY, SRC_SAM),
    _rule("bb_pb_tb:wasted imt_u_0_60:wasted growth_flag:bgm bb_u:underweight", TODAY, SRC_INFANT,
          max_age_days=INFANT_DAYS),
    _rule("td_bumil:hypertension_in_pregnancy td_nifas:hypertension_postpartum", TODAY, SRC_BP_PREG),
    _rule("td_dewasa:hypertension_grade_3", TODAY, SRC_BP_CRISIS),
    _rule("hb:severe_anaemia hb:moderate_anaemia", TODAY, SRC_HB, below=("hb_gdl", 7.0)),
    _rule("glukosa_gds:hypoglycaemia glukosa_gdp:hypoglycaemia glukosa_gds:very_high glukosa_gdp:very_high",
          TODAY, SRC_GLUCOSE),
    _rule("pregnancy:post_term", TODAY, SRC_POST_TERM),
)


def level_of(code: str, refer: bool, age_days: int, values: Mapping[str, float | None] | None = None) -> str | None:
    """The level of one flag for this person: `today`, `week` (any other referral) or None (no referral)."""
    if not refer:
        return None
    for rule in URGENCY:
        if code not in rule.codes:
            continue
        if rule.max_age_days is not None and age_days >= rule.max_age_days:
            continue
        if rule.below is not None:
            value = (values or {}).get(rule.below[0])
            if value is None or float(value) >= rule.below[1]:
                continue
        return rule.level
    return WEEK


def overall(levels: list[str | None]) -> str | None:
    """The visit's urgency: the most urgent of its flags."""
    for level in LEVELS:
        if level in levels:
            return level
    return None
