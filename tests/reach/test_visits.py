"""The kader's visiting list: every reason from the register, most urgent first, a visit takes the family off
until something new; the chat flow `kunjungan` and `flask visits list`."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from bot.messages import Channel
from storage.models import AuditEvent, Contact, HomeVisit, Household, Measurement, Referral
from storage.visits import visiting_list
from tests.harness import Person
from tests.reminders.helpers import add_person, wit_posyandu

TODAY = date(2026, 11, 22)  # NOW in WIT (10:00)
UTC = timezone.utc


def _home(session, posyandu, now, phone=None, opted=False, address=None):  # type: ignore[no-untyped-def]
    home = Household(posyandu_id=posyandu.id, phone=phone, opted_in=opted, address=address, created_at=now)
    session.add(home)
    session.flush()
    return home


def _weigh(session, member, on, waz=0.0, gain="N"):  # type: ignore[no-untyped-def]
    session.add(Measurement(member_id=member.id, posyandu_id=member.posyandu_id, measured_on=on, weight_kg=9.0,
                            waz=waz, weight_gain=gain, statuses={}, flags=[], created_at=datetime(2026, 11, 1,
                                                                                                 tzinfo=UTC)))


def register(session, clock):  # type: ignore[no-untyped-def]
    """A posyandu with one family for each reason (phones and consent given, so only the named reason shows)."""
    now = clock.now()
    place = wit_posyandu(session)
    people = {}

    def person(key, sex, born, **home):  # type: ignore[no-untyped-def]
        h = _home(session, place, now, **({"phone": f"+62812000{len(people):05d}", "opted": True} | home))
        people[key] = add_person(session, place, h.id, key, sex, born, now)
        return people[key]

    a = person("Ayu", "P", date(2026, 7, 1), address="RT 02 Kampung Kamoro")  # 4 months: doses overdue
    _weigh(session, a, date(2026, 11, 10))
    b = person("Bima", "L", date(2025, 1, 1))
    _weigh(session, b, date(2026, 10, 12), gain="N")
    _weigh(session, b, date(2026, 11, 10), waz=-3.4, gain="N")  # below the red line
    c = person("Citra", "P", date(2025, 1, 1))
    _weigh(session, c, date(2026, 9, 10), gain="N")
    _weigh(session, c, date(2026, 10, 10), waz=-1.0, gain="T")
    _weigh(session, c, date(2026, 11, 10), waz=-1.2, gain="T")  # 2T
    d = person("Dodi", "L", date(2024, 6, 1))
    _weigh(session, d, date(2026, 8, 15))  # not weighed in October or November: O
    e = person("Eka", "P", date(1990, 3, 3))
    session.add(Referral(member_id=e.id, posyandu_id=place.id, reasons=["td_dewasa:hypertension_grade_3"], urgency="today",
                         problem="tekanan_darah",
                         status="open", created_at=now - timedelta(hours=2)))
    person("Fajar", "L", date(1980, 1, 1), phone=None, opted=False)  # no phone
    person("Gita", "P", date(1985, 1, 1), opted=False)  # a phone, no consent
    session.commit()
    return place, people


def reasons(entries, name):  # type: ignore[no-untyped-def]
    return [(r.code, r.detail) for e in entries if e.name == name for r in e.reasons]


def test_every_reason_from_the_register_most_urgent_first(runtime, session, clock):
    place, people = register(session, clock)
    entries = visiting_list(session, place, TODAY)
    names = [e.name for e in entries]
    assert names[:3] == ["Eka", "Bima", "Citra"]  # referral for today, BGM, 2T
    assert ("referral_today", "tekanan_darah: td_dewasa:hypertension_grade_3") in reasons(entries, "Eka")
    assert reasons(entries, "Bima")[0] == ("bgm", "")
    assert reasons(entries, "Citra")[0] == ("2t", "")
    ayu = next(e for e in entries if e.name == "Ayu")
    dpt1 = next(r for r in ayu.reasons if r.detail == "DPT-HB-HIB1")
    # due at 2 months (the national schedule), past its one-month window on 22 November
    assert dpt1.code == "dose_overdue" and dpt1.since == date(2026, 7, 1) + timedelta(days=61)
    assert ayu.address == "RT 02 Kampung Kamoro" and ayu.phone.startswith("+62812")
    assert not any(r.detail == "MR1" for r in ayu.reasons)  # due at 9 months: not yet
    assert ("not_weighed", "") in reasons(entries, "Dodi")
    assert ("not_weighed", "") not in reasons(entries, "Bima")
    assert names[-2:] == ["Fajar", "Gita"]
    assert reasons(entries, "Fajar") == [("no_phone", "")] and reasons(entries, "Gita") == [("no_consent", "")]


def test_a_dose_inside_its_window_is_for_the_reminder_not_a_visit(runtime, session, clock):
    place, _ = register(session, clock)
    young = add_person(session, place, _home(session, place, clock.now(), "+6281299990000", True).id, "Hana", "P",
                       TODAY - timedelta(days=70), clock.now())  # DPT-HB-Hib 1 due 9 days ago, window 30 days
    _weigh(session, young, TODAY - timedelta(days=5))
    session.commit()
    entries = visiting_list(session, place, TODAY)
    assert not any(r.detail == "DPT-HB-HIB1" for r in next((e.reasons for e in entries if e.name == "Hana"), []))
    later = visiting_list(session, place, TODAY + timedelta(days=22))
    assert any(r.detail == "DPT-HB-HIB1" for e in later if e.name == "Hana" for r in e.reasons)


def test_a_visit_takes_the_family_off_until_a_new_reason(runtime, session, clock):
    place, people = register(session, clock)
    ayu = people["Ayu"]
    session.add(HomeVisit(posyandu_id=place.id, member_id=ayu.id, household_id=ayu.household_id, visited_on=TODAY,
                          outcome="sudah ke puskesmas", created_at=clock.now()))
    session.commit()
    assert "Ayu" not in [e.name for e in visiting_list(session, place, TODAY)]
    _weigh(session, ayu, TODAY + timedelta(days=3), waz=-3.2)  # a new fact after the visit
    session.commit()
    back = visiting_list(session, place, TODAY + timedelta(days=3))
    assert reasons(back, "Ayu") == [("bgm", "")]  # only what is new; the doses were seen on the visit
    # a visit is forgotten after 30 days: what is still true comes back
    assert any(r[0] == "dose_overdue" for r in reasons(visiting_list(session, place, TODAY + timedelta(days=31)),
                                                       "Ayu"))


def test_kader_records_a_visit_in_chat_within_their_posyandu(runtime, demo, session, clock):
    place, people = register(session, clock)
    kader = Person(runtime, "kader-wit")
    session.add(Contact(channel=Channel.TERMINAL.value, address="kader-wit", role="kader", language="id",
                        posyandu_id=place.id, created_at=clock.now()))
    session.commit()
    listing = kader.say("kunjungan")
    assert listing.index("Eka") < listing.index("Bima") < listing.index("Citra")
    assert "📍 RT 02 Kampung Kamoro" in listing and "rujukan HARI INI belum ditangani (Tekanan darah)" in listing
    assert "td_dewasa" not in listing and "hypertension" not in listing  # the kader reads words, not codes
    assert "Pilih nomor" in kader.say("ok")  # not on the list: asked again
    assert "Pilih nomor" in kader.say("zzz")
    asked = kader.say("1")
    assert "hasil kunjungan ke Eka" in asked
    assert "paling sedikit 3 huruf" in kader.say("-")
    after = kader.say("sudah diantar ke puskesmas")
    assert "Kunjungan ke Eka dicatat ✅ (22 Nov 2026)" in after and "1. Bima" in after
    visit = session.scalars(select(HomeVisit)).one()
    me = session.scalars(select(Contact).where(Contact.address == "kader-wit")).one()
    assert (visit.member_id, visit.recorded_by_id, visit.outcome) == (people["Eka"].id, me.id,
                                                                      "sudah diantar ke puskesmas")
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "visit.recorded")).all()
    # a forged pick of another posyandu's member is refused, nothing written
    other = Person(runtime, "kader1")
    other.say("kunjungan")
    assert "tidak ada di daftar" in other.say(f"vm{people['Bima'].id}")
    assert len(session.scalars(select(HomeVisit)).all()) == 1


def test_residents_cannot_ask_for_the_list(runtime, demo, session):
    resident = Person(runtime, "warga-x")
    resident.say("/start")
    assert "Eka" not in resident.say("kunjungan")


def test_cli_lists_the_same_as_csv(runtime, app, session, clock):
    place, _ = register(session, clock)
    result = app.test_cli_runner().invoke(args=["visits", "list", "--posyandu", "anggrek1", "--format", "csv",
                                                "--at", "2026-11-22T10:00:00+09:00"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["Nama"] for r in rows[:3]] == ["Eka", "Bima", "Citra"]
    ayu = next(r for r in rows if r["Nama"] == "Ayu")
    # in words, as the chat says them (issue 16: not `dose_overdue`, `DPT-HB-HIB1`)
    assert "DPT-HB-Hib ke-1" in ayu["Alasan kunjungan"] and "terlambat" in ayu["Alasan kunjungan"]
    assert "dose_overdue" not in result.output and "DPT-HB-HIB1" not in result.output
    assert ayu["Alamat"] == "RT 02 Kampung Kamoro" and ayu["Tanggal lahir"] == "2026-07-01"
    missing = app.test_cli_runner().invoke(args=["visits", "list", "--posyandu", "NOPE"])
    assert missing.exit_code != 0 and "no posyandu" in missing.output


def test_a_family_that_said_berhenti_is_not_visited_for_its_silence(runtime, session, clock):
    place, people = register(session, clock)
    home = _home(session, place, clock.now(), "+6281277770000", True)
    add_person(session, place, home.id, "Hadi", "L", date(1975, 1, 1), clock.now())
    session.add(Contact(channel="telegram", address="9001", role="resident", posyandu_id=place.id,
                        household_id=home.id, opted_in=True, stopped_at=clock.now(), created_at=clock.now()))
    session.commit()
    from storage.reach import household_reach, reach_figures

    assert household_reach(session, place.id)[home.id] == "stopped"
    assert "Hadi" not in [e.name for e in visiting_list(session, place, TODAY)]
    figures = reach_figures(session, place, TODAY)
    assert figures.households["stopped"] == 1 and figures.households["no_chat"] == 5  # consented, never wrote
    assert figures.households["unreachable"] == 8 and figures.households["whatsapp"] == 0
