"""`rekap` and `grafik` in chat, on the real engine and database, and the workbook opened with openpyxl."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from bot.media import materialise
from tests.harness import Person
from tests.reporting.helpers import guardian, member, past_visit


def weigh(k: Person, name: str, line: str) -> None:
    k.say(f"lapor {name} {line}")
    k.say("1")  # the member found
    k.say("-")  # no services
    k.say("simpan")
    k.say("selesai")


def arrange(session) -> None:  # type: ignore[no-untyped-def]
    past_visit(session, member(session, "Aisyah Putri"), date(2026, 10, 20), weight_kg=7.9, height_cm=69.0)
    past_visit(session, member(session, "Muhammad Rizky"), date(2026, 10, 20), weight_kg=11.0, height_cm=84.0)


def test_kader_recap_counts_the_month_and_sends_the_workbook(runtime, demo, session):
    arrange(session)
    k = Person(runtime, "kader1")
    weigh(k, "aisyah", "bb 8,4 pb 71")   # +500 g at 9 months (KBM 300 g): N
    weigh(k, "rizky", "bb 11,1 tb 85")   # +100 g at 22 months (KBM 200 g): T
    text = k.say("rekap")
    assert "Rekap Posyandu Mawar 7 — November 2026" in text
    assert "S 2 · K 2 · D 2 · N 1 · T 1 · O 0 · B 0 · 2T 0 · BGM 0" in text
    assert "S = balita terdaftar" in text and "N/D 50,0%" in text and "D/S 100,0%" in text
    assert "T: Muhammad Rizky" in text
    assert "kader melapor 1" in text
    files = [m for m in k.last if m.attachment is not None]
    assert len(files) == 1 and files[0].attachment.kind == "document"
    assert files[0].attachment.filename == "rekap-MAWAR7-2026-11.xlsx"

    book = load_workbook(io.BytesIO(materialise(files[0].attachment.spec)))
    assert book.sheetnames[:2] == ["Rekap", "Balita (e-PPGBM)"]
    assert {"Ibu hamil", "Ibu nifas", "Bayi-balita", "Remaja", "Dewasa", "Lansia"} <= set(book.sheetnames)
    recap = {row[0]: row[1] for row in book["Rekap"].iter_rows(min_row=4, values_only=True) if row and row[0]}
    assert recap["D — balita ditimbang"] == 2 and recap["N — berat naik"] == 1 and recap["T — berat tidak naik"] == 1
    assert recap["N/D (keberhasilan)"] == 0.5
    assert recap["Nama balita T"] == "Muhammad Rizky" and recap["Nama balita BGM"] is None
    sheet = book["Balita (e-PPGBM)"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["NIK", "Nama", "Tanggal lahir", "L/P", "Tanggal ukur", "BB (kg)", "PB/TB (cm)", "Cara ukur"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    aisyah = rows["Aisyah Putri"]
    assert aisyah[4].date() == date(2026, 11, 22) and aisyah[5] == 8.4 and aisyah[6] == 71.0
    assert aisyah[7] == "Telentang" and aisyah[10] == "Bapak Slamet" and aisyah[11] == "N"
    assert sheet.cell(2, 5).number_format == "dd/mm/yyyy" and sheet.cell(2, 6).number_format == "0.00"
    assert rows["Muhammad Rizky"][11] == "T"
    assert aisyah[12] == "Berat badan normal" and aisyah[14] == "Gizi baik"  # the register's words, not codes
    assert "BALITA (SKDN)" in [row[0] for row in book["Rekap"].iter_rows(values_only=True)]


def test_recap_refuses_another_posyandu_and_explains_bad_months(runtime, demo):
    k = Person(runtime, "kader1")
    assert "hanya untuk kader dan bidannya" in k.say("rekap oktober MELATI3")
    assert "tidak saya kenali" in k.say("rekap 2026-13")
    assert "belum berjalan" in k.say("rekap 2027-01")
    assert "tidak saya temukan" in k.say("rekap oktober NOPE")
    assert "Desember 2025" in k.say("rekap desember")  # the latest December, not a future one


def test_an_empty_month_is_an_honest_empty_recap(runtime, demo):
    k = Person(runtime, "kader1")
    text = k.say("rekap 2026-06")
    assert "Belum ada data" in text and "D 0" in text and "N/D -" in text


def test_the_bidan_gets_her_desa_summed_and_per_posyandu(runtime, demo, session):
    arrange(session)
    b = Person(runtime, "bidan")
    text = b.say("rekap")
    assert "Rekap Desa Banyumeneng — November 2026" in text
    assert "Per posyandu:" in text
    for name in ("Posyandu Mawar 7", "Posyandu Melati 3", "Posyandu Kenanga 1"):
        assert f"• {name}: D " in text
    assert "Klaster 2 (ibu dan anak):" in text and "Klaster 3 (dewasa dan lansia):" in text
    assert [m.attachment.filename for m in b.last if m.attachment] == ["rekap-desa-banyumeneng-2026-11.xlsx"]
    assert "Rekap Posyandu Melati 3 — Oktober 2026" in b.say("rekap oktober MELATI3")  # one posyandu by name


def test_the_family_gets_the_chart_after_the_weighing_and_a_kader_on_demand(runtime, demo, session):
    arrange(session)
    guardian(session, member(session, "Aisyah Putri"))
    k = Person(runtime, "kader1")
    assert "Ringkasan" in k.say("lapor aisyah bb 8,4")  # a line goes straight to the summary
    k.say("simpan")
    charts = [m.attachment for m in k.last if m.attachment is not None]
    assert [a.spec["indicator"] for a in charts] == ["wfa"]  # no length measured today: one chart
    assert charts[0].spec["points"] == [["2026-10-20", 7.9], ["2026-11-22", 8.4]]
    assert charts[0].spec["note"][0] == "November 2026: 8,4 kg — naik 500 gram (N)"
    family = [m for m in runtime.senders[k.channel].sent if m.address == "ibu-aisyah"]
    assert family[-1].attachment is not None and family[-1].attachment.spec["points"][-1] == ["2026-11-22", 8.4]
    k.say("selesai")
    reply = k.say("grafik aisyah")
    assert "Grafik pertumbuhan Aisyah Putri (BB/U)" in reply and "(PB/U atau TB/U)" in reply
    assert [m.attachment.kind for m in k.last] == ["photo", "photo"]


def test_grafik_refuses_what_it_cannot_draw(runtime, demo):
    k = Person(runtime, "kader1")
    assert "bukan balita lagi" in k.say("grafik joko susilo")
    assert "Belum ada penimbangan" in k.say("grafik aisyah")
    assert "tidak menemukan anak" in k.say("grafik bagus saputra")  # another posyandu's child
    assert "Dibatalkan" in k.say("batal")
    assert "tidak menemukan anak" in k.say("grafik zzzz")


def test_a_family_sees_only_its_own_childrens_charts(runtime, demo, session):
    from datetime import datetime, timezone

    from storage.models import Member

    arrange(session)
    aisyah = member(session, "Aisyah Putri")
    guardian(session, aisyah)
    mother = Person(runtime, "ibu-aisyah")
    reply = mother.say("grafik")
    assert "Grafik pertumbuhan Aisyah Putri (BB/U)" in reply
    assert [m.attachment.spec["points"] for m in mother.last] == [[["2026-10-20", 7.9]], [["2026-10-20", 69.0]]]
    assert "Tidak ada balita bernama \"rizky\" di keluarga Anda" in mother.say("grafik rizky")
    session.add(Member(posyandu_id=aisyah.posyandu_id, household_id=aisyah.household_id, name="Putra Slamet",
                       name_key="putra slamet", sex="L", birth_date=date(2025, 2, 1),
                       created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    session.commit()
    assert "Pilih anaknya" in mother.say("grafik")
    assert len(mother.choices()) == 2
    rizky = member(session, "Muhammad Rizky")
    refused = mother.press(f"m{rizky.id}")  # a forged button for another family's child
    assert all(m.attachment is None for m in mother.last) and "grafik anak itu tidak bisa Anda lihat" in refused
    stranger = Person(runtime, "warga-lain")
    assert "Belum ada balita di keluarga Anda" in stranger.say("grafik aisyah")


def test_the_words_a_bidan_uses_for_the_recap(runtime, demo):
    k = Person(runtime, "kader1")
    for words in ("rekap", "ringkasan", "laporan bulan ini", "Rekap November", "summary"):
        assert "Rekap Posyandu Mawar 7 — November 2026" in k.say(words), words


def test_the_bidan_sets_the_target_in_chat_and_the_recap_uses_it(runtime, demo, session):
    b = Person(runtime, "bidan")
    assert "Sasaran posyandu yang mana?" in b.say("sasaran")
    assert "Posyandu Mawar 7" in b.choices()
    assert "sasaran balita (S)" in b.say("Posyandu Mawar 7")
    assert "angka saja" in b.say("empat puluh")
    assert "tidak melayani lebih dari 5000" in b.say("90000")
    assert "banyak sekali" in b.say("800")
    assert "sasaran balita (S)" in b.say("tidak")
    assert "Sasaran balita Posyandu Mawar 7 tahun 2026: 4" in b.say("4")
    assert "S = sasaran yang ditetapkan" in b.say("rekap mawar7")
    assert "sebagian posyandu" in b.say("rekap")  # the desa: one posyandu has a target, the others not
    k = Person(runtime, "kader1")
    assert "S 4 · K 2" in k.say("rekap")
    assert "tidak tersedia untuk peran Anda" in k.say("sasaran 10")  # a kader does not set targets
