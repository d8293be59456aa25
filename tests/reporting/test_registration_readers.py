"""The shared readers of a new member (kader `/lapor` and resident `daftar`): names and birth dates."""
from __future__ import annotations

from datetime import date

import pytest

from bot.flows.base import Invalid
from bot.flows.registration import read_birth, read_name
from storage.members import person_name

ON = date(2026, 11, 22)


@pytest.mark.parametrize("word", ["simpan", "Pengumuman", "lapor", "daftar", "menu", "BATAL", "rujukan", "ya"])
def test_a_command_word_is_not_a_name(word):
    for ns in ("report", "resident"):
        with pytest.raises(Invalid) as caught:
            read_name(word, ns)
        assert caught.value.key == "report.name_is_command"


def test_names_that_merely_contain_a_command_word_are_fine():
    assert read_name("siti menur", "report") == "Siti Menur"
    assert read_name("Lapor Simanjuntak", "resident") == "Lapor Simanjuntak"


def test_a_long_name_is_too_long_not_letters_only_and_emoji_are_refused_everywhere():
    with pytest.raises(Invalid) as caught:
        read_name("a" * 1000, "report")
    assert caught.value.key == "report.name_too_long"
    with pytest.raises(Invalid) as caught:
        read_name("Siti 🌸", "report")
    assert caught.value.key == "report.bad_name"
    assert person_name("Siti 🌸") is None  # the CSV import reads names the same way
    assert person_name("Moh. Rizki Nur'aini") == "Moh. Rizki Nur'aini"


def test_a_two_digit_year_that_makes_a_very_old_person_is_asked_back():
    with pytest.raises(Invalid) as caught:
        read_birth("17 agustus 29", ON, "report")
    assert caught.value.key == "report.birth_year_check" and caught.value.params["date"] == date(1929, 8, 17)
    assert read_birth("17-08-1929", ON, "report") == date(1929, 8, 17)  # four digits: as written
    assert read_birth("17/8/24", ON, "report") == date(2024, 8, 17)  # the only plausible century
    assert read_birth("5-8-70", ON, "resident") == date(1970, 8, 5)
    with pytest.raises(Invalid):
        read_birth("5/8/45", ON, "resident")  # 81 years: asked back
