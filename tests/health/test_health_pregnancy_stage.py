"""Pregnancy dating and life stages (ilp-domain 1.4, 4.5, 4.9)."""

from datetime import date

import pytest

from health.ages import add_months, age_in_days, age_in_months, age_in_years, age_months_decimal, birth_problem
from health.life_stage import LifeStage, life_stages, primary_stage
from health.pregnancy import (
    anc_contact_due, gestational_age, hpht_problem, hpl, may_be_pregnant, pregnancy_status, trimester,
)


def test_age_in_months_domain_example():
    # ilp-domain 1.4: born 28 July -> 0 months on 1 Aug, 1 month on 28 Aug.
    assert age_in_months(date(2025, 7, 28), date(2025, 8, 1)) == 0
    assert age_in_months(date(2025, 7, 28), date(2025, 8, 27)) == 0
    assert age_in_months(date(2025, 7, 28), date(2025, 8, 28)) == 1


def test_age_in_months_month_end():
    assert age_in_months(date(2025, 1, 31), date(2025, 2, 27)) == 0
    assert age_in_months(date(2025, 1, 31), date(2025, 2, 28)) == 1
    assert age_in_months(date(2024, 2, 29), date(2025, 2, 28)) == 12
    assert age_in_years(date(2024, 2, 29), date(2025, 2, 28)) == 1
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_birth_dates_that_cannot_be_right():
    on = date(2026, 11, 22)
    assert birth_problem(date(2026, 11, 22), on) is None
    assert birth_problem(date(2026, 11, 23), on) == "birth_in_future"
    assert birth_problem(date(1905, 11, 23), on) is None  # 120 completed years
    assert birth_problem(date(1905, 11, 22), on) == "birth_too_old"  # 121 today


def test_who_is_asked_about_a_pregnancy():
    on = date(2026, 11, 22)
    assert may_be_pregnant("P", date(2016, 11, 22), on) and may_be_pregnant("P", date(1971, 1, 1), on)  # 10 and 55
    assert not may_be_pregnant("P", date(2016, 11, 23), on) and not may_be_pregnant("P", date(1970, 11, 22), on)
    assert not may_be_pregnant("L", date(1995, 1, 1), on)


def test_age_days_and_decimal():
    assert age_in_days(date(2024, 1, 1), date(2026, 1, 1)) == 731
    assert age_months_decimal(date(2024, 1, 1), date(2024, 1, 1)) == 0
    assert age_months_decimal(date(2024, 1, 1), date(2029, 1, 1)) == pytest.approx(1827 / 30.4375)
    with pytest.raises(ValueError):
        age_in_days(date(2024, 1, 2), date(2024, 1, 1))
    with pytest.raises(ValueError):
        age_in_months(date(2024, 1, 2), date(2024, 1, 1))


def test_hpl_is_280_days():
    assert hpl(date(2026, 1, 1)) == date(2026, 10, 8)
    # Naegele by months (+7 days, -3 months, +1 year) agrees for this HPHT
    assert hpl(date(2025, 5, 10)) == date(2026, 2, 14)


def test_gestational_age_and_trimester():
    assert gestational_age(date(2026, 1, 1), date(2026, 1, 1)) == (0, 0)
    assert gestational_age(date(2026, 1, 1), date(2026, 3, 1)) == (8, 3)
    with pytest.raises(ValueError):
        gestational_age(date(2026, 1, 2), date(2026, 1, 1))
    assert [trimester(w) for w in (0, 12, 13, 24, 25, 40)] == [1, 1, 2, 2, 3, 3]


def test_hpht_validity_and_post_term():
    on = date(2026, 6, 1)
    assert hpht_problem(date(2026, 6, 2), on) == "hpht_in_future"
    assert hpht_problem(on, on) is None
    assert hpht_problem(date.fromordinal(on.toordinal() - 308), on) is None
    assert hpht_problem(date.fromordinal(on.toordinal() - 309), on) == "hpht_too_old"
    s = pregnancy_status(date.fromordinal(on.toordinal() - 294), on)
    assert s.valid and s.weeks == 42 and s.post_term
    assert not pregnancy_status(date.fromordinal(on.toordinal() - 293), on).post_term
    bad = pregnancy_status(date(2026, 7, 1), on)
    assert not bad.valid and bad.weeks is None and not bad.post_term


def test_anc_windows_sit_inside_juknis_trimesters():
    assert anc_contact_due(0) == "ANC1" and anc_contact_due(12) == "ANC1"
    assert anc_contact_due(13) == "ANC2" and anc_contact_due(24) == "ANC3"
    assert anc_contact_due(25) == "ANC4" and anc_contact_due(36) == "ANC6"
    assert anc_contact_due(41) is None
    per_trimester = {1: set(), 2: set(), 3: set()}
    for week in range(0, 41):
        per_trimester[trimester(week)].add(anc_contact_due(week))
    assert per_trimester == {1: {"ANC1"}, 2: {"ANC2", "ANC3"}, 3: {"ANC4", "ANC5", "ANC6"}}


ON = date(2026, 6, 1)


@pytest.mark.parametrize("birth,stage", [
    (date(2026, 6, 1), LifeStage.BAYI_BALITA),
    (date(2021, 6, 2), LifeStage.BAYI_BALITA),  # 59 months
    (date(2021, 6, 1), LifeStage.ANAK),  # 60 months
    (date(2016, 6, 2), LifeStage.ANAK),
    (date(2016, 6, 1), LifeStage.REMAJA),
    (date(2008, 6, 2), LifeStage.REMAJA),
    (date(2008, 6, 1), LifeStage.DEWASA),
    (date(1966, 6, 2), LifeStage.DEWASA),
    (date(1966, 6, 1), LifeStage.LANSIA),
])
def test_age_stages(birth, stage):
    assert life_stages(birth, "L", ON) == frozenset({stage})
    assert primary_stage(birth, 1, ON) is stage


def test_pregnancy_augments_age_stage():
    girl = date(2009, 1, 1)  # 17 years
    stages = life_stages(girl, "P", ON, hpht=date(2026, 3, 1))
    assert stages == {LifeStage.REMAJA, LifeStage.IBU_HAMIL}
    assert primary_stage(girl, "P", ON, hpht=date(2026, 3, 1)) is LifeStage.IBU_HAMIL
    # invalid HPHT (future / older than 44 weeks) does not make her pregnant
    assert LifeStage.IBU_HAMIL not in life_stages(girl, "P", ON, hpht=date(2026, 7, 1))
    assert LifeStage.IBU_HAMIL not in life_stages(girl, "P", ON, hpht=date(2025, 1, 1))
    # men are never pregnant
    assert life_stages(girl, "L", ON, hpht=date(2026, 3, 1)) == {LifeStage.REMAJA}


def test_nifas_0_to_42_days():
    mum = date(1995, 1, 1)
    hpht = date(2025, 8, 1)
    stages = life_stages(mum, 2, ON, hpht=hpht, delivered_on=date(2026, 4, 20))
    assert stages == {LifeStage.DEWASA, LifeStage.IBU_NIFAS}
    birth_day = date(2026, 4, 20)  # day 42 is 1 June
    assert LifeStage.IBU_NIFAS in life_stages(mum, 2, date(2026, 6, 1), delivered_on=birth_day)
    assert LifeStage.IBU_NIFAS not in life_stages(mum, 2, date(2026, 6, 2), delivered_on=birth_day)
    assert primary_stage(mum, 2, ON, delivered_on=date(2026, 5, 30)) is LifeStage.IBU_NIFAS


def test_labels():
    for stage in LifeStage:
        assert stage.label_id and stage.label_en
    assert LifeStage("ibu_hamil") is LifeStage.IBU_HAMIL
