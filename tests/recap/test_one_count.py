"""The posyandu's month and the level recap count the same people the same way (issue 16: two recaps of one
posyandu said 4 and 2 adults screened, because one counted a pregnant woman's ANC blood pressure and an Hb
check as PTM screening)."""
from __future__ import annotations

from sqlalchemy import select

from storage.levels import level_recap
from storage.models import Posyandu
from storage.recap import month_recap
from tests.harness import open_referrals

SAME = {  # the posyandu recap's figure -> the level recap's
    ("ibu_hamil", "seen"): "bumil_seen", ("ibu_hamil", "kek"): "bumil_kek", ("ibu_hamil", "anaemia"): "bumil_anaemia",
    ("ibu_hamil", "K1"): "K1", ("ibu_hamil", "K4"): "K4", ("ibu_hamil", "K6"): "K6",
    ("remaja", "seen"): "remaja_seen", ("remaja", "anaemia"): "remaja_anaemia",
    ("dewasa_lansia", "screened"): "ptm_screened", ("dewasa_lansia", "lansia"): "lansia_screened",
    ("dewasa_lansia", "hypertension"): "hypertension", ("dewasa_lansia", "high_glucose"): "diabetes",
    ("dewasa_lansia", "obesity"): "obesity",
}


def test_the_posyandu_and_level_recaps_agree(runtime, demo, session):
    open_referrals(runtime)  # an adult with BP and glucose, a lansia, a pregnant woman's BP, an Hb-only visit
    mawar = session.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
    one = month_recap(session, mawar, 2026, 11)["ilp"]
    level = level_recap(session, "posyandu", "MAWAR7", 2026, 11)["levels"]["posyandu"][0]["month"]
    assert {k: one[g][f] for (g, f), k in SAME.items()} == {k: level[k] for k in SAME.values()}
    assert one["dewasa_lansia"]["screened"] == 2  # Joko and Sumarni: not Rina's ANC, not Nurhayati's Hb alone
