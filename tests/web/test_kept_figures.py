"""The kabupaten-wide pages (the admin's Beranda, Kader and SATUSEHAT) keep the month's counts a while
(`storage.recap_snapshots.kept`, WEB_RECAP_MINUTES) and say as of when; what waits (open referrals) stays live,
and a puskesmas's or a posyandu's view always counts now."""
from __future__ import annotations

import re

from sqlalchemy import select

from storage.db import transaction
from storage.models import Member, Referral
from storage.reporting import Values, Visit, save_visit
from tests.web.conftest import sign_in


def _mawar(page: str) -> tuple[int, int, int]:
    """Open referrals of Posyandu Mawar 7, and the visits and people of the month of every posyandu on the
    Beranda."""
    rows = re.findall(r"<tr>\s*<td>(?:<a [^>]*>)?([^<]+)(?:</a>)?</td>(.*?)</tr>", page, re.S)
    cells = {name: [int(x) for x in re.findall(r">(\d+)</td>", rest)] for name, rest in rows}
    assert "Posyandu Mawar 7" in cells, page
    return (cells["Posyandu Mawar 7"][1], sum(c[2] for c in cells.values()), sum(c[3] for c in cells.values()))


def _weigh_bagus(village) -> None:  # type: ignore[no-untyped-def]
    clock = village.clock
    with transaction(village.session_factory) as s:
        bagus = s.scalars(select(Member).where(Member.name == "Bagus Saputra")).one()  # not weighed this month
        save_visit(s, Visit(bagus.posyandu_id, clock.now().date().replace(day=20), Values(weight_kg=4.6),
                            member_id=bagus.id), clock.now())


def test_the_kabupatens_month_is_kept_and_its_referrals_are_live(web_app, village, clock):  # type: ignore[no-untyped-def]
    client = web_app.test_client()
    sign_in(client, village, "admin")
    first = client.get("/").get_data(as_text=True)
    assert "dihitung pukul 08.00" in first
    open_, visits, people = _mawar(first)
    _weigh_bagus(village)
    with transaction(village.session_factory) as s:
        s.scalars(select(Referral).where(Referral.status == "open")).first().status = "done"  # type: ignore[union-attr]
    clock.advance(minutes=10)
    kept = client.get("/").get_data(as_text=True)
    assert "dihitung pukul 08.00" in kept
    assert _mawar(kept) == (open_ - 1, visits, people)  # the referral at once, the visit not yet
    clock.advance(minutes=village.settings.web_recap_minutes)
    fresh = client.get("/").get_data(as_text=True)
    assert "dihitung pukul 08.4" in fresh and _mawar(fresh) == (open_ - 1, visits + 1, people + 1)


def test_a_puskesmas_counts_now(web_app, village):  # type: ignore[no-untyped-def]
    client = web_app.test_client()
    sign_in(client, village, "pkm")
    before = client.get("/").get_data(as_text=True)
    assert "dihitung pukul" not in before
    _weigh_bagus(village)
    after = client.get("/").get_data(as_text=True)
    assert _mawar(after)[1] == _mawar(before)[1] + 1
    for path in ("/kader", "/satusehat"):
        assert "dihitung pukul" not in client.get(path).get_data(as_text=True)


def test_the_kabupatens_kader_and_satusehat_pages_say_as_of_when(web_app, village):  # type: ignore[no-untyped-def]
    client = web_app.test_client()
    sign_in(client, village, "admin")
    for path in ("/kader", "/satusehat"):
        assert "dihitung pukul 08.00" in client.get(path).get_data(as_text=True), path
    # one posyandu picked: counted now
    assert "dihitung pukul" not in client.get("/satusehat?posyandu=MAWAR7").get_data(as_text=True)
    assert "dihitung pukul" not in client.get("/kader?posyandu=MAWAR7").get_data(as_text=True)
