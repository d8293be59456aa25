"""Issue 16: the recap of a real posyandu, where every life-cycle group is weighed every month.

An ibu hamil, a school child, a remaja and a lansia weighed in two consecutive months have a weight, not a
KMS code (N/T/O/B is the balita's card, ilp-domain 3.2): the kader's and the bidan's `rekap`, the CLI
`recap` and the clock's recap must all go through, with SKDN counting the balita only.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from health.kms import applies
from health.recap import Weighing, month_code
from scheduler.recap_job import send_monthly_recaps
from storage.models import Member, OutboxMessage, PosyanduSession
from storage.recap import month_recap
from tests.harness import Person
from tests.reporting.helpers import member, past_visit, posyandu


def add_member(session, name: str, sex: str, born: date) -> Member:  # type: ignore[no-untyped-def]
    mawar = posyandu(session, "MAWAR7")
    row = Member(posyandu_id=mawar.id, name=name, name_key=name.lower(), sex=sex, birth_date=born,
                 created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    session.add(row)
    session.commit()
    return row


def everyone_weighed_twice(session) -> None:  # type: ignore[no-untyped-def]
    """The demo's pregnant mother, remaja and lansia, and a school child, weighed in October and November."""
    school = add_member(session, "Bima Pratama", "L", date(2018, 6, 1))
    for who, october, november in ((member(session, "Rina Marlina"), 55.0, 56.1),   # ibu hamil
                                   (member(session, "Dewi Anggraini"), 38.0, 38.4),  # remaja
                                   (member(session, "Sumarni"), 48.0, 47.5),         # lansia
                                   (member(session, "Joko Susilo"), 70.0, 70.0),     # dewasa
                                   (school, 22.0, 22.5)):                            # anak sekolah
        past_visit(session, who, date(2026, 10, 18), weight_kg=october)
        past_visit(session, who, date(2026, 11, 15), weight_kg=november)
    past_visit(session, member(session, "Aisyah Putri"), date(2026, 10, 20), weight_kg=7.9)
    past_visit(session, member(session, "Aisyah Putri"), date(2026, 11, 15), weight_kg=8.4)


def test_the_kms_code_is_for_balita_only():
    weighings = [Weighing(date(2026, 10, 18), 55.0), Weighing(date(2026, 11, 15), 56.1)]
    assert month_code(date(1999, 3, 14), weighings, 2026, 11) is None  # an adult: no N/T, no crash
    assert month_code(date(2018, 6, 1), weighings, 2026, 11) is None  # a school child
    assert applies(0) and applies(60) and not applies(61)
    # a child of 59 months on the first who turns 60 in the month is still judged (KBM 12-60 months)
    child = [Weighing(date(2026, 10, 18), 17.0), Weighing(date(2026, 11, 20), 17.3)]
    assert month_code(date(2021, 11, 10), child, 2026, 11) == "N"


def test_month_recap_counts_balita_only_when_everyone_is_weighed(runtime, demo, session):
    everyone_weighed_twice(session)
    recap = month_recap(session, posyandu(session, "MAWAR7"), 2026, 11)
    assert (recap["skdn"]["K"], recap["skdn"]["D"], recap["skdn"]["N"]) == (2, 1, 1)
    assert [row["name"] for row in recap["balita"]] == ["Aisyah Putri"]
    assert recap["ilp"]["ibu_hamil"]["seen"] == 1 and recap["ilp"]["dewasa_lansia"]["lansia"] == 1


def test_kader_and_bidan_rekap_go_through(runtime, demo, session):
    everyone_weighed_twice(session)
    for who in ("kader1", "bidan"):
        person = Person(runtime, who)
        text = person.say("rekap november MAWAR7")
        assert "Rekap Posyandu Mawar 7 — November 2026" in text, text
        assert "D 1 · N 1" in text


def test_cli_recap_goes_through(app, demo, session):
    everyone_weighed_twice(session)
    result = app.test_cli_runner().invoke(args=["recap", "--month", "2026-11", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = {r["Kode posyandu"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["MAWAR7"]["D"] == "1"


@pytest.mark.parametrize("when", [datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)])
def test_the_automatic_recap_goes_through(runtime, demo, session, when):
    everyone_weighed_twice(session)
    mawar = posyandu(session, "MAWAR7")
    session.add(PosyanduSession(posyandu_id=mawar.id, starts_at=datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc),
                                groups=[], created_at=runtime.clock.now(), updated_at=runtime.clock.now()))
    session.commit()
    stats = send_monthly_recaps(runtime.session_factory, runtime.settings, when)
    assert stats.sent_to == 1
    texts = [r.text for r in session.scalars(select(OutboxMessage).where(OutboxMessage.address == "bidan"))]
    assert any("Mawar 7 — November 2026" in t for t in texts)


def test_one_members_unreadable_record_does_not_end_the_recap(runtime, demo, session):
    """A member whose stored sex cannot be read, and a visit dated before a (corrected) birth date: the recap
    of everyone else goes through; the odd records are left out of the figures, not the cause of a crash."""
    everyone_weighed_twice(session)
    odd = add_member(session, "Lina Kurnia", "X", date(1990, 1, 1))
    past_visit(session, odd, date(2026, 11, 15), weight_kg=60.0, systolic=120, diastolic=80)
    late = add_member(session, "Bayu Aji", "L", date(2026, 11, 20))  # birth date corrected after the visit
    past_visit(session, late, date(2026, 11, 10), weight_kg=3.1)
    recap = month_recap(session, posyandu(session, "MAWAR7"), 2026, 11)
    assert recap["skdn"]["D"] == 1 and recap["ilp"]["dewasa_lansia"]["screened"] >= 2
