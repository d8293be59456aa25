"""Permenkes 2/2020 categories, KMS weight gain and growth flags.

Expected labels and cut-offs are Permenkes' own wording (ilp-domain 3.1/3.2),
not values read back from our table.
"""

from datetime import date

import pytest

from health.category import Severity
from health.growth import ChildZ, child_zscores
from health.nutrition import (
    KBM, PERMENKES_2_2020, classify, child_status, growth_flags, is_2t, is_bgm,
    kbm_grams, months_between, school_status, weight_gain,
)
from health.growth import SchoolZ

# (index, z, expected Indonesian label) straight from Permenkes 2/2020.
BOUNDARIES = [
    ("bb_u", -3.01, "Berat badan sangat kurang"),
    ("bb_u", -3.00, "Berat badan kurang"),
    ("bb_u", -2.01, "Berat badan kurang"),
    ("bb_u", -2.00, "Berat badan normal"),
    ("bb_u", 1.00, "Berat badan normal"),
    ("bb_u", 1.01, "Risiko berat badan lebih"),
    ("pb_tb_u", -3.01, "Sangat pendek"),
    ("pb_tb_u", -3.00, "Pendek"),
    ("pb_tb_u", -2.00, "Normal"),
    ("pb_tb_u", 3.00, "Normal"),
    ("pb_tb_u", 3.01, "Tinggi"),
    ("bb_pb_tb", -3.01, "Gizi buruk"),
    ("bb_pb_tb", -3.00, "Gizi kurang"),
    ("bb_pb_tb", -2.00, "Gizi baik"),
    ("bb_pb_tb", 1.00, "Gizi baik"),
    ("bb_pb_tb", 1.01, "Berisiko gizi lebih"),
    ("bb_pb_tb", 2.00, "Berisiko gizi lebih"),
    ("bb_pb_tb", 2.01, "Gizi lebih"),
    ("bb_pb_tb", 3.00, "Gizi lebih"),
    ("bb_pb_tb", 3.01, "Obesitas"),
    ("imt_u_0_60", -3.5, "Gizi buruk"),
    ("imt_u_0_60", 2.5, "Gizi lebih"),
    ("imt_u_5_18", -3.01, "Gizi buruk"),
    ("imt_u_5_18", -3.00, "Gizi kurang"),
    ("imt_u_5_18", -2.00, "Gizi baik"),
    ("imt_u_5_18", 1.00, "Gizi baik"),
    ("imt_u_5_18", 1.01, "Gizi lebih"),
    ("imt_u_5_18", 2.00, "Gizi lebih"),
    ("imt_u_5_18", 2.01, "Obesitas"),
    ("tb_u_5_18", -2.50, "Pendek"),
]


@pytest.mark.parametrize("index,z,label", BOUNDARIES)
def test_permenkes_boundaries(index, z, label):
    assert classify(index, z).label_id == label


def test_every_category_has_source_and_ascii_code():
    for index, bands in PERMENKES_2_2020.items():
        for band in bands:
            cat = band.category
            assert cat.index == index and cat.code.isascii() and " " not in cat.code
            assert "Permenkes" in cat.source or "GK" in cat.source
            assert cat.label_en


@pytest.mark.parametrize("index", sorted(PERMENKES_2_2020))
def test_bands_cover_every_z_without_overlap(index):
    for step in range(-1000, 1001):
        z = step / 100
        hits = [b for b in PERMENKES_2_2020[index] if b.contains(z)]
        assert len(hits) == 1, (index, z, hits)


def test_severity_and_referral():
    assert classify("bb_pb_tb", -3.5).severity is Severity.SEVERE
    assert classify("bb_pb_tb", -3.5).refer
    assert classify("pb_tb_u", -2.5).refer  # stunting -> Juknis: rujuk
    assert not classify("bb_u", 0).refer
    assert not classify("bb_pb_tb", 1.5).refer
    assert classify("bb_u", None) is None


def test_child_and_school_status():
    z = ChildZ(waz=-2.5, haz=-3.2, whz=0.0, baz=0.1)
    status = child_status(z)
    assert status["bb_u"].code == "underweight"
    assert status["pb_tb_u"].code == "severely_stunted"
    assert set(status) == {"bb_u", "pb_tb_u", "bb_pb_tb", "imt_u_0_60"}
    s = school_status(SchoolZ(haz=0.0, baz=2.5))
    assert s["imt_u_5_18"].code == "obese"


# ---------------------------------------------------------------- KMS
def test_kbm_table_matches_domain_doc():
    expected = {1: 800, 2: 900, 3: 800, 4: 600, 5: 500, 6: 400, 7: 400, 8: 300,
                9: 300, 10: 300, 11: 200, 12: 200, 24: 200, 60: 200}
    assert {m: kbm_grams(m) for m in expected} == expected
    with pytest.raises(ValueError):
        kbm_grams(0)
    with pytest.raises(ValueError):
        kbm_grams(61)
    assert KBM[0] == (1, 1, 800)


@pytest.mark.parametrize("age,now,before,expected", [
    (2, 5.9, 5.0, "N"),   # +900 g = KBM at 2 months
    (2, 5.899, 5.0, "T"),  # 899 g
    (7, 8.4, 8.0, "N"),   # +400 g
    (7, 8.3, 8.0, "T"),   # +300 g < 400 g (classic table, ⚠)
    (12, 9.7, 9.5, "N"),  # +200 g
    (12, 9.6, 9.5, "T"),
    (30, 12.0, 12.3, "T"),  # loss
])
def test_weight_gain_n_t(age, now, before, expected):
    assert weight_gain(age, now, before, 1, False) == expected


def test_weight_gain_o_and_b():
    assert weight_gain(5, 7.0, None, None, True) == "B"
    assert weight_gain(5, 7.0, 6.0, 1, True) == "B"
    assert weight_gain(5, 7.0, 6.0, 2, False) == "O"
    assert weight_gain(5, 7.0, None, None, False) == "O"
    with pytest.raises(ValueError):
        weight_gain(5, 7.0, 6.9, 0, False)


def test_months_between_is_calendar_months():
    assert months_between(date(2026, 1, 31), date(2026, 2, 1)) == 1
    assert months_between(date(2026, 1, 1), date(2026, 2, 28)) == 1
    assert months_between(date(2025, 12, 15), date(2026, 2, 1)) == 2


def test_2t_and_bgm():
    assert is_2t("T", "T") and not is_2t("T", "N") and not is_2t("T", "O")
    assert is_bgm(-3.01) and not is_bgm(-3.0) and not is_bgm(None)


# ------------------------------------------------------------ flags
def codes(flags):
    return [f.code for f in flags]


def test_growth_flags_t_and_2t():
    assert codes(growth_flags(age_months=10, gain="T", previous_gain="N")) == [
        "weight_not_gaining"]
    assert codes(growth_flags(age_months=10, gain="T", previous_gain="T")) == ["two_t"]
    assert growth_flags(age_months=10, gain="N") == ()


def test_growth_flags_bgm_and_categories():
    z = ChildZ(waz=-3.4, haz=-2.5, whz=-3.2, baz=-3.0)
    got = codes(growth_flags(age_months=20, z=z))
    assert "bgm" in got and "stunted" in got and "severely_wasted" in got
    assert "severely_underweight" not in got  # reported once, as BGM
    assert got.index("bgm") < got.index("stunted")  # severe first


def test_growth_flags_orange_line_and_muac():
    got = codes(growth_flags(age_months=20, z=ChildZ(waz=1.5), muac_cm=11.4))
    assert "above_orange_line" in got and "muac_severe" in got
    assert "muac_moderate" in codes(growth_flags(age_months=20, muac_cm=12.0))
    assert growth_flags(age_months=20, muac_cm=12.5) == ()
    assert growth_flags(age_months=5, muac_cm=10.0) == ()  # LiLA cut-offs: 6-59 mo


def test_growth_flags_implausible_values_are_reported_not_classified():
    z = child_zscores(1, 400, weight_kg=40, length_cm=75, position="L")
    assert "waz" in z.flags
    got = codes(growth_flags(age_months=13, z=z))
    assert "implausible_waz" in got
    assert "above_orange_line" not in got and "risk_of_overweight" not in got
    assert all(f.source for f in growth_flags(age_months=13, z=z))
