"""Permenkes No. 2 Tahun 2020 child nutrition categories (z-score cut-offs).

Why: the kader report, e-PPGBM-style recaps and referral flags must use the
Ministry's exact category names and one boundary convention everywhere.

Boundary convention (one rule for every index): a z-score lying exactly on a
cut-off belongs to the band nearer the median. That is exactly Permenkes'
wording "-3 SD s.d. < -2 SD", "-2 SD s.d. +1 SD", "> +1 SD s.d. +2 SD":
z = -3.00 is 'kurang', z = -2.00 is normal, z = +1.00 is normal, z = +2.00 is
'berisiko gizi lebih', z = +3.00 is 'gizi lebih'. Apply it to WHO's
2-decimal z (what `growth` returns), so we agree with WHO Anthro's display.

`health.nutrition` is the public face: it re-exports this table together
with the KMS rules (`kms`) and the referral reasons (`child_flags`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .category import Category, Severity
from .growth import ChildZ, SchoolZ

SOURCE_PERMENKES = (
    "Permenkes No. 2 Tahun 2020 tentang Standar Antropometri Anak, "
    "kategori dan ambang batas status gizi anak [S27][S28][S25]; ilp-domain 3.1"
)
SOURCE_REFER = "Juknis ILP 08-balita-masalah-gizi: Posyandu merujuk balita bermasalah gizi [S1]"
SOURCE_TBU_5_18 = (
    "(GK) ⚠ Permenkes 2/2020 classifies 5-18 y by IMT/U; TB/U 5-18 y here reuses "
    "the PB/U-TB/U cut-offs of 0-60 mo (WHO 2007 height-for-age, ilp-domain 3.1)"
)
SOURCE_IMTU_SEVERE = (
    "Permenkes No. 2 Tahun 2020 (GK ⚠: row absent from the ILP transcription) "
    "[S27]; ilp-domain 3.1"
)

N, W, S = Severity.NORMAL, Severity.WARNING, Severity.SEVERE


@dataclass(frozen=True, slots=True)
class ZBand:
    """One Permenkes row: z in band between z_low and z_high (None = open).

    Endpoint inclusion follows the module's convention (nearer the median).
    """

    index: str
    z_low: float | None
    z_high: float | None
    category: Category

    def contains(self, z: float) -> bool:
        if self.z_low is not None:
            if z < self.z_low or (self.z_low > 0 and z == self.z_low):
                return False
        if self.z_high is not None:
            if z > self.z_high or (self.z_high < 0 and z == self.z_high):
                return False
        return True


def _b(index: str, lo: float | None, hi: float | None, code: str, label_id: str,
       label_en: str, sev: Severity, refer: bool, source: str = SOURCE_PERMENKES) -> ZBand:
    src = source if not refer or source != SOURCE_PERMENKES else f"{source}; {SOURCE_REFER}"
    return ZBand(index, lo, hi, Category(index, code, label_id, label_en, sev, refer, src))


def _wasting_rows(index: str) -> list[ZBand]:
    return [
        _b(index, None, -3, "severely_wasted", "Gizi buruk", "Severely wasted", S, True),
        _b(index, -3, -2, "wasted", "Gizi kurang", "Wasted", W, True),
        _b(index, -2, 1, "normal", "Gizi baik", "Normal", N, False),
        _b(index, 1, 2, "possible_risk_of_overweight", "Berisiko gizi lebih",
           "Possible risk of overweight", W, False),
        _b(index, 2, 3, "overweight", "Gizi lebih", "Overweight", W, True),
        _b(index, 3, None, "obese", "Obesitas", "Obese", S, True),
    ]


def _stunting_rows(index: str, source: str = SOURCE_PERMENKES) -> list[ZBand]:
    return [
        _b(index, None, -3, "severely_stunted", "Sangat pendek", "Severely stunted",
           S, True, source),
        _b(index, -3, -2, "stunted", "Pendek", "Stunted", W, True, source),
        _b(index, -2, 3, "normal", "Normal", "Normal", N, False, source),
        # Permenkes footnote: usually not a problem unless an endocrine disorder.
        _b(index, 3, None, "tall", "Tinggi", "Tall", N, False, source),
    ]


# The whole Permenkes 2/2020 table as data: index -> ordered bands.
PERMENKES_2_2020: dict[str, tuple[ZBand, ...]] = {
    "bb_u": (
        _b("bb_u", None, -3, "severely_underweight", "Berat badan sangat kurang",
           "Severely underweight", S, True),
        _b("bb_u", -3, -2, "underweight", "Berat badan kurang", "Underweight", W, True),
        _b("bb_u", -2, 1, "normal", "Berat badan normal", "Normal weight", N, False),
        _b("bb_u", 1, None, "risk_of_overweight", "Risiko berat badan lebih",
           "Risk of overweight (check BB/PB or IMT/U)", W, False),
    ),
    "pb_tb_u": tuple(_stunting_rows("pb_tb_u")),
    "bb_pb_tb": tuple(_wasting_rows("bb_pb_tb")),
    "imt_u_0_60": tuple(_wasting_rows("imt_u_0_60")),
    "imt_u_5_18": (
        _b("imt_u_5_18", None, -3, "severely_thin", "Gizi buruk", "Severely thin",
           S, True, SOURCE_IMTU_SEVERE),
        _b("imt_u_5_18", -3, -2, "thin", "Gizi kurang", "Thin", W, True),
        _b("imt_u_5_18", -2, 1, "normal", "Gizi baik", "Normal", N, False),
        _b("imt_u_5_18", 1, 2, "overweight", "Gizi lebih", "Overweight", W, True),
        _b("imt_u_5_18", 2, None, "obese", "Obesitas", "Obese", S, True),
    ),
    "tb_u_5_18": tuple(_stunting_rows("tb_u_5_18", SOURCE_TBU_5_18)),
}

INDEX_LABELS: dict[str, tuple[str, str]] = {
    "bb_u": ("BB/U", "weight-for-age, 0-60 months"),
    "pb_tb_u": ("PB/U atau TB/U", "length/height-for-age, 0-60 months"),
    "bb_pb_tb": ("BB/PB atau BB/TB", "weight-for-length/height, 0-60 months"),
    "imt_u_0_60": ("IMT/U", "BMI-for-age, 0-60 months"),
    "imt_u_5_18": ("IMT/U", "BMI-for-age, 5-18 years"),
    "tb_u_5_18": ("TB/U", "height-for-age, 5-18 years"),
}


def classify(index: str, z: float | None) -> Category | None:
    """Permenkes category for a z-score of `index`; None if z is None."""
    if z is None:
        return None
    for band in PERMENKES_2_2020[index]:
        if band.contains(z):
            return band.category
    raise AssertionError(f"bands of {index} do not cover z={z}")  # table bug


def child_status(z: ChildZ) -> dict[str, Category]:
    """All Permenkes categories available for a 0-60 month result."""
    pairs = (("bb_u", z.waz), ("pb_tb_u", z.haz), ("bb_pb_tb", z.whz),
             ("imt_u_0_60", z.baz))
    return {index: cat for index, value in pairs
            if (cat := classify(index, value)) is not None}


def school_status(z: SchoolZ) -> dict[str, Category]:
    """Permenkes IMT/U (and TB/U ⚠) categories for 5-18 years."""
    pairs = (("imt_u_5_18", z.baz), ("tb_u_5_18", z.haz))
    return {index: cat for index, value in pairs
            if (cat := classify(index, value)) is not None}


__all__ = ["ZBand", "PERMENKES_2_2020", "INDEX_LABELS", "classify", "child_status",
           "school_status", "SOURCE_PERMENKES"]
