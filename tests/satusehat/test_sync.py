"""The sender against the loopback SATUSEHAT: off without credentials, sent once, resent as an update,
refusals kept readable, expired tokens renewed, a bad secret never retried in a loop, a missing NIK."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from storage.db import transaction
from storage.models import SatusehatCredential, SatusehatResource, SatusehatSync
from storage.satusehat_queue import requeue_member, status_counts
from tests.satusehat.conftest import save, set_credentials


def sync_row(session, measurement_id):  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalars(select(SatusehatSync).where(SatusehatSync.measurement_id == measurement_id)).one()


def test_a_saved_visit_is_queued_but_nothing_is_sent_without_credentials(runtime, demo, clock, sender, ss, session):
    measurement_id, _ = save(runtime, clock)
    assert sync_row(session, measurement_id).status == "pending"
    stats = sender.run_once()
    assert stats.claimed == 0 and not sender.enabled()
    assert ss.token_requests == [] and ss.bundles == []


def test_a_visit_rolled_back_leaves_no_queue_row(runtime, demo, clock, session):
    from storage.reporting import NewMember, Values, Visit, save_visit
    from storage.repositories import posyandu_by_code

    s = runtime.session_factory()
    place = posyandu_by_code(s, "MAWAR7")
    save_visit(s, Visit(place.id, date(2026, 11, 20), Values(weight_kg=9.0),
                        new_member=NewMember("Anak Batal", "L", date(2025, 1, 1))), clock.now())
    s.rollback()
    s.close()
    assert session.scalars(select(SatusehatSync)).all() == []


def test_sent_once_with_ids_kept_and_a_second_round_sends_nothing(runtime, demo, clock, sender, ss, session):
    set_credentials(runtime, clock)
    measurement_id, _ = save(runtime, clock, weight_kg=9.5, height_cm=75.0, position="L", head_cm=44.0)
    stats = sender.run_once()
    assert (stats.claimed, stats.sent) == (1, 1)
    row = sync_row(session, measurement_id)
    assert (row.status, row.sent_revision) == ("sent", 1)
    keys = set(session.scalars(select(SatusehatResource.key)))
    assert keys == {"Patient", "Encounter", "Observation:weight", "Observation:length", "Observation:head"}
    assert len(ss.of_type("Encounter")) == 1 and len(ss.of_type("Observation")) == 3
    encounter = ss.of_type("Encounter")[0]
    assert encounter["serviceProvider"] == {"reference": "Organization/10000004"}
    assert encounter["subject"]["reference"] == f"Patient/{ss.of_type('Patient')[0]['id']}"
    assert sender.run_once().claimed == 0 and len(ss.bundles) == 1


def test_resend_after_a_crash_before_the_ids_were_kept_does_not_duplicate(runtime, demo, clock, sender, ss, session):
    set_credentials(runtime, clock)
    measurement_id, _ = save(runtime, clock)
    sender.run_once()
    with transaction(runtime.session_factory) as s:  # as if the process died after SATUSEHAT answered
        for r in s.scalars(select(SatusehatResource)):
            s.delete(r)
        row = s.scalars(select(SatusehatSync)).one()
        row.status, row.sent_revision = "pending", None
    assert sender.run_once().sent == 1
    assert len(ss.of_type("Encounter")) == 1 and len(ss.of_type("Patient")) == 1
    assert len(ss.of_type("Observation")) == 2


def test_an_edit_after_sending_is_sent_again_as_an_update(runtime, demo, clock, sender, ss, session):
    set_credentials(runtime, clock)
    measurement_id, _ = save(runtime, clock, weight_kg=9.5, height_cm=75.0, position="L", head_cm=44.0)
    sender.run_once()
    clock.advance(minutes=10)
    again, _ = save(runtime, clock, weight_kg=9.8, height_cm=75.0, position="L")  # the kader corrects it
    assert again == measurement_id
    row = sync_row(session, measurement_id)
    assert (row.status, row.revision, row.sent_revision) == ("pending", 2, 1)
    assert sender.run_once().sent == 1
    last = ss.bundles[-1]
    assert {e["request"]["method"] for e in last["entry"]} == {"PUT"}
    assert len(ss.of_type("Encounter")) == 1 and len(ss.of_type("Observation")) == 3
    weight = next(o for o in ss.of_type("Observation") if o["code"]["coding"][0]["code"] == "29463-7")
    assert weight["valueQuantity"]["value"] == 9.8 and weight["meta"]["versionId"] == "2"
    head = next(o for o in ss.of_type("Observation") if o["code"]["coding"][0]["code"] == "9843-4")
    assert head["status"] == "entered-in-error"
    assert sync_row(session, measurement_id).status == "sent"


def test_a_refused_bundle_keeps_the_reason_and_is_not_retried(runtime, demo, clock, sender, ss, session):
    set_credentials(runtime, clock)
    measurement_id, _ = save(runtime, clock)
    ss.fail_next(1, "refuse", text="Patient NIK tidak ditemukan")
    stats = sender.run_once()
    assert stats.refused == 1
    row = sync_row(session, measurement_id)
    assert row.status == "refused" and "Patient NIK tidak ditemukan" in row.last_error
    assert row.last_error.startswith("400: error invalid:")
    clock.advance(days=1)
    assert sender.run_once().claimed == 0 and len(ss.bundles) == 1
    with transaction(runtime.session_factory) as s:
        (status,) = status_counts(s)
    assert status.counts == {"refused": 1}
    assert status.reasons[0].kind == "refused" and status.reasons[0].count == 1
    assert status.reasons[0].reason.endswith("Patient NIK tidak ditemukan")


def test_an_expired_token_is_renewed_once_and_the_visit_sent(runtime, demo, clock, sender, ss):
    set_credentials(runtime, clock)
    save(runtime, clock)
    sender.run_once()
    ss.expire_tokens()
    save(runtime, clock, name="Siti Aminah", nik="3201014503250003")
    assert sender.run_once().sent == 1
    assert len(ss.token_requests) == 2


def test_the_token_is_cached_until_it_expires(runtime, demo, clock, sender, ss):
    set_credentials(runtime, clock)
    save(runtime, clock)
    sender.run_once()
    save(runtime, clock, name="Siti Aminah", nik="3201014503250003")
    sender.run_once()
    assert len(ss.token_requests) == 1
    clock.advance(seconds=3599)  # the fake's expires_in
    save(runtime, clock, name="Rudi Hartono", nik="3201010503250004")
    sender.run_once()
    assert len(ss.token_requests) == 2


def test_a_bad_secret_pauses_the_puskesmas_and_is_never_retried_in_a_loop(runtime, demo, clock, sender, ss,
                                                                           session):
    set_credentials(runtime, clock, secret="salah")
    measurement_id, _ = save(runtime, clock)
    stats = sender.run_once()
    assert stats.paused == 1 and stats.sent == 0
    session.expire_all()
    credential = session.scalars(select(SatusehatCredential)).one()
    assert credential.failed_at is not None and "Invalid client identifier" in credential.failure
    assert "salah" not in credential.failure
    row = sync_row(session, measurement_id)
    assert row.status == "pending" and row.attempts == 0
    for _ in range(3):
        clock.advance(minutes=5)
        assert sender.run_once().claimed == 0
    assert len(ss.token_requests) == 1
    set_credentials(runtime, clock)  # the operator sets the right secret
    assert sender.run_once().sent == 1


def test_another_organizations_id_is_a_business_rule_refusal_that_pauses(runtime, demo, clock, sender, ss, session):
    set_credentials(runtime, clock, org="10000099")  # not the org of this client id
    save(runtime, clock)
    assert sender.run_once().paused == 1
    session.expire_all()
    assert "business rule" in session.scalars(select(SatusehatCredential)).one().failure


def test_429_and_5xx_are_retried_with_backoff(runtime, demo, clock, sender, ss, session):
    set_credentials(runtime, clock)
    measurement_id, _ = save(runtime, clock)
    ss.fail_next(1, "rate_limit", retry_after=120)
    assert sender.run_once().retried == 1
    row = sync_row(session, measurement_id)
    assert row.status == "pending" and row.attempts == 1
    assert row.next_attempt_at >= clock.now() + timedelta(seconds=120)
    assert sender.run_once().claimed == 0
    clock.advance(seconds=121)
    ss.fail_next(1, "server_error", status=503)
    assert sender.run_once().retried == 1
    row = sync_row(session, measurement_id)
    assert row.attempts == 2 and "503" in row.last_error
    clock.advance(hours=1)
    assert sender.run_once().sent == 1
    assert len(ss.of_type("Encounter")) == 1


def test_a_member_without_nik_waits_and_is_sent_once_a_nik_is_added(runtime, demo, clock, sender, ss, session):
    set_credentials(runtime, clock)
    measurement_id, member_id = save(runtime, clock, nik=None)
    assert sender.run_once().waiting == 1
    row = sync_row(session, measurement_id)
    assert row.status == "waiting" and "nik NAME" in row.last_error
    assert ss.bundles == []
    with transaction(runtime.session_factory) as s:
        from storage.models import Member

        s.get(Member, member_id).nik = "3201010503250002"
        assert requeue_member(s, member_id, clock.now()) == 1
    assert sender.run_once().sent == 1


def test_a_baby_is_sent_under_the_mothers_nik(runtime, demo, clock, sender, ss):
    set_credentials(runtime, clock)
    save(runtime, clock, name="Bayi Ny Rina", nik=None, mother_nik="3201014101900003")
    assert sender.run_once().sent == 1
    (patient,) = ss.of_type("Patient")
    assert patient["identifier"][0]["system"] == "https://fhir.kemkes.go.id/id/nik-ibu"


def test_sync_of_one_month_leaves_other_months_queued(runtime, demo, clock, sender, ss):
    set_credentials(runtime, clock)
    save(runtime, clock, on=date(2026, 10, 20))
    save(runtime, clock, name="Siti Aminah", nik="3201014503250003", on=date(2026, 11, 20))
    assert sender.run_once(month="2026-11").sent == 1
    assert sender.run_once().sent == 1


def test_a_visit_recorded_on_a_later_day_is_dated_0800_local(runtime, demo, clock, sender, ss):
    set_credentials(runtime, clock)
    clock.advance(hours=2, minutes=15, seconds=7)  # 22 Nov 10:15:07 WIB
    save(runtime, clock, on=date(2026, 11, 20))  # entered two days later: no time of day known
    save(runtime, clock, name="Siti Aminah", nik="3201014503250003", on=date(2026, 11, 22))
    sender.run_once()
    starts = sorted(e["period"]["start"] for e in ss.of_type("Encounter"))
    assert starts == ["2026-11-20T08:00:00+07:00", "2026-11-22T10:15:07+07:00"]


def test_a_sender_that_died_mid_send_leaves_the_visit_for_the_next_after_its_lease(runtime, demo, clock, sender, ss,
                                                                                    session):
    from storage.satusehat_credentials import active_puskesmas
    from storage.satusehat_queue import claim

    set_credentials(runtime, clock)
    measurement_id, _ = save(runtime, clock)
    with transaction(runtime.session_factory) as s:  # claimed, then the process died
        assert len(claim(s, clock.now(), 10, active_puskesmas(s))) == 1
    assert sender.run_once().claimed == 0  # the lease holds
    clock.advance(minutes=6)
    assert sender.run_once().sent == 1
    assert sync_row(session, measurement_id).status == "sent"


def test_a_missing_or_changed_secret_key_holds_sending_without_failing_the_credentials(runtime, demo, clock, ss,
                                                                                      ss_settings, session):
    from cryptography.fernet import Fernet

    from sending.satusehat_sync import SatusehatSender

    set_credentials(runtime, clock)
    measurement_id, _ = save(runtime, clock)
    wrong = SatusehatSender(runtime.session_factory, ss_settings.with_(satusehat_secret_key=Fernet.generate_key()
                                                                       .decode()), clock)
    try:
        assert wrong.run_once().paused == 1
    finally:
        wrong.close()
    session.expire_all()
    assert session.scalars(select(SatusehatCredential)).one().failed_at is None
    row = sync_row(session, measurement_id)
    assert row.status == "pending" and row.attempts == 0 and "SATUSEHAT_SECRET_KEY" in row.last_error
    assert ss.token_requests == []
    right = SatusehatSender(runtime.session_factory, ss_settings, clock)
    try:
        assert right.run_once().sent == 1
    finally:
        right.close()
