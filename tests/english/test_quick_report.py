"""The quick report reads English keywords and bare numbers in both languages, and never drops a value
without saying so (issue 16: `report Aisyah weight 7.9 length 71` dropped the values, `report Bima 10.9 81`
took the numbers for the name)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.flows.reporting_expert import bare_values, parse_expert, split_name_and_line
from storage.models import Measurement
from tests.harness import Person


def english(runtime, address: str = "kader1") -> Person:  # type: ignore[no-untyped-def]
    person = Person(runtime, address)
    person.say("bahasa"), person.say("2")
    return person


def saved(session) -> list[Measurement]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(select(Measurement).order_by(Measurement.id)))


@pytest.mark.parametrize(("typed", "name", "line"), [
    ("Aisyah weight 7.9 length 71", "Aisyah", "weight 7.9 length 71"),
    ("Bima 10.9 81", "Bima", "10.9 81"),
    ("bima 10,9 81", "bima", "10,9 81"),
    ("siti bb9,5", "siti", "bb9,5"),
    ("Bima 10,9 kg 81 cm", "Bima", "10,9 kg 81 cm"),
    ("Bima 10,9kg 81cm", "Bima", "10,9kg 81cm"),
    ("Siti Aminah", "Siti Aminah", ""),
    ("Bima 12-03-2024", "Bima 12-03-2024", ""),  # a date is no value
    ("Rahb 9", "Rahb", "9"),  # `hb` inside a name is no keyword
])
def test_the_name_ends_where_the_values_begin(typed, name, line):
    assert split_name_and_line(typed) == (name, line)


def test_english_keywords_and_units_are_read():
    line = parse_expert("weight 7.9 length 71 head 45 muac 14")
    assert line is not None and not line.unknown
    assert line.values == {"weight": "7.9", "height": "L71", "head": "45", "muac": "14"}
    adult = parse_expert("weight 60 height 155 waist 80 bp 120/80 fbg 95")
    assert adult is not None and adult.values["height"] == "H155" and adult.values["glucose"] == "GDP 95"
    assert bare_values("10,9 kg 81 cm") == ["10,9", "81"] and bare_values("10,9 81 xyz") is None


def test_report_in_english_with_keywords_keeps_every_value(runtime, demo, session):
    k = english(runtime)
    reply = k.say("report Aisyah weight 7.9 length 71 save")
    assert "Saved ✅" in reply, reply
    (row,) = saved(session)
    assert (row.weight_kg, row.height_cm, row.position) == (7.9, 71.0, "L")


@pytest.mark.parametrize(("command", "typed"), [("report", "Rizky 10.9 81"), ("lapor", "rizky 10,9 81"),
                                                ("lapor", "rizky 10,9 kg 81 cm")])
def test_bare_numbers_after_the_name_are_weight_then_length(runtime, demo, session, command, typed):
    k = Person(runtime, "kader1")
    reply = k.say(f"{command} {typed} simpan")
    assert "Tersimpan ✅" in reply, reply
    (row,) = saved(session)
    assert (row.weight_kg, row.height_cm) == (10.9, 81.0)


def test_what_cannot_be_read_is_named_and_the_rest_kept(runtime, demo, session):
    k = english(runtime)
    reply = k.say("report Rizky 10.9 81 xyz")
    assert "did not understand this part and ignored it: xyz" in reply
    assert "Head circumference" in reply  # weight and length taken, the next question asked
    reply = k.say("save")
    (row,) = saved(session)
    assert (row.weight_kg, row.height_cm) == (10.9, 81.0)


def test_a_line_with_no_value_is_not_dropped_silently(runtime, demo):
    k = Person(runtime, "kader1")
    reply = k.say("lapor rizky 10,9 81 82 83 84 85 86 87 88")
    assert "lebih banyak" in reply and "Berat badan" in reply  # too many values: said, then asked one by one


def test_english_words_answer_in_a_report(runtime, demo, session):
    k = english(runtime)
    k.say("report"), k.say("aisyah")
    k.say("7.9")
    reply = k.say("71 save")
    assert "Saved ✅" in reply, reply
    assert saved(session)[0].weight_kg == 7.9


@pytest.mark.parametrize(("command", "typed", "saved_word"), [
    ("report", "Aisyah 7.9 length 71", "Saved ✅"), ("lapor", "aisyah 7,9 pb 71", "Tersimpan ✅")])
def test_a_number_before_the_first_keyword_is_the_first_value(runtime, demo, session, command, typed, saved_word):
    k = english(runtime) if command == "report" else Person(runtime, "kader1")
    reply = k.say(f"{command} {typed} {'save' if command == 'report' else 'simpan'}")
    assert saved_word in reply, reply
    (row,) = saved(session)
    assert (row.weight_kg, row.height_cm) == (7.9, 71.0)
