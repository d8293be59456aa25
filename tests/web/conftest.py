"""The web page's fixtures: the demo with open referrals, staff of every role, and a signed-in browser."""
from __future__ import annotations

import re


import pytest
from sqlalchemy import select

from bot.messages import Channel, Role
from storage.db import transaction
from storage.models import Contact, Posyandu
from storage.web_login import issue_link
from tests.harness import open_referrals

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def web_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    return settings.with_(simulator_enabled=True, simulator_database_url=f"sqlite:///{tmp_path / 'sim.sqlite3'}")


@pytest.fixture
def web_runtime(web_settings, clock, senders, db_engine):  # type: ignore[no-untyped-def]
    from app.runtime import build_runtime

    rt = build_runtime(web_settings, clock=clock, senders=senders, engine=db_engine)
    yield rt
    rt.send_now.shutdown()
    rt.dispatcher.close()


@pytest.fixture
def web_app(web_runtime):  # type: ignore[no-untyped-def]
    from app.wsgi import create_app

    app = create_app(runtime=web_runtime)
    app.config["TESTING"] = True
    yield app
    built = app.extensions.get("posyandu_simulator")
    if built is not None:
        built[0].close()


@pytest.fixture
def village(web_runtime):  # type: ignore[no-untyped-def]
    """The demo kabupaten, its open referrals, and a puskesmas's staff member and a bidan of another desa."""
    from storage.places import desa_path, upsert_posyandu
    from storage.seed import seed_demo

    now = web_runtime.clock.now()
    with transaction(web_runtime.session_factory) as s:
        seed_demo(s, now)
        mawar = s.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
        other = desa_path(s, "Jawa Tengah", "Kabupaten Demak", "Karangawen", "Jragung", "Asia/Jakarta")
        far = upsert_posyandu(s, "MELATI1", "Posyandu Melati 1", other, "Asia/Jakarta", None, None)[0]
        s.flush()
        s.add(Contact(channel=Channel.TERMINAL.value, address="bidan-jragung", role=Role.BIDAN.value,
                      display_name="Bidan Jragung", posyandu_id=far.id, desa_id=other.id, opted_in=True,
                      created_at=now))
        s.add(Contact(channel=Channel.TERMINAL.value, address="pkm", role=Role.ADMIN.value,
                      display_name="Staf Puskesmas", puskesmas_id=mawar.puskesmas_id, opted_in=True, created_at=now))
        s.add(Contact(channel=Channel.TERMINAL.value, address="warga", role=Role.RESIDENT.value, created_at=now))
    open_referrals(web_runtime)
    return web_runtime


def contact(runtime, address: str) -> Contact:  # type: ignore[no-untyped-def]
    with transaction(runtime.session_factory) as s:
        found = s.scalars(select(Contact).where(Contact.address == address)).one()
        s.expunge(found)
        return found


def link_for(runtime, address: str) -> str | None:  # type: ignore[no-untyped-def]
    with transaction(runtime.session_factory) as s:
        who = s.scalars(select(Contact).where(Contact.address == address)).one()
        return issue_link(s, who, runtime.clock.now())


def sign_in(client, runtime, address: str) -> str:  # type: ignore[no-untyped-def]
    """Sign this staff member in through the link, as a browser does; returns the form token."""
    token = link_for(runtime, address)
    assert token is not None
    page = client.get(f"/masuk/{token}")
    csrf = CSRF.search(page.get_data(as_text=True)).group(1)
    answer = client.post(f"/masuk/{token}", data={"csrf_token": csrf})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return csrf


def csrf_of(page) -> str:  # type: ignore[no-untyped-def]
    return CSRF.search(page.get_data(as_text=True)).group(1)



