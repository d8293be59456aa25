"""Target populations (sasaran) of a desa for a year, and the PWS reading of a coverage.

Why data: every coverage figure (K1, persalinan oleh nakes, IDL...) is "people served / sasaran".
A desa's sasaran comes from the puskesmas (Dinkes' data sasaran, a village census); where nobody set
one, the national estimation ratios below give it from the desa's population, and every figure says
which ("ditetapkan" / "perkiraan"). The ratios are a table, not code: a district changes them here.

Sources of the estimation ratios:
* Kemenkes, Pedoman Pemantauan Wilayah Setempat Kesehatan Ibu dan Anak (PWS KIA), 2010, and
  Pusdatin Kemenkes, "Data Penduduk Sasaran Program Pembangunan Kesehatan" (2011; renewed by
  Kepmenkes HK.02.02/MENKES/117/2015 for 2015-2019): ibu hamil = 1,10 x CBR x penduduk;
  ibu bersalin = ibu nifas = 1,05 x CBR x penduduk; bayi (lahir hidup) = CBR x penduduk.
  The worked examples of PWS KIA teaching material use exactly these (e.g. "sasaran ibu hamil =
  1,10 x 0,019 x 2000 = 42, dibulatkan ke atas").
* CBR (angka kelahiran kasar): 16 per 1000, about Indonesia's figure in BPS's projections after the
  2020 census ⚠ (GK; a kabupaten uses its own BPS figure: `CBR` below or `TARGET_CBR` in docs/health.md).
* Proportions of the population for balita, baduta, remaja putri, usia 15-59 and lansia ⚠ (GK): the
  Pusdatin tables give them per province from BPS projections; the national shape is about balita
  8-9 %, baduta ~3,5 %, remaja putri 10-18 y ~7 %, 15-59 y ~66 %, 60+ ~11 %. A desa's own count
  (`sasaran-desa`) always wins.
* Rounding: PWS KIA rounds every estimated sasaran up ("pembulatan selalu ke atas").
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

SOURCE = ("Pedoman PWS KIA (Kemenkes 2010); Pusdatin, Data Penduduk Sasaran Program Pembangunan Kesehatan "
          "(2011), Kepmenkes HK.02.02/MENKES/117/2015")

CBR = 0.016  # ⚠ GK: births per person per year; a setting per kabupaten is better (docs/health.md)

# group -> (multiplier of CBR x penduduk, or None, share of the population, or None)
ESTIMATES: dict[str, tuple[float | None, float | None]] = {
    "bumil": (1.10, None),        # ibu hamil (K1, K4, K6)
    "bulin": (1.05, None),        # ibu bersalin (persalinan di fasyankes / oleh nakes)
    "bufas": (1.05, None),        # ibu nifas (KF lengkap)
    "bayi": (1.00, None),         # bayi lahir hidup (KN lengkap, IDL)
    "baduta": (None, 0.035),      # anak 12-24 bulan (imunisasi baduta lengkap) ⚠ GK
    "balita": (None, 0.085),      # 0-59 bulan (S of SKDN where no posyandu sasaran) ⚠ GK
    "remaja_putri": (None, 0.07),  # 10-18 tahun perempuan (TTD remaja) ⚠ GK
    "usia_produktif": (None, 0.66),  # 15-59 tahun (skrining PTM) ⚠ GK
    "lansia": (None, 0.11),       # >= 60 tahun ⚠ GK
}
GROUPS: tuple[str, ...] = tuple(ESTIMATES)
POPULATION = "penduduk"


@dataclass(frozen=True)
class Target:
    """A sasaran and where it comes from: 'set' (the puskesmas or bidan), 'estimated' (ratios), 'none'."""

    count: int | None
    source: str

    def __add__(self, other: "Target") -> "Target":
        if self.count is None and other.count is None:
            return Target(None, "none")
        sources = {self.source, other.source} - {"none"}
        source = sources.pop() if len(sources) == 1 else "mixed"
        return Target((self.count or 0) + (other.count or 0), source)


def estimate(group: str, population: int, cbr: float = CBR) -> int:
    """The national default sasaran of a group from a population, rounded up as PWS KIA does."""
    multiplier, share = ESTIMATES[group]
    raw = multiplier * cbr * population if multiplier is not None else (share or 0.0) * population
    return math.ceil(round(raw, 6))


def desa_targets(set_counts: Mapping[str, int], cbr: float = CBR) -> dict[str, Target]:
    """Every group's sasaran of one desa-year: the set one, else estimated from `penduduk`, else none."""
    population = set_counts.get(POPULATION)
    out: dict[str, Target] = {}
    for group in GROUPS:
        if group in set_counts:
            out[group] = Target(set_counts[group], "set")
        elif population:
            out[group] = Target(estimate(group, population, cbr), "estimated")
        else:
            out[group] = Target(None, "none")
    return out


# -- PWS KIA ---------------------------------------------------------------------------------------------------
# The indicators of the PWS KIA per desa, each with its sasaran group and the year's target coverage (%).
# Targets: SPM kesehatan (Permenkes 4/2019) asks every ibu hamil, bersalin, bayi baru lahir and balita to be
# served, i.e. 100 %; a kabupaten sets its Renstra figure here ⚠ (GK).
PWS_INDICATORS: tuple[tuple[str, str, float], ...] = (
    ("K1", "bumil", 100.0),
    ("K4", "bumil", 100.0),
    ("K6", "bumil", 100.0),
    ("persalinan_nakes", "bulin", 100.0),
    ("persalinan_faskes", "bulin", 100.0),
    ("kf_lengkap", "bufas", 100.0),
    ("kn_lengkap", "bayi", 100.0),
    ("idl", "bayi", 100.0),
)


def coverage(count: int, target: int | None) -> float | None:
    """Per cent with one decimal; None without a sasaran."""
    return None if not target else round(100.0 * count / target, 1)


def expected_cumulative(year_target_pct: float, month: int) -> float:
    """Where the cumulative coverage should be by the end of `month` on a linear path to the year's target."""
    return round(year_target_pct * month / 12, 1)


def trend(this_month: float | None, last_month: float | None) -> str:
    """'up', 'down' or 'same' (the month's coverage against last month's); '' when either is unknown."""
    if this_month is None or last_month is None:
        return ""
    return "up" if this_month > last_month else "down" if this_month < last_month else "same"


def pws_status(cumulative: float | None, expected: float, trend_word: str) -> str:
    """The PWS KIA reading of a desa (Pedoman PWS KIA 2010): above the line and rising 'baik', above
    and falling 'kurang', below and rising 'cukup', below and falling 'jelek'; '' without a sasaran."""
    if cumulative is None or not trend_word:
        return ""
    rising = trend_word in ("up", "same")
    if cumulative >= expected:
        return "baik" if rising else "kurang"
    return "cukup" if rising else "jelek"


def rank(rows: list[dict[str, Any]], key: str = "cumulative_pct") -> list[dict[str, Any]]:
    """Desa ordered as the PWS graph orders them: highest cumulative coverage first, no sasaran last; the
    rank (1 = best) is written into each row; equal coverage shares a rank."""
    ordered = sorted(rows, key=lambda r: (r[key] is None, -(r[key] or 0.0), r.get("name", "")))
    previous, place = object(), 0
    for i, row in enumerate(ordered, 1):
        if row[key] != previous:
            place, previous = i, row[key]
        row["rank"] = place if row[key] is not None else None
    return ordered
