"""One interpretation for the chat and the import: health/'s rules applied to whom they fit."""
from __future__ import annotations

from datetime import date

from health.permenkes import PERMENKES_2_2020
from health.screening import MUAC_BANDS
from storage.reporting import History, PastVisit, Values, interpret, search_members

ON = date(2026, 11, 22)
GIRL = date(2026, 1, 26)  # 9 months, 300 days
NONE = History(None, None, False)


def last_month(weight: float, gain: str | None, on: date = date(2026, 10, 20)) -> History:
    past = PastVisit(on, weight, 69.0, gain)
    return History(past, past, True)


def test_a_first_weighing_is_b_and_categories_use_permenkes_names():
    result = interpret("P", GIRL, ON, None, Values(weight_kg=8.1, height_cm=70, position="L", muac_cm=14), NONE)
    assert result.stage.value == "bayi_balita" and result.age_months == 9 and result.age_days == 300
    assert result.weight_gain == "B" and result.flags == []
    assert result.statuses == {"bb_u": "normal", "pb_tb_u": "normal", "bb_pb_tb": "normal", "imt_u_0_60": "normal",
                               "lila_balita": "normal"}
    assert result.categories["bb_u"].label_id == "Berat badan normal"
    assert result.automatic_services == ["TIMBANG"]


def test_two_t_in_a_row_and_a_thin_arm_are_referral_flags():
    result = interpret("P", GIRL, ON, None, Values(weight_kg=7.9, muac_cm=11.2), last_month(8.0, "T"))
    assert result.weight_gain == "T" and result.gain_grams == -100
    # LiLA < 11,5 cm is gizi buruk: today, before the 2T of this week (health.urgency)
    assert result.referral_reasons == ["lila_balita:muac_severe", "growth_flag:two_t"]
    assert result.referral_levels == {"lila_balita:muac_severe": "today", "growth_flag:two_t": "week"}
    assert result.urgency == "today"


def test_below_the_red_line_is_one_flag_not_two():
    result = interpret("P", GIRL, ON, None, Values(weight_kg=5.0), NONE)
    assert "growth_flag:bgm" in result.flag_codes
    assert "bb_u:severely_underweight" not in result.flag_codes and result.statuses["bb_u"] == "severely_underweight"


def test_not_weighed_last_month_is_o():
    result = interpret("P", GIRL, ON, None, Values(weight_kg=8.3), last_month(8.0, "N", date(2026, 9, 15)))
    assert result.weight_gain == "O" and result.gain_grams is None


def test_implausible_values_refer_to_remeasure_not_by_a_category():
    result = interpret("P", GIRL, ON, None, Values(weight_kg=30), NONE)
    assert result.referral_reasons == ["growth_flag:implausible_waz"]  # ukur ulang, not "above the orange line"
    assert "bb_u" not in result.categories


def test_an_implausible_measure_yields_no_category_nor_any_index_derived_from_it():
    baby = date(2026, 9, 21)  # 2 months on ON
    result = interpret("P", baby, ON, None, Values(weight_kg=0.5, height_cm=55, position="H"), NONE)
    assert {"bb_u", "pb_tb_u", "bb_pb_tb", "imt_u_0_60"}.isdisjoint(result.categories)  # standing < 9 mo, 0,5 kg
    assert result.referral_reasons and all(code.startswith("growth_flag:implausible_")
                                           for code in result.referral_reasons)
    assert "pb_tb_u:stunted" not in result.flag_codes and result.remeasure


def test_school_age_uses_who_2007_and_screens_anaemia():
    result = interpret("P", date(2013, 5, 9), ON, None, Values(weight_kg=40, height_cm=150, hb_gdl=10), NONE)
    assert result.stage.value == "remaja" and result.baz is not None and result.whz is None
    assert result.statuses["imt_u_5_18"] == "normal" and result.referral_reasons == ["hb:moderate_anaemia"]
    assert result.automatic_services == ["HB-REMAJA"]


def test_adult_urgent_blood_pressure_and_glucose():
    values = Values(weight_kg=80, height_cm=165, waist_cm=95, systolic=185, diastolic=100, glucose_mgdl=320,
                    glucose_kind="GDS")
    result = interpret("L", date(1981, 11, 30), ON, None, values, NONE)
    assert result.urgent and result.flag_codes[:2] == ["td_dewasa:hypertension_grade_3", "glukosa_gds:very_high"]
    assert result.statuses["imt_ap"] == "obese_1" and result.statuses["lingkar_perut"] == "central_obesity"
    assert result.automatic_services == ["PTM"]


def test_pregnancy_kek_hypertension_and_post_term():
    result = interpret("P", date(1998, 8, 17), ON, date(2026, 6, 15), Values(weight_kg=55, muac_cm=22, systolic=150,
                                                                               diastolic=95), NONE)
    assert result.stage.value == "ibu_hamil" and result.gestational_weeks == 22 and result.urgent
    assert set(result.referral_reasons) == {"td_bumil:hypertension_in_pregnancy", "lila_bumil:kek"}
    assert "imt" not in result.categories  # no adult BMI in pregnancy
    late = interpret("P", date(1998, 8, 17), ON, date(2026, 1, 20), Values(weight_kg=60), NONE)
    assert "pregnancy:post_term" in late.referral_reasons


def test_values_keep_the_precision_of_their_columns():
    values = Values.from_dict({"weight_kg": "9.555", "height_cm": "75.25", "glucose_mgdl": "109.8", "hb_gdl": ""})
    assert (values.weight_kg, values.height_cm, values.glucose_mgdl, values.hb_gdl) == (9.555, 75.25, 110, None)
    assert values.glucose_kind == "GDS" and Values().empty


def test_search_is_tolerant_of_spelling(runtime, demo, session, clock):
    from storage.members import name_key
    from storage.models import Member
    from tests.reporting.helpers import posyandu

    mawar = posyandu(session, "MAWAR7")
    session.add(Member(posyandu_id=mawar.id, name="Siti Nurhaliza", name_key=name_key("Siti Nurhaliza"), sex="P",
                       birth_date=date(2025, 3, 14), created_at=clock.now()))
    session.commit()
    for query in ("Siti Nurhaliza", "siti nurhaliza", "Nurhalisa", "nurhaliza"):
        assert [m.name for m in search_members(session, [mawar.id], query)][0] == "Siti Nurhaliza", query
    assert search_members(session, [mawar.id], "Bagus Saputra") == []  # Melati 3's member, not here
    assert search_members(session, [mawar.id], "xq") == []


def test_every_sentence_exists_in_both_languages_with_the_same_blanks():
    from bot.i18n.report import EN, ID
    from bot.texts import placeholders

    assert set(ID) == set(EN)
    for key in ID:
        assert placeholders(ID[key]) == placeholders(EN[key]), key
    needed = {f"report.{kind}.{item}" for kind in ("ask", "item") for item in
              ("weight", "height", "head", "muac", "waist", "bp", "glucose", "hb")}
    needed |= {f"gain.{c}" for c in ("N", "T", "T_down", "T_same", "T_up", "O", "B")}
    needed |= {f"report.index.{i}.{p}" for i in ("bb_u", "pb_tb_u", "bb_pb_tb", "imt_u_0_60", "imt_u_5_18",
                                                 "tb_u_5_18") for p in "LH"}
    needed |= {f"report.meaning.{index}.{band.category.code}" for index in ("bb_u", "pb_tb_u", "bb_pb_tb")
               for band in PERMENKES_2_2020[index] if band.category.code != "normal"}
    needed |= {f"report.meaning.lila_balita.{band.category.code}" for band in MUAC_BANDS["balita"]
               if band.category.code != "normal"}
    assert needed <= set(ID), sorted(needed - set(ID))


def test_counselling_findings_are_advice_not_referrals():
    adult = interpret("L", date(1981, 11, 30), ON, None, Values(weight_kg=75, height_cm=165, waist_cm=95,
                                                               systolic=118, diastolic=76), NONE)
    assert adult.statuses["imt_ap"] == "obese_1" and adult.statuses["lingkar_perut"] == "central_obesity"
    assert adult.referral_reasons == [] and {c.code for c in adult.advice} == {"obese_1", "central_obesity"}
    woman = interpret("P", date(1996, 3, 1), ON, None, Values(weight_kg=45, muac_cm=22), NONE)
    assert woman.statuses["lila_wus"] == "kek_risk" and woman.referral_reasons == []
    child = interpret("L", date(2019, 5, 1), ON, None, Values(weight_kg=22, height_cm=120, systolic=110,
                                                              diastolic=70), NONE)  # 7 years
    assert child.statuses["td_anak"] == "above_normal_for_age" and child.referral_reasons == []
    high = interpret("L", date(2019, 5, 1), ON, None, Values(systolic=135, diastolic=85), NONE)
    assert high.referral_reasons == ["td_anak:hypertension"]


def test_the_summary_shows_counselling_advice():
    from bot.visit_text import summary_text

    born = date(1981, 11, 30)
    values = {"weight_kg": 75, "height_cm": 165, "waist_cm": 95}
    result = interpret("L", born, ON, None, Values.from_dict(values), NONE)
    text = summary_text("id", "Joko", "L", born, ON, result, values, [])
    assert "Perhatian" in text and "Obesitas I" in text and "Perlu dirujuk" not in text
