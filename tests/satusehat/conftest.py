"""SATUSEHAT fixtures: the loopback fake, a sender wired to it, credentials and visits."""
from __future__ import annotations

from datetime import date

import pytest
from cryptography.fernet import Fernet

from tests.fakes.satusehat_api import FakeSatusehat

KEY = Fernet.generate_key().decode()
ORG = "10000004"


@pytest.fixture
def ss():  # type: ignore[no-untyped-def]
    with FakeSatusehat() as fake:
        fake.add_client("client-mranggen", "rahasia-mranggen", ORG)
        yield fake


@pytest.fixture
def ss_settings(settings, ss):  # type: ignore[no-untyped-def]
    return settings.with_(satusehat_auth_url=ss.auth_url, satusehat_fhir_url=ss.fhir_url, satusehat_secret_key=KEY)


@pytest.fixture
def sender(runtime, ss_settings, clock):  # type: ignore[no-untyped-def]
    from sending.satusehat_sync import SatusehatSender

    s = SatusehatSender(runtime.session_factory, ss_settings, clock, rng=lambda: 0.5)
    yield s
    s.close()


def set_credentials(runtime, clock, secret="rahasia-mranggen", org=ORG):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from storage.db import transaction
    from storage.models import Puskesmas
    from storage.satusehat_credentials import set_credentials as store

    with transaction(runtime.session_factory) as s:
        pkm = s.scalars(select(Puskesmas).where(Puskesmas.name == "Puskesmas Mranggen 3")).one()
        store(s, pkm, org, "client-mranggen", secret, KEY, clock.now())


def save(runtime, clock, name="Budi Santoso", nik="3201010503250002", mother_nik=None, on=date(2026, 11, 20),
         code="MAWAR7", services=(), recorded_by=None, **values):  # type: ignore[no-untyped-def]
    """Save a visit as the chat does (storage.reporting.save_visit), registering the member when new."""
    from storage.db import transaction
    from storage.reporting import NewMember, Values, Visit, find_member, save_visit
    from storage.repositories import posyandu_by_code

    values = values or {"weight_kg": 9.5, "height_cm": 75.0, "position": "L"}
    with transaction(runtime.session_factory) as s:
        place = posyandu_by_code(s, code)
        existing = find_member(s, place.id, name, date(2025, 3, 5))
        new = None if existing else NewMember(name, "L", date(2025, 3, 5), nik=nik)
        saved = save_visit(s, Visit(place.id, on, Values.from_dict(values), member_id=existing.id if existing else None,
                                    new_member=new, services=list(services), recorded_by_id=recorded_by), clock.now())
        if mother_nik:
            saved.member.mother_nik = mother_nik
        return saved.measurement.id, saved.member.id
