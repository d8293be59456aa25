"""The bidan's referral queue (storage/referrals.py, bot/flows/referrals.py): one open referral per member,
urgent first, oldest first within a level, paging, outcome by the bidan only, imports alert like the chat,
and the next-morning repeat of an unhandled urgent referral (in the posyandu's own time zone)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import func, select

from scheduler.referral_repeats import run
from storage.db import transaction
from storage.models import Contact, Member, OutboxMessage, Posyandu, Referral
from storage.referrals import queue, record_outcome, referral_urgency
from storage.reporting import Values, Visit, save_visit
from tests.harness import Person
from tests.reporting.helpers import member
from tests.reporting.test_lapor_flow import to_aisyah

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc)  # 08:00 WIB


def visit(runtime, name, on, now=NOW, **values):
    """Save a visit as the chat and the import do: in one transaction (savepoints need one on PostgreSQL)."""
    with transaction(runtime.session_factory) as s:
        m = member(s, name)
        saved = save_visit(s, Visit(m.posyandu_id, on, Values(**values), member_id=m.id), now)
        return SimpleNamespace(referral_id=saved.referral.id if saved.referral else None,
                               reasons=list(saved.referral.reasons) if saved.referral else [],
                               measurement_id=saved.measurement.id, posyandu_id=saved.measurement.posyandu_id)


def open_count(session):
    return session.scalar(select(func.count()).select_from(Referral).where(Referral.status == "open"))


def test_urgency_comes_from_the_urgency_table_per_reason():
    result = SimpleNamespace(referral_reasons=["td_bumil:hypertension_in_pregnancy", "lila_bumil:kek"],
                             referral_levels={"td_bumil:hypertension_in_pregnancy": "today", "lila_bumil:kek": "week"})
    assert referral_urgency(result) == "today"
    assert referral_urgency(result, ["lila_bumil:kek"]) == "week"
    assert referral_urgency(result, ["td_bumil:hypertension_in_pregnancy"]) == "today"


def test_a_second_visit_updates_the_open_referral_instead_of_opening_another(runtime, demo, session):
    first = visit(runtime, "Aisyah Putri", date(2026, 10, 20), weight_kg=6.0, height_cm=70, position="L")
    second = visit(runtime, "Aisyah Putri", date(2026, 11, 20), weight_kg=6.1, height_cm=70.5, position="L")
    assert first.referral_id is not None and second.referral_id == first.referral_id
    assert open_count(session) == 1
    referral = session.scalars(select(Referral)).one()
    assert referral.measurement_id == second.measurement_id and referral.first_measurement_id == first.measurement_id
    assert set(first.reasons) <= set(referral.reasons)


def test_an_urgent_visit_raises_a_week_referral_and_a_later_calm_one_does_not_lower_it(runtime, demo, session):
    visit(runtime, "Joko Susilo", date(2026, 11, 1), systolic=145, diastolic=92)
    assert session.scalars(select(Referral.urgency)).one() == "week"
    visit(runtime, "Joko Susilo", date(2026, 11, 8), systolic=190, diastolic=125)
    referral = session.scalars(select(Referral)).one()
    assert referral.urgency == "today" and referral.urgent_since is not None
    visit(runtime, "Joko Susilo", date(2026, 11, 15), systolic=145, diastolic=92)
    assert session.scalars(select(Referral.urgency)).one() == "today" and open_count(session) == 1


def test_queue_is_urgent_first_then_oldest_first_and_pages(demo, session):
    mawar = session.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
    people = session.scalars(select(Member).where(Member.posyandu_id == mawar.id).order_by(Member.id)).all()
    base = NOW - timedelta(days=10)
    urgencies = ["week", "today", "week", "week", "today", "week", "week"]
    for i, (person, urgency) in enumerate(zip(people, urgencies)):
        session.add(Referral(member_id=person.id, posyandu_id=mawar.id, reasons=["td_dewasa:hypertension_grade_1"],
                             urgency=urgency, status="open", created_at=base + timedelta(days=i)))
    session.commit()
    page, total = queue(session, [mawar.id], 0, 5)
    assert total == 7
    assert [e.referral.urgency for e in page] == ["today", "today", "week", "week", "week"]
    assert [e.member.id for e in page[:2]] == [people[1].id, people[4].id]  # oldest first within a level
    assert page[2].member.id == people[0].id
    rest, _ = queue(session, [mawar.id], 5, 5)
    assert [e.member.id for e in rest] == [people[5].id, people[6].id]


def test_the_bidan_pages_with_lagi_and_sees_how_many_more(runtime, demo, session):
    mawar = session.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
    people = session.scalars(select(Member).where(Member.posyandu_id == mawar.id).order_by(Member.id)).all()
    for i, person in enumerate(people):
        session.add(Referral(member_id=person.id, posyandu_id=mawar.id, reasons=["td_dewasa:hypertension_grade_1"],
                             urgency="week", status="open", created_at=NOW - timedelta(days=20 - i)))
    session.commit()
    bidan = Person(runtime, "bidan")
    first = bidan.say("rujukan")
    assert "Rujukan belum ditangani: 7" in first and "Menampilkan 1-5 dari 7" in first
    assert "Ketik *lagi* untuk 2 berikutnya" in first and "Lagi (berikutnya)" in bidan.choices()
    second = bidan.say("lagi")
    assert "Menampilkan 6-7 dari 7" in second and people[6].name in second and people[0].name not in second


def test_entry_shows_values_gestational_week_kader_and_phone_and_only_the_bidan_closes(runtime, demo, session):
    kader = Person(runtime, "kader1")
    to_aisyah(kader)
    kader.say("bb 6 pb 70 lk 43 lila 11"), kader.say("-"), kader.say("simpan")
    listing = Person(runtime, "kader1").say("rujukan")
    assert "Aisyah Putri" in listing and "Hanya bidan" in listing
    k = Person(runtime, "kader1")
    k.say("rujukan")
    referral = session.scalars(select(Referral)).one()
    assert "Hanya bidan desa" in k.say(f"r{referral.id}")  # a forged button does not close it either
    kader_contact = session.scalars(select(Contact).where(Contact.address == "kader1")).one()
    assert record_outcome(session, kader_contact, referral.id, [referral.posyandu_id], "membaik", None, NOW) is None
    session.expire_all()
    assert session.scalars(select(Referral.status)).one() == "open"

    bidan = Person(runtime, "bidan")
    listing = bidan.say("rujukan")
    assert "Berat badan 6 kg" in listing and "LiLA 11 cm" in listing
    assert "Dilaporkan oleh: Kader Siti Aminah" in listing and "HP keluarga: +6281234500001" in listing
    assert bidan.choices()[0] == "Aisyah Putri · Gizi & pertumbuhan anak"  # one entry per problem, named
    assert "Nilai: Berat badan 6 kg" in listing and "mmHg" not in listing
    assert "Hasil tindak lanjut Aisyah Putri (Gizi & pertumbuhan anak)?" in bidan.say("1")
    assert bidan.choices() == ["Sudah dikunjungi", "Dirujuk ke puskesmas", "Membaik", "Tidak ditemukan",
                               "Kembali ke daftar"]
    assert "Catatan" in bidan.say("2")
    assert "Dicatat ✅ Aisyah Putri (Gizi & pertumbuhan anak): Dirujuk ke puskesmas" in bidan.say("dibawa ke PKM Mranggen 3 hari ini")
    session.expire_all()
    closed = session.scalars(select(Referral)).one()
    assert (closed.status, closed.outcome, closed.outcome_note) == ("handled", "dirujuk",
                                                                     "dibawa ke PKM Mranggen 3 hari ini")
    assert closed.handled_by_id == session.scalars(select(Contact.id).where(Contact.address == "bidan")).one()


def test_an_imported_urgent_pregnancy_alerts_the_bidan_with_the_gestational_age(app, demo, session, tmp_path):
    rina = member(session, "Rina Marlina")
    register = tmp_path / "hasil.csv"
    register.write_text("posyandu_code,name,birth_date,measured_on,weight_kg,height_cm,position,head_cm,muac_cm,"
                        "systolic,diastolic,glucose_mgdl,waist_cm,hb_gdl\n"
                        f"MAWAR7,Rina Marlina,{rina.birth_date.isoformat()},2026-11-20,,,,,,165,112,,,\n",
                        encoding="utf-8")
    first = app.test_cli_runner().invoke(args=["measurements", "import", str(register)])
    assert first.output.splitlines()[-1] == "measurements: 1 added, 0 updated, 0 unchanged, 0 rejected"
    referral = session.scalars(select(Referral)).one()
    assert referral.urgency == "today"
    alerts = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert")).all()
    assert [a.address for a in alerts] == ["bidan"]
    assert "Usia kehamilan: 21 minggu" in alerts[0].text and "register (impor)" in alerts[0].text
    again = app.test_cli_runner().invoke(args=["measurements", "import", str(register)])  # a rerun alerts nobody twice
    assert again.output.splitlines()[-1] == "measurements: 0 added, 0 updated, 1 unchanged, 0 rejected"
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "alert")) == 1


def test_an_unhandled_urgent_referral_is_repeated_once_the_next_local_morning(runtime, demo, session):
    evening = datetime(2026, 11, 21, 13, 0, tzinfo=timezone.utc)  # 20:00 WIB
    visit(runtime, "Joko Susilo", date(2026, 11, 21), now=evening, systolic=190, diastolic=125)
    assert run(runtime.session_factory, runtime.settings, datetime(2026, 11, 21, 23, 59, tzinfo=timezone.utc)) == 0  # 06:59 WIB
    morning = datetime(2026, 11, 22, 0, 0, tzinfo=timezone.utc)  # 07:00 WIB
    assert run(runtime.session_factory, runtime.settings, morning) == 1
    repeats = session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("referral-repeat:%"))).all()
    assert [r.address for r in repeats] == ["bidan"] and "belum ditangani" in repeats[0].text
    assert run(runtime.session_factory, runtime.settings, morning + timedelta(hours=1)) == 0  # once


def test_a_handled_urgent_referral_is_not_repeated(runtime, demo, session):
    evening = datetime(2026, 11, 21, 13, 0, tzinfo=timezone.utc)
    saved = visit(runtime, "Joko Susilo", date(2026, 11, 21), now=evening, systolic=190, diastolic=125)
    bidan = session.scalars(select(Contact).where(Contact.address == "bidan")).one()
    assert record_outcome(session, bidan, saved.referral_id, [saved.posyandu_id], "dikunjungi", None,
                          evening) is not None
    assert run(runtime.session_factory, runtime.settings, datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc)) == 0


def test_a_new_kader_gives_her_name_at_invite_join_and_the_alert_names_her(runtime, demo, session, clock):
    from storage.reporting import create_invite

    mawar = session.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
    code = create_invite(session, mawar.id, "kader", clock.now(), 7).code
    session.commit()
    new = Person(runtime, "kader-baru")
    new.say("/start"), new.say("1"), new.say("2")
    assert "Siapa nama Anda?" in new.say(code)
    assert "belum bisa dipakai" in new.say("🙂")
    assert "Terima kasih, Wulan Sari." in new.say("wulan sari")
    assert session.scalars(select(Contact.display_name).where(Contact.address == "kader-baru")).one() == "Wulan Sari"
    to_aisyah(new)
    new.say("bb 6 pb 70 lk 43 lila 11"), new.say("-"), new.say("simpan")
    alert = session.scalars(select(OutboxMessage.text).where(OutboxMessage.kind == "alert")).first()
    assert "Dilaporkan oleh Wulan Sari" in alert


def test_the_clock_repeats_referrals_every_hour(runtime):
    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler.clock import register_jobs

    scheduler = BackgroundScheduler()
    register_jobs(scheduler, runtime)
    job = {j.id: j for j in scheduler.get_jobs()}["referral-repeats"]
    fire = job.trigger.get_next_fire_time(None, datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc))
    assert fire == datetime(2026, 11, 22, 12, 5, tzinfo=timezone.utc)


def test_a_pregnancy_dated_by_estimate_reads_as_an_estimate_in_the_alert_the_queue_and_the_repeat(runtime, demo,
                                                                                                  session):
    # 'hamil 5 bulan' dates the pregnancy only roughly: the bidan must not read ± 21 weeks as a dated week.
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("nurhayati")  # today's date, the one match taken (issue 8)
    k.say("2"), k.say("lupa"), k.say("hamil 5 bulan")
    k.say("60"), k.say("24"), k.say("150/95"), k.say("-"), k.say("-")
    k.say("simpan")
    alert = session.scalars(select(OutboxMessage.text).where(OutboxMessage.kind == "alert")).one()
    assert "Usia kehamilan: ± 21 minggu (perkiraan" in alert and "Dilaporkan oleh Kader Siti Aminah" in alert
    listing = Person(runtime, "bidan").say("rujukan")
    assert "Tekanan darah · Nurhayati (P, 34 tahun) · hamil ± 21 minggu (perkiraan)" in listing
    assert run(runtime.session_factory, runtime.settings, datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)) == 1
    repeat = session.scalars(select(OutboxMessage.text).where(OutboxMessage.dedupe_key.like("referral-repeat:%"))).one()
    assert "± 21 minggu (perkiraan" in repeat and "Hipertensi" in repeat


def test_the_repeat_of_one_problem_names_only_its_reasons(runtime, demo, session):
    evening = datetime(2026, 11, 21, 13, 0, tzinfo=timezone.utc)
    visit(runtime, "Joko Susilo", date(2026, 11, 21), now=evening, systolic=190, diastolic=125, glucose_mgdl=210)
    assert run(runtime.session_factory, runtime.settings, datetime(2026, 11, 22, 0, 0, tzinfo=timezone.utc)) == 1
    repeat = session.scalars(select(OutboxMessage.text).where(OutboxMessage.dedupe_key.like("referral-repeat:%"))).one()
    assert "🚨" in repeat and "Hipertensi" in repeat
    reasons = repeat.split("Alasan:")[1]
    assert "Diabetes" not in reasons  # the glucose case is this week's, its own entry in the queue


def test_a_mother_in_nifas_reads_as_nifas_in_the_queue_and_rujukan_again_shows_the_list(runtime, demo, session):
    # Permenkes 21/2021: nifas = 0-42 days after delivery; the entry says so, as the alert does.
    from storage.models import Pregnancy

    rina = member(session, "Rina Marlina")
    pregnancy = session.scalars(select(Pregnancy).where(Pregnancy.member_id == rina.id)).one()
    pregnancy.delivered_on = date(2026, 11, 20)
    session.commit()
    visit(runtime, "Rina Marlina", date(2026, 11, 22), systolic=150, diastolic=95)
    bidan = Person(runtime, "bidan")
    listing = bidan.say("rujukan")
    assert "Tekanan darah · Rina Marlina (P, 27 tahun) · nifas hari ke-2" in listing and "hamil" not in listing
    assert "Rujukan belum ditangani: 1" in bidan.say("rujukan") and "Pilih salah satu" not in bidan.say("Rujukan")


def test_the_bidan_may_type_a_name_instead_of_the_number_when_it_names_one_entry(runtime, demo, session):
    visit(runtime, "Joko Susilo", date(2026, 11, 20), systolic=190, diastolic=125, glucose_mgdl=250)
    visit(runtime, "Sumarni", date(2026, 11, 20), systolic=165, diastolic=100)
    bidan = Person(runtime, "bidan")
    bidan.say("rujukan")
    assert "Hasil tindak lanjut Sumarni (Tekanan darah)?" in bidan.say("sumarni")
    bidan.say("kembali")
    assert "Pilih salah satu nama" in bidan.say("joko")  # two entries: the number decides


def test_every_reason_of_an_updated_referral_is_named_in_words_even_from_a_middle_visit(runtime, demo, session):
    # Juknis ILP skrining hipertensi grades (ilp-domain 3.6): three visits, three reasons, one referral.
    for day, (sys_, dia) in ((1, (145, 92)), (8, (165, 100)), (15, (190, 125))):
        visit(runtime, "Joko Susilo", date(2026, 11, day), systolic=sys_, diastolic=dia)
    listing = Person(runtime, "bidan").say("rujukan")
    assert "Alasan: Hipertensi derajat 1; Hipertensi derajat 2; Hipertensi derajat 3" in listing
    assert "hypertension" not in listing
