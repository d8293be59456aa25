"""What people type, read once for every flow and the imports: dates, times, yes/no, sex, names, phones, NIK."""
from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flows.base import Invalid
from bot.flows.registration import read_birth, read_hpht, read_pregnant, read_sex
from bot.parsing import parse_date, parse_time, parse_yes_no
from storage.members import normalise_nik, person_name
from storage.phones import normalise_phone

TODAY = date(2026, 11, 22)
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")


@pytest.mark.parametrize("text,expected", [
    ("17-08-2024", date(2024, 8, 17)), ("17/8/24", date(2024, 8, 17)), ("17 Agustus 2024", date(2024, 8, 17)),
    ("17 agt 2024", date(2024, 8, 17)), ("17.08.2024", date(2024, 8, 17)), ("2024-08-17", date(2024, 8, 17)),
    ("17 8 24", date(2024, 8, 17)), ("17-agt-24", date(2024, 8, 17)), ("tgl 17 Agustus 2024", date(2024, 8, 17)),
    ("14 mrt 2024", date(2024, 3, 14)), ("2024/03/14", date(2024, 3, 14)),
    ("kemarin", date(2026, 11, 21)), ("Hari ini", TODAY), ("besok", date(2026, 11, 23)),
    ("kemarin lusa", date(2026, 11, 20)), ("Minggu, 22 November 2026", TODAY), ("hari Minggu, 22 Nov", TODAY),
    ("5/8/45", date(1945, 8, 5)), ("1 agt 98", date(1998, 8, 1)),
    ("17 Agustus", date(2026, 8, 17)), ("1 Des", date(2025, 12, 1)),  # no year: the latest such day so far
    ("31/2/24", None), ("31 Februari 2024", None), ("13/13/2024", None), ("abc", None), ("9,5", None), ("", None),
    ("17 foo 2024", None), ("kemarin sore", None),
])
def test_indonesian_dates(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text,expected", [
    ("3 desember", date(2026, 12, 3)), ("5 Januari", date(2027, 1, 5)), ("22/11", TODAY),
    ("5/1/27", date(2027, 1, 5)), ("3-12-2026", date(2026, 12, 3)),
])
def test_a_coming_day_is_read_ahead(text, expected):
    assert parse_date(text, TODAY, ahead=True) == expected


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1906, 1, 1), max_value=TODAY), st.integers(0, 3))
def test_every_written_form_of_a_date_reads_back(day, style):
    text = (f"{day:%d-%m-%Y}", f"{day.day}/{day.month}/{day.year}", f"{day.day} {BULAN[day.month - 1]} {day.year}",
            f"{day.day} {BULAN[day.month - 1].lower()[:3]} {day.year}")[style]
    assert parse_date(text, TODAY) == day


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1927, 1, 1), max_value=TODAY))
def test_two_digit_years_are_the_latest_past_century(day):
    assert parse_date(f"{day.day}/{day.month}/{day:%y}", TODAY) == day


@pytest.mark.parametrize("text,expected", [("08.00", time(8, 0)), ("8:30", time(8, 30)), ("jam 9", time(9, 0)),
                                           ("pukul 13.30 WIB", time(13, 30)), ("25.00", None), ("pagi", None)])
def test_times_as_people_type_them(text, expected):
    assert parse_time(text) == expected


def test_yes_and_no():
    assert [parse_yes_no(w) for w in ("Ya", "iya!", "yes", "setuju", "tidak", "gak", "no", "bukan", "mungkin")] == \
        ["yes", "yes", "yes", "yes", "no", "no", "no", "no", None]
    assert (read_pregnant("hamil"), read_pregnant("tidak hamil"), read_pregnant("ya")) == ("yes", "no", "yes")


@pytest.mark.parametrize("text,expected", [("L", "L"), ("p", "P"), ("Laki-laki", "L"), ("perempuan", "P"),
                                           ("pria", "L"), ("wanita", "P"), ("cewek", "P"), ("x", None)])
def test_sex(text, expected):
    assert read_sex(text) == expected


def test_birth_dates_and_hpht_say_why_they_are_refused():
    assert read_birth("17 Agustus 1998", TODAY, "report") == date(1998, 8, 17)
    for text, key in (("31-02-1998", "report.bad_date"), ("1-1-2030", "report.birth_in_future"),
                      ("1-1-1900", "report.birth_too_old")):
        with pytest.raises(Invalid) as caught:
            read_birth(text, TODAY, "report")
        assert caught.value.key == key
    assert read_hpht("1 agustus 2026", TODAY, "resident") == date(2026, 8, 1)
    for text, key in (("1-1-2025", "resident.hpht_too_old"), ("1 Desember 2026", "resident.hpht_in_future")):
        with pytest.raises(Invalid) as caught:
            read_hpht(text, TODAY, "resident")
        assert caught.value.key == key


@pytest.mark.parametrize("text,expected", [
    ("siti  rahma", "Siti Rahma"), (" aisyah putri ", "Aisyah Putri"), ("Nur", "Nur"), ("12", None), ("Budi 2", None),
    ("A.", None), ("", None), ("x" * 121, None),
])
def test_names(text, expected):
    assert person_name(text) == expected


@pytest.mark.parametrize("raw,expected", [
    ("0812-3456-7890", "+6281234567890"), ("62 812 3456 7890", "+6281234567890"),
    ("+62 812-3456-7890", "+6281234567890"), ("(0812) 3456 7890", "+6281234567890"),
    ("12345", None), ("", None), (None, None), ("bukan nomor", None),
])
def test_phones(raw, expected):
    assert normalise_phone(raw) == expected


def test_a_providers_sender_only_needs_to_be_a_possible_number():
    assert normalise_phone("+14155238886", strict=False) == "+14155238886"
    assert normalise_phone("+6281234567890", strict=False) == "+6281234567890"
    assert normalise_phone("whatsapp", strict=False) is None


def test_nik():
    assert normalise_nik("3321 0112 0356 0001") == "3321011203560001"
    assert normalise_nik("3321 0112 3456 0001") is None  # month 34: not a NIK (health.nik)
    assert normalise_nik("3321") is None and normalise_nik("0" * 16) is None and normalise_nik("x" * 16) is None
