"""Issue 16: what a paper register holds is not lost on import.

* A member with an address but no phone keeps the address and a household: the family a kader must find on
  foot is on the visiting list with its address.
* The measuring position as registers write it (`Telentang`/`Berdiri`, `T`/`B`, `terlentang`, `baring`,
  `lying`, `standing`, any case) is read; an unknown word is refused with its line number.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from health.parsing import parse_position
from storage.models import Household, Measurement, Member
from storage.visits import visiting_list
from tests.reporting.helpers import posyandu
from tests.reporting.test_cli_imports import run

MEMBERS = """posyandu_code,name,sex,birth_date,guardian_name,guardian_phone,opted_in,hpht,address
MAWAR7,Sri Wulandari,P,2025-02-10,Ibu Suyati,,0,,"RT 03/RW 02, rumah cat hijau dekat mushola"
MAWAR7,Agus Wulandari,L,2023-06-01,Ibu Suyati,,0,,"RT 03/RW 02, rumah cat hijau dekat mushola"
MAWAR7,Tono Hadi,L,2024-01-05,Bapak Hadi,,0,,
"""
MEASURED = ("posyandu_code,name,birth_date,measured_on,weight_kg,height_cm,position,head_cm,muac_cm,systolic,"
            "diastolic,glucose_mgdl,waist_cm,hb_gdl\n")


def test_an_address_without_a_phone_keeps_the_address_and_the_household(app, runtime, demo, session, tmp_path):
    first = run(app, tmp_path, ["members", "import"], MEMBERS)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-1] == "members: 3 added, 0 updated, 0 unchanged, 0 rejected"
    sri, agus = (session.scalars(select(Member).where(Member.name == n)).one()
                 for n in ("Sri Wulandari", "Agus Wulandari"))
    assert sri.household_id is not None and sri.household_id == agus.household_id  # one family, one home
    home = session.get(Household, sri.household_id)
    assert home.address == "RT 03/RW 02, rumah cat hijau dekat mushola" and home.phone is None
    # the kader finds them on her list, with the address to walk to
    entries = visiting_list(session, posyandu(session, "MAWAR7"), date(2026, 11, 22))
    listed = [e for e in entries if e.household_id == home.id]
    assert listed and listed[0].address == home.address
    again = run(app, tmp_path, ["members", "import"], MEMBERS)  # a rerun changes nothing
    assert again.output.splitlines()[-1] == "members: 0 added, 0 updated, 3 unchanged, 0 rejected"
    assert session.scalar(select(Household.id).where(Household.address == home.address)) == home.id


@pytest.mark.parametrize("word, code", [
    ("L", "L"), ("H", "H"), ("Telentang", "L"), ("TELENTANG", "L"), ("terlentang", "L"), ("T", "L"),
    ("t", "L"), ("baring", "L"), ("Berbaring", "L"), ("lying", "L"), ("Berdiri", "H"), ("B", "H"),
    ("standing", "H"), (" berdiri ", "H"), ("PB", "L"), ("TB", "H"),
])
def test_the_registers_position_words(word, code):
    assert parse_position(word) == code


@pytest.mark.parametrize("word", ["duduk", "X", "LH", "telentang berdiri", "1"])
def test_unknown_position_words_are_not_guessed(word):
    assert parse_position(word) is None


def test_measurements_import_reads_telentang_and_berdiri_and_refuses_the_unknown(app, runtime, demo, session,
                                                                                 tmp_path: Path):
    rows = (MEASURED
            + "MAWAR7,Aisyah Putri,{a},2026-11-10,8.4,71,Telentang,,,,,,,\n"
            + "MAWAR7,Muhammad Rizky,{r},2026-11-10,11.2,84,berdiri,,,,,,,\n"
            + "MAWAR7,Muhammad Rizky,{r},2026-10-10,11.0,83,B,,,,,,,\n"
            + "MAWAR7,Aisyah Putri,{a},2026-10-10,7.9,69,duduk,,,,,,,\n")
    born = {m.name: m.birth_date.isoformat() for m in session.scalars(select(Member))}
    result = run(app, tmp_path, ["measurements", "import"],
                 rows.format(a=born["Aisyah Putri"], r=born["Muhammad Rizky"]))
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0].startswith("line 5: position 'duduk' is not known") and "Telentang" in lines[0]
    assert lines[-1] == "measurements: 3 added, 0 updated, 0 unchanged, 1 rejected"
    stored = {(m.member.name, m.measured_on): m.position for m in session.scalars(select(Measurement))}
    assert stored[("Aisyah Putri", date(2026, 11, 10))] == "L"
    assert stored[("Muhammad Rizky", date(2026, 11, 10))] == "H"
    assert stored[("Muhammad Rizky", date(2026, 10, 10))] == "H"
