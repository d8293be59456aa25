"""The bidan's broadcasts: a session with preview and count, reminders the day before and on the day,
change and cancel told to everyone told before, free announcements with a daily limit, kader nudges."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.messages import Channel
from scheduler.planner import plan_at
from storage.models import Announcement, Contact, Measurement, OutboxMessage, PosyanduSession
from tests.harness import Person
from tests.reminders.helpers import family, local_instant, mawar

SESSION_DAY = date(2026, 12, 3)  # a Thursday; the clock stands at Sunday 22 November 2026, 08:00 WIB


def families(session, clock):
    """Four households at Posyandu Mawar 7: a baby, a pregnancy, an elder, and a baby whose chat said STOP."""
    posyandu = mawar(session)
    now = clock.now()
    baby = family(session, posyandu, [("Bayu", "L", now.date() - timedelta(days=200), None)], "8001", now)
    mother = family(session, posyandu, [("Lestari", "P", date(1996, 5, 1), now.date() - timedelta(days=70))], "8002", now)
    elder = family(session, posyandu, [("Mbah Karto", "L", date(1950, 1, 1), None)], "8003", now)
    stopped = family(session, posyandu, [("Dimas", "L", now.date() - timedelta(days=100), None)], "8004", now)
    contact = session.get(Contact, stopped.contact_id)
    contact.stopped_at = now
    session.commit()
    return baby, mother, elder, stopped


def broadcasts(session, key_prefix="broadcast:"):
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like(key_prefix + "%"))
                                .order_by(OutboxMessage.id)))


def create_session(bidan, groups="2,7"):
    assert "Untuk posyandu mana" in bidan.say("buat jadwal")
    assert "Tanggal" in bidan.say("Posyandu Mawar 7")
    assert "waktu WIB" in bidan.say("3 desember")
    assert "tempatnya" in bidan.say("08.00")
    assert bidan.choices() == ["Seperti biasa: Balai RW 07, Banyumeneng"]
    assert "Kelompok siapa" in bidan.say("1")
    return bidan.say(groups)


def test_a_session_is_previewed_with_its_count_then_sent_to_the_expected_households(runtime, demo, session, clock):
    baby, mother, elder, stopped = families(session, clock)
    bidan = Person(runtime, "bidan")
    preview = create_session(bidan)
    assert "Pratinjau" in preview
    assert "Kamis, 3 Desember 2026 pukul 08.00 WIB" in preview and "Balai RW 07, Banyumeneng" in preview
    assert "Bayi dan balita" in preview and "Ibu hamil" in preview
    assert "Akan dikirim ke 2 keluarga" in preview  # not the elder (not expected), not the one who stopped
    assert broadcasts(session) == []  # nothing before "Kirim"
    assert "dikirim ke 2 keluarga" in bidan.say("Kirim")

    rows = broadcasts(session)
    assert sorted(r.contact_id for r in rows) == sorted([baby.contact_id, mother.contact_id])
    record = session.scalars(select(PosyanduSession)).one()
    assert (record.revision, record.status, record.groups) == (1, "scheduled", ["bayi_balita", "ibu_hamil"])
    for row in rows:
        assert (row.kind, row.template_key, row.priority) == ("broadcast", "broadcast", 10)
        assert row.dedupe_key.startswith(f"broadcast:s{record.id}:r1:h")
        assert set(row.template_vars) == {"1", "2"} and "\n" not in row.template_vars["2"]
    assert session.scalars(select(Announcement)).one().recipients == 2
    runtime.dispatcher.drain()
    sent = runtime.senders[Channel.TELEGRAM].sent
    assert sorted(m.address for m in sent) == ["8001", "8002"]
    assert all("📢 Jadwal Posyandu Mawar 7" in m.text for m in sent)


def test_reminders_follow_the_day_before_and_on_the_morning(runtime, demo, session, clock):
    baby, mother, elder, stopped = families(session, clock)
    bidan = Person(runtime, "bidan")
    create_session(bidan)
    bidan.say("Kirim")
    for day, word in ((SESSION_DAY - timedelta(days=1), "Besok"), (SESSION_DAY, "Hari ini")):
        clock.current = local_instant(day, 7, "Asia/Jakarta")
        plan_at(runtime.session_factory, runtime.settings, clock.now())
        session.expire_all()
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder",
                                                           OutboxMessage.dedupe_key.like(f"%:{day.isoformat()}:%"))).all()
        told = {r.contact_id: r.text for r in rows if word in r.text}
        assert set(told) == {baby.contact_id, mother.contact_id}
        assert all("pukul 08.00 WIB" in text and "Balai RW 07, Banyumeneng" in text for text in told.values())


def test_change_then_cancel_tells_everyone_told_again(runtime, demo, session, clock):
    baby, mother, elder, stopped = families(session, clock)
    bidan = Person(runtime, "bidan")
    create_session(bidan, groups="2")  # babies only: the baby household is told
    bidan.say("Kirim")
    assert "Jadwal mana" in bidan.say("ubah jadwal")
    assert "Apa yang ingin diubah" in bidan.say("1")
    bidan.say("Tanggal dan jam")
    bidan.say("4 desember")
    preview = bidan.say("09.30")
    assert "Perubahan jadwal" in preview and "Jumat, 4 Desember 2026 pukul 09.30 WIB" in preview
    assert "Sebelumnya: Kamis, 3 Desember 2026 pukul 08.00 WIB" in preview
    assert "Akan dikirim ke 1 keluarga" in preview
    assert "Perubahan jadwal dikirim ke 1 keluarga" in bidan.say("1")
    record = session.scalars(select(PosyanduSession)).one()
    session.refresh(record)
    assert record.revision == 2 and record.starts_at == local_instant(date(2026, 12, 4), 9, "Asia/Jakarta") + timedelta(minutes=30)

    bidan.say("ubah jadwal")
    bidan.say("1")
    preview = bidan.say("Batalkan jadwal ini")
    assert "DIBATALKAN" in preview and "Akan dikirim ke 1 keluarga" in preview
    assert "Pembatalan jadwal dikirim ke 1 keluarga" in bidan.say("Kirim")
    session.refresh(record)
    assert (record.revision, record.status) == (3, "cancelled")
    keys = [r.dedupe_key.split(":")[2] for r in broadcasts(session, f"broadcast:s{record.id}:")]
    assert keys == ["r1", "r2", "r3"]
    # nothing was sent yet: a lagging worker sends only the cancellation, not r1, r2 and r3 in a row
    assert [(r.status, r.last_error) for r in broadcasts(session, f"broadcast:s{record.id}:")] == [
        ("cancelled", "superseded"), ("cancelled", "superseded"), ("pending", None)]
    assert {r.contact_id for r in broadcasts(session)} == {baby.contact_id}
    # a cancelled session sends no reminders and residents no longer see it
    clock.current = local_instant(date(2026, 12, 3), 7, "Asia/Jakarta")
    plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert not [r for r in session.scalars(select(OutboxMessage.text).where(OutboxMessage.kind == "reminder"))
                if "Besok" in r or "Hari ini" in r]


def test_announcements_have_a_preview_a_count_and_a_daily_limit(runtime, demo, session, clock):
    baby, mother, elder, stopped = families(session, clock)
    bidan = Person(runtime, "bidan")
    limit = runtime.settings.announcements_per_day
    for i in range(limit):
        bidan.say("pengumuman")
        bidan.say("Posyandu Mawar 7")
        assert "Ketik isi" in bidan.say("semua")
        preview = bidan.say(f"Pemberian vitamin A dan PMT bulan ini, ke-{i + 1}. Bawa Buku KIA.")
        assert "📢 Pengumuman Posyandu Mawar 7" in preview and "Akan dikirim ke 3 keluarga" in preview
        assert f"Sisa pengumuman hari ini: {limit - i - 1}" in bidan.say("Kirim")
    bidan.say("pengumuman")
    assert "Batas pengumuman hari ini" in bidan.say("Posyandu Mawar 7")
    rows = broadcasts(session, "announce:")
    assert len(rows) == 3 * limit and {r.kind for r in rows} == {"broadcast"}
    assert stopped.contact_id not in {r.contact_id for r in rows}
    clock.advance(days=1)  # a new local day: allowed again
    bidan.say("pengumuman")
    assert "untuk siapa" in bidan.say("Posyandu Mawar 7")
    assert "ke 1 keluarga" in bidan.say("lansia") + bidan.say("Senam lansia hari Jumat pagi.")


def test_residents_and_kaders_cannot_broadcast(runtime, demo):
    assert "tidak tersedia" in Person(runtime, "kader1").say("buat jadwal")
    assert "tidak tersedia" in Person(runtime, "kader1").say("pengumuman")


def test_kaders_get_a_nudge_the_day_after_a_session_without_a_report(runtime, demo, session, clock):
    families(session, clock)
    bidan = Person(runtime, "bidan")
    create_session(bidan)
    bidan.say("Kirim")
    clock.current = local_instant(SESSION_DAY + timedelta(days=1), 7, "Asia/Jakarta")
    stats = plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert sum(s.nudges for s in stats) == 1
    nudge = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).one()
    kader = session.scalars(select(Contact).where(Contact.address == "kader1")).one()
    assert nudge.contact_id == kader.id and "belum ada hasil penimbangan" in nudge.text
    plan_at(runtime.session_factory, runtime.settings, clock.now())
    assert len(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).all()) == 1


def test_no_nudge_when_the_kader_reported(runtime, demo, session, clock):
    baby, *_ = families(session, clock)
    bidan = Person(runtime, "bidan")
    create_session(bidan)
    bidan.say("Kirim")
    session.add(Measurement(member_id=baby.members["Bayu"], posyandu_id=mawar(session).id, measured_on=SESSION_DAY,
                            weight_kg=7.9, statuses={}, flags=[], created_at=clock.now()))
    session.commit()
    clock.current = local_instant(SESSION_DAY + timedelta(days=1), 7, "Asia/Jakarta")
    assert sum(s.nudges for s in plan_at(runtime.session_factory, runtime.settings, clock.now())) == 0


def test_a_change_keeps_what_was_sent_and_supersedes_only_pending_older_revisions(runtime, demo, session, clock):
    baby, mother, elder, stopped = families(session, clock)
    bidan = Person(runtime, "bidan")
    create_session(bidan, groups="1")
    bidan.say("Kirim")
    record = session.scalars(select(PosyanduSession)).one()
    first = broadcasts(session, f"broadcast:s{record.id}:r1:")
    sent_one = next(r for r in first if r.contact_id == baby.contact_id)
    assert runtime.dispatcher.send_ids([sent_one.id]) is not None  # the baby's family was told r1 already
    bidan.say("ubah jadwal")
    bidan.say("1")
    bidan.say("Tempat")
    assert "Akan dikirim ke 3 keluarga" in bidan.say("Balai desa Banyumeneng")
    bidan.say("Kirim")
    rows = {(r.dedupe_key.split(":")[2], r.contact_id): r for r in broadcasts(session, f"broadcast:s{record.id}:")}
    assert rows[("r1", baby.contact_id)].status == "sent"
    assert rows[("r2", baby.contact_id)].status == "pending"  # people already told still get the change
    for fam in (mother, elder):
        assert (rows[("r1", fam.contact_id)].status, rows[("r1", fam.contact_id)].last_error) == ("cancelled",
                                                                                                 "superseded")
        assert rows[("r2", fam.contact_id)].status == "pending"


def test_posyandu_lists_are_in_the_same_order_as_the_other_staff_screens(runtime, demo, session):
    """'2' is the same posyandu in `undangan` (bot/flows/scope.py) as in `buat jadwal` and `pengumuman`."""
    from storage.reporting import visible_posyandu

    bidan = Person(runtime, "bidan")
    scope_order = [p.name for p in visible_posyandu(session, session.scalars(
        select(Contact).where(Contact.address == "bidan")).one())]
    assert scope_order == ["Posyandu Mawar 7", "Posyandu Kenanga 1", "Posyandu Melati 3"]
    bidan.say("buat jadwal")
    assert bidan.choices() == scope_order
    bidan.say("batal")
    bidan.say("pengumuman")
    assert bidan.choices() == scope_order
