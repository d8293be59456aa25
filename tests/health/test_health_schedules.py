"""Reminder rules: the reference implementation the SQL planner must match."""

from datetime import date, timedelta

import pytest

from health.life_stage import LifeStage
from health.due import due_reminders
from health.schedules import (
    ANCHORS, EVERY, RULES, RULES_BY_ID, due_date, months_days, period_key,
)

SECTION_9_CODES = {
    "HB0", "BCG", "OPV1", "OPV2", "OPV3", "OPV4", "DPT-HB-HIB1", "DPT-HB-HIB2",
    "DPT-HB-HIB3", "DPT-HB-HIB4", "PCV1", "PCV2", "PCV3", "RV1", "RV2", "RV3", "IPV1",
    "IPV2", "MR1", "MR2", "JE", "VITA", "CACING", "TIMBANG", "ANC1", "ANC2", "ANC3",
    "ANC4", "ANC5", "ANC6", "HPL", "KF1", "KF2", "KF3", "KF4", "KN1", "KN2", "KN3", "TTD",
    "HB-REMAJA", "PTM", "LANSIA",
}


def codes(dues):
    return {d.code for d in dues}


def keyed(dues):
    return {(d.code, d.period_key) for d in dues}


def test_table_covers_section_9_and_is_well_formed():
    assert {r.code for r in RULES} == SECTION_9_CODES
    assert len(RULES_BY_ID) == len(RULES)
    for r in RULES:
        assert r.anchor in ANCHORS and r.every in EVERY
        assert r.source and r.label_id and r.label_en
        assert r.window_days > 0
        assert r.sex in (None, "L", "P")
        assert all(1 <= m <= 12 for m in r.months)
        if r.anchor == "calendar":
            assert r.offset_days == 0


def test_month_conversion_matches_who():
    assert months_days(2) == 61 and months_days(12) == 366 and months_days(60) - 1 == 1826


BABY = date(2026, 1, 10)


def test_birth_doses():
    assert codes(due_reminders(BABY, "L", BABY)) == {"HB0", "BCG", "OPV1", "KN1"}
    two_months = BABY + timedelta(days=61)
    assert codes(due_reminders(BABY, "L", two_months, given={"OPV1": BABY})) == {
        "DPT-HB-HIB1", "OPV2", "PCV1", "RV1"}
    # series-aware (issue 16): polio 2 waits for polio 1
    assert codes(due_reminders(BABY, "L", two_months)) == {"DPT-HB-HIB1", "PCV1", "RV1"}
    assert due_reminders(BABY, "L", two_months - timedelta(days=1)) == []
    # window of one month, then DOFU (not an automatic reminder)
    assert codes(due_reminders(BABY, "L", two_months + timedelta(days=29))) >= {"RV1"}
    assert "RV1" not in codes(due_reminders(BABY, "L", two_months + timedelta(days=30)))


def test_done_codes_suppress_once_rules():
    dues = due_reminders(BABY, "L", BABY, done_codes=frozenset({"BCG", ("HB0", "once")}))
    assert codes(dues) == {"OPV1", "KN1"}


def test_due_date_and_period_key_for_doses():
    rule = RULES_BY_ID["MR1"]
    assert due_date(rule, BABY) == BABY + timedelta(days=274)
    assert period_key(rule, date(2026, 10, 20), BABY) == "once"


def test_je_is_setting_gated():
    on = BABY + timedelta(days=months_days(10))
    assert "JE" not in codes(due_reminders(BABY, "P", on))
    assert "JE" in codes(due_reminders(BABY, "P", on, settings={"je_endemic": True}))


def test_vitamin_a_blue_once_then_red_each_round():
    born = date(2025, 8, 28)  # 6 months on 28 Feb 2026 and 11 months on 1 Aug 2026
    feb = date(2026, 2, 28)
    assert ("VITA", "blue") in keyed(due_reminders(born, "L", feb))
    assert "VITA" not in codes(due_reminders(born, "L", date(2026, 3, 1)))
    aug = date(2026, 8, 1)
    assert ("VITA", "blue") in keyed(due_reminders(born, "L", aug))
    done = frozenset({("VITA", "blue")})
    assert "VITA" not in codes(due_reminders(born, "L", aug, done_codes=done))
    # red capsule at 12-59 months, one per February/August
    assert ("VITA", "2027-02") in keyed(due_reminders(born, "L", date(2027, 2, 3)))
    done = frozenset({("VITA", "2027-02")})
    assert "VITA" not in codes(due_reminders(born, "L", date(2027, 2, 20), done_codes=done))
    assert ("VITA", "2027-08") in keyed(due_reminders(born, "L", date(2027, 8, 20),
                                                     done_codes=done))
    # bare 'VITA' does not mark periodic rounds done
    assert "VITA" in codes(due_reminders(born, "L", date(2027, 8, 20),
                                         done_codes=frozenset({"VITA"})))


def test_vitamin_a_not_before_6_or_from_60_months():
    assert "VITA" not in codes(due_reminders(date(2025, 9, 1), "L", date(2026, 2, 15)))
    old = date(2021, 1, 1)
    assert "VITA" in codes(due_reminders(old, "L", date(2025, 8, 1)))
    assert "VITA" not in codes(due_reminders(old, "L", date(2026, 2, 1)))


def test_deworming_august_yearly():
    born = date(2024, 3, 3)
    assert ("CACING", "2026") in keyed(due_reminders(born, "P", date(2026, 8, 31)))
    assert "CACING" not in codes(due_reminders(born, "P", date(2026, 9, 1)))
    assert "CACING" not in codes(due_reminders(date(2025, 9, 1), "P", date(2026, 8, 1)))


def test_timbang_follows_sessions():
    born = date(2024, 3, 3)
    session = date(2026, 5, 14)
    settings = {"session_dates": [date(2026, 4, 16), session]}
    for on in (session - timedelta(days=1), session):
        assert ("TIMBANG", "2026-05") in keyed(due_reminders(born, "P", on, settings=settings))
    assert "TIMBANG" not in codes(due_reminders(born, "P", session + timedelta(days=1),
                                                settings=settings))
    assert "TIMBANG" not in codes(due_reminders(born, "P", session))  # no sessions known
    assert period_key(RULES_BY_ID["TIMBANG"], session, session) == "2026-05"
    five = date(2021, 5, 1)
    assert "TIMBANG" not in codes(due_reminders(five, "P", session, settings=settings))


MUM = date(1995, 4, 2)
HPHT = date(2026, 1, 5)


@pytest.mark.parametrize("week,code", [(0, "ANC1"), (12, "ANC1"), (13, "ANC2"), (20, "ANC3"),
                                       (25, "ANC4"), (33, "ANC5"), (40, "ANC6")])
def test_anc_windows(week, code):
    on = HPHT + timedelta(days=7 * week + 3)
    anc = {c for c in codes(due_reminders(MUM, "P", on, hpht=HPHT)) if c.startswith("ANC")}
    assert anc == {code}


def test_pregnancy_rules_need_a_valid_ongoing_pregnancy():
    on = HPHT + timedelta(days=100)
    assert "TTD" in codes(due_reminders(MUM, "P", on, hpht=HPHT))
    assert not codes(due_reminders(MUM, "P", on, hpht=on + timedelta(days=1))) & {"ANC1", "TTD"}
    delivered = HPHT + timedelta(days=90)
    assert "ANC2" not in codes(due_reminders(MUM, "P", on, hpht=HPHT, delivered_on=delivered))


def test_hpl_two_weeks_before():
    due = HPHT + timedelta(days=280)
    assert "HPL" in codes(due_reminders(MUM, "P", due - timedelta(days=14), hpht=HPHT))
    assert "HPL" not in codes(due_reminders(MUM, "P", due - timedelta(days=15), hpht=HPHT))
    assert "HPL" not in codes(due_reminders(MUM, "P", due, hpht=HPHT))


@pytest.mark.parametrize("day,code", [(0, "KF1"), (2, "KF1"), (3, "KF2"), (7, "KF2"),
                                      (8, "KF3"), (28, "KF3"), (29, "KF4"), (42, "KF4")])
def test_kf_after_delivery(day, code):
    delivered = date(2026, 3, 1)
    on = delivered + timedelta(days=day)
    kf = {c for c in codes(due_reminders(MUM, "P", on, hpht=HPHT, delivered_on=delivered))
          if c.startswith("KF")}
    assert kf == {code}


def test_kn_for_the_newborn():
    assert "KN2" in codes(due_reminders(BABY, "L", BABY + timedelta(days=5)))
    assert "KN3" in codes(due_reminders(BABY, "L", BABY + timedelta(days=28)))
    assert not {"KN1", "KN2", "KN3"} & codes(due_reminders(BABY, "L", BABY + timedelta(days=29)))


def test_ttd_weekly_for_girls_and_one_per_week_when_pregnant_remaja():
    girl = date(2012, 1, 10)
    on = date(2026, 8, 19)
    assert ("TTD", "2026-W34") in keyed(due_reminders(girl, "P", on))
    assert "TTD" not in codes(due_reminders(girl, "L", on))
    assert "TTD" not in codes(due_reminders(date(2015, 1, 10), "P", on))  # 11 years
    pregnant = due_reminders(girl, "P", on, hpht=date(2026, 6, 1))
    assert [d.code for d in pregnant].count("TTD") == 1
    done = frozenset({("TTD", "2026-W34")})
    assert "TTD" not in codes(due_reminders(girl, "P", on, done_codes=done))
    assert "TTD" in codes(due_reminders(girl, "P", on + timedelta(days=7), done_codes=done))


def test_hb_remaja_at_12_and_15():
    girl = date(2010, 3, 1)
    at12 = due_reminders(girl, "P", date(2022, 3, 2))
    at15 = due_reminders(girl, "P", date(2025, 3, 2))
    assert ("HB-REMAJA", "12y") in keyed(at12) and ("HB-REMAJA", "15y") in keyed(at15)
    assert "HB-REMAJA" not in codes(due_reminders(girl, "L", date(2022, 3, 2)))
    done = frozenset({"HB-REMAJA"})  # bare code does not cover the two occurrences
    assert "HB-REMAJA" in codes(due_reminders(girl, "P", date(2025, 3, 2), done_codes=done))


def test_ptm_yearly_from_15_on_birthday():
    person = date(1980, 6, 15)
    dues = due_reminders(person, "L", date(2026, 6, 15))
    assert ("PTM", "2026") in keyed(dues)
    assert ("PTM", "2026") in keyed(due_reminders(person, "L", date(2026, 9, 12)))
    assert "PTM" not in codes(due_reminders(person, "L", date(2026, 9, 13)))  # 90-day window
    assert "PTM" not in codes(due_reminders(person, "L", date(2026, 6, 14)))
    teen = date(2011, 6, 15)
    assert "PTM" in codes(due_reminders(teen, "P", date(2026, 6, 16)))
    assert "PTM" not in codes(due_reminders(date(2012, 6, 15), "P", date(2026, 6, 16)))
    leap = date(2000, 2, 29)
    assert ("PTM", "2026") in keyed(due_reminders(leap, "P", date(2026, 2, 28)))


def test_lansia_monthly_session():
    old = date(1950, 1, 1)
    settings = {"session_dates": [date(2026, 5, 14)]}
    assert ("LANSIA", "2026-05") in keyed(due_reminders(old, "P", date(2026, 5, 14),
                                                       settings=settings))
    assert "LANSIA" not in codes(due_reminders(date(1970, 1, 1), "P", date(2026, 5, 14),
                                               settings=settings))


def test_due_list_is_sorted_and_never_contains_done():
    dues = due_reminders(BABY, "L", BABY)
    assert dues == sorted(dues, key=lambda d: (d.due_on, d.code))
    all_done = frozenset((d.code, d.period_key) for d in dues)
    assert due_reminders(BABY, "L", BABY, done_codes=all_done) == []
    assert due_reminders(BABY, "L", BABY - timedelta(days=1)) == []


def test_rule_stages_are_life_stages():
    for r in RULES:
        assert r.life_stage is None or isinstance(r.life_stage, LifeStage)
