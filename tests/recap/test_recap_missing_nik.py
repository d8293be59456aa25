"""The recap tells the bidan who cannot go to SATUSEHAT for want of a NIK (issue 10: "in the recap and in chat")."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from bot.media import materialise
from bot.media.recap_files import write_csv
from storage.models import Member
from storage.recap import month_recap
from storage.repositories import posyandu_by_code
from tests.harness import Person
from tests.reporting.helpers import member, past_visit


def test_the_recap_names_the_members_without_a_nik_in_chat_workbook_and_csv(runtime, demo, session):
    aisyah = member(session, "Aisyah Putri")
    past_visit(session, member(session, "Muhammad Rizky"), date(2026, 11, 10), weight_kg=11.0, height_cm=84.0)
    aisyah.nik = "3321014402260001"  # hers is known: she is not listed
    session.commit()
    recap = month_recap(session, posyandu_by_code(session, "MAWAR7"), 2026, 11)
    missing = recap["missing_nik"]
    names = [m["name"] for m in missing["members"]]
    # Mawar 7 of the demo: Aisyah, Rina, Rizky, Nurhayati, Sumarni, Dewi, Joko; Aisyah has a NIK now
    assert missing["count"] == 6 and "Aisyah Putri" not in names and len(names) == 6

    text = Person(runtime, "kader1").say("rekap")
    assert "Belum ada NIK (kunjungannya belum bisa dikirim ke SATUSEHAT): 6" in text and "Ketik *nik*" in text

    book = load_workbook(io.BytesIO(materialise({"type": "recap", "recap": recap, "lang": "id"})))
    rows = [[c.value for c in r] for r in book["Belum ada NIK"].iter_rows()]
    assert rows[0][0] == "Nama" and len(rows) == 7 and "Aisyah Putri" not in [r[0] for r in rows]
    out = io.StringIO()
    write_csv(out, [recap])
    assert next(csv.DictReader(io.StringIO(out.getvalue())))["Tanpa NIK"] == "6"


def test_no_line_when_everyone_has_a_nik_or_a_mothers_nik(runtime, demo, session):
    for i, m in enumerate(session.scalars(select(Member))):
        m.mother_nik = f"33210141{(i % 9) + 1:02d}900001"
    session.commit()
    assert "Belum ada NIK" not in Person(runtime, "kader1").say("rekap")
