"""The month's recap of a posyandu: SKDN for balita and the ILP figures per life-cycle group.

Why pure: these are counting rules (ilp-domain §5.1-5.2, data-out §2.4) that a
puskesmas checks by hand against the register, so they are tested against
hand-counted registers, apart from the queries that gather the records
(`storage/recap.py`).

Rules, as implemented:

* A child counts as a balita in the month (K) when registered at the posyandu,
  born on or before the month's last day and under 60 completed months on its
  first day (ilp-domain 1.4: bayi_balita 0-59 months).
* D: a K child with a weight recorded in the month (at the posyandu or a home
  visit, chat or import alike). When weighed twice, the month's last weighing counts.
* N/T/O/B of the month's weighing is recomputed from the whole weighing series
  with `health.kms.weight_gain` (B: no earlier weighing at all; O: none in the
  previous calendar month; N/T: the KBM of the age at this weighing), so an
  import of an older month corrects the codes stored at save time.
* 2T: T this month and T last month (`kms.is_2t`); BGM: this month's BB/U z
  below the red line (`kms.is_bgm`).
* S: the sasaran set by the bidan or puskesmas for the posyandu, else K ("registered").
* Ratios in per cent; N/(D-O-B) is reported beside N/D because O and B cannot be judged (§5.1 ⚠).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Sequence

from .ages import age_in_months
from .kms import applies, is_2t, is_bgm, months_between, weight_gain
from .schedules import RULES
from .life_stage import LifeStage

SOURCE = "SKDN: ilp-domain 5.1 [S64][S65][S66]; KMS N/T/O/B, 2T, BGM: ilp-domain 3.2 [S30][S32][S34]"
BALITA_MONTHS = 60

# Imunisasi dasar lengkap (IDL) before the first birthday, as counted by the programme before PCV/RV were
# added nationally ⚠ (GK: some puskesmas already count PCV1-2 and RV1-3; the set is data, a setting may add them).
IDL_CODES: frozenset[str] = frozenset({
    "HB0", "BCG", "OPV1", "OPV2", "OPV3", "OPV4", "DPT-HB-HIB1", "DPT-HB-HIB2", "DPT-HB-HIB3", "IPV1", "MR1",
})
IDL_SOURCE = "Imunisasi dasar lengkap: Juknis ILP 06-imunisasi-rutin [S1], ilp-domain 4.1 (⚠ PCV/RV inclusion GK)"
# Every childhood dose code of the national schedule (the once-only rules anchored at birth, neonatal visits aside).
IMMUNISATION_CODES: frozenset[str] = frozenset(
    r.code for r in RULES
    if r.anchor == "birth" and r.every == "once" and r.life_stage is LifeStage.BAYI_BALITA
    and not r.code.startswith("KN"))

STUNTED = frozenset({"stunted", "severely_stunted"})
WASTED = frozenset({"wasted", "severely_wasted"})
UNDERWEIGHT = frozenset({"underweight", "severely_underweight"})
ANAEMIA = frozenset({"mild_anaemia", "moderate_anaemia", "severe_anaemia"})
ADULT_HT = frozenset({"hypertension_grade_1", "hypertension_grade_2", "hypertension_grade_3",
                      "isolated_systolic_hypertension"})
HIGH_GLUCOSE = frozenset({"diabetes_range", "very_high"})
OBESE = frozenset({"obese_1", "obese_2", "obese"})


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a calendar month."""
    first = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


@dataclass(frozen=True)
class Weighing:
    """One weight of a child on a day, with its BB/U z-score when WHO gives one."""

    on: date
    weight_kg: float
    waz: float | None = None


@dataclass(frozen=True)
class Balita:
    """A registered child and every weighing on record (any order), with the month's statuses."""

    key: int
    name: str
    birth: date
    weighings: tuple[Weighing, ...] = ()
    statuses: dict[str, str] = field(default_factory=dict)  # Permenkes categories of the month's last visit


def _last_per_month(weighings: Iterable[Weighing]) -> dict[tuple[int, int], Weighing]:
    out: dict[tuple[int, int], Weighing] = {}
    for w in sorted(weighings, key=lambda w: w.on):
        out[(w.on.year, w.on.month)] = w
    return out


def month_code(birth: date, weighings: Sequence[Weighing], year: int, month: int) -> str | None:
    """N, T, O or B of the child's weighing in this month (its last one), None when not weighed.

    None as well when the weighing is not a balita's (older than the KMS, `kms.applies`): the rule is the
    balita's card, never an adult's or a school child's (ilp-domain 3.2).
    """
    return _code(birth, _last_per_month(weighings), year, month)


def month_codes(birth: date, weighings: Sequence[Weighing], months: Iterable[tuple[int, int]]
                ) -> dict[tuple[int, int], str | None]:
    """`month_code` of several months of one child, the weighings sorted once (a 12-month trend)."""
    by_month = _last_per_month(weighings)
    return {(year, month): _code(birth, by_month, year, month) for year, month in months}


def _code(birth: date, by_month: dict[tuple[int, int], Weighing], year: int, month: int) -> str | None:
    current = by_month.get((year, month))
    if current is None or current.on < birth or not applies(age_in_months(birth, current.on)):
        return None
    earlier = [w for key, w in by_month.items() if key < (year, month)]
    if not earlier:
        return "B"
    previous = max(earlier, key=lambda w: w.on)
    months = months_between(previous.on, current.on)
    # KBM starts at 1 month: a baby weighed in its birth month is judged as a 1-month-old (as health.visit does).
    return weight_gain(max(1, age_in_months(birth, current.on)), current.weight_kg, previous.weight_kg, months,
                       False)


def _pct(numerator: int, denominator: int) -> float | None:
    return None if denominator <= 0 else round(100.0 * numerator / denominator, 1)


@dataclass(frozen=True)
class Skdn:
    """SKDN and the KMS counts of one posyandu-month, with the names behind the problem counts."""

    S: int
    s_source: str  # "target" (sasaran set by the bidan/puskesmas) | "registered" (K used as S)
    K: int
    D: int
    N: int
    T: int
    O: int
    B: int
    T2: int
    BGM: int
    names_T: tuple[str, ...]
    names_2T: tuple[str, ...]
    names_BGM: tuple[str, ...]
    stunted: int = 0
    wasted: int = 0
    underweight: int = 0

    @property
    def ratios(self) -> dict[str, float | None]:
        """Per cent, one decimal; None where the denominator is zero."""
        return {
            "K/S": _pct(self.K, self.S), "D/S": _pct(self.D, self.S), "N/D": _pct(self.N, self.D),
            "N/S": _pct(self.N, self.S), "D/K": _pct(self.D, self.K),
            "N/(D-O-B)": _pct(self.N, self.D - self.O - self.B),
            "BGM/D": _pct(self.BGM, self.D), "2T/D": _pct(self.T2, self.D),
        }


def is_balita_in_month(birth: date, year: int, month: int) -> bool:
    first, last = month_bounds(year, month)
    return birth <= last and age_in_months(birth, max(first, birth)) < BALITA_MONTHS


def skdn(children: Sequence[Balita], year: int, month: int, target: int | None = None) -> Skdn:
    """The SKDN of one posyandu for one month from its registered children (§5.1)."""
    prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
    counts = {"D": 0, "N": 0, "T": 0, "O": 0, "B": 0, "T2": 0, "BGM": 0, "stunted": 0, "wasted": 0,
              "underweight": 0}
    names: dict[str, list[str]] = {"T": [], "2T": [], "BGM": []}
    k = 0
    for child in sorted(children, key=lambda c: (c.name.lower(), c.key)):
        if not is_balita_in_month(child.birth, year, month):
            continue
        k += 1
        by_month = _last_per_month(child.weighings)  # sorted once for the month, the one before and BGM
        code = _code(child.birth, by_month, year, month)
        if code is None:
            continue
        counts["D"] += 1
        counts[code] += 1
        if code == "T":
            names["T"].append(child.name)
        if is_2t(code, _code(child.birth, by_month, prev_year, prev_month)):
            counts["T2"] += 1
            names["2T"].append(child.name)
        last = by_month[(year, month)]
        if is_bgm(last.waz):
            counts["BGM"] += 1
            names["BGM"].append(child.name)
        counts["stunted"] += child.statuses.get("pb_tb_u") in STUNTED
        counts["wasted"] += child.statuses.get("bb_pb_tb") in WASTED
        counts["underweight"] += child.statuses.get("bb_u") in UNDERWEIGHT
    s, source = (target, "target") if target is not None and target > 0 else (k, "registered")
    return Skdn(S=s, s_source=source, K=k, D=counts["D"], N=counts["N"], T=counts["T"], O=counts["O"],
                B=counts["B"], T2=counts["T2"], BGM=counts["BGM"], names_T=tuple(names["T"]),
                names_2T=tuple(names["2T"]), names_BGM=tuple(names["BGM"]), stunted=counts["stunted"],
                wasted=counts["wasted"], underweight=counts["underweight"])


# -- the ILP figures (§5.2) --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Visit:
    """One visit of the month: who, in which life stage(s), the Permenkes/screening statuses, Hb measured."""

    member: int
    stages: frozenset[str]
    statuses: dict[str, str] = field(default_factory=dict)
    hb_measured: bool = False
    reporter: int | None = None
    ptm_measured: bool = False  # a PTM screening measurement: BP, glucose, waist or weight (Juknis ILP Klaster 3)


@dataclass(frozen=True)
class Service:
    """One service given in the month (a dose, a capsule, an ANC or nifas contact)."""

    member: int
    code: str
    stage: str | None = None  # the member's life stage on that day, where it matters (TTD)


@dataclass(frozen=True)
class IlpFigures:
    """The monthly figures a puskesmas wants per life-cycle group (ilp-domain 5.2), as ordered counts."""

    groups: dict[str, dict[str, int]]

    def get(self, group: str, item: str) -> int:
        return self.groups[group][item]


def fully_immunised(codes_before: Iterable[str], codes_in_month: Iterable[str],
                    required: frozenset[str] = IDL_CODES) -> bool:
    """Whether the child's basic set was completed this month (last missing dose given in the month)."""
    before = set(codes_before)
    return not required <= before and required <= before | set(codes_in_month)


def ilp_figures(visits: Sequence[Visit], services: Sequence[Service], idl_completed: int,
                referrals_opened: int, referrals_handled: int) -> IlpFigures:
    """Count people (not visits) per group; a person seen twice in the month counts once."""
    def people(stage: str, pred=lambda v: True) -> int:  # type: ignore[no-untyped-def]
        return len({v.member for v in visits if stage in v.stages and pred(v)})

    def status_in(index: str, codes: frozenset[str]):  # type: ignore[no-untyped-def]
        return lambda v: v.statuses.get(index) in codes

    def given(pred) -> int:  # type: ignore[no-untyped-def]
        return len({(s.member, s.code) for s in services if pred(s)})

    def adults(pred=lambda v: True) -> int:  # type: ignore[no-untyped-def]
        return len({v.member for v in visits if v.stages & {"dewasa", "lansia"} and pred(v)})

    def screened() -> int:
        """Klaster 3's PTM screening: adults and elderly, not a pregnant or postpartum woman (her BP is ANC or
        a nifas check, Klaster 2), with a screening measurement: the same rule as the level recap."""
        return len({v.member for v in visits if v.stages & {"dewasa", "lansia"}
                    and not v.stages & {"ibu_hamil", "ibu_nifas"} and v.ptm_measured})

    hamil = "ibu_hamil"
    groups: dict[str, dict[str, int]] = {
        "ibu_hamil": {
            "seen": people(hamil),
            **{f"K{i}": given(lambda s, i=i: s.code == f"ANC{i}") for i in range(1, 7)},
            "kek": people(hamil, status_in("lila_bumil", frozenset({"kek"}))),
            "anaemia": people(hamil, status_in("hb", ANAEMIA)),
            "hypertension": people(hamil, status_in("td_bumil", frozenset({"hypertension_in_pregnancy"}))),
        },
        "ibu_nifas": {
            "seen": people("ibu_nifas"),
            **{f"KF{i}": given(lambda s, i=i: s.code == f"KF{i}") for i in range(1, 5)},
        },
        "bayi_balita": {
            "doses": given(lambda s: s.code in IMMUNISATION_CODES),
            "idl": idl_completed,
            "vitamin_a": given(lambda s: s.code == "VITA"),
            "deworming": given(lambda s: s.code == "CACING"),
        },
        "remaja": {
            "seen": people("remaja"),
            "hb_screened": people("remaja", lambda v: v.hb_measured),
            "anaemia": people("remaja", status_in("hb", ANAEMIA)),
            "ttd": given(lambda s: s.code == "TTD" and s.stage == "remaja"),
        },
        "dewasa_lansia": {
            "screened": screened(),
            "lansia": people("lansia"),
            "hypertension": adults(status_in("td_dewasa", ADULT_HT)),
            "high_glucose": adults(lambda v: v.statuses.get("glukosa_gds") in HIGH_GLUCOSE
                                   or v.statuses.get("glukosa_gdp") in HIGH_GLUCOSE),
            "obesity": adults(lambda v: v.statuses.get("imt_ap") in OBESE or v.statuses.get("imt_pgs") in OBESE),
        },
        "posyandu": {
            "referrals_opened": referrals_opened,
            "referrals_handled": referrals_handled,
            "kaders_reported": len({v.reporter for v in visits if v.reporter is not None}),
        },
    }
    return IlpFigures(groups)
