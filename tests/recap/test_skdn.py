"""SKDN and the ILP counts against a register counted by hand (health/recap.py)."""
from datetime import date

import pytest

from health.recap import (
    Balita, Service, Visit, Weighing as W, fully_immunised, ilp_figures, is_balita_in_month, month_code, skdn,
)

NOV = (2026, 11)


def register() -> list[Balita]:
    """The hand-counted register of November 2026 (the comment says what each child is)."""
    return [
        # N in October (+300 g >= 200), T in November (+100 g < 200).
        Balita(1, "Ani", date(2025, 1, 10), (W(date(2026, 9, 5), 8.0), W(date(2026, 10, 5), 8.3),
                                              W(date(2026, 11, 5), 8.4))),
        # T in October (a loss), T again in November: 2T.
        Balita(2, "Budi", date(2024, 6, 1), (W(date(2026, 9, 5), 9.1), W(date(2026, 10, 5), 9.0),
                                              W(date(2026, 11, 5), 8.9))),
        # First weighing ever: B.
        Balita(3, "Citra", date(2025, 3, 3), (W(date(2026, 11, 5), 9.5),)),
        # Weighed in September, missed October: O (not judged), even though the weight went up.
        Balita(4, "Dewi", date(2024, 2, 2), (W(date(2026, 9, 5), 11.0), W(date(2026, 11, 5), 11.9))),
        # Registered, not weighed this month: K only.
        Balita(5, "Eka", date(2023, 5, 5), (W(date(2026, 10, 5), 12.0),)),
        # 60 completed months on 1 November: no longer a balita.
        Balita(6, "Fajar", date(2021, 11, 1), (W(date(2026, 10, 5), 17.0), W(date(2026, 11, 5), 17.0))),
        # Born this month and weighed: B, counted in K and D.
        Balita(7, "Gita", date(2026, 11, 2), (W(date(2026, 11, 20), 3.2),)),
        # Weighed twice in November: the last weighing counts (+300 g: N); BGM on that last weighing.
        Balita(8, "Hadi", date(2024, 8, 8), (W(date(2026, 10, 5), 8.0, -3.1), W(date(2026, 11, 2), 7.9, -3.3),
                                              W(date(2026, 11, 20), 8.3, -3.05)),
               {"bb_u": "severely_underweight", "pb_tb_u": "stunted"}),
        # One month old: KBM 800 g. Exactly +800 g is N.
        Balita(9, "Indah", date(2026, 10, 1), (W(date(2026, 10, 3), 3.5), W(date(2026, 11, 3), 4.3)),
               {"bb_pb_tb": "wasted"}),
        # One month old, +700 g < 800 g: T (but not 2T: October was B).
        Balita(10, "Joko", date(2026, 10, 1), (W(date(2026, 10, 3), 3.5), W(date(2026, 11, 3), 4.2))),
        # Born after the month: not counted.
        Balita(11, "Kiki", date(2026, 12, 1), ()),
    ]


def test_month_codes_counted_by_hand():
    kids = {c.name: c for c in register()}
    codes = {name: month_code(c.birth, c.weighings, *NOV) for name, c in kids.items()}
    assert codes == {"Ani": "T", "Budi": "T", "Citra": "B", "Dewi": "O", "Eka": None, "Fajar": "T",
                     "Gita": "B", "Hadi": "N", "Indah": "N", "Joko": "T", "Kiki": None}
    assert month_code(kids["Ani"].birth, kids["Ani"].weighings, 2026, 10) == "N"


def test_skdn_counted_by_hand():
    r = skdn(register(), *NOV)
    # K: everyone but Fajar (60 months) and Kiki (not born): 9.
    assert (r.K, r.S, r.s_source) == (9, 9, "registered")
    # D: Ani, Budi, Citra, Dewi, Gita, Hadi, Indah, Joko = 8 (Eka not weighed).
    assert r.D == 8
    assert (r.N, r.T, r.O, r.B) == (2, 3, 1, 2)
    assert r.N + r.T + r.O + r.B == r.D
    assert (r.T2, r.BGM) == (1, 1)
    assert r.names_T == ("Ani", "Budi", "Joko")
    assert r.names_2T == ("Budi",)
    assert r.names_BGM == ("Hadi",)
    assert (r.stunted, r.wasted, r.underweight) == (1, 1, 1)
    ratios = r.ratios
    assert ratios["D/K"] == pytest.approx(88.9)
    assert ratios["N/D"] == 25.0
    assert ratios["N/(D-O-B)"] == 40.0  # 2 / (8 - 1 - 2)
    assert ratios["BGM/D"] == 12.5


def test_target_is_used_for_s_and_named():
    r = skdn(register(), *NOV, target=12)
    assert (r.S, r.s_source) == (12, "target")
    assert r.ratios["D/S"] == pytest.approx(66.7)
    assert r.ratios["K/S"] == 75.0


def test_empty_month_is_honest():
    r = skdn([], *NOV)
    assert (r.S, r.K, r.D, r.N) == (0, 0, 0, 0)
    assert all(v is None for v in r.ratios.values())


def test_only_o_and_b_give_no_judged_ratio():
    kids = [Balita(1, "A", date(2026, 1, 1), (W(date(2026, 11, 5), 8.0),))]
    r = skdn(kids, *NOV)
    assert r.ratios["N/(D-O-B)"] is None and r.ratios["N/D"] == 0.0


def test_2t_needs_two_consecutive_months():
    # T in September, O-gap in October (not weighed), T-looking loss in November is O: no 2T.
    kids = [Balita(1, "A", date(2025, 1, 1), (W(date(2026, 8, 5), 9.0), W(date(2026, 9, 5), 8.9),
                                              W(date(2026, 11, 5), 8.8)))]
    r = skdn(kids, *NOV)
    assert (r.T, r.O, r.T2) == (0, 1, 0)


def test_balita_bounds():
    assert is_balita_in_month(date(2021, 11, 2), *NOV)  # 59 months on 1 November
    assert not is_balita_in_month(date(2021, 11, 1), *NOV)
    assert is_balita_in_month(date(2026, 11, 30), *NOV)
    assert not is_balita_in_month(date(2026, 12, 1), *NOV)


def test_fully_immunised_counts_the_month_it_completes():
    basic = ["HB0", "BCG", "OPV1", "OPV2", "OPV3", "OPV4", "DPT-HB-HIB1", "DPT-HB-HIB2", "DPT-HB-HIB3", "IPV1"]
    assert fully_immunised(basic, ["MR1"])
    assert not fully_immunised(basic + ["MR1"], ["PCV3"])  # already complete before
    assert not fully_immunised(basic[:-1], ["MR1"])  # IPV1 still missing


def test_ilp_figures_count_people_not_visits():
    visits = [
        Visit(1, frozenset({"ibu_hamil", "dewasa"}), {"lila_bumil": "kek", "hb": "mild_anaemia"}, True, 100),
        Visit(1, frozenset({"ibu_hamil", "dewasa"}), {"lila_bumil": "kek"}, False, 100),
        Visit(2, frozenset({"ibu_hamil", "remaja"}), {"td_bumil": "hypertension_in_pregnancy"}, True, 101),
        Visit(3, frozenset({"remaja"}), {"hb": "no_anaemia"}, True, 101),
        Visit(4, frozenset({"lansia"}), {"td_dewasa": "hypertension_grade_2", "glukosa_gds": "diabetes_range"},
              ptm_measured=True),
        Visit(5, frozenset({"dewasa"}), {"imt_ap": "obese_1", "td_dewasa": "normal"}, ptm_measured=True),
        Visit(6, frozenset({"ibu_nifas", "dewasa"}), {}),
    ]
    services = [Service(1, "ANC4"), Service(2, "ANC1"), Service(6, "KF2"), Service(7, "MR1"), Service(7, "VITA"),
                Service(8, "VITA"), Service(8, "CACING"), Service(3, "TTD", "remaja"), Service(1, "TTD", "ibu_hamil")]
    f = ilp_figures(visits, services, idl_completed=1, referrals_opened=3, referrals_handled=2)
    assert f.groups["ibu_hamil"] == {"seen": 2, "K1": 1, "K2": 0, "K3": 0, "K4": 1, "K5": 0, "K6": 0, "kek": 1,
                                     "anaemia": 1, "hypertension": 1}
    assert f.groups["ibu_nifas"] == {"seen": 1, "KF1": 0, "KF2": 1, "KF3": 0, "KF4": 0}
    assert f.groups["bayi_balita"] == {"doses": 1, "idl": 1, "vitamin_a": 2, "deworming": 1}
    assert f.groups["remaja"] == {"seen": 2, "hb_screened": 2, "anaemia": 0, "ttd": 1}
    # PTM screening (Klaster 3): adults with a screening measurement, not the pregnant or postpartum (Klaster 2)
    assert f.groups["dewasa_lansia"] == {"screened": 2, "lansia": 1, "hypertension": 1, "high_glucose": 1,
                                         "obesity": 1}
    assert f.groups["posyandu"] == {"referrals_opened": 3, "referrals_handled": 2, "kaders_reported": 2}


@pytest.mark.parametrize("text,expected", [
    ("", (None, "")),
    ("november", ((2026, 11), "")),
    ("desember", ((2025, 12), "")),          # the latest December, not a future one
    ("des 2026", ((2026, 12), "")),
    ("2026-10", ((2026, 10), "")),
    ("10/2026", ((2026, 10), "")),
    ("bulan lalu", ((2026, 10), "")),
    ("last month", ((2026, 10), "")),
    ("bulan ini", (None, "")),
    ("oktober MAWAR7", ((2026, 10), "mawar7")),
    ("2026-13", ((0, 0), "")),
    ("besok", (None, "besok")),
])
def test_months_as_people_type_them(text, expected):
    from bot.flows.rekap import parse_month

    assert parse_month(text, date(2026, 11, 22)) == expected


def test_january_last_month_is_december_of_the_year_before():
    from bot.flows.rekap import parse_month

    assert parse_month("bulan lalu", date(2027, 1, 3)) == ((2026, 12), "")
