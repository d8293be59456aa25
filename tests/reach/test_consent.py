"""Recording a family's consent: in chat by the kader (who, when, how), in the register import; a number in any
Indonesian form is normalised, a landline or a foreign number refused."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from storage.models import AuditEvent, Contact, Household, Member
from storage.phones import mobile_number
from storage.reach import household_reach
from tests.harness import Person
from tests.reminders.helpers import add_person, mawar


def test_mobile_numbers_in_every_indonesian_form():
    for written in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456 7890",
                    "0062 812 3456 7890", "62-812-3456-7890"):
        assert mobile_number(written) == ("+6281234567890", None), written
    assert mobile_number("021-5551234") == (None, "landline")  # Jakarta
    assert mobile_number("(0274) 512345") == (None, "landline")  # Yogyakarta
    assert mobile_number("+60 12-345 6789") == (None, "foreign")  # Malaysia
    assert mobile_number("+1 415 523 8886") == (None, "foreign")
    assert mobile_number("08123") == (None, "invalid")
    assert mobile_number("") == (None, "invalid")


def test_kader_records_paper_consent_asking_for_a_mobile_number(runtime, demo, session, clock):
    place = mawar(session)
    child = add_person(session, place, None, "Wulan Sari", "P", date(2025, 2, 2), clock.now())  # no household
    session.commit()
    kader = Person(runtime, "kader1")
    assert "Keluarga siapa?" in kader.say("persetujuan")
    assert "Tidak ada anggota" in kader.say("zzzz")
    asked = kader.say("wulan")
    assert "belum punya nomor HP" in asked
    assert "telepon rumah" in kader.say("021-5551234")
    assert "bukan nomor Indonesia" in kader.say("+60 12-345 6789")
    assert "bukan nomor HP" in kader.say("12")
    how = kader.say("0813 1111 2222")
    assert "(+6281311112222)" in how and "Tanda tangan di formulir kertas" in kader.choices()
    done = kader.say("1")
    assert "Persetujuan keluarga Wulan Sari dicatat ✅ (formulir kertas, 22 Nov 2026)" in done
    session.expire_all()
    member = session.get(Member, child.id)
    home = session.get(Household, member.household_id)
    me = session.scalars(select(Contact).where(Contact.address == "kader1")).one()
    assert (home.phone, home.opted_in, home.consent_method, home.consent_recorded_by_id) == (
        "+6281311112222", True, "paper", me.id)
    assert home.consent_recorded_at == clock.now()
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "consent.recorded",
                                                    AuditEvent.subject == f"household:{home.id}")).one()
    assert household_reach(session, place.id)[home.id] == "no_chat"


def test_withdrawn_consent_leaves_the_family_unreachable(runtime, demo, session, clock):
    kader = Person(runtime, "kader1")
    kader.say("persetujuan 0812-3450-0003")  # the demo family of Joko Susilo, found by its number
    assert "Tidak setuju" in "\n".join(kader.choices())
    assert "tidak menerima pesan" in kader.say("3")
    session.expire_all()
    home = session.scalars(select(Household).where(Household.phone == "+6281234500003")).one()
    assert home.opted_in is False and home.consent_method is None
    assert household_reach(session, home.posyandu_id)[home.id] == "no_consent"


def test_another_posyandu_family_is_not_found(runtime, demo, session, clock):
    kader = Person(runtime, "kader1")
    kader.say("persetujuan")
    assert "Tidak ada anggota" in kader.say("Melati")  # nobody of the kader's posyandu is called that
    assert "Kembali" not in kader.say("batal")


MEMBERS = """posyandu_code,name,sex,birth_date,guardian_name,guardian_phone,opted_in,hpht,consent_method,consent_date,address
MAWAR7,Putri Ayu,P,2025-03-14,Ibu Ratna,0812-3333-4444,1,,paper,2026-10-01,RT 03 / RW 01 dekat masjid
MAWAR7,Bagus,L,2024-02-29,Bapak Tono,62 813 5555 6666,0,,,,
MAWAR7,Rumah Jakarta,L,2024-01-01,,021-5551234,1,,,,
MAWAR7,Dari Malaysia,L,2024-01-01,,+60 12-345 6789,1,,,,
MAWAR7,Izin Aneh,L,2024-01-01,,0812-9999-0000,1,,sms,,
MAWAR7,Izin Nanti,L,2024-01-01,,0812-9999-0001,1,,paper,2027-01-01,
MAWAR7,Tanpa Cara,P,2023-01-01,,+62 812 9999 0002,1,,,,
"""


def test_import_records_how_and_when_and_refuses_landline_and_foreign_numbers(app, demo, session, tmp_path: Path):
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["members", "import", str(path)])
    lines = result.output.splitlines()
    assert "line 4: guardian_phone is a landline; reminders need a mobile number (WhatsApp or SMS)" in lines
    assert "line 5: guardian_phone is not an Indonesian number (+62)" in lines
    assert "line 6: consent_method must be paper, chat or import" in lines
    assert "line 7: consent_date is in the future" in lines
    assert "5551234" not in result.output  # the number itself is not echoed
    homes = {h.phone: h for h in session.scalars(select(Household))}
    putri = homes["+6281233334444"]
    assert (putri.opted_in, putri.consent_method, putri.consent_recorded_at.date(), putri.address) == (
        True, "paper", date(2026, 10, 1), "RT 03 / RW 01 dekat masjid")
    assert homes["+6281355556666"].consent_method is None and not homes["+6281355556666"].opted_in
    assert homes["+6281299990002"].consent_method == "paper"  # opted_in=1 on the register's form
    again = app.test_cli_runner().invoke(args=["members", "import", str(path)])
    assert "0 added, 0 updated, 3 unchanged, 4 rejected" in again.output
