"""One due-doses rule for the report, `keluarga` and the reminders (issue 7; ilp-domain 4.1, Juknis ILP
06-imunisasi-rutin [S1]: DPT-HB-Hib 4 and MR 2 at 18 months, late doses are still given)."""
from datetime import date, timedelta

from health.due import doses_due, due_reminders
from health.schedules import IMMUNISATION_RULES, months_days, series_of

ON = date(2026, 11, 22)


def codes(rules):
    return [r.code for r in rules]


def test_boosters_more_than_three_months_late_are_still_due():
    given = {"HB0", "BCG", "OPV1", "DPT-HB-HIB1", "OPV2", "PCV1", "RV1", "DPT-HB-HIB2", "OPV3", "PCV2", "RV2",
             "DPT-HB-HIB3", "OPV4", "IPV1", "RV3", "MR1", "IPV2", "PCV3"}
    now, late = doses_due(months_days(23), given)
    assert codes(now) == ["DPT-HB-HIB4", "MR2"]  # the 18-24 month window is open: due now
    now, late = doses_due(months_days(30), given)
    assert codes(now) == [] and codes(late) == ["DPT-HB-HIB4", "MR2"]  # past 24 months: catch-up


def test_a_six_month_old_with_no_doses_starts_each_series_at_dose_one():
    now, late = doses_due(months_days(6), set())
    assert "DPT-HB-HIB1" in codes(late) and "DPT-HB-HIB3" not in codes(now + late)
    assert "OPV1" in codes(late) and "OPV3" not in codes(now + late)
    assert "HB0" not in codes(now + late)  # no catch-up of the birth dose


def test_rotavirus_has_no_catch_up_after_two_years():
    # WHO rotavirus position paper 2021: not recommended after 24 months.
    _, late = doses_due(months_days(30), set())
    assert "RV1" not in codes(late)


def test_whatever_keluarga_calls_due_the_report_offers_now():
    birth = ON - timedelta(days=900)
    for age in range(0, months_days(60), 5):
        on = birth + timedelta(days=age)
        for given in (set(), {r.code for r in IMMUNISATION_RULES if r.offset_days < age - 40}):
            keluarga = {d.code for d in due_reminders(birth, "L", on, done_codes=frozenset(given))
                        if any(d.code == r.code for r in IMMUNISATION_RULES)}
            now, _ = doses_due(age, given)
            for code in keluarga:
                earlier = [r for r in IMMUNISATION_RULES if series_of(r.code) == series_of(code)
                           and r.offset_days < next(x.offset_days for x in IMMUNISATION_RULES if x.code == code)
                           and r.code not in given and r.catch_up]
                if not earlier:  # dose 2 waits for dose 1: then dose 1 is what is offered
                    assert code in codes(now), (age, code)
