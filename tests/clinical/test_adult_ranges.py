"""Issue 16: an ordinary blood pressure is not asked back, and a high one is never hidden behind a low one.

ilp-domain 3.6 (Juknis ILP hypertension table): optimal is < 120 and < 80 with no lower bound; >= 140/90 in
pregnancy is hypertension in pregnancy; >= 180 and/or >= 110 is grade 3 ("and/or": the higher class wins).
"""
from __future__ import annotations

import pytest

from health.life_stage import LifeStage
from health.screening import bp_category
from health.validation import Accept, Confirm, check_bp, check_value


@pytest.mark.parametrize("pressure", ["100/58", "110/55", "95/62", "118/50", "90/60"])
def test_ordinary_pressures_are_not_asked_back(pressure):
    for stage in (LifeStage.DEWASA, LifeStage.IBU_HAMIL, LifeStage.LANSIA, LifeStage.REMAJA):
        verdict = check_bp(pressure, stage)
        assert isinstance(verdict, tuple) and all(isinstance(v, Accept) for v in verdict), (pressure, stage)


def test_alarming_pressures_are_still_asked_back():
    assert any(isinstance(v, Confirm) for v in check_bp("185/95", LifeStage.DEWASA))  # urgent: re-measure first
    assert any(isinstance(v, Confirm) for v in check_bp("150/115", LifeStage.DEWASA))
    assert any(isinstance(v, Confirm) for v in check_bp("70/35", LifeStage.DEWASA))


def test_no_soft_range_of_an_adult_asks_back_a_normal_value():
    # Normal adult values (ilp-domain 3.4-3.8): BMI-normal weight and height, waist <= 80/90, LiLA, glucose, Hb.
    normal = {"weight_kg": (45, 80), "height_cm": (145, 180), "waist_cm": (60, 90), "muac_cm": (23.5, 32),
              "systolic": (90, 139), "diastolic": (50, 89), "glucose_mgdl": (70, 139), "hb_gdl": (12, 16)}
    for field, (low, high) in normal.items():
        for value in (low, (low + high) / 2, high):
            text = str(int(value)) if field in ("systolic", "diastolic", "glucose_mgdl") else str(value)
            for stage in (LifeStage.DEWASA, LifeStage.LANSIA, LifeStage.IBU_HAMIL):
                assert isinstance(check_value(field, text, stage), Accept), (field, value, stage)


def test_a_low_pressure_never_hides_a_high_one():
    assert bp_category(150, 55, 30, 2, pregnant=True).code == "hypertension_in_pregnancy"
    assert bp_category(185, 55, 45, 1).code == "hypertension_grade_3"
    assert bp_category(150, 58, 45, 1).code == "isolated_systolic_hypertension"
    assert bp_category(145, 55, 30, 2, nifas=True).code == "hypertension_postpartum"
    assert bp_category(85, 55, 30, 2).code == "hypotension"  # still told: ask about complaints
