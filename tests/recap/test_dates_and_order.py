"""Issue 16: an imported case is dated by its visit, everywhere; `rujukan` and `kunjungan` share one order.

* A register imported on 22 November with a visit of 25 October: `rujukan` says "sejak 25 Okt 2026", the
  visiting list's reason is since 25 October, and the recap counts the referral in October, not November.
* A BGM child and a child with a single T, both referred this week, the T child first in time: both lists put
  the BGM child first (health.priority.case_priority: the more severe first within a level).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from storage.models import Referral
from storage.recap import month_recap
from storage.visits import visiting_list
from tests.harness import Person
from tests.reporting.helpers import member, past_visit, posyandu
from tests.reporting.test_referral_queue import visit

HEADER = ("posyandu_code,name,birth_date,measured_on,weight_kg,height_cm,position,head_cm,muac_cm,"
          "systolic,diastolic,glucose_mgdl,waist_cm,hb_gdl\n")


def import_october_visit(app, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    joko = member(session, "Joko Susilo")
    register = tmp_path / "hasil.csv"
    register.write_text(HEADER + f"MAWAR7,Joko Susilo,{joko.birth_date.isoformat()},2026-10-25,,,,,,165,102,,,\n",
                        encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["measurements", "import", str(register)])
    assert result.exit_code == 0, result.output
    referral = session.scalars(select(Referral)).one()
    assert referral.created_at.date() == date(2026, 11, 22)  # written today, about a visit of October


def test_rujukan_says_since_the_visit_date_of_an_imported_case(app, runtime, demo, session, tmp_path):
    import_october_visit(app, session, tmp_path)
    text = Person(runtime, "bidan").say("rujukan")
    assert "sejak 25 Okt 2026" in text and "sejak 22 Nov 2026" not in text


def test_the_visiting_list_dates_it_by_the_visit(app, runtime, demo, session, tmp_path):
    import_october_visit(app, session, tmp_path)
    entries = visiting_list(session, posyandu(session, "MAWAR7"), date(2026, 11, 22))
    joko = next(e for e in entries if e.name == "Joko Susilo")
    assert [(r.code, r.since) for r in joko.reasons if r.code.startswith("referral")] == \
        [("referral", date(2026, 10, 25))]


def test_the_recap_counts_it_in_the_visits_month(app, runtime, demo, session, tmp_path):
    import_october_visit(app, session, tmp_path)
    mawar = posyandu(session, "MAWAR7")
    assert month_recap(session, mawar, 2026, 10)["ilp"]["posyandu"]["referrals_opened"] == 1
    assert month_recap(session, mawar, 2026, 11)["ilp"]["posyandu"]["referrals_opened"] == 0


def a_bgm_child_and_a_t_child(runtime, session) -> None:  # type: ignore[no-untyped-def]
    """Rizky's single T is reported first (15 Nov), Aisyah's BGM after it (20 Nov): both 'this week'."""
    past_visit(session, member(session, "Muhammad Rizky"), date(2026, 10, 15), weight_kg=11.0)
    past_visit(session, member(session, "Aisyah Putri"), date(2026, 10, 15), weight_kg=6.0)
    early = datetime(2026, 11, 15, 2, 0, tzinfo=timezone.utc)
    visit(runtime, "Muhammad Rizky", date(2026, 11, 15), now=early, weight_kg=11.05)  # +50 g < KBM 200 g: T
    visit(runtime, "Aisyah Putri", date(2026, 11, 20), weight_kg=5.6)  # below -3 SD BB/U at ~9 months: BGM
    urgencies = {r.member_id: r.urgency for r in session.scalars(select(Referral))}
    assert set(urgencies.values()) == {"week"}, urgencies


def test_rujukan_and_kunjungan_put_the_bgm_child_first(runtime, demo, session):
    a_bgm_child_and_a_t_child(runtime, session)
    rujukan = Person(runtime, "bidan").say("rujukan")
    assert rujukan.index("Aisyah Putri") < rujukan.index("Muhammad Rizky"), rujukan
    entries = visiting_list(session, posyandu(session, "MAWAR7"), date(2026, 11, 22))
    names = [e.name for e in entries]
    assert names.index("Aisyah Putri") < names.index("Muhammad Rizky")
    kunjungan = Person(runtime, "kader1").say("kunjungan")
    assert kunjungan.index("Aisyah Putri") < kunjungan.index("Muhammad Rizky"), kunjungan
