"""Rolling posyandu figures up to desa, puskesmas and kabupaten, with coverage against sasaran and PWS KIA.

Why pure: the sums and ratios are what a puskesmas checks by hand ("the desa is the sum of its
posyandu"), so they are computed here from per-posyandu counts (`storage/levels.py` gathers them)
and tested without a database.

* Counts (SKDN, cluster figures) of a unit are the sums of its posyandu; ratios are recomputed from
  the sums (never averaged).
* S of SKDN is the sum of the posyandu's S; its source is 'target' when every posyandu has a set
  sasaran, 'registered' when none has, else 'mixed'.
* Sasaran of the clusters are per desa (`health.targets`): a desa has its own; a puskesmas or a
  kabupaten the sum of its desa's. A posyandu has none (only its balita S).
* PWS KIA (Pedoman PWS KIA 2010): per desa and indicator, the month's count and coverage, the
  cumulative since January and its coverage, the line it should have reached by now, the trend
  against last month, the reading (baik/kurang/cukup/jelek) and the rank by cumulative coverage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Any, Mapping, Sequence

from . import targets as sasaran
from .ages import age_in_months
from .kms import is_bgm, weight_gain
from .recap import STUNTED, UNDERWEIGHT, WASTED, is_balita_in_month

LEVELS = ("posyandu", "desa", "puskesmas", "kabupaten")
# The figures of the ILP clusters, in the order every file shows them (ilp-domain 5.2, data-out 2.5).
KLASTER_2 = ("K1", "K4", "K6", "bumil_seen", "bumil_kek", "bumil_anaemia", "persalinan", "persalinan_faskes",
             "persalinan_nakes", "persalinan_unknown", "kf_lengkap", "kn_lengkap", "idl", "baduta_lengkap",
             "balita_S", "balita_D", "balita_T", "gizi_kurang", "underweight", "stunting", "wasting",
             "remaja_seen", "remaja_anaemia", "remaja_ttd")
KLASTER_3 = ("ptm_screened", "dewasa_screened", "bp_measured", "glucose_measured", "hypertension", "diabetes", "obesity",
             "lansia_screened")
FIGURES = KLASTER_2 + KLASTER_3
# Which sasaran each figure is a coverage of (health.targets groups).
FIGURE_TARGETS = {
    "K1": "bumil", "K4": "bumil", "K6": "bumil", "persalinan_faskes": "bulin", "persalinan_nakes": "bulin",
    "kf_lengkap": "bufas", "kn_lengkap": "bayi", "idl": "bayi", "baduta_lengkap": "baduta",
    "balita_D": "balita", "remaja_ttd": "remaja_putri", "dewasa_screened": "usia_produktif",
    "lansia_screened": "lansia",
}
SKDN_COUNTS = ("S", "K", "D", "N", "T", "O", "B", "2T", "BGM", "stunted", "wasted", "underweight", "gizi_kurang")


@dataclass(slots=True)
class Child:
    """A balita for the month's SKDN, reduced to what N/T/O/B and 2T need: the last weighing of each month
    of a three-month window (month index -> (day, kg, BB/U z)) and whether it was weighed before it."""

    birth: date
    months: dict[int, tuple[date, float, float | None]] = field(default_factory=dict)
    earlier: bool = False
    statuses: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=8192)
def _balita(birth: date, year: int, month: int) -> bool:
    return is_balita_in_month(birth, year, month)


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_code(child: Child, index: int) -> str | None:
    """`health.recap.month_code` on the reduced series (a test compares both on random registers):
    B no earlier weighing at all, O none in the previous calendar month, else N/T by the KBM."""
    current = child.months.get(index)
    if current is None:
        return None
    previous = child.months.get(index - 1)
    if previous is None:
        return "O" if child.earlier or any(k < index for k in child.months) else "B"
    return weight_gain(max(1, age_in_months(child.birth, current[0])), current[1], previous[1], 1, False)


def skdn_counts(children: Sequence[Child], year: int, month: int, target: int | None) -> dict[str, Any]:
    """The counts of `health.recap.skdn` (without the names) from reduced children, plus gizi kurang."""
    index = month_index(year, month)
    c: dict[str, Any] = dict.fromkeys(("K", "D", "N", "T", "O", "B", "2T", "BGM", "stunted", "wasted", "underweight",
                       "gizi_kurang"), 0)
    for child in children:
        if not _balita(child.birth, year, month):
            continue
        c["K"] += 1
        code = month_code(child, index)
        if code is None:
            continue
        c["D"] += 1
        c[code] += 1
        if code == "T" and month_code(child, index - 1) == "T":
            c["2T"] += 1
        if is_bgm(child.months[index][2]):
            c["BGM"] += 1
        st = child.statuses
        c["stunted"] += st.get("pb_tb_u") in STUNTED
        c["wasted"] += st.get("bb_pb_tb") in WASTED
        c["underweight"] += st.get("bb_u") in UNDERWEIGHT
        c["gizi_kurang"] += st.get("bb_pb_tb") == "wasted"
    if target is not None and target > 0:
        c["S"], c["s_source"] = target, "target"
    else:
        c["S"], c["s_source"] = c["K"], "registered"
    return c


def pct(numerator: int, denominator: int | None) -> float | None:
    return None if not denominator or denominator <= 0 else round(100.0 * numerator / denominator, 1)


def skdn_ratios(s: Mapping[str, int]) -> dict[str, float | None]:
    """The ratios of ilp-domain 5.1 from summed counts (both N/D and N/(D-O-B), §5.1 ⚠)."""
    return {"K/S": pct(s["K"], s["S"]), "D/S": pct(s["D"], s["S"]), "N/D": pct(s["N"], s["D"]),
            "N/S": pct(s["N"], s["S"]), "D/K": pct(s["D"], s["K"]),
            "N/(D-O-B)": pct(s["N"], s["D"] - s["O"] - s["B"]), "BGM/D": pct(s["BGM"], s["D"]),
            "2T/D": pct(s["2T"], s["D"])}


def _sum(rows: Sequence[Mapping[str, int]], keys: Sequence[str]) -> dict[str, int]:
    return {k: sum(int(r.get(k) or 0) for r in rows) for k in keys}


def _s_source(sources: set[str]) -> str:
    return sources.pop() if len(sources) == 1 else "mixed" if sources else "registered"


def _unit(level: str, ident: Any, name: str, code: str | None, members: Sequence[Any], data: Mapping[str, Any],
          targets: Mapping[int, Mapping[str, sasaran.Target]], figures: Sequence[str],
          figure_targets: Mapping[str, str]) -> dict[str, Any]:
    ids = [p.id for p in members]
    skdn_rows = [data["skdn"].get(i, {}) for i in ids]
    skdn: dict[str, Any] = _sum(skdn_rows, SKDN_COUNTS)
    skdn["s_source"] = _s_source({r["s_source"] for r in skdn_rows if r})
    month = _sum([data["month"].get(i, {}) for i in ids], figures)
    ytd: dict[str, Any] = _sum([data["ytd"].get(i, {}) for i in ids], figures)
    prev = _sum([data["prev"].get(i, {}) for i in ids], figures) if data.get("prev") else None
    # The balita of the clusters in the month are SKDN's (S, D, T and nutrition at the month's last visit).
    month.update({"balita_S": skdn["S"], "balita_D": skdn["D"], "balita_T": skdn["T"],
                  "stunting": skdn["stunted"], "wasting": skdn["wasted"], "underweight": skdn["underweight"],
                  "gizi_kurang": skdn["gizi_kurang"]})
    ytd["balita_S"], ytd["balita_T"] = skdn["S"], None  # T is a month's reading; the year has none
    unit_targets: dict[str, sasaran.Target] = {}
    if level != "posyandu":
        for group in sasaran.GROUPS:
            total = sasaran.Target(None, "none")
            for desa_id in sorted({p.desa_id for p in members}):
                total = total + targets.get(desa_id, {}).get(group, sasaran.Target(None, "none"))
            unit_targets[group] = total
    coverage = {}
    for figure, group in figure_targets.items():
        target = unit_targets.get(group, sasaran.Target(None, "none"))
        coverage[figure] = {"target": target.count, "source": target.source,
                            "month": sasaran.coverage(month[figure], target.count),
                            "ytd": sasaran.coverage(ytd[figure], target.count),
                            "prev": sasaran.coverage(prev[figure], target.count) if prev else None}
    first = members[0]
    return {
        "level": level, "id": ident, "name": name, "code": code or "", "posyandu": len(ids),
        "desa": first.desa, "puskesmas": first.puskesmas or "", "kabupaten": first.kabupaten or "",
        "within": {"desa": first.desa_id, "puskesmas": first.puskesmas_id, "kabupaten": first.kabupaten_id},
        "skdn": skdn, "ratios": skdn_ratios(skdn), "month": month, "ytd": ytd, "prev": prev,
        "targets": {g: {"count": t.count, "source": t.source} for g, t in unit_targets.items()},
        "coverage": coverage,
    }


def group_by_level(places: Sequence[Any], level: str) -> list[tuple[tuple[Any, str, str | None], list[Any]]]:
    groups: dict[Any, tuple[tuple[Any, str, str | None], list[Any]]] = {}
    for p in places:
        key = p.key(level)
        groups.setdefault(key[0], (key, []))[1].append(p)
    return sorted(groups.values(), key=lambda g: (g[0][1] or "", str(g[0][0])))


def pws(desa_units: Sequence[Mapping[str, Any]], month: int) -> dict[str, list[dict[str, Any]]]:
    """PWS KIA per indicator: one row per desa, ranked by cumulative coverage (best first)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for indicator, _group, year_target in sasaran.PWS_INDICATORS:
        expected = sasaran.expected_cumulative(year_target, month)
        rows = []
        for unit in desa_units:
            cov = unit["coverage"][indicator]
            word = sasaran.trend(cov["month"], cov["prev"])
            rows.append({"name": unit["name"], "code": unit["code"], "target": cov["target"],
                         "source": cov["source"], "month_count": unit["month"][indicator], "month_pct": cov["month"],
                         "prev_count": (unit["prev"] or {}).get(indicator), "prev_pct": cov["prev"],
                         "trend": word, "cumulative_count": unit["ytd"][indicator], "cumulative_pct": cov["ytd"],
                         "expected_pct": expected, "gap_pct": None if cov["ytd"] is None else round(
                             cov["ytd"] - expected, 1),
                         "status": sasaran.pws_status(cov["ytd"], expected, word)})
        out[indicator] = sasaran.rank(rows)
    return out


def build(places: Sequence[Any], data: Mapping[str, Any], targets: Mapping[int, Mapping[str, sasaran.Target]],
          level: str, code: str | None, year: int, month: int) -> dict[str, Any]:
    """The whole recap: units of every level from posyandu up to `level`, the total, and PWS KIA per desa."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    levels: dict[str, list[dict[str, Any]]] = {}
    for lvl in LEVELS[:LEVELS.index(level) + 1]:
        levels[lvl] = [_unit(lvl, key[0], key[1], key[2], members, data, targets, FIGURES, FIGURE_TARGETS)
                       for key, members in group_by_level(places, lvl)]
    top = levels[level]
    return {
        "level": level, "code": code or "", "year": year, "month": month,
        "scope": top[0]["name"] if len(top) == 1 else "", "empty": not places,
        "levels": levels, "pws": pws(levels["desa"], month) if "desa" in levels else {},
        "figures": {"klaster_2": list(KLASTER_2), "klaster_3": list(KLASTER_3)},
    }
