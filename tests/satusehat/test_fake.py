"""The loopback SATUSEHAT refuses what SATUSEHAT refuses, through the real httpx client: a Bundle
fhir.resources' R4B models reject, a non-LOINC code (10010), a non-UCUM unit (10012), a dateTime
without offset; and the client reads the OperationOutcome as one line."""
from __future__ import annotations

import copy
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.ports import FixedClock
from health.fhir_codes import choose_codes
from health.fhir_visit import Person, Place, VisitRecord, build_bundle
from storage.satusehat_credentials import Access
from tests.satusehat.conftest import ORG
from sending.satusehat_client import Accepted, CredentialRejected, Refused, SatusehatClient

WIB = timezone(timedelta(hours=7))
ACCESS = Access(1, ORG, "client-mranggen", "rahasia-mranggen")


@pytest.fixture
def client(ss):  # type: ignore[no-untyped-def]
    c = SatusehatClient(ss.auth_url, ss.fhir_url, FixedClock(datetime(2026, 11, 22, tzinfo=timezone.utc)))
    yield c
    c.close()


def bundle() -> dict:
    visit = VisitRecord(7, datetime(2026, 11, 20, 9, 0, tzinfo=WIB), {"weight_kg": 9.5, "muac_cm": 14.0})
    person = Person("Budi", "L", date(2025, 3, 5), nik="3201010503250002")
    return build_bundle(visit, person, Place(ORG, "MAWAR7", "Posyandu Mawar 7"), choose_codes()).bundle


def test_a_good_bundle_is_accepted_with_ids(client, ss):
    outcome = client.send_bundle(ACCESS, bundle())
    assert isinstance(outcome, Accepted) and len(outcome.ids) == 4 and all(outcome.ids)
    again = client.send_bundle(ACCESS, bundle())  # conditional creates find the same resources
    assert again == outcome and len(ss.of_type("Observation")) == 2


@pytest.mark.parametrize("spoil, words", [
    (lambda b: b["entry"][2]["resource"]["valueQuantity"].update(value="sembilan"), "structure"),
    (lambda b: b["entry"][2]["resource"].pop("status"), "structure"),
    (lambda b: b["entry"][2]["resource"]["code"]["coding"][0].update(system="http://example.org/kode"), "10010"),
    (lambda b: b["entry"][2]["resource"]["valueQuantity"].update(system="http://example.org/unit"), "10012"),
    (lambda b: b["entry"][2]["resource"].update(effectiveDateTime="2026-11-20T09:00:00"), "effectiveDateTime"),
    (lambda b: b["entry"][0]["resource"]["identifier"][0].update(system="http://example.org/ktp"), "nik or nik-ibu"),
])
def test_what_satusehat_refuses_is_refused_readably_and_nothing_stored(client, ss, spoil, words):
    spoilt = copy.deepcopy(bundle())
    spoil(spoilt)
    outcome = client.send_bundle(ACCESS, spoilt)
    assert isinstance(outcome, Refused) and outcome.status == 400
    assert words in outcome.reason and outcome.reason.startswith("error ")
    assert ss.resources == {}


def test_a_wrong_secret_is_a_credential_rejection_without_the_secret(client, ss):
    outcome = client.send_bundle(Access(1, ORG, "client-mranggen", "salah-rahasia"), bundle())
    assert isinstance(outcome, CredentialRejected) and "salah" not in outcome.reason
    assert ss.bundles == []


def test_a_lean_fake_keeps_ids_not_bodies_and_validates_only_its_sample():
    """The kabupaten bench's fake (tests/fakes/satusehat_api.py): conditional creates still find the stored
    Patient, counts hold, a Bundle outside the sample is not validated, one inside still is refused."""
    from tests.fakes.satusehat_api import FakeSatusehat

    with FakeSatusehat(lean=True, validate=lambda b: b.get("id") == "check") as lean:
        lean.add_client(ACCESS.client_id, ACCESS.client_secret, ORG)
        c = SatusehatClient(lean.auth_url, lean.fhir_url, FixedClock(datetime(2026, 11, 22, tzinfo=timezone.utc)))
        try:
            first = c.send_bundle(ACCESS, bundle())
            assert isinstance(first, Accepted) and c.send_bundle(ACCESS, bundle()) == first
            assert lean.count("Patient") == 1 and lean.count("Observation") == 2 and lean.count("Encounter") == 1
            assert lean.received == 2 and lean.validated == 0 and lean.bundles == []
            assert set(lean.of_type("Encounter")[0]) <= {"resourceType", "id", "identifier", "meta"}
            spoilt = copy.deepcopy(bundle())
            spoilt["entry"][2]["resource"].pop("status")
            spoilt["id"] = "check"
            assert isinstance(c.send_bundle(ACCESS, spoilt), Refused) and lean.validated == 1
            lean.forget()  # a month synced: only the Patient stays, the counts too
            assert [k[0] for k in lean.resources] == ["Patient"] and lean.count("Observation") == 2
        finally:
            c.close()
