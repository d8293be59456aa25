"""Screening cut-offs against ilp-domain 3.3-3.8 (source tables)."""

import pytest

from health.category import Severity
from health.screening import (
    adult_bmi_category, anaemia_group, bmi, bp_category, glucose_category, hb_category,
    muac_category, waist_category,
)


@pytest.mark.parametrize("group,age,value,code", [
    ("balita", 6, 11.4, "muac_severe"),
    ("balita", 59, 11.5, "muac_moderate"),
    ("balita", 30, 12.4, "muac_moderate"),
    ("balita", 30, 12.5, "normal"),
    ("ibu_hamil", None, 23.4, "kek"),
    ("ibu_hamil", None, 23.5, "normal"),
    ("wus", None, 23.4, "kek_risk"),
    ("lansia", None, 20.9, "malnutrition"),
    ("lansia", None, 21.0, "normal"),
])
def test_muac(group, age, value, code):
    assert muac_category(value, group, age).code == code


def test_muac_balita_only_6_to_59_months():
    assert muac_category(10.0, "balita", 5) is None
    assert muac_category(10.0, "balita", 60) is None
    assert muac_category(10.0, "balita", None) is None
    assert muac_category(11.0, "balita", 6).refer


@pytest.mark.parametrize("value,code", [
    (18.4, "underweight"), (18.5, "normal"), (22.9, "normal"), (23.0, "overweight"),
    (24.9, "overweight"), (25.0, "obese_1"), (29.9, "obese_1"), (30.0, "obese_2"),
])
def test_bmi_asia_pacific_default(value, code):
    cat = adult_bmi_category(value)
    assert cat.code == code and cat.index == "imt_ap"


@pytest.mark.parametrize("value,code", [
    (16.9, "severely_thin"), (17.0, "thin"), (18.4, "thin"), (18.5, "normal"),
    (25.0, "normal"), (25.1, "overweight"), (27.0, "overweight"), (27.1, "obese"),
])
def test_bmi_kemenkes_pgs(value, code):
    assert adult_bmi_category(value, "kemenkes_pgs").code == code


def test_bmi_formula_and_unknown_system():
    assert bmi(60, 160) == pytest.approx(23.4375)
    with pytest.raises(ValueError):
        adult_bmi_category(22, "who_global")


def test_waist():
    assert waist_category(90, 1).code == "normal"
    assert waist_category(90.1, 1).code == "central_obesity"
    assert waist_category(80, 2).code == "normal"
    assert waist_category(81, 2).code == "central_obesity"


@pytest.mark.parametrize("sys,dia,code", [
    (119, 79, "optimal"),
    (120, 70, "normal"), (110, 84, "normal"),
    (130, 70, "high_normal"), (115, 85, "high_normal"),
    (140, 95, "hypertension_grade_1"), (125, 90, "hypertension_grade_1"),
    (165, 95, "hypertension_grade_2"), (130, 100, "hypertension_grade_2"),
    (185, 95, "hypertension_grade_3"), (150, 110, "hypertension_grade_3"),
    (145, 85, "isolated_systolic_hypertension"), (170, 70, "isolated_systolic_hypertension"),
    (181, 80, "hypertension_grade_3"),  # urgent wins over isolated systolic
    (89, 70, "hypotension"), (100, 59, "hypotension"),
])
def test_bp_adult(sys, dia, code):
    assert bp_category(sys, dia, 40).code == code


def test_bp_urgency():
    assert bp_category(180, 80, 50).urgent
    assert bp_category(120, 110, 50).urgent
    assert not bp_category(85, 60, 50).refer  # low BP: counselling, no referral (issue 7, health.urgency)
    assert not bp_category(179, 109, 50).urgent


@pytest.mark.parametrize("sys,dia,code", [
    (119, 79, "normal"), (120, 79, "elevated"), (129, 70, "elevated"),
    (130, 70, "hypertension_stage_1"), (118, 80, "hypertension_stage_1"),
    (140, 70, "hypertension_stage_2"), (120, 90, "hypertension_stage_2"),
])
def test_bp_teen_aap(sys, dia, code):
    assert bp_category(sys, dia, 15).code == code


def test_bp_children_7_12_use_juknis_table():
    assert bp_category(105, 67, 7, sex=1).code == "normal"
    assert bp_category(106, 60, 7, sex=1).code == "above_normal_for_age"
    assert bp_category(108, 70, 9, sex=1).code == "above_normal_for_age"
    assert bp_category(107, 70, 9, sex=2).code == "normal"  # girls 9 y: 108/71
    assert bp_category(113, 74, 12, sex=2).code == "normal"  # girls 12 y: 114/75
    assert bp_category(150, 90, 6, sex=1) is None
    with pytest.raises(ValueError):
        bp_category(100, 60, 10)


def test_bp_pregnancy_same_day_referral():
    cat = bp_category(140, 80, 25, pregnant=True)
    assert cat.code == "hypertension_in_pregnancy" and cat.urgent and cat.refer
    assert bp_category(120, 90, 17, pregnant=True).urgent  # pregnant teenager
    assert bp_category(139, 89, 25, pregnant=True).code == "normal"


@pytest.mark.parametrize("kind,value,code", [
    ("GDS", 69, "hypoglycaemia"), ("GDS", 70, "normal"), ("GDS", 139, "normal"),
    ("GDS", 140, "prediabetes"), ("GDS", 199, "prediabetes"), ("GDS", 200, "diabetes_range"),
    ("GDS", 299, "diabetes_range"), ("GDS", 300, "very_high"),
    ("GDP", 99, "normal"), ("GDP", 100, "prediabetes"), ("GDP", 125, "prediabetes"),
    ("GDP", 126, "diabetes_range"), ("gdp", 300, "very_high"),
])
def test_glucose(kind, value, code):
    assert glucose_category(value, kind).code == code


def test_glucose_urgent_only_at_extremes():
    assert glucose_category(69).urgent and glucose_category(300).urgent
    assert not glucose_category(250).urgent


@pytest.mark.parametrize("group,hb,code", [
    ("ibu_hamil", 11.0, "no_anaemia"), ("ibu_hamil", 10.9, "mild_anaemia"),
    ("ibu_hamil", 10.0, "mild_anaemia"), ("ibu_hamil", 9.9, "moderate_anaemia"),
    ("ibu_hamil", 7.0, "moderate_anaemia"), ("ibu_hamil", 6.9, "severe_anaemia"),
    ("child_6_59m", 10.95, "mild_anaemia"),
    ("child_5_11y", 11.4, "mild_anaemia"), ("child_5_11y", 11.5, "no_anaemia"),
    ("child_12_14y", 11.9, "mild_anaemia"),
    ("woman_15plus", 12.0, "no_anaemia"), ("woman_15plus", 10.9, "moderate_anaemia"),
    ("woman_15plus", 7.9, "severe_anaemia"),
    ("man_15plus", 12.9, "mild_anaemia"), ("man_15plus", 13.0, "no_anaemia"),
])
def test_hb(group, hb, code):
    assert hb_category(hb, group).code == code


def test_hb_urgent_below_7_and_tm2_option():
    assert hb_category(6.9, "woman_15plus").urgent
    assert not hb_category(7.5, "woman_15plus").urgent
    assert hb_category(10.6, "ibu_hamil", trimester=2).code == "mild_anaemia"
    assert hb_category(10.6, "ibu_hamil", trimester=2, tm2_cutoff_10_5=True).code == "no_anaemia"
    assert hb_category(10.6, "ibu_hamil", trimester=3, tm2_cutoff_10_5=True).code == "mild_anaemia"


def test_anaemia_group():
    assert anaemia_group(3, 1) is None
    assert anaemia_group(6, 1) == "child_6_59m"
    assert anaemia_group(60, 2) == "child_5_11y"
    assert anaemia_group(143, 2) == "child_5_11y"
    assert anaemia_group(144, 2) == "child_12_14y"
    assert anaemia_group(180, 2) == "woman_15plus"
    assert anaemia_group(180, 1) == "man_15plus"
    assert anaemia_group(300, 2, pregnant=True) == "ibu_hamil"


def test_every_screening_category_cites_a_source():
    cats = [muac_category(10, "balita", 10), adult_bmi_category(31), waist_category(100, 1),
            bp_category(200, 120, 50), glucose_category(500), hb_category(5, "ibu_hamil")]
    for cat in cats:
        assert cat.source and (cat.refer or cat.code == "central_obesity")  # counselling only (3.5)
        assert cat.severity in (Severity.SEVERE, Severity.WARNING)


def test_counselling_categories_do_not_refer_but_stage_1_2_do():
    assert not adult_bmi_category(27).refer and adult_bmi_category(31).refer  # obesity I: counselling
    assert not waist_category(95, 1).refer and not muac_category(22, "wus").refer
    assert not bp_category(110, 70, 7, sex=1).refer  # elevated: monthly monitoring
    assert bp_category(130, 70, 7, sex=1).code == "hypertension" and bp_category(120, 80, 10, sex=2).refer
