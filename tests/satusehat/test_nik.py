"""NIK structure checks against the published examples (Dukcapil, stdnum/Wikipedia)."""
from datetime import date

import pytest

from health.nik import nik_mismatch, nik_problem, parse_nik

TODAY = date(2026, 11, 22)


def test_dukcapil_example_reads_as_published():
    # Dirjen Dukcapil's example: Banten, 12 November 1987, a man (TribunJakarta 29 Aug 2023)
    parts = parse_nik("3602041211870001", TODAY)
    assert parts is not None
    assert (parts.province, parts.birth_date, parts.sex) == ("Banten", date(1987, 11, 12), "L")


def test_woman_day_plus_forty():
    # 17 Agustus 1945 as a woman: day 57 (python-stdnum's doctest, after id.wikipedia)
    parts = parse_nik("3171015708450001", TODAY)
    assert parts is not None and parts.birth_date == date(1945, 8, 17) and parts.sex == "P"


def test_child_born_this_century():
    parts = parse_nik("3201014503250002", TODAY)
    assert parts is not None and parts.birth_date == date(2025, 3, 5) and parts.sex == "P"


def test_typing_separators_allowed():
    assert nik_problem("3201 0145 0325 0002", TODAY) is None
    assert nik_problem("3201.0145.0325.0002", TODAY) is None


@pytest.mark.parametrize("nik, problem", [
    ("320101450325000", "length"),        # 15 digits
    ("32010145032500021", "length"),      # 17 digits
    ("32010145032500a2", "length"),
    ("", "length"),
    ("9901014503250002", "region"),       # no province 99
    ("2001014503250002", "region"),       # no province 20
    ("3200014503250002", "region"),       # kabupaten 00
    ("3201004503250002", "region"),       # kecamatan 00
    ("3201013202250002", "birth_date"),   # day 32 (neither man 1-31 nor woman 41-71)
    ("3201017502250002", "birth_date"),   # day 75 = 35
    ("3201011513250002", "birth_date"),   # month 13
    ("3201013002250002", "birth_date"),   # 30 February
    ("3201014503250000", "serial"),
])
def test_impossible_niks_refused(nik, problem):
    assert nik_problem(nik, TODAY) == problem
    assert parse_nik(nik, TODAY) is None


def test_kalimantan_utara_and_new_papua_provinces_accepted():
    for code in ("65", "93", "94", "95", "96"):
        assert nik_problem(code + "01014503250002", TODAY) is None


def test_birth_date_mismatch_is_reported_not_refused():
    parts = parse_nik("3201014503250002", TODAY)
    assert nik_mismatch(parts, date(2025, 3, 5), "P") == []
    assert nik_mismatch(parts, date(2025, 3, 6), "P") == ["birth_date"]
    assert nik_mismatch(parts, date(2025, 3, 5), "L") == ["sex"]


# -- the members import: nik and mother_nik columns ---------------------------------------------------
MEMBERS_NIK_CSV = """posyandu_code,name,sex,birth_date,guardian_name,guardian_phone,opted_in,hpht,nik,mother_nik
MAWAR7,Siti Nurhaliza,P,2025-03-14,Ibu Ratna,0812-3333-4444,1,,3201015403250001,3201014505950002
MAWAR7,Bayi Ratna,L,2026-10-01,Ibu Ratna,0812-3333-4444,1,,,3201014505950002
MAWAR7,Budi Santoso,L,2024-02-29,,,0,,3201012902240001,
MAWAR7,Salah Nik,L,2024-01-01,,,0,,320101290224000,
MAWAR7,Salah Wilayah,L,2024-01-01,,,0,,9901010101240001,
MAWAR7,Ibu Laki,L,2024-01-01,,,0,,,3201010505950002
MAWAR7,Beda Tanggal,L,2024-01-01,,,0,,3201010201240001,
MAWAR7,Kembar Nik,L,2024-02-29,,,0,,3201012902240001,
"""


def test_members_import_checks_nik_columns_by_line(app, demo, session, tmp_path):
    from storage.models import Member
    from tests.reporting.helpers import member

    path = tmp_path / "members.csv"
    path.write_text(MEMBERS_NIK_CSV, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["members", "import", str(path)])
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert "line 5: nik is not a valid NIK (16 digits)" in lines
    assert "line 6: nik is not a valid NIK (unknown region part)" in lines
    assert "line 7: mother_nik is a man's NIK (its day part is 01-31; a woman's is 41-71)" in lines
    assert "line 8: warning: nik does not match the member's birth date; stored, please check" in lines
    assert "line 9: nik is already recorded for another member" in lines  # Budi Santoso's, line 4
    assert lines[-1] == "members: 4 added, 0 updated, 0 unchanged, 4 rejected"
    assert "320101290224000" not in result.output and "9901010101240001" not in result.output
    siti = member(session, "Siti Nurhaliza")
    assert (siti.nik, siti.mother_nik) == ("3201015403250001", "3201014505950002")
    assert member(session, "Bayi Ratna").mother_nik == "3201014505950002"
    # an empty nik cell keeps the NIK a kader added later
    path.write_text("posyandu_code,name,sex,birth_date,guardian_name,guardian_phone,opted_in,hpht,nik\n"
                    "MAWAR7,Budi Santoso,L,2024-02-29,,,0,,\n", encoding="utf-8")
    again = app.test_cli_runner().invoke(args=["members", "import", str(path)])
    assert again.exit_code == 0
    session.expire_all()
    assert session.get(Member, member(session, "Budi Santoso").id).nik == "3201012902240001"


# -- a mother's NIK on her child ---------------------------------------------------------------------------
@pytest.mark.parametrize("nik, child_birth, problem", [
    ("3201015203950004", date(2026, 1, 26), None),          # a woman born 12-03-1995
    ("3201011203950004", date(2026, 1, 26), "male"),        # day 12: a man's NIK
    ("3201014101260004", date(2026, 1, 26), "too_young"),   # born 25 days before the child
    ("3201014110260004", date(2026, 1, 26), "too_young"),   # born after the child
    ("3201014101220004", date(2026, 1, 26), "too_young"),   # 4 years old at the birth: impossible
])
def test_mother_nik_problems(nik, child_birth, problem):
    from health.nik import mother_nik_problem

    assert mother_nik_problem(parse_nik(nik, TODAY), child_birth) == problem


def test_mother_nik_doubts_are_asked_back():
    from health.nik import mother_nik_doubts

    parts = parse_nik("3201015203950004", TODAY)  # 12-03-1995
    assert mother_nik_doubts(parts, date(2026, 1, 26), date(1995, 3, 12)) == []
    assert mother_nik_doubts(parts, date(2026, 1, 26), date(1995, 3, 13)) == ["birth_date"]
    assert mother_nik_doubts(parse_nik("3201015203300004", TODAY), date(2026, 1, 26), None) == ["age"]  # 95
    assert mother_nik_doubts(parse_nik("3201015203150004", TODAY), date(2026, 1, 26), None) == ["age"]  # 10
