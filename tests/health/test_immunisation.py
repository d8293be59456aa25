"""The one immunisation rule (health.immunisation; issue 16): series-aware, intervals, catch-up, last ages, words."""
from __future__ import annotations

from datetime import date, timedelta

from health.immunisation import check_dose, doses_text, due_now, next_doses
from health.schedules import RULES_BY_ID, dose_name, months_days

BORN = date(2025, 5, 1)
ON = date(2026, 12, 7)  # 19 months


def codes(found):
    return [n.code for n in found]


def test_a_19_month_old_with_nothing_recorded_starts_every_series_at_dose_one_late():
    found = due_now(BORN, {}, ON)
    assert codes(found) == ["OPV1", "DPT-HB-HIB1", "PCV1", "RV1", "IPV1", "MR1"]
    assert all(n.late for n in found)
    # not the boosters (they wait for dose 3 / MR1), not HB0 (none after 7 days), not BCG (under 12 months)
    assert not {"DPT-HB-HIB4", "MR2", "HB0", "BCG", "OPV2"} & set(codes(next_doses(BORN, {}, ON)))


def test_the_next_dose_waits_the_minimum_interval_after_a_late_dose():
    given = {"OPV1": date(2026, 12, 1), "DPT-HB-HIB1": date(2026, 12, 1)}
    plan = {n.code: n for n in next_doses(BORN, given, ON)}
    assert plan["OPV2"].earliest == date(2026, 12, 29) and not plan["OPV2"].due_on(ON)
    assert plan["DPT-HB-HIB2"].earliest == date(2026, 12, 29)
    assert "OPV1" not in plan and "DPT-HB-HIB1" not in plan


def test_boosters_follow_their_own_intervals():
    on_time = {c: BORN + timedelta(days=RULES_BY_ID[c].offset_days) for c in (
        "HB0", "BCG", "OPV1", "OPV2", "OPV3", "OPV4", "DPT-HB-HIB1", "DPT-HB-HIB2", "DPT-HB-HIB3", "PCV1", "PCV2",
        "PCV3", "RV1", "RV2", "RV3", "IPV1", "IPV2", "MR1")}
    plan = {n.code: n for n in next_doses(BORN, on_time, ON)}
    assert set(plan) == {"DPT-HB-HIB4", "MR2"}
    assert plan["DPT-HB-HIB4"].earliest == BORN + timedelta(days=months_days(18)) and not plan["MR2"].late
    late_dpt3 = {**on_time, "DPT-HB-HIB3": date(2026, 3, 1)}  # dose 3 at 10 months: booster 12 months later
    plan = {n.code: n for n in next_doses(BORN, late_dpt3, ON)}
    assert plan["DPT-HB-HIB4"].earliest == date(2026, 3, 1) + timedelta(days=months_days(12))
    mr1_late = {**on_time, "MR1": date(2026, 10, 1)}  # MR2 >= 6 months after MR1 (ilp-domain 4.1)
    plan = {n.code: n for n in next_doses(BORN, mr1_late, ON)}
    assert plan["MR2"].earliest == date(2026, 10, 1) + timedelta(days=months_days(6))


def test_pcv_started_late_needs_fewer_doses_and_rotavirus_stops_at_two_years():
    given = {"PCV1": date(2026, 6, 1)}  # first dose at 13 months: two doses in all
    plan = {n.code: n for n in next_doses(BORN, given, ON)}
    assert "PCV2" in plan
    given["PCV2"] = date(2026, 8, 1)
    assert "PCV3" not in codes(next_doses(BORN, given, ON))
    assert "RV1" not in codes(next_doses(BORN, {}, BORN + timedelta(days=months_days(24))))


def test_a_later_dose_recorded_means_the_earlier_ones_were_given():
    plan = codes(next_doses(BORN, {"OPV3": date(2025, 8, 1)}, ON))
    assert "OPV4" in plan and "OPV1" not in plan and "OPV2" not in plan


def test_checks_refuse_what_cannot_be():
    assert check_dose(BORN, {}, "OPV1", BORN - timedelta(days=1)).key == "before_birth"
    assert check_dose(BORN, {}, "OPV2", date(2025, 7, 1)).key == "previous_missing"
    assert check_dose(BORN, {"OPV1": date(2025, 7, 1)}, "OPV2", date(2025, 7, 20)).key == "too_soon"
    assert check_dose(BORN, {"OPV1": date(2025, 7, 1)}, "OPV2", date(2025, 6, 20)).key == "before_previous"
    assert check_dose(BORN, {}, "BCG", date(2026, 6, 1)).key == "too_old"
    assert check_dose(BORN, {"OPV1": date(2025, 5, 2)}, "OPV1", date(2025, 5, 3)).key == "already"
    assert check_dose(BORN, {"OPV1": date(2025, 5, 2)}, "OPV2", date(2025, 7, 1)) is None
    assert check_dose(BORN, {}, "MR1", date(2025, 8, 1)).key == "too_young"  # 3 months: WHO from 6 months
    assert check_dose(BORN, {}, "DPT-HB-HIB1", date(2025, 5, 20)).key == "too_young"  # under 6 weeks


def test_doses_are_said_in_words_never_codes():
    assert dose_name("OPV1") == "Polio tetes ke-1" and dose_name("OPV1", "en") == "Oral polio dose 1"
    assert dose_name("DPT-HB-HIB1") == "DPT-HB-Hib ke-1"
    assert dose_name("MR1") == "Campak-Rubela (MR) ke-1"
    assert dose_name("MR2") == "Campak-Rubela (MR) ke-2 (lanjutan)"
    assert doses_text(["MR1", "OPV1"]) == "Polio tetes ke-1, Campak-Rubela (MR) ke-1"
    for rule in RULES_BY_ID.values():
        if rule.source.startswith("Juknis ILP 06-imunisasi"):
            for label in (rule.label_id, rule.label_en):
                assert rule.code not in label.replace(" ", "") or rule.code in ("BCG", "HB0", "JE"), label
