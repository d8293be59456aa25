"""Issue 16: under 6 months a baby gets breast milk only: no PMT, lactation counselling and referral instead
(WHO/UNICEF IYCF; Buku KIA 2023; WHO wasting guideline 2023; Juknis PMT Lokal 2023: balita 6-59 months).
Every age-dependent advice uses the same boundary: 6 months = day 183 (ceil(6 x 30.4375), as the schedules)."""
from __future__ import annotations

from datetime import date, timedelta

from bot.visit_text import feeding_advice
from bot.flows.reporting_services import options
from health.feeding import SIX_MONTHS_DAYS, pmt_for_balita
from health.life_stage import LifeStage
from health.schedules import months_days
from health.urgency import INFANT_DAYS, level_of
from tests.harness import Person


def test_six_months_is_one_boundary():
    assert SIX_MONTHS_DAYS == months_days(6) == INFANT_DAYS == 183
    for days in (0, 49, 182):
        assert not pmt_for_balita(days) and feeding_advice(days) == "asi"
        assert level_of("bb_pb_tb:wasted", True, days) == "today"  # wasting under 6 months: same day
    for days in (183, 300):
        assert pmt_for_balita(days) and feeding_advice(days) == "mpasi"
        assert level_of("bb_pb_tb:wasted", True, days) == "week"


def test_pmt_is_not_offered_under_6_months():
    on = date(2026, 11, 22)
    young = [s.code for s in options(LifeStage.BAYI_BALITA, 49, "L", set(), on=on)]
    assert "PMT" not in young and "KONSELING" in young
    older = [s.code for s in options(LifeStage.BAYI_BALITA, 200, "L", set(), on=on)]
    assert "PMT" in older


def test_pmt_typed_for_a_baby_under_6_months_is_explained(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor")
    k.press("new")
    k.say("Bima Saputra")
    k.say("1")
    k.say((date(2026, 11, 22) - timedelta(days=49)).strftime("%d-%m-%Y"))
    k.say("-")
    k.say("4,5")
    k.say("55")
    k.say("37")  # head -> services
    offered = " ".join(k.choices())
    assert "PMT" not in offered and "Konseling menyusui" in offered
    assert "ASI eksklusif" in k.say("pmt")
