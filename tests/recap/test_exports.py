"""The national exports (e-PPGBM, SIP formats 1-6) against golden files, on both databases.

After an intended change: `.venv/bin/python -m pytest tests/recap/test_exports.py --update-transcripts`,
then read the diff of tests/recap/golden/.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.media import national
from storage.models import Household, Measurement, Member, Pregnancy, ServiceGiven
from tests.reporting.helpers import member, posyandu

GOLDEN = Path(__file__).parent / "golden"
AT = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)


def arrange(session) -> None:  # type: ignore[no-untyped-def]
    """MAWAR7 in November 2026: two balita measured (one lying, one standing), a birth at a facility,
    its baby registered, a mother's TT and ANC, a remaja given TTD."""
    aisyah, rizky, rina = member(session, "Aisyah Putri"), member(session, "Muhammad Rizky"), member(session, "Rina Marlina")
    nur, dewi = member(session, "Nurhayati"), member(session, "Dewi Anggraini")
    aisyah.nik, aisyah.mother_nik = "3321014101260001", "3321015403990002"
    rina.nik = "3321015403990002"
    rizky.mother_nik = "3321014208920003"
    aisyah.guardian_name = "Rina Marlina"
    place = posyandu(session, "MAWAR7")
    place.desa.code, place.puskesmas.code = "33.21.01.2001", "1033210301"
    home = session.get(Household, aisyah.household_id)
    home.kk, home.address = "3321010101100001", "RT 02/RW 03, dekat masjid"
    m = dict(source="chat", created_at=AT, flags=[], recorded_by_id=None)
    session.add_all([
        Measurement(member_id=aisyah.id, posyandu_id=aisyah.posyandu_id, measured_on=date(2026, 10, 20),
                    weight_kg=7.9, height_cm=69.0, position="L", life_stage="bayi_balita", statuses={}, **m),
        Measurement(member_id=aisyah.id, posyandu_id=aisyah.posyandu_id, measured_on=date(2026, 11, 20),
                    weight_kg=8.4, height_cm=71.0, position="L", head_cm=44.5, muac_cm=14.2, waz=-0.04,
                    life_stage="bayi_balita", statuses={"bb_u": "normal", "pb_tb_u": "normal", "bb_pb_tb": "normal"},
                    **m),
        Measurement(member_id=rizky.id, posyandu_id=rizky.posyandu_id, measured_on=date(2026, 11, 20),
                    weight_kg=9.1, height_cm=78.5, position="H", waz=-2.4, life_stage="bayi_balita",
                    statuses={"bb_u": "underweight", "pb_tb_u": "stunted", "bb_pb_tb": "normal"}, **m),
        Measurement(member_id=dewi.id, posyandu_id=dewi.posyandu_id, measured_on=date(2026, 11, 20), hb_gdl=11.2,
                    life_stage="remaja", statuses={"hb": "mild_anaemia"}, **m),
        Measurement(member_id=nur.id, posyandu_id=nur.posyandu_id, measured_on=date(2026, 11, 20), systolic=150,
                    diastolic=95, life_stage="dewasa", statuses={"td_dewasa": "hypertension_grade_1"}, **m),
    ])
    pregnancy = session.query(Pregnancy).filter_by(member_id=rina.id).one()
    pregnancy.hpht, pregnancy.created_at = date(2026, 2, 3), datetime(2026, 3, 2, tzinfo=timezone.utc)
    pregnancy.delivered_on, pregnancy.delivery_place, pregnancy.delivery_attendant = date(2026, 11, 10), "faskes", "nakes"
    baby = Member(posyandu_id=rina.posyandu_id, household_id=rina.household_id, name="Bayi Rina", name_key="bayi rina",
                  sex="L", birth_date=date(2026, 11, 10), mother_nik=rina.nik, guardian_name="Rina Marlina",
                  created_at=AT)
    session.add(baby)
    session.flush()
    session.add_all([
        ServiceGiven(member_id=rina.id, code="ANC1", given_on=date(2026, 8, 1), posyandu_id=rina.posyandu_id),
        ServiceGiven(member_id=rina.id, code="TT2", given_on=date(2026, 8, 1), posyandu_id=rina.posyandu_id),
        ServiceGiven(member_id=rina.id, code="KF1", given_on=date(2026, 11, 11), posyandu_id=rina.posyandu_id),
        ServiceGiven(member_id=baby.id, code="HB0", given_on=date(2026, 11, 10), posyandu_id=rina.posyandu_id),
        ServiceGiven(member_id=aisyah.id, code="BCG", given_on=date(2026, 2, 1), posyandu_id=aisyah.posyandu_id),
        ServiceGiven(member_id=aisyah.id, code="VITA", given_on=date(2026, 8, 15), posyandu_id=aisyah.posyandu_id),
        ServiceGiven(member_id=aisyah.id, code="MR1", given_on=date(2026, 11, 20), posyandu_id=aisyah.posyandu_id),
        ServiceGiven(member_id=dewi.id, code="TTD", given_on=date(2026, 11, 20), posyandu_id=dewi.posyandu_id),
    ])
    session.commit()


def run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


@pytest.mark.parametrize("name", national.FORMATS)
def test_each_export_matches_its_golden_file(app, demo, session, name, request):
    arrange(session)
    result = run(app, "export", name, "--month", "2026-11", "--posyandu", "MAWAR7", "--format", "csv")
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{name}-MAWAR7-2026-11.csv"
    if request.config.getoption("--update-transcripts"):
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_eppgbm_carries_the_mother_nik_kk_and_words_not_codes(app, demo, session):
    arrange(session)
    rows = list(csv.DictReader(io.StringIO(run(app, "export", "eppgbm", "--month", "2026-11", "--posyandu", "MAWAR7",
                                               "--format", "csv").stdout)))
    aisyah = next(r for r in rows if r["Nama Anak"] == "Aisyah Putri")
    assert (aisyah["NIK Ibu"], aisyah["No. KK"], aisyah["Cara Ukur"]) == ("3321015403990002", "3321010101100001",
                                                                        "telentang")
    assert aisyah["Tanggal Penimbangan"] == "20/11/2026" and aisyah["BB (kg)"] == "8.4"
    rizky = next(r for r in rows if r["Nama Anak"] == "Muhammad Rizky")
    assert (rizky["Cara Ukur"], rizky["Status TB/U"], rizky["Status BB/U"]) == ("berdiri", "Pendek",
                                                                                "Berat badan kurang")
    assert not any(":" in v or "_" in v for r in rows for v in r.values())  # no internal codes


def test_the_column_order_is_one_setting_away(app, demo, session, runtime, tmp_path):
    arrange(session)
    own = tmp_path / "formats.json"
    own.write_text(json.dumps({"eppgbm": {"title_id": "x", "title_en": "x", "columns": [
        {"key": "name", "id": "NAMA", "en": "NAME"}, {"key": "mother_nik", "id": "NIK_IBU", "en": "MOTHER"}]}}))
    object.__setattr__(runtime.settings, "national_formats_file", str(own))  # NATIONAL_FORMATS_FILE (frozen settings)
    try:
        out = run(app, "export", "eppgbm", "--month", "2026-11", "--posyandu", "MAWAR7", "--format", "csv").stdout
    finally:
        object.__setattr__(runtime.settings, "national_formats_file", "")
    assert out.splitlines()[0] == "NAMA,NIK_IBU"


def test_sip_workbook_has_the_six_formats(app, demo, session, tmp_path):
    arrange(session)
    out = tmp_path / "sip.xlsx"
    result = run(app, "export", "sip", "--month", "2026-11", "--level", "desa", "--code", "Banyumeneng",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == [f"Format {i}" for i in range(1, 7)]
    assert book["Format 6"]["A2"].value == "Kode Posyandu"  # three posyandu: each row says which
    english = tmp_path / "sip-en.xlsx"
    run(app, "export", "sip", "--month", "2026-11", "--posyandu", "MAWAR7", "--lang", "en", "-o", str(english))
    assert load_workbook(english).sheetnames[0] == "Form 1"
