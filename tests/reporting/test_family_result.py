"""The family's message: plain and kind, never a diagnosis, and never built on an implausible value."""
from __future__ import annotations

from datetime import date

import pytest

from bot.flows.reporting_render import alert_text, result_text, summary_text
from bot.texts import _CATALOGUE, _load  # type: ignore[attr-defined]
from storage.models import Member
from storage.reporting import History, Values, interpret

ON = date(2026, 11, 22)
NONE = History(None, None, False)
DIAGNOSES = ("gizi buruk", "gizi kurang", "gizi lebih", "stunting", "obesitas", "pendek", "malnutrition", "obesity",
             "stunted", "severe", "wasting")


def child(born: date) -> Member:
    return Member(name="Bayu", sex="L", birth_date=born)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_family_meaning_is_a_diagnosis(lang):
    _load()
    meanings = {k: v for k, v in _CATALOGUE[lang].items() if k.startswith("report.meaning.")}
    assert meanings
    for key, text in meanings.items():
        assert not any(word in text.lower() for word in DIAGNOSES), key
    for key, text in meanings.items():  # every severe category says what to do
        if key.split(".")[-1] in ("severely_underweight", "severely_stunted", "severely_wasted", "obese",
                                  "muac_severe"):
            assert "bidan" in text.lower() or "midwife" in text.lower(), key


def test_a_thin_arm_refers_but_tells_the_family_plainly():
    born = date(2026, 1, 26)  # 9 months
    result = interpret("L", born, ON, None, Values(weight_kg=8.6, height_cm=70, position="L", muac_cm=11.2), NONE)
    assert "lila_balita:muac_severe" in result.referral_reasons
    text = result_text("id", child(born), ON, result, {"weight_kg": 8.6, "height_cm": 70})
    assert "perlu diperiksa bidan" in text and "gizi buruk" not in text.lower()


def test_implausible_values_make_no_family_category_and_refer_to_remeasure():
    born = date(2026, 9, 21)  # 2 months
    values = {"weight_kg": 0.5, "height_cm": 55, "position": "H"}
    result = interpret("L", born, ON, None, Values.from_dict(values), NONE)
    text = result_text("id", child(born), ON, result, values)
    assert "diukur ulang" in text and "0,5 kg" not in text
    assert not any(word in text.lower() for word in DIAGNOSES + ("sangat kurang", "jauh"))
    alert = alert_text("id", "Mawar 7", child(born), ON, result, values, "Kader")
    assert "ukur ulang" in alert and "Pendek" not in alert
    summary = summary_text("id", "Bayu", "L", born, ON, result, values, [])
    assert "Pendek" not in summary and "Gizi buruk" not in summary


def test_english_texts_write_the_sex_as_m_or_f():
    from bot.flows.reporting_render import member_label

    born = date(2026, 1, 26)  # 9 months
    values = {"weight_kg": 8.6, "height_cm": 70, "position": "L"}
    result = interpret("L", born, ON, None, Values.from_dict(values), NONE)
    assert "(M, " in summary_text("en", "Bayu", "L", born, ON, result, values, [])
    assert "(L, " in summary_text("id", "Bayu", "L", born, ON, result, values, [])
    assert member_label("en", Member(name="Siti", sex="P", birth_date=born), ON).startswith("Siti (F, ")
    assert member_label("id", Member(name="Siti", sex="P", birth_date=born), ON).startswith("Siti (P, ")
    assert "(M, " in alert_text("en", "Mawar 7", child(born), ON, result, values, "Kader")
