"""Recording a delivery: it starts the mother's postnatal (KF) reminders."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.members import name_key
from storage.models import AuditEvent, Member, Pregnancy
from tests.harness import Person


def _due_soon(session, clock):
    rina = session.scalars(select(Member).where(Member.name_key == name_key("Rina Marlina"))).one()
    pregnancy = session.scalars(select(Pregnancy).where(Pregnancy.member_id == rina.id)).one()
    pregnancy.hpht = clock.now().date() - timedelta(days=268)  # 38 weeks: due soon
    session.flush()
    return pregnancy


def test_kader_records_a_birth_and_postnatal_reminders_follow(runtime, demo, session, clock, app):
    pregnancy = _due_soon(session, clock)
    kader = Person(runtime, "kader1")
    reply = kader.say("persalinan")
    assert "Siapa ibu yang sudah melahirkan" in reply
    assert kader.choices()[0].startswith("Rina Marlina (HPL ")
    assert "Tanggal persalinan" in kader.say("1")
    assert "masa depan" in kader.say("25-11-2026")
    assert "usia kehamilan 38 minggu" in kader.say("20-11-2026")
    assert "Belum tahu" in kader.choices()  # where and by whom: PWS KIA counts both
    assert "di rumah, ditolong bidan/tenaga kesehatan?" in kader.say("2")
    assert "Tersimpan" in kader.say("1")
    session.expire_all()
    saved = session.get(Pregnancy, pregnancy.id)
    assert saved.delivered_on.isoformat() == "2026-11-20"
    assert (saved.delivery_place, saved.delivery_attendant) == ("rumah", "nakes")
    assert session.scalars(select(AuditEvent.action)).all().count("pregnancy.delivered") == 1
    result = app.test_cli_runner().invoke(args=["reminders", "upcoming", "--posyandu", "MAWAR7",
                                                "--from", "2026-11-22", "--days", "30", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "Rina Marlina" in result.output and ",KF2," in result.output
    assert "Persalinan ibu ini sudah tercatat" not in kader.say("persalinan")  # no one else is pregnant
    assert "Belum ada ibu hamil" in kader.last[0].text


def test_a_date_before_22_weeks_is_not_a_birth(runtime, demo, session, clock):
    pregnancy = _due_soon(session, clock)
    kader = Person(runtime, "kader1")
    kader.say("persalinan")
    kader.say("1")
    too_early = (pregnancy.hpht + timedelta(weeks=20)).strftime("%d-%m-%Y")
    assert "terlalu awal" in kader.say(too_early)
    assert "belum terbaca" in kader.say("kapan ya")


def test_a_kader_of_another_posyandu_does_not_see_the_mother(runtime, demo, session, clock):
    _due_soon(session, clock)
    assert "Belum ada ibu hamil" in Person(runtime, "kader2").say("persalinan")


def test_residents_cannot_record_a_birth(runtime, demo):
    resident = Person(runtime, "warga")
    resident.say("/start"), resident.say("1"), resident.say("1"), resident.say("menu")
    reply = resident.say("persalinan")
    assert "untuk kader dan bidan" in reply and "Tersimpan" not in reply


def test_a_miscarriage_closes_the_pregnancy_and_anc_reminders_stop(runtime, demo, session, clock, app):
    # Issue 7: a pregnancy that ended must not keep sending ANC reminders (Juknis ILP 01-anc-terpadu, ilp-domain 4.5).
    rina = session.scalars(select(Member).where(Member.name_key == name_key("Rina Marlina"))).one()
    before = app.test_cli_runner().invoke(args=["reminders", "upcoming", "--posyandu", "MAWAR7", "--from",
                                                "2026-11-22", "--days", "60", "--format", "csv"])
    assert "Rina Marlina" in before.output and ",ANC" in before.output
    kader = Person(runtime, "kader1")
    assert "Kehamilan siapa" in kader.say("keguguran")
    assert "berakhir karena apa" in kader.say("1")
    kader.say("1")  # keguguran
    assert "sebelum HPHT" in kader.say("01-01-2026")
    assert "pengingat pemeriksaan kehamilan" in kader.say("20-11-2026").lower()
    assert "dihentikan" in kader.say("1")
    session.expire_all()
    pregnancy = session.scalars(select(Pregnancy).where(Pregnancy.member_id == rina.id)).one()
    assert pregnancy.ended_on.isoformat() == "2026-11-20" and pregnancy.end_reason == "keguguran"
    after = app.test_cli_runner().invoke(args=["reminders", "upcoming", "--posyandu", "MAWAR7", "--from",
                                               "2026-11-22", "--days", "60", "--format", "csv"])
    assert not any("Rina Marlina" in line and ",ANC" in line for line in after.output.splitlines())


def test_a_loss_from_22_weeks_is_recorded_as_a_birth(runtime, demo, session, clock):
    _due_soon(session, clock)  # 38 weeks
    kader = Person(runtime, "kader1")
    kader.say("keguguran"), kader.say("1"), kader.say("1")
    assert "persalinan" in kader.say("hari ini")
