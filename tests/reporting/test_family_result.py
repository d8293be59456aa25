"""The family's message: plain and kind, never a diagnosis, and never built on an implausible value."""
from __future__ import annotations

from datetime import date

import pytest

from bot.visit_text import alert_text, result_text, summary_text
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
            assert ("bidan" if lang == "id" else "midwife") in text.lower(), key


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
    from bot.visit_text import member_label

    born = date(2026, 1, 26)  # 9 months
    values = {"weight_kg": 8.6, "height_cm": 70, "position": "L"}
    result = interpret("L", born, ON, None, Values.from_dict(values), NONE)
    assert "(M, " in summary_text("en", "Bayu", "L", born, ON, result, values, [])
    assert "(L, " in summary_text("id", "Bayu", "L", born, ON, result, values, [])
    assert member_label("en", Member(name="Siti", sex="P", birth_date=born), ON).startswith("Siti (F, ")
    assert member_label("id", Member(name="Siti", sex="P", birth_date=born), ON).startswith("Siti (P, ")
    assert "(M, " in alert_text("en", "Mawar 7", child(born), ON, result, values, "Kader")


# -- issue 7: advice depends on age and urgency ------------------------------------------------------------
def test_a_26_day_old_is_told_exclusive_breastfeeding_not_balanced_food():
    # WHO/UNICEF infant feeding, Buku KIA 2023: breast milk only until 6 months.
    born = date(2026, 10, 27)  # 26 days
    result = interpret("L", born, ON, None, Values(weight_kg=4.0, height_cm=53, position="L"), NONE)
    text = result_text("id", child(born), ON, result, {"weight_kg": 4.0, "height_cm": 53})
    assert "ASI eksklusif" in text and "makanan bergizi seimbang" not in text
    en = result_text("en", child(born), ON, result, {"weight_kg": 4.0, "height_cm": 53})
    assert "exclusive breastfeeding" in en


def test_a_weight_loss_is_called_a_loss_not_too_little_gain():
    from health.visit import PastVisit
    born = date(2025, 11, 20)  # 12 months
    last = PastVisit(date(2026, 10, 20), 9.5, None, "N")
    result = interpret("L", born, ON, None, Values(weight_kg=9.2), History(last, last, True))
    assert result.weight_gain == "T" and result.gain_grams == -300
    text = result_text("id", child(born), ON, result, {"weight_kg": 9.2})
    assert "turun 300 gram" in text and "tidak naik cukup" not in text
    assert "MPASI" in text  # 6-23 months: breast milk and complementary food


def test_a_today_referral_does_not_say_this_week():
    born = date(2026, 1, 26)  # 9 months, LiLA < 11,5: gizi buruk -> today (health.urgency)
    result = interpret("L", born, ON, None, Values(weight_kg=8.6, height_cm=70, position="L", muac_cm=11.2), NONE)
    assert result.urgency == "today"
    text = result_text("id", child(born), ON, result, {"weight_kg": 8.6, "height_cm": 70})
    assert "hari ini" in text and "minggu ini" not in text
    stunted = interpret("L", date(2024, 11, 22), ON, None, Values(weight_kg=10.5, height_cm=80, position="H"), NONE)
    assert stunted.urgency == "week"
    text = result_text("id", child(date(2024, 11, 22)), ON, stunted, {"weight_kg": 10.5, "height_cm": 80})
    assert "minggu ini" in text and "hari ini" not in text
