"""`recap --level ... [--code X] [--cumulative] --format text|csv|xlsx` and `sasaran-desa`."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.recap import levels_data


def run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def test_csv_per_level_sums_and_cumulative(app, runtime, session):
    levels_data.build(session)
    month = list(csv.DictReader(io.StringIO(run(app, "recap", "--level", "desa", "--month", "2026-11",
                                                "--format", "csv").stdout)))
    assert [r["name"] for r in month] == ["Banyumeneng", "Kebonbatur", "Wonosekar"]
    kab = list(csv.DictReader(io.StringIO(run(app, "recap", "--level", "kabupaten", "--code", "33.21", "--month",
                                              "2026-11", "--format", "csv").stdout)))
    assert len(kab) == 1 and kab[0]["period"] == "month"
    for key in ("D", "K1", "idl", "hypertension"):
        assert int(kab[0][key]) == sum(int(r[key]) for r in month)
    ytd = list(csv.DictReader(io.StringIO(run(app, "recap", "--level", "desa", "--month", "2026-11", "--cumulative",
                                              "--format", "csv").stdout)))
    assert all(r["period"] == "year_to_date" and int(r["K1"]) >= int(m["K1"]) for r, m in zip(ytd, month))
    assert any(int(r["K1"]) > int(m["K1"]) for r, m in zip(ytd, month))


def test_targets_from_the_command_reach_the_recap(app, runtime, session):
    levels_data.build(session)
    assert run(app, "sasaran-desa", "--desa", "33.21.01.2001", "--year", "2026", "--group", "penduduk",
               "--count", "2000").exit_code == 0
    result = run(app, "sasaran-desa", "--desa", "Kebonbatur", "--year", "2026", "--group", "bumil", "--count", "12")
    assert result.exit_code == 0 and "bumil of Kebonbatur in 2026: 12" in result.output
    assert "no desa" in run(app, "sasaran-desa", "--desa", "Nowhere", "--year", "2026", "--group", "bumil",
                            "--count", "1").output
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(run(app, "recap", "--level", "desa", "--month", "2026-11",
                                                                 "--cumulative", "--format", "csv").stdout))}
    assert (rows["Banyumeneng"]["K1_target"], rows["Banyumeneng"]["K1_target_source"]) == ("36", "estimated")
    assert (rows["Kebonbatur"]["K1_target"], rows["Kebonbatur"]["K1_target_source"]) == ("12", "set")
    assert rows["Wonosekar"]["K1_target"] == "" and rows["Wonosekar"]["K1_pct"] == ""
    text = run(app, "recap", "--level", "puskesmas", "--code", "Puskesmas Mranggen 1", "--month", "2026-11",
               "--format", "text").stdout
    assert "Rekap Puskesmas Mranggen 1 — November 2026" in text
    assert "Per desa:" in text and "• Banyumeneng:" in text and "• Kebonbatur:" in text
    assert "PWS KIA per desa — K1" in text and "(perkiraan)" in text and "perkiraan" in text


def test_xlsx_has_a_sheet_per_level_and_cluster_in_the_requesters_language(app, runtime, session, tmp_path):
    levels_data.build(session)
    out = tmp_path / "kab.xlsx"
    result = run(app, "recap", "--level", "kabupaten", "--month", "2026-11", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames == ["Rekap", "Posyandu", "Desa", "Puskesmas", "Kabupaten",
                                             "Klaster 2 (ibu-anak)", "Klaster 3 (dewasa-lansia)", "PWS KIA",
                                             "Sasaran"]
    english = tmp_path / "kab-en.xlsx"
    run(app, "recap", "--level", "kabupaten", "--month", "2026-11", "--format", "xlsx", "--lang", "en",
        "-o", str(english))
    book = load_workbook(english)
    assert book.sheetnames[:5] == ["Recap", "Posyandu", "Village", "Puskesmas", "District"]
    assert book["Cluster 2 (mother-child)"]["D1"].value == "Indicator"


def test_the_old_usage_still_works_and_bad_input(app, runtime, session):
    levels_data.build(session)
    old = list(csv.DictReader(io.StringIO(run(app, "recap", "--month", "2026-11", "--format", "csv").stdout)))
    assert "Kode posyandu" in old[0] and len(old) == 5
    assert "no posyandu" in run(app, "recap", "--level", "desa", "--code", "Atlantis", "--month", "2026-11").output
    assert run(app, "recap", "--level", "negara", "--month", "2026-11").exit_code != 0
