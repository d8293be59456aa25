"""Figures by level (storage/levels.py, health/levels.py, health/targets.py) on both databases."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, select

from health import targets as sasaran
from health.levels import FIGURES, LEVELS, SKDN_COUNTS
from storage.levels import level_recap, places, set_desa_target
from storage.models import Member, Posyandu, Pregnancy, Region, ServiceGiven
from storage.recap import month_recap
from tests.recap import levels_data

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


@pytest.fixture
def area(runtime, session):  # type: ignore[no-untyped-def]
    return levels_data.build(session)


def test_each_level_is_the_sum_of_the_one_below(area, session):
    recap = level_recap(session, "kabupaten", None, 2026, 11)
    levels = recap["levels"]
    assert [len(levels[lvl]) for lvl in LEVELS] == [5, 3, 2, 1]
    place_rows = places(session)
    parent_of = {  # a unit's key at the level above, from the posyandu under it
        "posyandu": {p.id: p.desa_id for p in place_rows},
        "desa": {p.desa_id: p.puskesmas_id for p in place_rows},
        "puskesmas": {p.puskesmas_id: p.kabupaten_id for p in place_rows},
    }
    for below, above in zip(LEVELS, LEVELS[1:]):
        for unit in levels[above]:
            children = [u for u in levels[below] if parent_of[below][u["id"]] == unit["id"]]
            assert children, (above, unit["name"])
            for key in SKDN_COUNTS:
                assert unit["skdn"][key] == sum(c["skdn"][key] for c in children), (above, key)
            for period in ("month", "ytd"):
                for key in FIGURES:
                    if unit[period][key] is not None:  # None: T has no year figure
                        assert unit[period][key] == sum(c[period][key] for c in children), (above, period, key)
            assert unit["posyandu"] == sum(c["posyandu"] for c in children)
    kab = levels["kabupaten"][0]
    assert kab["skdn"]["D"] > 0 and kab["ytd"]["K1"] > 0 and kab["ytd"]["idl"] > 0  # the data is not all zeros
    assert kab["ratios"]["D/S"] == round(100 * kab["skdn"]["D"] / kab["skdn"]["S"], 1)  # recomputed, not averaged


def test_a_posyandu_has_the_skdn_of_its_own_recap(area, session):
    recap = level_recap(session, "kabupaten", None, 2026, 11)
    for unit in recap["levels"]["posyandu"]:
        own = month_recap(session, session.get(Posyandu, unit["id"]), 2026, 11)["skdn"]
        assert {k: unit["skdn"][k] for k in own if k != "s_source"} == {k: v for k, v in own.items()
                                                                        if k != "s_source"}


def test_a_unit_by_its_code_or_name(area, session):
    assert [u["name"] for u in level_recap(session, "desa", "33.21.01.2001", 2026, 11)["levels"]["desa"]] == \
        ["Banyumeneng"]
    recap = level_recap(session, "puskesmas", "puskesmas mranggen 1", 2026, 11)
    assert [u["name"] for u in recap["levels"]["desa"]] == ["Banyumeneng", "Kebonbatur"]
    assert len(recap["levels"]["posyandu"]) == 3 and "kabupaten" not in recap["levels"]
    assert level_recap(session, "posyandu", "mawar1", 2026, 11)["levels"]["posyandu"][0]["code"] == "MAWAR1"
    assert level_recap(session, "desa", "nowhere", 2026, 11)["empty"]


def test_the_queries_do_not_grow_with_the_posyandu(area, session, runtime):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        level_recap(session, "posyandu", "MAWAR1", 2026, 11)
        one = len(statements)
        statements.clear()
        level_recap(session, "kabupaten", None, 2026, 11)
        assert len(statements) == one  # 5 posyandu, the same statements as for one
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)


def _member(session, pid: int, name: str, sex: str, born: date) -> Member:  # type: ignore[no-untyped-def]
    m = Member(posyandu_id=pid, name=name, name_key=name.lower(), sex=sex, birth_date=born,
               created_at=levels_data.CREATED)
    session.add(m)
    session.flush()
    return m


def test_cluster_figures_counted_by_hand(runtime, session):
    from storage.places import desa_path, puskesmas, upsert_posyandu

    desa = desa_path(session, "Jawa Tengah", "Kabupaten Demak", "Mranggen", "Banyumeneng", "Asia/Jakarta")
    pkm = puskesmas(session, "Puskesmas Mranggen 1", desa.parent)
    pid = upsert_posyandu(session, "MAWAR1", "Posyandu Mawar 1", desa, "Asia/Jakarta", pkm)[0].id
    ani = _member(session, pid, "Ani", "P", date(1998, 1, 1))
    session.add_all([
        # K1 in October, K4 in November (counted once each); an ANC1 of another year is not this year's.
        ServiceGiven(member_id=ani.id, code="ANC1", given_on=date(2026, 10, 2)),
        ServiceGiven(member_id=ani.id, code="ANC4", given_on=date(2026, 11, 2)),
        Pregnancy(member_id=ani.id, hpht=date(2026, 1, 20), delivered_on=date(2026, 11, 1), delivery_place="faskes",
                  delivery_attendant="nakes", created_at=levels_data.CREATED),
        # KF1-KF4, the last in November: KF lengkap in November
        *[ServiceGiven(member_id=ani.id, code=f"KF{k}", given_on=date(2026, 10, d)) for k, d in ((1, 2), (2, 5),
                                                                                               (3, 15))],
        ServiceGiven(member_id=ani.id, code="KF4", given_on=date(2026, 11, 12)),
    ])
    budi = _member(session, pid, "Budi", "L", date(2025, 12, 1))
    session.add_all([ServiceGiven(member_id=budi.id, code=c, given_on=date(2026, 1 + i % 9, 3))
                     for i, c in enumerate(levels_data.IDL) if c != "MR1"])
    session.add(ServiceGiven(member_id=budi.id, code="MR1", given_on=date(2026, 11, 4)))  # completes IDL
    siti = _member(session, pid, "Siti", "P", date(2012, 5, 1))  # 14: remaja putri
    session.add_all([ServiceGiven(member_id=siti.id, code="TTD", given_on=date(2026, m, 7)) for m in (8, 11)])
    dewi = _member(session, pid, "Dewi", "P", date(1990, 5, 1))  # an adult given TTD: not a remaja
    session.add(ServiceGiven(member_id=dewi.id, code="TTD", given_on=date(2026, 11, 7)))
    session.commit()
    unit = level_recap(session, "posyandu", "MAWAR1", 2026, 11)["levels"]["posyandu"][0]
    month, ytd = unit["month"], unit["ytd"]
    assert (month["K1"], ytd["K1"], month["K4"], ytd["K4"]) == (0, 1, 1, 1)
    assert (month["persalinan"], month["persalinan_faskes"], month["persalinan_nakes"]) == (1, 1, 1)
    assert (month["kf_lengkap"], ytd["kf_lengkap"]) == (1, 1)
    october = level_recap(session, "posyandu", "MAWAR1", 2026, 10)["levels"]["posyandu"][0]
    assert october["month"]["kf_lengkap"] == 0 and october["month"]["K1"] == 1
    assert (month["idl"], ytd["idl"]) == (1, 1)
    assert (month["remaja_ttd"], ytd["remaja_ttd"]) == (1, 1)


def test_targets_set_or_estimated_and_said_so(area, session):
    desa = {r.name: r for r in session.scalars(select(Region).where(Region.level == "desa"))}
    set_desa_target(session, desa["Banyumeneng"].id, 2026, "penduduk", 2000, NOW)
    set_desa_target(session, desa["Banyumeneng"].id, 2026, "bumil", 30, NOW)
    set_desa_target(session, desa["Kebonbatur"].id, 2026, "penduduk", 1500, NOW)
    session.commit()
    recap = level_recap(session, "kabupaten", None, 2026, 11)
    by_name = {u["name"]: u for u in recap["levels"]["desa"]}
    assert by_name["Banyumeneng"]["targets"]["bumil"] == {"count": 30, "source": "set"}
    # PWS KIA: bayi = CBR x penduduk, bulin = 1,05 x CBR x penduduk, rounded up
    assert by_name["Banyumeneng"]["targets"]["bayi"] == {"count": 32, "source": "estimated"}
    assert by_name["Kebonbatur"]["targets"]["bumil"] == {"count": 27, "source": "estimated"}  # 1,1 x 0,016 x 1500
    assert by_name["Wonosekar"]["targets"]["bumil"] == {"count": None, "source": "none"}
    pkm = {u["name"]: u for u in recap["levels"]["puskesmas"]}["Puskesmas Mranggen 1"]
    assert pkm["targets"]["bumil"] == {"count": 57, "source": "mixed"}
    k1 = by_name["Banyumeneng"]["coverage"]["K1"]
    assert k1["ytd"] == round(100 * by_name["Banyumeneng"]["ytd"]["K1"] / 30, 1) and k1["source"] == "set"


def test_estimates_follow_the_pws_kia_formulas():
    assert sasaran.estimate("bumil", 2000, 0.019) == 42  # 41,8 rounded up, as the PWS KIA example
    assert sasaran.estimate("bulin", 2815, 0.0201) == 60  # 1,05 x 0,0201 x 2815 = 59,4 -> 60
    assert sasaran.estimate("bayi", 1000, 0.016) == 16
    assert sasaran.desa_targets({})["balita"] == sasaran.Target(None, "none")


def test_pws_ranks_desa_by_cumulative_coverage_and_reads_the_trend(area, session):
    desa = {r.name: r for r in session.scalars(select(Region).where(Region.level == "desa"))}
    for name, bumil in (("Banyumeneng", 10), ("Kebonbatur", 4), ("Wonosekar", 100)):
        set_desa_target(session, desa[name].id, 2026, "bumil", bumil, NOW)
    session.commit()
    recap = level_recap(session, "kabupaten", None, 2026, 8)
    rows = recap["pws"]["K1"]
    cumulative = [r["cumulative_pct"] for r in rows]
    assert cumulative == sorted(cumulative, reverse=True)
    assert [r["rank"] for r in rows] == [1, 2, 3] or cumulative[0] == cumulative[1]
    for row in rows:
        assert row["expected_pct"] == round(100 * 8 / 12, 1)
        assert row["trend"] == sasaran.trend(row["month_pct"], row["prev_pct"])
        assert row["status"] == sasaran.pws_status(row["cumulative_pct"], row["expected_pct"], row["trend"])


def test_pws_reading():
    assert sasaran.pws_status(80.0, 75.0, "up") == "baik"
    assert sasaran.pws_status(80.0, 75.0, "down") == "kurang"
    assert sasaran.pws_status(60.0, 75.0, "up") == "cukup"
    assert sasaran.pws_status(60.0, 75.0, "down") == "jelek"
    assert sasaran.pws_status(None, 75.0, "up") == ""
    ranked = sasaran.rank([{"name": "A", "cumulative_pct": 50.0}, {"name": "B", "cumulative_pct": None},
                           {"name": "C", "cumulative_pct": 70.0}, {"name": "D", "cumulative_pct": 50.0}])
    assert [(r["name"], r["rank"]) for r in ranked] == [("C", 1), ("A", 2), ("D", 2), ("B", None)]
