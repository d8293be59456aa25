"""Issue 16: every cell and line a kader, bidan or TPG reads is in words, in the requester's language.

The recap's workbook and CSV, its chat text and the visiting list's CSV are produced from a month where every
group was seen (findings, doses, ANC, referrals), in Indonesian and in English, and scanned for what a code
looks like: snake_case (`dose_overdue`), `index:code` (`bb_u:severely_underweight`) and all-caps with digits
(`OPV1`, `ANC1`). The KMS and SKDN terms people use are allowed (K1-K6, KF1-4, KN1-3, 2T), and so are the
posyandu's own code and the members' names.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.media.recap_files import workbook_bytes, write_csv
from bot.recap_text import recap_text
from storage.models import Member, ServiceGiven
from storage.recap import month_recap
from tests.reporting.helpers import member, past_visit, posyandu
from tests.reporting.test_referral_queue import visit

SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
INDEX_CODE = re.compile(r"\b[a-z_]+:[a-z_0-9]+\b")
CAPS_DIGITS = re.compile(r"(?<![\w-])[A-Z][A-Z-]*[0-9]+\b")
TERMS = {f"K{i}" for i in range(1, 7)} | {f"KF{i}" for i in range(1, 5)} | {f"KN{i}" for i in range(1, 4)}
INDONESIAN = re.compile(r"\b(Nama|Tanggal|Temuan|Layanan|Telentang|Berdiri|Ibu hamil|Remaja|Lansia|Dewasa|"
                        r"balita|sasaran|Pemeriksaan|Imunisasi|Kode posyandu|Sumber|Rekap|Belum ada)\b")


def code_like(text: str, allowed: set[str]) -> list[str]:
    found = SNAKE.findall(text) + INDEX_CODE.findall(text)
    found += [t for t in CAPS_DIGITS.findall(text) if t not in TERMS]
    return [t for t in found if t not in allowed]


def a_full_month(runtime, session) -> None:  # type: ignore[no-untyped-def]
    """November at Mawar 7: a thin child below the red line, a child not gaining, a pregnant woman with high BP,
    a man with grade 2 hypertension, a lansia with high glucose, a remaja with anaemia; doses and ANC given."""
    aisyah, rizky = member(session, "Aisyah Putri"), member(session, "Muhammad Rizky")
    past_visit(session, aisyah, date(2026, 10, 20), weight_kg=6.2)
    past_visit(session, rizky, date(2026, 10, 20), weight_kg=11.0)
    session.commit()
    visit(runtime, "Aisyah Putri", date(2026, 11, 15), weight_kg=5.6, height_cm=66.0, position="L", muac_cm=11.8)
    visit(runtime, "Muhammad Rizky", date(2026, 11, 15), weight_kg=11.0, height_cm=80.0, position="H")
    visit(runtime, "Rina Marlina", date(2026, 11, 15), weight_kg=56.0, systolic=150, diastolic=95, muac_cm=22.0)
    visit(runtime, "Joko Susilo", date(2026, 11, 15), weight_kg=80.0, height_cm=165.0, systolic=165,
          diastolic=102)
    visit(runtime, "Sumarni", date(2026, 11, 15), glucose_mgdl=260.0, systolic=128, diastolic=80)
    visit(runtime, "Dewi Anggraini", date(2026, 11, 15), hb_gdl=10.2, weight_kg=38.0, height_cm=148.0)
    mawar = posyandu(session, "MAWAR7")
    for who, code in ((aisyah, "OPV4"), (aisyah, "IPV1"), (aisyah, "VITA"), (member(session, "Rina Marlina"), "ANC1"),
                      (member(session, "Dewi Anggraini"), "TTD")):
        session.add(ServiceGiven(member_id=who.id, code=code, given_on=date(2026, 11, 15), posyandu_id=mawar.id))
    session.commit()


@pytest.fixture
def recap(runtime, demo, session):  # type: ignore[no-untyped-def]
    a_full_month(runtime, session)
    found = month_recap(session, posyandu(session, "MAWAR7"), 2026, 11)
    assert found["skdn"]["D"] == 2 and found["ilp"]["ibu_hamil"]["K1"] == 1  # the month is really full
    assert any(row["statuses"] for rows in found["groups"].values() for row in rows)
    return found


def allowed(session) -> set[str]:  # type: ignore[no-untyped-def]
    return {"MAWAR7", *(w for m in session.scalars(select(Member)) for w in m.name.split())}


def cells(book) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(sheet.title, str(cell.value)) for sheet in book for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str)] + [("sheet name", sheet.title) for sheet in book]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_workbook_is_words_only(session, recap, lang):
    book = load_workbook(io.BytesIO(workbook_bytes(recap, lang)))
    texts = cells(book)
    assert not [(where, text, code_like(text, allowed(session))) for where, text in texts
                if code_like(text, allowed(session))]
    joined = "\n".join(text for _, text in texts)
    if lang == "en":  # the English workbook is English: sheets, headers, cells
        assert not INDONESIAN.findall(joined), INDONESIAN.findall(joined)
        assert "Severely underweight" in joined or "Underweight" in joined
        assert "Antenatal contact K1" in joined and "Oral polio dose 4" in joined
    else:
        assert "Pemeriksaan kehamilan K1" in joined and "olio" in joined, joined


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_csv_and_the_text_are_words_only(session, recap, lang):
    out = io.StringIO()
    write_csv(out, [recap], lang)
    text = recap_text(lang, recap)
    for produced in (out.getvalue(), text):
        assert code_like(produced, allowed(session)) == []
    if lang == "en":
        assert not INDONESIAN.findall(out.getvalue() + text), INDONESIAN.findall(out.getvalue() + text)
    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert header[0] == ("Kode posyandu" if lang == "id" else "Posyandu code")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_visiting_list_csv_is_words_only(app, session, recap, lang):
    result = app.test_cli_runner().invoke(args=["visits", "list", "--posyandu", "MAWAR7", "--format", "csv",
                                                "--at", "2026-11-22T08:00:00+07:00", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert "\n" in result.stdout.strip()  # someone is on the list
    assert code_like(result.stdout, allowed(session)) == []


def test_the_cli_recap_is_words_only(app, session, recap):
    for fmt in ("csv", "text"):
        for lang in ("id", "en"):
            result = app.test_cli_runner().invoke(args=["recap", "--month", "2026-11", "--posyandu", "MAWAR7",
                                                        "--format", fmt, "--lang", lang])
            assert result.exit_code == 0 and code_like(result.stdout, allowed(session)) == [], result.stdout
