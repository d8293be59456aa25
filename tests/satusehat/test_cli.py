"""`flask satusehat ...`: credentials from an env var (never echoed), export ndjson, sync, status."""
from __future__ import annotations

import json
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from storage.models import Posyandu, SatusehatCredential
from tests.satusehat.conftest import KEY, ORG, save


@pytest.fixture
def ss_app(runtime, ss_settings):  # type: ignore[no-untyped-def]
    from app.wsgi import create_app

    runtime.settings = ss_settings
    flask_app = create_app(runtime=runtime)
    flask_app.config["TESTING"] = True
    return flask_app


def cli(app, *args, env=None):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["satusehat", *args], env=env)


def set_creds(app, secret="rahasia-mranggen"):  # type: ignore[no-untyped-def]
    return cli(app, "credentials", "set", "--puskesmas", "puskesmas mranggen 3", "--organization-id", ORG,
               "--client-id", "client-mranggen", "--client-secret-from-env", "SS_SECRET", env={"SS_SECRET": secret})


def test_credentials_are_stored_encrypted_and_never_echoed(ss_app, demo, session):
    result = set_creds(ss_app)
    assert result.exit_code == 0, result.output
    assert "rahasia" not in result.output and "Organization 10000004" in result.output
    stored = session.scalars(select(SatusehatCredential)).one()
    assert "rahasia" not in stored.secret_encrypted
    from storage.satusehat_credentials import access_for

    assert access_for(session, stored.puskesmas_id, KEY).client_secret == "rahasia-mranggen"
    assert "rahasia" not in repr(access_for(session, stored.puskesmas_id, KEY))


def test_credentials_refused_without_secret_key_unknown_puskesmas_or_empty_env(ss_app, runtime, demo):
    assert "SS_NOPE is empty or not set" in cli(ss_app, "credentials", "set", "--puskesmas", "Puskesmas Mranggen 3",
                                                "--organization-id", ORG, "--client-id", "c",
                                                "--client-secret-from-env", "SS_NOPE").output
    result = cli(ss_app, "credentials", "set", "--puskesmas", "Puskesmas Entah", "--organization-id", ORG,
                 "--client-id", "c", "--client-secret-from-env", "SS_SECRET", env={"SS_SECRET": "x"})
    assert result.exit_code != 0 and "no puskesmas named Puskesmas Entah" in result.output
    runtime.settings = runtime.settings.with_(satusehat_secret_key="")
    result = set_creds(ss_app)
    assert result.exit_code != 0 and "SATUSEHAT_SECRET_KEY is not set" in result.output
    runtime.settings = runtime.settings.with_(satusehat_secret_key="not-a-key")
    assert "not a Fernet key" in set_creds(ss_app).output


def test_export_writes_one_valid_bundle_per_line_and_counts_what_it_left_out(ss_app, runtime, clock, demo, tmp_path):
    set_creds(ss_app)
    save(runtime, clock, on=date(2026, 11, 20))
    save(runtime, clock, name="Siti Aminah", nik="3201014503250003", on=date(2026, 11, 21))
    save(runtime, clock, name="Tanpa Nik", nik=None, on=date(2026, 11, 21))
    save(runtime, clock, name="Bulan Lalu", nik="3201010503250004", on=date(2026, 10, 21))
    out = tmp_path / "nov.ndjson"
    result = cli(ss_app, "export", "--month", "2026-11", "--posyandu", "mawar7", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "2 Bundles written" in result.output and "1 visits left out: the member has no NIK" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    for line in lines:
        assert Bundle.model_validate(json.loads(line)).type == "transaction"
    assert cli(ss_app, "export", "--month", "2026-13", "-o", str(out)).exit_code != 0


def test_export_carries_the_doses_given_at_the_visit(ss_app, runtime, clock, demo, tmp_path):
    set_creds(ss_app)
    save(runtime, clock, services=("MR1", "VITA"))
    out = tmp_path / "nov.ndjson"
    assert cli(ss_app, "export", "--month", "2026-11", "-o", str(out)).exit_code == 0
    (line,) = out.read_text(encoding="utf-8").splitlines()
    bundle = json.loads(line)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Immunization") == 1 and Bundle.model_validate(bundle)
    imm = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Immunization")
    assert imm["vaccineCode"]["coding"][-1] == {"system": "http://hl7.org/fhir/sid/cvx", "code": "04", "display": "M/R"}


def test_sync_and_status(ss_app, runtime, clock, demo, ss):
    assert "no visits queued yet" in cli(ss_app, "status").output
    save(runtime, clock)
    save(runtime, clock, name="Tanpa Nik", nik=None)
    result = cli(ss_app, "sync")
    assert result.exit_code != 0 and "no puskesmas has usable SATUSEHAT credentials" in result.output
    before = cli(ss_app, "status").output
    # before any sync: the visit without NIK is already said to wait for one, and nothing reads "0"
    assert "Puskesmas Mranggen 3 [no credentials: nothing is sent]: 1 to send, 1 waiting for a NIK" in before
    assert " 0 " not in before and "1 × waiting for a NIK: the member has no NIK and no NIK ibu" in before
    set_creds(ss_app)
    assert "Puskesmas Mranggen 3 [Organization 10000004]: 1 to send, 1 waiting for a NIK, nothing sent yet" in \
        cli(ss_app, "status").output
    result = cli(ss_app, "sync")
    assert result.exit_code == 0, result.output
    assert "sent 1, retry later 0, refused 0, waiting for a NIK 1" in result.output
    status = cli(ss_app, "status").output
    assert "Puskesmas Mranggen 3 [Organization 10000004]: 1 sent, 1 waiting for a NIK" in status
    assert "1 × waiting for a NIK" in status


def test_status_says_why_each_retried_visit_waits(ss_app, runtime, clock, demo, ss):
    set_creds(ss_app)
    save(runtime, clock)
    save(runtime, clock, name="Siti Aminah", nik="3201014503250003")
    save(runtime, clock, name="Bagas Wicaksono", nik="3201011503250005")
    ss.fail_next(2, "server_error", status=503)
    ss.fail_next(1, "rate_limit", retry_after=120)
    cli(ss_app, "sync")
    status = cli(ss_app, "status").output
    assert "3 waiting to retry" in status
    assert "2 × waiting to retry, next try from 2026-" in status
    assert "SATUSEHAT had a server error (503); it is usually back within minutes" in status
    assert "1 × waiting to retry, next try from" in status and "SATUSEHAT asked us to slow down (429" in status


@pytest.mark.parametrize("stored, words", [
    ("FHIR call failed: ConnectTimeout", "SATUSEHAT could not be reached (ConnectTimeout: no network"),
    ("token call failed: ConnectError", "SATUSEHAT could not be reached (ConnectError"),
    ("token call answered 502", "SATUSEHAT had a server error (502)"),
    ("paused: token refused (401): Invalid client identifier {0}",
     "credentials were refused; set them again (satusehat credentials set): token refused (401)"),
    ("held: SATUSEHAT_SECRET_KEY is not set", "held until the server's SATUSEHAT_SECRET_KEY is put right"),
    ("credentials no longer available", "no usable SATUSEHAT credentials now"),
    ("200 with 3 answers for 4 entries", "SATUSEHAT's answer could not be read (200 with 3 answers for 4 entries)"),
])
def test_every_retry_reason_the_sender_stores_reads_in_words(stored, words):
    from storage.satusehat_queue import retry_in_words

    assert words in retry_in_words(stored)


def test_export_to_a_missing_folder_is_a_clear_message_not_a_traceback(ss_app, runtime, clock, demo, tmp_path):
    set_creds(ss_app)
    save(runtime, clock)
    result = cli(ss_app, "export", "--month", "2026-11", "-o", str(tmp_path / "nope" / "nov.ndjson"))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # a ClickException, no traceback
    assert f"the folder {tmp_path / 'nope'} does not exist" in result.output
    result = cli(ss_app, "export", "--month", "2026-11", "-o", str(tmp_path))
    assert result.exit_code != 0 and "is a folder" in result.output


def test_practitioner_set_checks_the_number_and_finds_the_bidan_by_phone(ss_app, runtime, demo, session):
    from storage.models import Contact, SatusehatPractitioner

    with session.begin():
        bidan = session.scalars(select(Contact).where(Contact.address == "bidan")).one()
        bidan.verified_phone = "+6281234567001"
    result = cli(ss_app, "practitioner", "set", "--phone", "0812-3456-7001", "--ihs", "1000988072")
    assert result.exit_code != 0 and "an IHS number has 11 digits" in result.output
    result = cli(ss_app, "practitioner", "set", "--phone", "0812-3456-7001", "--ihs", "N10000001")
    assert result.exit_code != 0 and "digits only" in result.output
    result = cli(ss_app, "practitioner", "set", "--phone", "0812-9999-0000", "--ihs", "10009880728")
    assert result.exit_code != 0 and "no bidan chats with that number" in result.output
    result = cli(ss_app, "practitioner", "set", "--phone", "0812-3456-7001", "--ihs", "10009880728")
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.scalars(select(SatusehatPractitioner.ihs_number)).all() == ["10009880728"]


def test_a_failed_credential_shows_in_status(ss_app, runtime, clock, demo, ss):
    set_creds(ss_app, secret="salah")
    save(runtime, clock)
    cli(ss_app, "sync")
    status = cli(ss_app, "status").output
    assert "credentials FAILED" in status and "Invalid client identifier" in status and "salah" not in status


def test_location_set(ss_app, demo, session):
    assert cli(ss_app, "location", "set", "--posyandu", "mawar7", "--location-id", "abc-123").exit_code == 0
    session.expire_all()
    assert session.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one().satusehat_location_id == "abc-123"
    assert cli(ss_app, "location", "set", "--posyandu", "NOPE", "--location-id", "x").exit_code != 0
