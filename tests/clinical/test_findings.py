"""Issue 16: one finding per problem, its evidence under it (Kemenkes 2019 / PNPK gizi buruk, WHO 2013:
gizi kurang = BB/PB -3 to < -2 SD *or* LiLA 11,5-< 12,5 cm; gizi buruk = BB/PB < -3 SD *or* LiLA < 11,5 cm;
Permenkes 2/2020: IMT/U uses BB/PB's categories)."""
from __future__ import annotations

from datetime import date, timedelta

from bot.visit_text import alert_text, summary_text
from health.category import Category
from health.child_flags import REASONS
from health.findings import FINDINGS, finding_of, group
from health.permenkes import PERMENKES_2_2020
from health.screening import MUAC_BANDS
from health.visit import History, Values, interpret
from tests.reporting.helpers import member

ON = date(2026, 11, 22)
BORN = ON - timedelta(days=366)


def test_wfl_and_muac_gizi_kurang_are_one_finding_with_both_as_evidence():
    # 12 months, 76 cm, 7,6 kg: BB/PB -2,38 (gizi kurang); LiLA 12 cm (11,5-< 12,5: gizi kurang)
    result = interpret("P", BORN, ON, None, Values(weight_kg=7.6, height_cm=76, position="L", muac_cm=12.0),
                       History(None, None, False))
    assert {"bb_pb_tb:wasted", "lila_balita:muac_moderate"} <= set(result.flag_codes)
    values = {"weight_kg": "7.6", "height_cm": "76", "position": "L", "muac_cm": "12"}
    text = summary_text("id", "Sari", "P", BORN, ON, result, values, [])
    reasons = text.split("Perlu dirujuk ke bidan:")[1]
    assert reasons.count("Gizi kurang") == 1
    assert "BB/PB: z -2,38" in reasons and "LiLA: 12 cm" in reasons


def test_every_index_sharing_a_category_name_is_one_finding():
    # the class: BB/PB and IMT/U 0-60 share Permenkes' six categories, LiLA balita says gizi buruk/kurang too;
    # any two referral categories of a balita with the same name must map to one finding
    cats: list[Category] = [band.category for index in ("bb_pb_tb", "imt_u_0_60", "bb_u")
                            for band in PERMENKES_2_2020[index]]
    cats += [band.category for band in MUAC_BANDS["balita"]] + list(REASONS.values())
    by_name: dict[str, set[str]] = {}
    for cat in cats:
        if cat.refer:
            name = cat.label_id.split(" (")[0]
            by_name.setdefault(name, set()).add(f"{cat.index}:{cat.code}")
    for name, codes in by_name.items():
        if len({c.split(":")[0] for c in codes}) > 1:
            assert len({finding_of(c).key if finding_of(c) else c for c in codes}) == 1, (name, codes)


def test_grouping_keeps_order_and_lone_findings():
    codes = ["growth_flag:two_t", "lila_balita:muac_severe", "pb_tb_u:stunted", "bb_pb_tb:severely_wasted"]
    grouped = group(codes, lambda c: c)
    assert [(f.key if f else None, m) for f, m in grouped] == [
        (None, ["growth_flag:two_t"]), ("gizi_buruk", ["lila_balita:muac_severe", "bb_pb_tb:severely_wasted"]),
        (None, ["pb_tb_u:stunted"])]
    assert all(f.source for f in FINDINGS)
