"""The English words the English texts tell people to type are understood (issue 16)."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import Measurement
from tests.harness import Person


def english(runtime, address: str = "kader1") -> Person:  # type: ignore[no-untyped-def]
    person = Person(runtime, address)
    person.say("bahasa"), person.say("2")
    return person


def test_pregnancy_questions_in_english(runtime, demo):
    k = english(runtime)
    k.say("report")
    asked = k.say("nurhayati")
    assert "Is she pregnant" in asked or "pregnant" in asked.lower()
    assert "*forgot*" in k.say("yes")
    estimate = k.say("forgot")
    assert "*5 months*" in estimate and "*due 12-03-2027*" in estimate and "bulan" not in estimate
    header = k.say("5 months")
    assert "weeks pregnant" in header and "Weight (kg)?" in header


def test_fasting_glucose_and_english_keywords_at_a_question(runtime, demo, session):
    k = english(runtime)
    k.say("report"), k.say("joko")
    k.say("weight 70 height 168 waist 90 bp 120/80")  # the whole line: straight to the summary
    summary = k.say("fasting 95")
    assert "fasting 95 mg/dL" in summary and "GDP" not in summary
    assert "Saved ✅" in k.say("save")
    session.expire_all()
    row = session.scalars(select(Measurement)).one()
    assert (row.glucose_mgdl, row.glucose_kind, row.height_cm, row.waist_cm) == (95, "GDP", 168, 90)


def test_english_service_names_are_read(runtime, demo, session):
    k = english(runtime)
    k.say("report"), k.say("rizky"), k.say("10.9 81"), k.say("-"), k.say("-")
    summary = k.say("supplementary food, counselling done")
    assert "Services: PMT (supplementary food), Counselling" in summary
