"""Issue 16: an unlikely weight for age is asked back even without a height, the doubt names the value that is
implausible on its own, and correcting one value keeps the others.

Published values: WHO growth reference 2007 weight-for-age (to 10 years) at anthroplus 1.0's flag limits
(z < -6 or > 5); after 10 years WHO publishes no weight-for-age, so the BMI-for-age flag limits (|z| > 5) at
heights within +-3 SD of height-for-age (ilp-domain 2.3: "ask back the unlikely").
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from health.life_stage import LifeStage
from health.validation import Accept, Confirm, check_value
from storage.models import Measurement
from tests.harness import Person
from tests.reporting.helpers import member

ON = date(2026, 11, 22)


def days(birth: date) -> int:
    return (ON - birth).days


def test_119_kg_is_asked_back_for_a_10_year_old_without_a_height():
    for birth in (date(2016, 11, 22), date(2016, 5, 20), date(2015, 12, 1)):  # 10 y 0 m, 10 y 6 m, 10 y 11 m
        stage = LifeStage.REMAJA
        verdict = check_value("weight_kg", "119", stage, 126, sex="L", age_days=days(birth))
        assert isinstance(verdict, Confirm), birth
        # a thin, stunted 10-year-old is real (BMI-for-age -2,7, height-for-age -3,3: no WHO flag)
        assert isinstance(check_value("weight_kg", "18.7", stage, 126, sex="L", age_days=days(birth)), Accept)
        assert isinstance(check_value("weight_kg", "60", stage, 126, sex="L", age_days=days(birth)), Accept)


def test_at_10_years_weight_for_age_is_whos_own():
    # WHO 2007 weight-for-age, boys 120 months: the +5 restricted limit is about 79 kg
    birth = date(2016, 11, 22)
    assert isinstance(check_value("weight_kg", "78", LifeStage.REMAJA, 120, sex="L", age_days=days(birth)), Accept)
    assert isinstance(check_value("weight_kg", "81", LifeStage.REMAJA, 120, sex="L", age_days=days(birth)), Confirm)


def test_chat_doubt_blames_the_weight_and_bb_correction_keeps_the_height(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor")
    k.press("new")
    k.say("Candra Wijaya")
    k.say("1")
    k.say("20-05-2016")
    k.say("-")
    assert "tidak biasa" in k.say("119")  # asked back without a height
    k.say("1")  # yes, it is right
    reply = k.say("119")  # a plausible height: the pair is implausible because of the weight
    assert "Berat badan 119 kg tidak wajar" in reply and "Tinggi badan 119" not in reply
    reply = k.say("bb 18,7")  # the weight corrected: the height stays
    assert "tidak wajar" not in reply
    k.say("simpan")
    saved = session.scalars(select(Measurement).where(
        Measurement.member_id == member(session, "Candra Wijaya").id)).one()
    assert (saved.weight_kg, saved.height_cm) == (18.7, 119)


def test_chat_bb_correction_at_a_doubt_about_the_height_keeps_the_height(runtime, demo, session):
    # a balita: 9,5 kg and 60 cm at 2 years do not fit (weight-for-length beyond +5); `bb 9,5` was a typo
    # for the weight? no: the kader corrects the weight to 5,9 at the question about the length
    k = Person(runtime, "kader1")
    k.say("lapor")
    k.press("new")
    k.say("Dewi Lestari")
    k.say("2")
    k.say("10-05-2026")
    k.say("-")
    k.say("9,5")
    reply = k.say("60")
    assert "tidak wajar" in reply or "tidak cocok" in reply
    k.say("bb 5,9")
    k.say("-")  # head
    k.say("-")  # services
    k.say("simpan")
    saved = session.scalars(select(Measurement).where(
        Measurement.member_id == member(session, "Dewi Lestari").id)).one()
    assert (saved.weight_kg, saved.height_cm) == (5.9, 60)
