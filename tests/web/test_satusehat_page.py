"""The SATUSEHAT page by level, through Flask's test client: the kabupaten's admin sees a row per puskesmas (the sum
of its posyandu) and opens one to see its posyandu; a puskesmas's staff their posyandu; a bidan her desa's; a kader
not at all. The scope is `visible_posyandu`'s, as on every page."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import delete, select

from storage.db import transaction
from storage.models import Contact, Measurement, Member, Posyandu, Puskesmas, SatusehatSync
from storage.places import puskesmas as puskesmas_named
from tests.web.conftest import sign_in

STATES = ("pending", "sending", "sent", "refused", "waiting")
# posyandu -> the states of its queued visits (MAWAR7 and MELATI3 in the demo's puskesmas; MELATI1, in desa
# Jragung, given a puskesmas of its own below)
QUEUED = {"MAWAR7": ["sent", "sent", "refused", "waiting"], "MELATI3": ["pending", "sent"],
          "MELATI1": ["refused", "pending", "pending"]}


@pytest.fixture
def synced(village):  # type: ignore[no-untyped-def]
    """SATUSEHAT rows in three posyandu of two puskesmas; returns the puskesmas ids by name."""
    now = village.clock.now()
    with transaction(village.session_factory) as s:
        s.execute(delete(SatusehatSync))  # the demo's own queue aside: only the rows below are counted
        melati1 = s.scalars(select(Posyandu).where(Posyandu.code == "MELATI1")).one()
        region = s.get(Posyandu, melati1.id).desa.parent  # type: ignore[union-attr]
        melati1.puskesmas_id = puskesmas_named(s, "Puskesmas Karangawen", region).id
        for code, states in QUEUED.items():
            place = s.scalars(select(Posyandu).where(Posyandu.code == code)).one()
            for n, state in enumerate(states):
                member = Member(posyandu_id=place.id, name=f"Orang {code} {n}", name_key=f"orang {code} {n}".lower(),
                                sex="P", birth_date=date(2025, 1, 1), created_at=now)
                s.add(member)
                s.flush()
                visit = Measurement(member_id=member.id, posyandu_id=place.id, measured_on=date(2026, 11, 10),
                                    source="chat", weight_kg=9.0, statuses={}, flags=[], created_at=now)
                s.add(visit)
                s.flush()
                s.add(SatusehatSync(measurement_id=visit.id, posyandu_id=place.id, status=state, queued_at=now,
                                    next_attempt_at=now,
                                    last_error=f"Patient tidak ditemukan {code}" if state == "refused" else None))
        return {name: pid for pid, name in s.execute(select(Puskesmas.id, Puskesmas.name))}


def levels(html: str) -> dict[str, dict[str, int]]:
    """The level table's rows: first cell -> {state: count}, the total under 'total'."""
    table = re.search(r'<table id="sync-levels">(.*?)</table>', html, re.S)
    assert table, "no level table"
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        name = re.sub(r"<[^>]+>", "", re.split(r"</t[dh]>", row)[0]).strip()
        counts = dict(re.findall(r'data-(?:state|total)="(\w+)">(\d+)<', row))
        if counts:
            out["total" if "data-total" in row else name] = {k: int(v) for k, v in counts.items()}
    return out


def expected(*codes: str) -> dict[str, int]:
    return {s: sum(QUEUED[c].count(s) for c in codes) for s in STATES}


def test_the_kabupaten_sees_a_row_per_puskesmas_and_opens_one(web_app, village, synced):  # type: ignore[no-untyped-def]
    client = web_app.test_client()
    sign_in(client, village, "admin")
    page = client.get("/satusehat").get_data(as_text=True)
    assert "per puskesmas" in page
    assert levels(page) == {"Puskesmas Mranggen 3": expected("MAWAR7", "MELATI3"),
                            "Puskesmas Karangawen": expected("MELATI1"),
                            "total": expected("MAWAR7", "MELATI3", "MELATI1")}
    assert "Patient tidak ditemukan MELATI1" in page and "Patient tidak ditemukan MAWAR7" in page
    mranggen = synced["Puskesmas Mranggen 3"]
    assert f'href="/satusehat?puskesmas={mranggen}"' in page
    opened = client.get(f"/satusehat?puskesmas={mranggen}").get_data(as_text=True)
    rows = levels(opened)
    assert rows["Posyandu Mawar 7"] == expected("MAWAR7") and rows["Posyandu Melati 3"] == expected("MELATI3")
    assert "Posyandu Melati 1" not in rows and rows["total"] == expected("MAWAR7", "MELATI3")
    assert "Patient tidak ditemukan MELATI1" not in opened and "Patient tidak ditemukan MAWAR7" in opened


def test_a_puskesmas_sees_its_posyandu_and_nothing_of_another(web_app, village, synced):  # type: ignore[no-untyped-def]
    client = web_app.test_client()
    sign_in(client, village, "pkm")
    page = client.get("/satusehat").get_data(as_text=True)
    rows = levels(page)
    assert rows["Posyandu Mawar 7"] == expected("MAWAR7") and rows["total"] == expected("MAWAR7", "MELATI3")
    assert "Posyandu Melati 1" not in rows and "Puskesmas Mranggen 3" in page  # the heading names it
    assert "Patient tidak ditemukan MELATI1" not in page
    other = client.get(f"/satusehat?puskesmas={synced['Puskesmas Karangawen']}").get_data(as_text=True)
    assert levels(other) == {} and "Patient tidak ditemukan MELATI1" not in other  # outside: nothing shown


@pytest.mark.parametrize("who, codes", [("bidan", ("MAWAR7", "MELATI3")), ("bidan-jragung", ("MELATI1",))])
def test_a_bidan_sees_her_desas_posyandu(web_app, village, synced, who, codes):  # type: ignore[no-untyped-def]
    client = web_app.test_client()
    sign_in(client, village, who)
    rows = levels(client.get("/satusehat").get_data(as_text=True))
    with transaction(village.session_factory) as s:
        names = dict(s.execute(select(Posyandu.code, Posyandu.name)).all())
    for code in codes:
        assert rows[names[code]] == expected(code)
    assert not {names[c] for c in QUEUED if c not in codes} & rows.keys()
    assert not any(name.startswith("Puskesmas") for name in rows)


def test_a_kader_may_not_open_it(web_app, village, synced):  # type: ignore[no-untyped-def]
    client = web_app.test_client()
    sign_in(client, village, "kader1")
    assert client.get("/satusehat").status_code == 403
    assert client.get(f"/satusehat?puskesmas={synced['Puskesmas Mranggen 3']}").status_code == 403


def test_the_kabupaten_filtered_to_one_posyandu_sees_that_posyandu(web_app, village, synced):  # type: ignore[no-untyped-def]
    client = web_app.test_client()
    sign_in(client, village, "admin")
    rows = levels(client.get("/satusehat?posyandu=MELATI1").get_data(as_text=True))
    assert rows == {"Posyandu Melati 1": expected("MELATI1")}
