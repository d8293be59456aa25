"""The whole `/lapor` conversation through the real webhooks: Telegram (buttons) and WhatsApp (numbers)."""
from __future__ import annotations

from sqlalchemy import func, select

from storage.db import transaction
from storage.models import Contact, Measurement, Referral, ServiceGiven
from storage.reporting import create_invite
from tests.reporting.helpers import member, outbox, posyandu
from tests.reporting.wire import TelegramChat, WhatsAppPhone


def measurements(session) -> list[Measurement]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(select(Measurement).order_by(Measurement.id)))


def invite_code(runtime, clock, code: str = "MAWAR7") -> str:  # type: ignore[no-untyped-def]
    with transaction(runtime.session_factory) as s:
        return create_invite(s, posyandu(s, code).id, "kader", clock.now(), 7).code


def test_telegram_kader_joins_by_invite_and_reports(client, runtime, demo, session, clock):
    sari = TelegramChat(client, runtime, 5550001)
    assert "Pilih bahasa" in sari.say("/start")
    sari.press("id")
    assert "kode undangan" in sari.press("worker")
    code = invite_code(runtime, clock)
    assert "kader di Posyandu Mawar 7" in sari.say(code.lower())

    assert "Tanggal: hari ini, 22 Nov 2026" in sari.say("/lapor")
    assert "Berat badan (kg)?" in sari.say("Aisyah")  # the only match is taken
    assert "belum terbaca" in sari.say("delapan")  # a bad value...
    assert "Maksudnya 8,1 kg?" in sari.say("8100")  # ...a unit slip...
    assert "Tinggi atau panjang" in sari.press("yes")  # ...corrected by the button
    sari.say("70")  # lying: the question said so for a 9-month-old
    sari.say("43")
    assert "Layanan" in sari.say("14")
    sari.press("VITA")
    summary = sari.press("done")
    assert "Ringkasan — Aisyah Putri" in summary and sari.values() == ["save", "edit", "cancel"]
    sari.press("edit")  # an edit before saving
    assert "LiLA: 13,5 cm" in (sari.press("muac"), sari.say("13,5"))[1]
    assert measurements(session) == []
    assert "Tersimpan" in sari.press("save")
    row = measurements(session)[0]
    assert (row.weight_kg, row.muac_cm, row.position) == (8.1, 13.5, "L")
    assert {s for s in session.scalars(select(ServiceGiven.code))} == {"VITA", "TIMBANG"}
    contact = session.scalars(select(Contact).where(Contact.address == "5550001")).one()
    assert row.recorded_by_id == contact.id


def test_telegram_cancel_and_another_posyandus_member(client, runtime, demo, session, clock):
    sari = TelegramChat(client, runtime, 5550002)
    sari.say("/start"), sari.press("id"), sari.press("worker"), sari.say(invite_code(runtime, clock))
    sari.say("lapor")
    assert "tidak ditemukan" in sari.say("Bagus Saputra")  # a member of Melati 3
    bagus = member(session, "Bagus Saputra")
    assert "bukan anggota posyandu Anda" in sari.press(f"m{bagus.id}")  # a forged callback
    aisyah = member(session, "Aisyah Putri")
    assert "Berat badan" in sari.say("aisyah")
    assert aisyah.name == "Aisyah Putri"
    sari.say("bb 6 pb 70 lk 43 lila 11")
    summary = sari.say("-")
    assert "Perlu dirujuk" in summary
    assert "Dibatalkan" in sari.press("cancel")
    assert measurements(session) == [] and outbox(session, kind="alert") == []


def test_whatsapp_kader_reports_with_typed_numbers(client, runtime, demo, session):
    phone = WhatsAppPhone(client, runtime, "+6281311112222")
    phone.say("halo")  # first contact creates the WhatsApp contact
    contact = session.scalars(select(Contact).where(Contact.address == "+6281311112222")).one()
    contact.role, contact.language = "kader", "id"
    contact.posyandu_id = posyandu(session, "MAWAR7").id
    session.commit()
    phone.say("menu")  # leaves the greeting
    assert "Lapor hasil posyandu" in phone.choices()  # the kader menu now
    assert "Tanggal: hari ini" in phone.say("lapor")
    assert "Aisyah Putri — Perempuan" in phone.say("aisah")
    assert "belum terbaca" in phone.say("8.1.2")  # a bad value
    assert "Maksudnya 7,9 kg?" in phone.say("79")  # a missing decimal point
    assert "Tinggi atau panjang" in phone.say("1")
    phone.say("70"), phone.say("43")
    assert "Layanan" in phone.say("11,2")
    summary = phone.say("-")
    assert "Gizi buruk (LiLA < 11,5 cm)" in summary
    assert "Bagian mana" in phone.say("2")  # Ubah
    assert "Berat badan" in phone.say("1")
    assert "• Berat badan: 8 kg" in phone.say("8")
    assert "Bidan desa sudah diberi tahu" in phone.say("1")  # Simpan
    row = measurements(session)[0]
    assert (row.weight_kg, row.muac_cm) == (8.0, 11.2)
    assert session.scalar(select(func.count()).select_from(Referral)) == 1
    assert [m.address for m in outbox(session, kind="alert")] == ["bidan"]


def test_whatsapp_cancel_and_a_kader_of_another_posyandu(client, runtime, demo, session):
    phone = WhatsAppPhone(client, runtime, "+6281311113333")
    phone.say("halo")
    contact = session.scalars(select(Contact).where(Contact.address == "+6281311113333")).one()
    contact.role, contact.language, contact.posyandu_id = "kader", "id", posyandu(session, "MELATI3").id
    session.commit()
    phone.say("menu"), phone.say("lapor")
    assert "tidak ditemukan di Posyandu Melati 3" in phone.say("Aisyah Putri")
    phone.say("bagus")
    phone.say("bb 4,5 pb 54 lk 38")
    assert "Ringkasan" in phone.say("-")
    assert "Dibatalkan" in phone.say("3")  # Batal
    assert measurements(session) == []
