"""Pure parsers of the reporting flow: the expert line, single values, services, numbers.

Dates, phone numbers, NIK and names are shared with the resident flow and the imports: tests/test_parsing.py."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flows.base import Invalid
from bot.flows.reporting_expert import parse_expert, split_name_and_line
from bot.formats import number
from bot.flows.reporting_items import check_item, items_for
from bot.flows.reporting_services import options, parse_selection, words
from health.life_stage import LifeStage


def test_expert_lines():
    line = parse_expert("bb 9,5 tb 75 lk 45 lila 14")
    assert line.values == {"weight": "9,5", "height": "H75", "head": "45", "muac": "14"} and not line.unknown
    line = parse_expert("td 120/80 gds 110")
    assert line.values == {"bp": "120/80", "glucose": "GDS 110"}
    line = parse_expert("BB: 9.5kg, PB=70cm vita pmt", {"vita": "VITA", "pmt": "PMT"})
    assert line.values == {"weight": "9.5", "height": "L70"} and line.services == ["VITA", "PMT"]
    assert parse_expert("bb 9 xx 12").unknown == ["xx", "12"]
    assert parse_expert("9,5") is None and parse_expert("siti") is None and parse_expert("") is None
    assert split_name_and_line("siti nurhaliza bb 9,5 tb 75") == ("siti nurhaliza", "bb 9,5 tb 75")
    assert split_name_and_line("joko") == ("joko", "")


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["bb", "tb", "lk", "lila", "lp", "hb"]),  # pb and tb both fill height
                       st.decimals(min_value=1, max_value=300, places=1), min_size=1),
       st.sampled_from([" ", ", ", "; "]), st.booleans())
def test_expert_lines_read_back_whatever_the_separators(values, separator, comma):
    text = separator.join(f"{k} {str(v).replace('.', ',') if comma else v}" for k, v in values.items())
    line = parse_expert(text)
    assert line is not None and not line.unknown
    for key, value in values.items():
        item = {"bb": "weight", "pb": "height", "tb": "height", "lk": "head", "lila": "muac", "lp": "waist",
                "hb": "hb"}[key]
        assert line.values[item].lstrip("LH").replace(",", ".") == str(value)


@pytest.mark.parametrize("raw", ["9,5", "9.5", "9.5 kg", " 9,50kg"])
def test_weights_parse_in_every_usual_form(raw):
    assert check_item("weight", raw, LifeStage.BAYI_BALITA, 10).values == {"weight_kg": "9.5"}


def test_a_unit_slip_is_asked_back_not_stored():
    checked = check_item("weight", "9500", LifeStage.BAYI_BALITA, 10)
    assert checked.confirm == "unit_slip" and checked.values == {"weight_kg": "9.5"}
    assert checked.params["typed"] == "9500"
    hb = check_item("hb", "112", LifeStage.DEWASA, 400)
    assert hb.confirm == "unit_slip" and hb.values == {"hb_gdl": "11.2"}


@pytest.mark.parametrize("item,raw,key", [
    ("weight", "abc", "report.bad.weight"), ("weight", "0,2", "report.out_of_range"),
    ("bp", "80/120", "report.bad.bp_order"), ("bp", "120", "report.bad.bp"), ("bp", "400/300", "report.bad.bp_range"),
    ("head", "45", "report.not_for_group"),
])
def test_impossible_values_are_refused_with_a_reason(item, raw, key):
    stage = LifeStage.BAYI_BALITA if item in ("weight",) else LifeStage.DEWASA
    with pytest.raises(Invalid) as caught:
        check_item(item, raw, stage, 10 if stage is LifeStage.BAYI_BALITA else 400)
    assert caught.value.key == key


def test_blood_pressure_and_glucose():
    assert check_item("bp", "120 / 80 mmHg", LifeStage.DEWASA, 400).values == {"systolic": 120, "diastolic": 80}
    assert check_item("bp", "190/120", LifeStage.DEWASA, 400).confirm == "unusual"
    assert check_item("glucose", "GDP 95", LifeStage.DEWASA, 400).values == {"glucose_mgdl": "95",
                                                                             "glucose_kind": "GDP"}
    assert check_item("glucose", "110", LifeStage.DEWASA, 400).values["glucose_kind"] == "GDS"
    slip = check_item("glucose", "6,1", LifeStage.DEWASA, 400)  # mmol/L typed
    assert slip.confirm == "unit_slip" and slip.values["glucose_mgdl"] == "110"


def test_items_follow_the_form_of_each_group():
    assert items_for(LifeStage.BAYI_BALITA, 3) == ["weight", "height", "head"]
    assert items_for(LifeStage.BAYI_BALITA, 9) == ["weight", "height", "head", "muac"]
    assert items_for(LifeStage.IBU_HAMIL, 300) == ["weight", "muac", "bp", "hb"]  # Hb asked too (issue 7)
    assert items_for(LifeStage.LANSIA, 800) == ["weight", "height", "waist", "bp", "glucose", "hb"]
    assert items_for(LifeStage.ANAK, 70) == ["weight", "height"]


def test_services_offered_and_selected():
    offered = options(LifeStage.BAYI_BALITA, 280, "P", given={"IPV2"})
    codes = [s.code for s in offered]
    assert codes[0] == "MR1" and "IPV2" not in codes and {"VITA", "PMT", "KONSELING"} <= set(codes)
    assert "CACING" not in codes  # from 12 months
    assert parse_selection("1 3", offered) == [codes[0], codes[2]]
    assert parse_selection("1,1", offered) == [codes[0]]
    assert parse_selection("vita pmt", offered, LifeStage.BAYI_BALITA) == ["VITA", "PMT"]
    assert parse_selection("bcg", offered, LifeStage.BAYI_BALITA) == ["BCG"]  # a catch-up dose by code
    assert parse_selection("99", offered) is None and parse_selection("apa", offered) is None
    assert "mms" in words(options(LifeStage.IBU_HAMIL, 9000, "P", set(), 20))


def test_numbers_are_written_the_indonesian_way():
    assert (number(9.5, "id"), number(9.5, "en"), number(-0.444, "id", 2), number(75.0, "id")) == \
        ("9,5", "9.5", "-0,44", "75")


def test_doses_due_now_come_first_and_hb0_is_never_offered_past_its_window():
    codes = [s.code for s in options(LifeStage.BAYI_BALITA, 62, "L", given=set())]  # 2 months
    assert "HB0" not in codes
    assert set(codes[:3]) == {"DPT-HB-HIB1", "PCV1", "RV1"}  # due now, RV1 no longer cut off
    assert set(codes[3:5]) == {"BCG", "OPV1"}  # overdue, still recordable (catch-up); OPV2 waits for OPV1
    assert "OPV2" in [s.code for s in options(LifeStage.BAYI_BALITA, 62, "L", given={"OPV1"})]
    assert "HB0" in [s.code for s in options(LifeStage.BAYI_BALITA, 3, "L", given=set())]  # within its window


def test_numbers_and_codes_mix_in_one_selection():
    offered = options(LifeStage.BAYI_BALITA, 62, "L", given=set())
    codes = [s.code for s in offered]
    assert parse_selection("4 5 rv1", offered, LifeStage.BAYI_BALITA) == [codes[3], codes[4], "RV1"]
    assert parse_selection("1, konseling", offered, LifeStage.BAYI_BALITA) == [codes[0], "KONSELING"]  # no PMT < 6 mo
    assert parse_selection("1 99", offered) is None and parse_selection("1 apa", offered) is None


@pytest.mark.parametrize("stage,months,key", [
    (LifeStage.BAYI_BALITA, 10, "report.bad.weight"), (LifeStage.ANAK, 84, "report.bad.weight_anak"),
    (LifeStage.DEWASA, 400, "report.bad.weight_adult"), (LifeStage.IBU_HAMIL, 300, "report.bad.weight_adult"),
])
def test_an_unreadable_weight_gets_an_example_of_the_groups_size(stage, months, key):
    with pytest.raises(Invalid) as caught:
        check_item("weight", "abc", stage, months)
    assert caught.value.key == key


def test_an_adults_weight_in_grams_is_asked_back_but_9500_is_no_adult_weight():
    slip = check_item("weight", "55500", LifeStage.DEWASA, 400)
    assert slip.confirm == "unit_slip" and slip.values == {"weight_kg": "55.5"}
    with pytest.raises(Invalid) as caught:  # 9,5 kg is below the adult hard range: refused with the range
        check_item("weight", "9500", LifeStage.DEWASA, 400)
    assert caught.value.key == "report.out_of_range"


def test_vitamin_a_and_deworming_are_offered_in_their_months_only():
    from datetime import date

    def codes(age_days: int, on: date) -> list[str]:
        return [s.code for s in options(LifeStage.BAYI_BALITA, age_days, "L", set(), on=on)]

    thirty_months = 913
    assert "VITA" not in codes(thirty_months, date(2026, 11, 22))  # November: no round
    assert "CACING" not in codes(thirty_months, date(2026, 11, 22))
    assert {"VITA", "CACING"} <= set(codes(thirty_months, date(2026, 8, 10)))  # Bulan Vitamin A, deworming
    assert "VITA" in codes(thirty_months, date(2026, 2, 3)) and "CACING" not in codes(thirty_months, date(2026, 2, 3))
    assert "VITA" in codes(280, date(2026, 2, 3)) and "VITA" not in codes(280, date(2026, 11, 22))  # blue capsule
    offered = options(LifeStage.BAYI_BALITA, thirty_months, "L", set(), on=date(2026, 11, 22))
    assert parse_selection("vita", offered, LifeStage.BAYI_BALITA) == ["VITA"]  # an extra round, typed by code


def test_vaccine_names_kaders_write_are_understood():
    # Buku KIA names: dpt4 = DPT-HB-Hib 4, campak = MR (ilp-domain 4.1)
    from bot.flows.reporting_services import due_doses, parse_selection
    offered = due_doses(700, {"MR1", "DPT-HB-HIB1", "DPT-HB-HIB2", "DPT-HB-HIB3"})
    assert parse_selection("dpt4 mr2", offered, LifeStage.BAYI_BALITA) == ["DPT-HB-HIB4", "MR2"]
    assert parse_selection("campak", offered, LifeStage.BAYI_BALITA) == ["MR2"]
    assert parse_selection("polio1 rota1", offered, LifeStage.BAYI_BALITA) == ["OPV1", "RV1"]


def test_one_age_text_for_staff_and_families():
    # Buku KIA writes a newborn's age in days and a toddler's in years and months; one function for all readers.
    from datetime import date

    from bot.formats import age

    on = date(2026, 11, 22)
    assert age(date(2026, 11, 10), on, "id") == "12 hari" and age(date(2026, 11, 10), on, "en") == "12 days"
    assert age(date(2026, 2, 4), on, "id") == "9 bulan"
    assert age(date(2024, 3, 14), on, "id") == "2 tahun 8 bulan"
    assert age(date(1992, 3, 14), on, "id") == "34 tahun"


def test_an_unknown_service_code_is_said_in_words_never_as_a_text_key():
    """A code no table knows (an old import, a typo such as `DPT-HB-Hib1`) reads "layanan lain", not
    `report.service.DPT-HB-Hib1` (found by bench/web.py's data)."""
    from bot.flows.reporting_services import label_for

    assert label_for("DPT-HB-Hib1", "id") == "layanan lain"
    assert label_for("XYZ", "en") == "another service"
    assert "report.service" not in label_for("VITA", "id")
