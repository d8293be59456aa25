"""The imports that feed the levels and the national exports: region and puskesmas codes, the KK number."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import Household, Posyandu, Puskesmas, Region


def run(app, tmp_path, args, content):  # type: ignore[no-untyped-def]
    path = tmp_path / "data.csv"
    path.write_text(content, encoding="utf-8")
    return app.test_cli_runner().invoke(args=[*args, str(path)])


def test_posyandu_import_takes_the_codes_of_desa_kabupaten_and_puskesmas(app, runtime, session, tmp_path):
    content = ("code,name,desa,kecamatan,kabupaten,provinsi,puskesmas,timezone,desa_code,kabupaten_code,"
               "puskesmas_code\n"
               "MAWAR1,Posyandu Mawar 1,Banyumeneng,Mranggen,Kabupaten Demak,Jawa Tengah,Puskesmas Mranggen 1,"
               "Asia/Jakarta,33.21.01.2001,33.21,1033210101\n"
               "MAWAR2,Posyandu Mawar 2,Banyumeneng,Mranggen,Kabupaten Demak,Jawa Tengah,Puskesmas Mranggen 1,"
               "Asia/Jakarta,33 21 bad,,\n")
    result = run(app, tmp_path, ["posyandu", "import"], content)
    assert "line 3: desa_code must be" in result.output
    assert "posyandu: 1 added, 0 updated, 0 unchanged, 1 rejected" in result.output
    session.expire_all()
    desa = session.scalars(select(Region).where(Region.level == "desa")).one()
    kab = session.scalars(select(Region).where(Region.level == "kabupaten")).one()
    pkm = session.scalars(select(Puskesmas)).one()
    assert (desa.code, kab.code, pkm.code) == ("33.21.01.2001", "33.21", "1033210101")
    assert session.scalars(select(Posyandu.code)).all() == ["MAWAR1"]
    again = run(app, tmp_path, ["posyandu", "import"], "\n".join(content.splitlines()[:2]) + "\n")
    assert "posyandu: 0 added, 0 updated, 1 unchanged, 0 rejected" in again.output  # a rerun changes nothing


def test_members_import_takes_the_family_card_number(app, demo, session, tmp_path):
    content = ("posyandu_code,name,sex,birth_date,guardian_name,guardian_phone,opted_in,hpht,kk\n"
               "MAWAR7,Putri Kecil,P,2025-06-01,Ibu Ani,081234567801,1,,3321010101100009\n"
               "MAWAR7,Putra Kecil,L,2025-07-01,Ibu Budi,081234567802,1,,33210101\n")
    result = run(app, tmp_path, ["members", "import"], content)
    assert "line 3: kk must be" in result.output
    session.expire_all()
    assert session.scalars(select(Household.kk).where(Household.kk.is_not(None))).all() == ["3321010101100009"]
