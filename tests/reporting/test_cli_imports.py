"""Operator commands: posyandu, members and measurements import (bad rows by line, reruns), export."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from storage.models import Household, Measurement, Member, Posyandu, Pregnancy, Referral, Region
from tests.reporting.helpers import member

POSYANDU_CSV = """code,name,desa,kecamatan,kabupaten,provinsi,puskesmas,timezone
CEMPAKA1,Posyandu Cempaka,Kencana,Tanah Sareal,Kota Bogor,Jawa Barat,Puskesmas Kencana,Asia/Jakarta
WANIA1,Posyandu Anggrek,Wania,Wania,Kabupaten Mimika,Papua Tengah,Puskesmas Wania,Asia/Jayapura
EMPTY1,,Kencana,Tanah Sareal,Kota Bogor,Jawa Barat,,Asia/Jakarta
PARIS1,Posyandu Paris,Desa,Kec,Kab,Prov,,Europe/Paris
"""

MEMBERS_CSV = """posyandu_code,name,sex,birth_date,guardian_name,guardian_phone,opted_in,hpht
MAWAR7,Siti Nurhaliza,P,2025-03-14,Ibu Ratna,0812-3333-4444,1,
MAWAR7,Budi Santoso,L,2024-02-29,Bapak Tono,62 813 5555 6666,0,
MAWAR7,Ratna Sari,P,1995-05-05,,+62 812-7777-8888,1,2026-07-01
MAWAR7,Tanpa Tanggal,L,2024-13-01,,,,
NOPE9,Anak Hilang,L,2024-01-01,,,,
MAWAR7,Salah Nomor,L,2024-01-01,,12345,1,
MAWAR7,Pak Hamil,L,1990-01-01,,,0,2026-07-01
MAWAR7,Ragu Ragu,P,2020-01-01,,,mungkin,
"""

MEASUREMENTS_CSV = """posyandu_code,name,birth_date,measured_on,weight_kg,height_cm,position,head_cm,muac_cm,systolic,diastolic,glucose_mgdl,waist_cm,hb_gdl
MAWAR7,Siti Nurhaliza,2025-03-14,2026-10-15,"8,9",74,L,44,14,,,,,
MAWAR7,Siti Nurhaliza,2025-03-14,2026-09-15,8.7,73,L,,,,,,,
MAWAR7,Siti Nurhaliza,2025-03-14,2026-11-15,8.9,75,L,,,,,,,
MAWAR7,Joko Susilo,1981-11-30,2026-11-15,80,165,,,,185,100,320,95,
MAWAR7,Siti Nurhaliza,2025-03-14,2026-08-15,8700,72,L,,,,,,,
MAWAR7,Nobody Here,2020-01-01,2026-11-15,20,110,,,,,,,,
MAWAR7,Budi Santoso,2024-02-29,2026-11-16,,,,,,120,,,,
MAWAR7,Budi Santoso,2024-02-29,2026-11-30,12,90,H,,,,,,,
"""


def run(app, tmp_path: Path, args: list[str], content: str | None = None, name: str = "data.csv"):  # type: ignore[no-untyped-def]
    if content is not None:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        args = [*args, str(path)]
    return app.test_cli_runner().invoke(args=args)


def counts(session) -> dict[str, int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return {m.__name__: session.scalar(select(func.count()).select_from(m))
            for m in (Posyandu, Region, Member, Household, Pregnancy, Measurement, Referral)}


def test_posyandu_import_reports_bad_rows_and_reruns_cleanly(app, runtime, session, tmp_path):
    first = run(app, tmp_path, ["posyandu", "import"], POSYANDU_CSV)
    assert first.exit_code == 1
    assert "line 4: name is empty" in first.output
    assert "line 5: timezone must be one of" in first.output
    assert "posyandu: 2 added, 0 updated, 0 unchanged, 2 rejected" in first.output
    wania = session.scalars(select(Posyandu).where(Posyandu.code == "WANIA1")).one()
    assert wania.timezone == "Asia/Jayapura" and wania.puskesmas.name == "Puskesmas Wania"
    before = counts(session)
    again = run(app, tmp_path, ["posyandu", "import"], POSYANDU_CSV)
    assert "posyandu: 0 added, 0 updated, 2 unchanged, 2 rejected" in again.output
    assert counts(session) == before


def test_members_import_reports_bad_rows_by_line_and_reruns_change_nothing(app, demo, session, tmp_path):
    before = counts(session)
    first = run(app, tmp_path, ["members", "import"], MEMBERS_CSV)
    assert first.exit_code == 1
    lines = first.output.splitlines()
    assert "line 5: birth_date is not a date (YYYY-MM-DD)" in lines
    assert "line 6: unknown posyandu_code" in lines
    assert "line 7: guardian_phone is not a valid phone number" in lines
    assert "line 8: hpht is only for a woman of 10 years or more, and not in the future" in lines
    assert "line 9: opted_in must be 1 or 0" in lines
    assert lines[-1] == "members: 3 added, 0 updated, 0 unchanged, 5 rejected"
    assert "12345" not in first.output and "Salah Nomor" not in first.output  # no personal data echoed
    budi = member(session, "Budi Santoso")
    assert budi.guardian_phone == "+6281355556666" and budi.birth_date == date(2024, 2, 29)
    siti = member(session, "Siti Nurhaliza")
    assert siti.household.opted_in is True and siti.household.phone == "+6281233334444"
    ratna = member(session, "Ratna Sari")
    assert session.scalars(select(Pregnancy.hpht).where(Pregnancy.member_id == ratna.id)).one() == date(2026, 7, 1)
    after = counts(session)
    assert after["Member"] == before["Member"] + 3 and after["Household"] == before["Household"] + 3
    again = run(app, tmp_path, ["members", "import"], MEMBERS_CSV)
    assert again.output.splitlines()[-1] == "members: 0 added, 0 updated, 3 unchanged, 5 rejected"
    assert counts(session) == after


def test_a_semicolon_file_with_a_changed_row_updates_it(app, demo, session, tmp_path):
    run(app, tmp_path, ["members", "import"], MEMBERS_CSV)
    changed = ("posyandu_code;name;sex;birth_date;guardian_name;guardian_phone;opted_in;hpht\n"
               "MAWAR7;siti nurhaliza;P;2025-03-14;Ibu Ratna;0812-3333-9999;1;\n")
    result = run(app, tmp_path, ["members", "import"], changed, name="semicolon.csv")
    assert result.exit_code == 0 and "members: 0 added, 1 updated, 0 unchanged, 0 rejected" in result.output
    assert member(session, "Siti Nurhaliza").guardian_phone == "+6281233339999"


def test_missing_columns_are_refused_whole(app, tmp_path):
    result = run(app, tmp_path, ["members", "import"], "name,sex\nSiti,P\n")
    assert result.exit_code != 0 and "missing columns: posyandu_code" in result.output


def test_measurements_import_interprets_like_the_chat_and_reruns_change_nothing(app, demo, session, tmp_path):
    run(app, tmp_path, ["members", "import"], MEMBERS_CSV)
    first = run(app, tmp_path, ["measurements", "import"], MEASUREMENTS_CSV)
    lines = first.output.splitlines()
    assert "line 6: weight_kg 8700 looks like a unit slip (did you mean 8.7?)" in lines
    assert "line 7: no such member at this posyandu (name and birth_date); import members first" in lines
    assert "line 8: systolic and diastolic go together" in lines
    assert "line 9: measured_on is before birth or in the future" in lines
    assert lines[-1] == "measurements: 4 added, 0 updated, 0 unchanged, 4 rejected"
    siti = member(session, "Siti Nurhaliza")
    rows = session.scalars(select(Measurement).where(Measurement.member_id == siti.id)
                           .order_by(Measurement.measured_on)).all()
    assert [(r.measured_on.month, r.weight_gain) for r in rows] == [(9, "B"), (10, "N"), (11, "T")]
    assert all(r.source == "import" and r.waz is not None for r in rows)
    assert "growth_flag:weight_not_gaining" in rows[-1].flags
    joko = session.scalars(select(Measurement).where(Measurement.member_id == member(session, "Joko Susilo").id)).one()
    assert joko.statuses["td_dewasa"] == "hypertension_grade_3" and "glukosa_gds:very_high" in joko.flags
    referrals = session.execute(select(Referral.member_id, Referral.problem)).all()
    assert sorted(referrals) == sorted([(siti.id, "gizi_anak"), (joko.member_id, "tekanan_darah"),
                                        (joko.member_id, "gula_darah")])  # recent visits only; a row per problem
    before = counts(session)
    again = run(app, tmp_path, ["measurements", "import"], MEASUREMENTS_CSV)
    assert again.output.splitlines()[-1] == "measurements: 0 added, 0 updated, 4 unchanged, 4 rejected"
    assert counts(session) == before


def test_export_csv_and_xlsx(app, demo, session, tmp_path):
    run(app, tmp_path, ["members", "import"], MEMBERS_CSV)
    run(app, tmp_path, ["measurements", "import"], MEASUREMENTS_CSV)
    result = app.test_cli_runner().invoke(args=["measurements", "export", "--format", "csv", "--posyandu", "mawar7",
                                                "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["name"] for r in rows] == ["Joko Susilo", "Siti Nurhaliza"]
    siti = rows[1]
    assert siti["weight_kg"] == "8.9" and siti["position"] == "L" and siti["sex"] == "P"
    assert siti["age_months"] == "20" and siti["weight_gain"] == "T"
    assert len(siti["waz"].split(".")[1]) == 2 and siti["wfa_status"] == "Berat badan normal"
    assert siti["hfa_status"] and "growth_flag:weight_not_gaining" in siti["flags"]
    assert rows[0]["waz"] == "" and rows[0]["bmi_status"] == "Obesitas I"
    out = tmp_path / "out.xlsx"
    result = app.test_cli_runner().invoke(args=["measurements", "export", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:4] == ("posyandu_code", "name", "birth_date", "measured_on") and len(table) == 5
    assert "waz" in table[0] and "flags" in table[0]
    assert run(app, tmp_path, ["measurements", "export", "--month", "2026-13"]).exit_code != 0


def test_invites_create_prints_an_unambiguous_code(app, demo, session, clock):
    from storage.models import Invite

    result = app.test_cli_runner().invoke(args=["invites", "create", "--posyandu", "mawar7", "--role", "kader"])
    assert result.exit_code == 0, result.output
    code = result.output.splitlines()[0]
    assert len(code) == 6 and not set(code) & set("01OI")
    invite = session.scalars(select(Invite).where(Invite.code == code)).one()
    assert invite.role == "kader" and (invite.expires_at - clock.now()).days == 7
    result = app.test_cli_runner().invoke(args=["invites", "create", "--posyandu", "MAWAR7", "--role", "bidan",
                                                "--days", "3"])
    invite = session.scalars(select(Invite).where(Invite.code == result.output.splitlines()[0])).one()
    assert invite.role == "bidan" and (invite.expires_at - clock.now()).days == 3
    assert app.test_cli_runner().invoke(args=["invites", "create", "--posyandu", "NOPE", "--role", "kader"]).exit_code
    assert app.test_cli_runner().invoke(args=["invites", "create", "--posyandu", "MAWAR7", "--role", "admin"]).exit_code
