"""Service history in (issue 17) and one immunisation answer everywhere (issue 16).

`services import` (register words and dates, the chat's checks, bad lines by number in Indonesian, a rerun
changes nothing), then the visit list, `keluarga` and the reminders follow the history: nobody is told to
bring a child for a dose already given. And a 19-month-old with nothing recorded gets the same doses from
the kader's report, `keluarga` and the visit list."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from bot.messages import Channel
from scheduler.planner import plan_at
from storage.models import ORIGIN_HISTORY, ServiceGiven
from storage.visits import visiting_list
from tests.harness import Person
from tests.reminders.helpers import family, mawar, planned

TODAY = date(2026, 11, 22)  # the clock fixture's day


def run(app, tmp_path: Path, content: str, name: str = "riwayat.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["services", "import", "--quiet", str(path)])


def dose_reasons(session, place, name):  # type: ignore[no-untyped-def]
    return [r.detail for e in visiting_list(session, place, TODAY) if e.name == name
            for r in e.reasons if r.code == "dose_overdue"]


BAYU = """posyandu_code,name,birth_date,service,given_on,place
MAWAR7,Bayu Pratama,20-09-2026,HB 0,20-09-2026,RSUD Demak
MAWAR7,Bayu Pratama,20-09-2026,bcg,10/2026,Puskesmas Mranggen 3
MAWAR7,Bayu Pratama,20-09-2026,Polio-1,10/2026,Puskesmas Mranggen 3
MAWAR7,Bayu Pratama,20-09-2026,Pentabio 1,20 Nov 2026,Puskesmas Mranggen 3
MAWAR7,Bayu Pratama,20-09-2026,OPV 2,2026-11-20,Puskesmas Mranggen 3
MAWAR7,Bayu Pratama,20-09-2026,PCV 1,20/11/2026,
MAWAR7,Bayu Pratama,20-09-2026,RV 1,20 november 2026,
"""


def test_after_the_import_the_visit_list_keluarga_and_reminders_follow_the_history(app, runtime, demo, session,
                                                                                    clock, tmp_path):
    place = mawar(session)
    fam = family(session, place, [("Bayu Pratama", "L", date(2026, 9, 20), None)], "7101", clock.now())
    bayu = fam.members["Bayu Pratama"]
    before = Person(runtime, fam.address, Channel.TELEGRAM).say("keluarga")
    assert "DPT-HB-Hib ke-1" in before

    result = run(app, tmp_path, BAYU)
    assert result.exit_code == 0, result.output
    assert "7 ditambahkan" in result.output
    rows = session.scalars(select(ServiceGiven).where(ServiceGiven.member_id == bayu)).all()
    assert {r.origin for r in rows} == {ORIGIN_HISTORY} and all(r.posyandu_id is None for r in rows)
    bcg = next(r for r in rows if r.code == "BCG")
    assert (bcg.given_on, bcg.precision, bcg.place) == (date(2026, 10, 31), "month", "Puskesmas Mranggen 3")

    # the visit list: no dose overdue
    assert dose_reasons(session, place, "Bayu Pratama") == []
    # keluarga: the doses given are not asked again; the next ones come with their day
    family_view = Person(runtime, fam.address, Channel.TELEGRAM).say("keluarga")
    assert "DPT-HB-Hib ke-1" not in family_view and "Polio tetes ke-2" not in family_view
    assert "DPT-HB-Hib ke-2 (21 Des" in family_view and "Polio tetes ke-3 (21 Des" in family_view  # 3 months
    # reminders: nothing for a dose given
    plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert not {"DPT-HB-HIB1", "OPV2", "PCV1", "RV1", "BCG", "OPV1"} & {r.code for r in planned(session, bayu)}

    again = run(app, tmp_path, BAYU)
    assert again.exit_code == 0 and "0 ditambahkan, 7 sudah tercatat" in again.output


def test_reminders_without_the_history_would_ask_for_those_doses(runtime, demo, session, clock):
    fam = family(session, mawar(session), [("Bayu Pratama", "L", date(2026, 9, 20), None)], "7102", clock.now())
    plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert {"DPT-HB-HIB1", "PCV1", "RV1"} <= {r.code for r in planned(session, fam.members["Bayu Pratama"])}
    assert "OPV2" not in {r.code for r in planned(session, fam.members["Bayu Pratama"])}  # polio 2 waits for 1


BAD = """posyandu_code;name;birth_date;service;given_on
MAWAR7;Rara Ayu;01-05-2025;Polio 2;17-08-2025
MAWAR7;Rara Ayu;01-05-2025;Polio 1;15-07-2025
MAWAR7;Rara Ayu;01-05-2025;Polio 3;25-08-2025
MAWAR7;Rara Ayu;01-05-2025;Vit A merah;08/2025
MAWAR7;Rara Ayu;01-05-2025;vaksin X;08/2025
MAWAR7;Rara Ayu;01-05-2025;BCG;31-02-2025
MAWAR7;Rara Ayu;01-05-2025;Campak;2030-01-01
NOPE1;Rara Ayu;01-05-2025;BCG;05/2025
MAWAR7;Orang Lain;01-05-2025;BCG;05/2025
MAWAR7;Rara Ayu;01-05-2025;Campak;02/2026
MAWAR7;Rara Ayu;01-05-2025;Campak;03/2026
"""


def test_bad_lines_by_number_in_indonesian_good_lines_kept(app, demo, session, clock, tmp_path):
    family(session, mawar(session), [("Rara Ayu", "P", date(2025, 5, 1), None)], "7103", clock.now())
    result = run(app, tmp_path, BAD, "semicolon.csv")
    assert result.exit_code == 1
    out = result.output
    assert "baris 4: Polio tetes ke-3 terlalu dekat dengan Polio tetes ke-2" in out  # 8 days after polio 2
    assert "baris 5: vitamin A merah hanya untuk usia 12-59 bulan" in out  # 3 months old
    assert "baris 6: layanan \"vaksin X\" tidak dikenal" in out
    assert "baris 7: tanggal \"31-02-2025\" tidak terbaca" in out
    assert "baris 8: tanggal pemberian di masa depan" in out
    assert "baris 9: kode posyandu tidak dikenal" in out
    assert "baris 10: anggota dengan nama dan tanggal lahir ini tidak ada" in out
    assert "baris 12: Campak-Rubela (MR) ke-2 (lanjutan) terlalu dekat" in out  # MR2 >= 6 months after MR1
    assert "Rara" not in out  # no names in what is printed
    assert "3 ditambahkan" in out  # polio 1, polio 2 (in date order though listed after), campak (MR1)
    codes = set(session.scalars(select(ServiceGiven.code)))
    assert {"OPV1", "OPV2", "MR1"} <= codes and "OPV3" not in codes and "MR2" not in codes


def test_one_child_one_answer_report_keluarga_and_visit_list(runtime, demo, session, clock):
    """Issue 16: a 19-month-old with nothing recorded; the kader's summary, keluarga and kunjungan agree."""
    place = mawar(session)
    fam = family(session, place, [("Citra Lestari", "P", date(2025, 4, 20), None)], "7104", clock.now())
    words = ["Polio tetes ke-1", "DPT-HB-Hib ke-1", "PCV ke-1", "Rotavirus ke-1", "Polio suntik (IPV) ke-1",
             "Campak-Rubela (MR) ke-1"]
    view = Person(runtime, fam.address, Channel.TELEGRAM).say("keluarga")
    assert all(w in view for w in words) and "lanjutan" not in view and "OPV" not in view
    listed = dose_reasons(session, place, "Citra Lestari")
    assert listed == ["OPV1", "DPT-HB-HIB1", "PCV1", "RV1", "IPV1", "MR1"]
    kader = Person(runtime, "kader1")
    summary = kader.say("lapor Citra Lestari bb 10,2 pb 80")
    for _ in range(3):
        if "Layanan" in summary or "layanan" in summary:
            break
        summary = kader.say("ya")
    visits = kader.say("batal") and kader.say("kunjungan")
    assert "Polio tetes ke-1" in visits and "OPV1" not in visits and "DPT-HB-HIB" not in visits


MEMBERS_WITH_HISTORY = """posyandu_code,name,sex,birth_date,guardian_name,guardian_phone,opted_in,hpht,riwayat
MAWAR7,Dimas Anggara,L,2026-08-01,Ibu Sari,0812-7000-1111,1,,"BCG 08/2026; Polio 1 01-08-2026 di RSUD Demak | DPT 1 01-10-2026"
MAWAR7,Eka Putri,P,2026-08-01,,,0,,Polio 2 09/2026
"""


def test_the_members_import_carries_the_history_as_an_optional_column(app, demo, session, tmp_path):
    path = tmp_path / "anggota.csv"
    path.write_text(MEMBERS_WITH_HISTORY, encoding="utf-8")
    first = app.test_cli_runner().invoke(args=["members", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert "line 3: warning: riwayat \"Polio 2 09/2026\": Polio tetes ke-2 tercatat tanpa Polio tetes ke-1" \
        in first.output  # the member is kept, the dose refused
    rows = session.scalars(select(ServiceGiven).where(ServiceGiven.origin == ORIGIN_HISTORY)).all()
    assert sorted(r.code for r in rows) == ["BCG", "DPT-HB-HIB1", "OPV1"]
    assert next(r for r in rows if r.code == "OPV1").place == "RSUD Demak"
    again = app.test_cli_runner().invoke(args=["members", "import", str(path)])
    assert "0 added, 0 updated, 2 unchanged" in again.output


def test_register_words_and_dates():
    from bot.parsing import MONTHS as CHAT_MONTHS
    from health.service_history import MONTHS, name_service, register_date

    assert MONTHS == CHAT_MONTHS  # one month vocabulary for the chat and the registers
    today = date(2026, 12, 7)
    for text in ("17-08-2024", "17/8/2024", "17 agustus 2024", "17 Agt 2024", "2024-08-17", "17.08.2024"):
        assert register_date(text, today) == (date(2024, 8, 17), "day"), text
    for text in ("08/2024", "8-2024", "Agustus 2024", "agt 2024"):
        assert register_date(text, today) == (date(2024, 8, 31), "month"), text
    assert register_date("12/2026", today) == (today, "month")  # the current month: not after today
    words = {"BCG": "BCG", "Polio 1": "OPV1", "OPV 1": "OPV1", "DPT-HB-Hib 1": "DPT-HB-HIB1", "Pentabio 1": "DPT-HB-HIB1",
             "PCV 1": "PCV1", "RV 1": "RV1", "MR 1": "MR1", "MR 2": "MR2", "Vit A biru": "VITA", "Vit A merah": "VITA",
             "obat cacing": "CACING", "TT 2": "TT2", "Td 2": "TT2", "dpt hb hib 3": "DPT-HB-HIB3", "polio-1": "OPV1"}
    for text, code in words.items():
        assert name_service(text).code == code, text
    assert name_service("IPV").series == "IPV" and name_service("Campak").series == "MR"
    assert name_service("vaksin X") is None
