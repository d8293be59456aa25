"""Which health problem a referral reason belongs to: the unit the bidan follows up and closes.

Why one table: the bidan's queue holds one open referral per member and
problem. A child's wasting and the same child's next weighing are one case (a
new visit updates it); a grandmother's blood pressure and her glucose are two
(each is followed up, and closed with its own outcome, on its own path: the PTM
clinic, the lab, the nutrition programme). A problem is a health area of the
ILP cluster services, read from the category index of each reason code
(`index:code`, health.category); nothing else decides it.

Sources: Juknis ILP 2023 service packages per life-cycle cluster (ilp-domain
3.1-3.9): child growth and nutrition (3.1-3.3), pregnancy care (3.7-3.8),
PTM screening of blood pressure, glucose and obesity (3.4-3.6), anaemia
(2.3, Hb). Adult and school-age nutrition share one problem: thinness and
obesity are one status (IMT), followed up at the same counselling.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """A health area: the category indices it covers and the measured items the bidan needs to see for it."""

    code: str
    indices: frozenset[str]
    items: tuple[str, ...]  # measured values shown for it (bot.referral_text.VALUE_ITEMS)
    why: str


def _p(code: str, indices: str, items: str, why: str) -> Problem:
    return Problem(code, frozenset(indices.split()), tuple(items.split()), why)


PROBLEMS: tuple[Problem, ...] = (
    _p("gizi_anak", "bb_u pb_tb_u bb_pb_tb imt_u_0_60 growth_flag lila_balita imt_u_5_18 tb_u_5_18",
       "weight height head muac", "Child growth and nutrition: weighing, length/height and MUAC read together "
       "(Permenkes 2/2020; ilp-domain 3.1-3.3)"),
    _p("kehamilan", "pregnancy lila_bumil lila_wus", "muac weight",
       "Pregnancy risk other than blood pressure and Hb: KEK, post-term (ANC, ilp-domain 3.7-3.8)"),
    _p("tekanan_darah", "td_anak td_remaja td_dewasa td_bumil td_nifas", "bp",
       "Blood pressure at every age, in pregnancy and nifas too: one measurement, one follow-up "
       "(PTM 3.6; pre-eclampsia, 3.6)"),
    _p("gula_darah", "glukosa_gds glukosa_gdp", "glucose", "Blood glucose (PTM screening, ilp-domain 3.6)"),
    _p("anemia", "hb", "hb", "Anaemia by Hb (WHO 2024 Hb cut-offs; ilp-domain 2.3)"),
    _p("gizi_dewasa", "imt_ap imt_pgs lingkar_perut lila_lansia", "weight height waist muac",
       "Adult and elderly nutrition: IMT, waist, elderly MUAC (PTM obesity screening, ilp-domain 3.4-3.5; SKILAS)"),
)
OTHER = "lain"  # a reason whose index is in no row (a test keeps every index of health/ in a row)

_BY_INDEX = {index: problem.code for problem in PROBLEMS for index in problem.indices}
_BY_CODE = {problem.code: problem for problem in PROBLEMS}


def problem_of(reason: str) -> str:
    """The problem of a reason code such as 'bb_pb_tb:severely_wasted'."""
    return _BY_INDEX.get(reason.split(":", 1)[0], OTHER)


def problem(code: str) -> Problem | None:
    return _BY_CODE.get(code)


def by_problem(reasons: list[str]) -> dict[str, list[str]]:
    """The reasons grouped by problem, in the order they came (the most urgent first)."""
    out: dict[str, list[str]] = {}
    for reason in reasons:
        out.setdefault(problem_of(reason), []).append(reason)
    return out
