"""Input validation (ilp-domain 2.3) and chat number parsing."""

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from health.life_stage import LifeStage as S
from health.validation import (
    RANGES, Accept, Confirm, Reject, check_bp, check_change, check_value, parse_bp,
    parse_number,
)


@pytest.mark.parametrize("text,value", [
    ("9,5", "9.5"), ("9.5", "9.5"), ("9.5 kg", "9.5"), (" 9,50kg", "9.50"), ("120", "120"),
    ("75 cm", "75"), ("12,5cm", "12.5"), ("-0.4", "-0.4"), ("110 mg/dL", "110"),
    ("7 KG", "7"),
])
def test_parse_number_accepts(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", [
    "9,5,3", "", "abc", "1e5", "NaN", "inf", "-inf", "9..5", ".5", "9.5 kgs", "1 000",
    "٩", "9,5 apel", "Infinity", "   ", None, 9.5,
])
def test_parse_number_rejects(text):
    assert parse_number(text) is None


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_number_never_raises(text):
    result = parse_number(text)
    assert result is None or result.is_finite()


@pytest.mark.parametrize("text,pair", [
    ("120/80", (120, 80)), ("120 / 80", (120, 80)), ("120-80", (120, 80)),
    ("120/80 mmHg", (120, 80)), (" 90/60 ", (90, 60)),
])
def test_parse_bp(text, pair):
    assert parse_bp(text) == pair


@pytest.mark.parametrize("text", ["120", "120/", "120/80/70", "120.5/80", "abc", "", "1200/80"])
def test_parse_bp_rejects(text):
    assert parse_bp(text) is None


def test_grams_typed_as_kg():
    assert check_value("weight_kg", 9500, S.BAYI_BALITA) == Confirm("unit_slip", Decimal("9.5"))
    assert check_value("weight_kg", "9500", S.BAYI_BALITA) == Confirm("unit_slip", Decimal("9.5"))
    assert check_value("weight_kg", 95, S.BAYI_BALITA) == Confirm("unit_slip", Decimal("9.5"))
    assert check_value("weight_kg", 65000, S.DEWASA) == Confirm("unit_slip", Decimal("65"))
    assert check_value("weight_kg", "55500", S.DEWASA) == Confirm("unit_slip", Decimal("55.5"))
    assert check_value("weight_kg", "55500", S.IBU_HAMIL) == Confirm("unit_slip", Decimal("55.5"))
    # grams of 9,5 kg are no adult weight (hard range 20-250): refused, not guessed as 95 kg
    assert check_value("weight_kg", "9500", S.DEWASA) == Reject("out_of_range", (20, 250))


def test_height_slips():
    assert check_value("height_cm", 7.5, S.BAYI_BALITA) == Confirm("unit_slip", Decimal("75"))
    assert check_value("height_cm", 750, S.BAYI_BALITA) == Confirm("unit_slip", Decimal("75"))
    assert check_value("height_cm", 1.6, S.DEWASA) == Confirm("unit_slip", Decimal("160"))


def test_other_slips():
    assert check_value("muac_cm", 125, S.BAYI_BALITA) == Confirm("unit_slip", Decimal("12.5"))
    assert check_value("hb_gdl", 120, S.REMAJA) == Confirm("unit_slip", Decimal("12"))
    assert check_value("glucose_mgdl", 6, S.DEWASA) == Confirm("unit_slip", Decimal("108"))


def test_accept_reject_confirm():
    assert check_value("weight_kg", "9,5", S.BAYI_BALITA) == Accept(Decimal("9.5"))
    balita_hard = next(r.hard for r in RANGES if r.field == "weight_kg" and S.BAYI_BALITA in r.stages)
    assert balita_hard[0] == 0.5 and balita_hard[1] >= 35  # never narrower than ilp-domain 2.3
    assert check_value("weight_kg", 0.3, S.BAYI_BALITA) == Reject("out_of_range", balita_hard)
    assert check_value("weight_kg", "abc", S.BAYI_BALITA) == Reject("not_a_number", balita_hard)
    assert check_value("weight_kg", float("nan"), S.BAYI_BALITA).reason_code == "not_a_number"
    assert check_value("weight_kg", 160, S.DEWASA) == Confirm("outside_usual_range", None)
    assert check_value("weight_kg", 34, S.LANSIA) == Confirm("outside_usual_range", None)
    assert check_value("weight_kg", 60, S.IBU_HAMIL) == Accept(Decimal("60"))
    assert check_value("muac_cm", 8.5, S.BAYI_BALITA) == Confirm("outside_usual_range", None)
    assert check_value("hb_gdl", 6.5, S.DEWASA) == Confirm("outside_usual_range", None)
    assert check_value("glucose_mgdl", 650, S.DEWASA) == Reject("out_of_range", (20, 600))
    assert check_value("glucose_mgdl", 320, S.DEWASA).reason_code == "outside_usual_range"
    assert check_value("gestational_weeks", 43, S.IBU_HAMIL).reason_code == "outside_usual_range"
    assert check_value("gestational_weeks", 46, S.IBU_HAMIL).reason_code == "out_of_range"
    assert check_value("gestational_weeks", 12, S.DEWASA) == Reject("no_range", None)
    assert check_value("systolic", "120.5", S.DEWASA).reason_code == "not_integer"
    assert check_value("systolic", 300, S.DEWASA) == Reject("out_of_range", (60, 260))


def test_required_fields_have_rows_for_their_stages():
    required = {"weight_kg", "height_cm", "head_cm", "muac_cm", "waist_cm", "systolic",
                "diastolic", "glucose_mgdl", "hb_gdl", "gestational_weeks"}
    assert required <= {r.field for r in RANGES}
    for row in RANGES:
        assert row.source and row.hard[0] < row.hard[1]
    for stage in S:
        for field in ("weight_kg", "height_cm", "systolic", "hb_gdl"):
            assert not isinstance(check_value(field, 1e9, stage), Accept)


def test_bp_pair():
    assert check_bp("120/80", S.DEWASA) == (Accept(Decimal("120")), Accept(Decimal("80")))
    assert check_bp("80/120", S.DEWASA) == Reject("systolic_not_above_diastolic", None)
    assert check_bp("80/80", S.DEWASA) == Reject("systolic_not_above_diastolic", None)
    assert check_bp("300/80", S.DEWASA) == Reject("out_of_range", (60, 260))
    assert check_bp("hello", S.DEWASA) == Reject("not_a_blood_pressure", None)
    sys_v, dia_v = check_bp((190, 100), S.DEWASA)
    assert sys_v.reason_code == "outside_usual_range" and dia_v == Accept(Decimal("100"))


@pytest.mark.parametrize("prev,cur,days,reason", [
    (10.0, 10.4, 30, None),
    (10.0, 9.6, 30, None),  # -0.4 kg
    (10.0, 9.4, 30, "weight_loss"),  # -0.6 kg in a month
    (10.0, 11.6, 30, "weight_gain_high"),
    (10.0, 11.4, 60, None),  # +1.4 kg in two months
    (10.0, 9.4, 61, None),  # -0.6 kg in two months: within -1.0
    (10.0, 13.5, 30, "weight_change_extreme"),
    (10.0, 6.9, 30, "loss_30_percent"),
    (10.0, 10.9, 10, None),  # short interval: monthly thresholds unscaled
])
def test_balita_weight_change(prev, cur, days, reason):
    result = check_change("weight_kg", prev, cur, days)
    if reason is None:
        assert isinstance(result, Accept)
    else:
        assert result == Confirm(reason, None)


def test_change_rules_by_stage_and_field():
    assert isinstance(check_change("weight_kg", 60, 62, 30, S.DEWASA), Accept)
    assert check_change("weight_kg", 60, 41, 30, S.DEWASA) == Confirm("loss_30_percent", None)
    assert check_change("height_cm", 80, 78, 30) == Confirm("height_decrease", None)
    assert isinstance(check_change("height_cm", 80, 79.5, 30), Accept)
