"""Issue 16: WHO's plausibility flags per indicator, attributed to the right measurement, and severe wasting
said and urgent on its own.

Published values: WHO anthro 1.1 flags each index on its own (WFL/WFH |z| > 5, LFA |z| > 6, WFA z < -6 or
> 5, BFA |z| > 5; anthroplus 1.0: HFA |z| > 6, WFA < -6 or > 5, BFA |z| > 5); Permenkes 2/2020: BB/PB < -3 SD
is gizi buruk; PNPK tata laksana gizi buruk / Kemenkes 2019 (ilp-domain 3.1, 3.3): gizi buruk by BB/PB < -3 SD
or LiLA < 11,5 cm (6-59 months) is referred the same day.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.flows.reporting_items import z_doubt
from health.growth import child_zscores
from health.plausibility import blamed_fields
from health.visit import History, Values, interpret
from tests.harness import Person

ON = date(2026, 11, 23)
NONE = History(None, None, False)


def born(days: int) -> date:
    return ON - timedelta(days=days)


def test_a_7_week_old_of_52_cm_and_2_6_kg_is_severely_wasted_and_urgent_by_weight_for_length():
    # WHO anthro 1.1 for a boy of 49 days, 52 cm lying, 2,6 kg: WFA -4,73, LFA -2,57, WFL -4,31 (no flag),
    # BFA -5,19 (flagged: BMI-for-age's own flag, not the length's)
    z = child_zscores("L", 49, 2.6, 52, "L")
    assert (z.waz, z.haz, z.whz) == (-4.73, -2.57, -4.31) and z.flags == frozenset({"baz"})
    result = interpret("L", born(49), ON, None, Values(weight_kg=2.6, height_cm=52, position="L"), NONE)
    assert result.categories["bb_pb_tb"].code == "severely_wasted"
    assert result.categories["pb_tb_u"].code == "stunted"  # the length is read: it is plausible
    assert result.referral_levels["bb_pb_tb:severely_wasted"] == "today"
    assert not [c for c in result.flag_codes if "implausible" in c]
    # and the chat does not ask back the (plausible) length
    assert not z_doubt("height", {"weight_kg": "2.6", "height_cm": "52", "position": "L"}, "L", born(49), ON).flags


def test_severe_wasting_is_segera_on_its_own_without_bgm():
    # 13 months, 78 cm, 7,3 kg: WFA -2,76 (not below the red line), WFL -4,00: gizi buruk, same day
    result = interpret("L", born(400), ON, None, Values(weight_kg=7.3, height_cm=78, position="L"), NONE)
    assert "growth_flag:bgm" not in result.flag_codes
    assert result.referral_levels["bb_pb_tb:severely_wasted"] == "today" and result.urgent


def test_muac_under_11_5_is_segera_on_its_own():
    # 12 months, ordinary weight and length, LiLA 11,4 cm: gizi buruk by LiLA (ilp-domain 3.3), same day
    result = interpret("P", born(366), ON, None, Values(weight_kg=8.9, height_cm=74, position="L", muac_cm=11.4),
                       NONE)
    assert result.referral_levels["lila_balita:muac_severe"] == "today"


@pytest.mark.parametrize("flags, alone, blamed", [
    ({"waz"}, {"weight_kg"}, ("weight_kg",)),
    ({"haz"}, {"height_cm"}, ("height_cm",)),
    ({"hcz"}, {"head_cm"}, ("head_cm",)),
    ({"acz"}, {"muac_cm"}, ("muac_cm",)),
    ({"whz"}, set(), ("weight_kg", "height_cm")),  # each plausible alone: the combination
    ({"baz"}, {"weight_kg"}, ("weight_kg",)),  # 119 kg at 10 years with a plausible 119 cm
    ({"baz"}, {"height_cm"}, ("height_cm",)),
    ({"whz", "haz"}, {"height_cm"}, ("height_cm",)),
])
def test_each_flag_blames_the_measurement_implausible_on_its_own(flags, alone, blamed):
    assert blamed_fields(flags, alone) == blamed


def test_chat_names_the_weight_not_the_height_of_a_10_year_old_of_119_kg_and_119_cm():
    # anthroplus 1.0: 119 cm at 10 years 6 months is HFA -2,9 (plausible); 119 kg is no 10-year-old's weight
    birth = date(2016, 5, 20)
    doubt = z_doubt("height", {"weight_kg": "119", "height_cm": "119"}, "L", birth, ON)
    assert doubt.flags == frozenset({"baz"}) and doubt.blamed == ("weight",)


def test_the_24_month_switch_of_length_and_height_tables():
    # WHO: lengths (lying) and weight-for-length to 730 days, heights (standing) and weight-for-height from 731
    assert child_zscores("L", 730, 10, 85, "L").whz_table == "wfl"
    assert child_zscores("L", 731, 10, 85, "H").whz_table == "wfh"
    lying = interpret("L", born(730), ON, None, Values(weight_kg=10, height_cm=85, position="L"), NONE)
    standing = interpret("L", born(731), ON, None, Values(weight_kg=10, height_cm=85, position="H"), NONE)
    assert lying.measure == "L" and standing.measure == "H"


def lapor_baby(k: Person, weight: str, length: str, birth: str) -> str:
    k.say("lapor")
    k.press("new")
    k.say("Bima Saputra")
    k.say("1")
    k.say(birth)
    k.say("-")
    k.say(weight)
    reply = k.say(length)
    assert "tidak wajar" not in reply, reply
    k.say("-")  # head
    return k.say("-")  # services -> summary


def test_chat_summary_shows_weight_for_length_of_a_severely_wasted_infant(runtime, demo, session):
    k = Person(runtime, "kader1")
    summary = lapor_baby(k, "2,6", "52", (date(2026, 11, 22) - timedelta(days=49)).strftime("%d-%m-%Y"))
    assert "BB/PB: Gizi buruk (z -4,31)" in summary
    segera = summary.split("SEGERA")[1].split("\n\n")[0]
    assert "Gizi buruk" in segera
    assert "tidak wajar" not in summary and "IMT/U" not in summary


def test_chat_summary_says_when_weight_for_length_cannot_be_read(runtime, demo, session):
    # 44 cm is below WHO's weight-for-length table (45-110 cm): said, never silently left out
    k = Person(runtime, "kader1")
    summary = lapor_baby(k, "2,3", "44", (date(2026, 11, 22) - timedelta(days=3)).strftime("%d-%m-%Y"))
    assert "BB/PB: tidak dapat dinilai" in summary
