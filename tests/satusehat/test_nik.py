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
