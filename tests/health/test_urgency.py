"""How soon the bidan must see a finding (health.urgency), each case against its source (issue 7)."""
from datetime import date, timedelta

from health.visit import History, Values, interpret
from health.screening import bp_category
from health.urgency import URGENCY, TODAY, WEEK, level_of

ON = date(2026, 11, 22)
NONE = History(None, None, False)


def test_every_level_has_a_source():
    for rule in URGENCY:
        assert rule.source and rule.level in (TODAY, WEEK) and rule.codes


def test_asymptomatic_low_blood_pressure_is_not_urgent():
    # Juknis ILP 02-skrining-hipertensi (ilp-domain 3.6) has no low-BP class: counselling, no referral.
    result = interpret("P", date(1992, 8, 2), ON, None, Values(systolic=100, diastolic=58), NONE)
    assert result.urgency is None and not result.urgent and result.referral_reasons == []
    assert "td:hypotension" in [f"{c.index}:{c.code}" for c in result.advice]
    assert not bp_category(100, 58, 34).refer


def test_gizi_buruk_in_a_seven_week_old_is_today():
    # Permenkes 2/2020: BB/PB < -3 SD = gizi buruk; Kemenkes 2019 [S35]: same-day referral.
    baby = ON - timedelta(days=49)
    result = interpret("L", baby, ON, None, Values(weight_kg=3.0, height_cm=55, position="L"), NONE)
    assert result.statuses.get("bb_pb_tb") == "severely_wasted"
    assert result.urgency == TODAY and result.referral_levels["bb_pb_tb:severely_wasted"] == TODAY


def test_any_acute_malnutrition_under_six_months_is_today_but_not_at_two_years():
    # WHO 2023 wasting guideline: infants < 6 months with wasting are at risk -> referred at once.
    assert level_of("bb_pb_tb:wasted", True, 100) == TODAY
    assert level_of("bb_pb_tb:wasted", True, 700) == WEEK


def test_lila_below_11_5_in_a_child_is_today():
    result = interpret("P", date(2025, 1, 22), ON, None, Values(muac_cm=11.2), NONE)
    assert result.referral_levels == {"lila_balita:muac_severe": TODAY}


def test_kek_in_pregnancy_is_this_week_and_hypertension_in_pregnancy_today():
    # ilp-domain 3.3: KEK -> doctor review + PMT (not a danger sign); 3.6: >= 140/90 same-day.
    result = interpret("P", date(1998, 8, 17), ON, date(2026, 6, 15),
                       Values(weight_kg=55, muac_cm=22, systolic=150, diastolic=95), NONE)
    assert result.referral_levels == {"td_bumil:hypertension_in_pregnancy": TODAY, "lila_bumil:kek": WEEK}
    kek_only = interpret("P", date(1998, 8, 17), ON, date(2026, 6, 15), Values(muac_cm=22), NONE)
    assert kek_only.urgency == WEEK and not kek_only.urgent


def test_severe_anaemia_below_7_is_today_and_ptm_findings_are_this_week():
    # ilp-domain 2.3: Hb < 7 urgent; 3.6-3.7: hypertension grade 1 and diabetes range -> refer (not urgent).
    low = interpret("P", date(1990, 1, 1), ON, None, Values(hb_gdl=6.5), NONE)
    assert low.referral_levels == {"hb:severe_anaemia": TODAY}
    mild = interpret("P", date(1990, 1, 1), ON, None, Values(hb_gdl=7.5), NONE)
    assert mild.referral_levels == {"hb:severe_anaemia": WEEK}
    ptm = interpret("L", date(1970, 1, 1), ON, None, Values(systolic=145, diastolic=92, glucose_mgdl=210), NONE)
    assert ptm.urgency == WEEK
    crisis = interpret("L", date(1970, 1, 1), ON, None, Values(glucose_mgdl=60), NONE)
    assert crisis.urgency == TODAY
