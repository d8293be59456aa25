"""The web page through Flask's test client: sign-in by one-time link, every page and action with every role,
scope, CSRF, audit, the month's figures equal to the CLI's, and the simulator kept apart from real data."""
from __future__ import annotations

import io


import pytest
from sqlalchemy import func, select


from storage.db import transaction
from storage.models import AuditEvent, Contact, Member, Posyandu, Referral
from tests.harness import Person
from tests.web.conftest import csrf_of, link_for, sign_in

PAGES = ["/", "/rujukan", "/rekap", "/kunjungan", "/jangkauan", "/satusehat", "/kader", "/simulator"]
# who may open which page (the same rule as the chat's: docs/web.md)
ALLOWED = {
    "kader1": {"/", "/kunjungan", "/kader", "/simulator"},
    "bidan": set(PAGES),
    "admin": set(PAGES),
    "pkm": set(PAGES),
}


@pytest.fixture
def client(web_app, village):  # type: ignore[no-untyped-def]
    return web_app.test_client()


def _member_id(runtime, name: str) -> int:  # type: ignore[no-untyped-def]
    with transaction(runtime.session_factory) as s:
        return s.scalars(select(Member.id).where(Member.name == name)).one()


def _open_referral(runtime, name: str) -> int:  # type: ignore[no-untyped-def]
    with transaction(runtime.session_factory) as s:
        return s.scalars(select(Referral.id).join(Member, Member.id == Referral.member_id)
                         .where(Member.name == name, Referral.status == "open").order_by(Referral.id)).first()


# -- signing in ------------------------------------------------------------------------------------------
def test_a_stranger_is_sent_to_the_sign_in_help(client):
    answer = client.get("/rujukan")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/masuk")
    help_page = client.get("/masuk").get_data(as_text=True)
    assert "ketik *web*" in help_page.lower()


def test_a_link_works_once_and_a_link_preview_does_not_use_it(client, village):
    token = link_for(village, "bidan")
    preview = client.get(f"/masuk/{token}")  # WhatsApp's link preview fetches the page
    assert preview.status_code == 200
    csrf = csrf_of(preview)
    first = client.post(f"/masuk/{token}", data={"csrf_token": csrf})
    assert first.status_code == 302 and "posyandu_web" in first.headers.get("Set-Cookie", "")
    assert client.get("/rujukan").status_code == 200
    other = village  # a second browser with the same link
    from app.wsgi import create_app

    second_browser = create_app(runtime=other).test_client()
    page = second_browser.get(f"/masuk/{token}")
    again = second_browser.post(f"/masuk/{token}", data={"csrf_token": csrf_of(page)})
    assert again.status_code == 400 and "tidak berlaku" in again.get_data(as_text=True)
    assert second_browser.get("/rujukan").status_code == 302


def test_an_expired_link_is_refused(client, village, clock):
    token = link_for(village, "bidan")
    page = client.get(f"/masuk/{token}")
    clock.advance(minutes=11)
    answer = client.post(f"/masuk/{token}", data={"csrf_token": csrf_of(page)})
    assert answer.status_code == 400


def test_a_sign_in_without_the_form_token_is_refused(client, village):
    token = link_for(village, "bidan")
    assert client.post(f"/masuk/{token}").status_code == 400
    # the link is not used up by the refused attempt
    page = client.get(f"/masuk/{token}")
    assert client.post(f"/masuk/{token}", data={"csrf_token": csrf_of(page)}).status_code == 302


def test_residents_get_no_link_and_links_are_limited_per_hour(village):
    assert link_for(village, "warga") is None
    links = [link_for(village, "kader1") for _ in range(6)]
    assert all(links[:5]) and links[5] is None


def test_logout_ends_the_session_at_the_server(client, village):
    csrf = sign_in(client, village, "bidan")
    cookie = client.get_cookie("posyandu_web").value
    assert client.post("/keluar", data={"csrf_token": csrf}).status_code == 200
    client.set_cookie("posyandu_web", cookie)  # a copied cookie is dead too
    assert client.get("/rujukan").status_code == 302


def test_an_idle_session_expires(client, village, clock):
    sign_in(client, village, "bidan")
    clock.advance(minutes=village.settings.web_idle_minutes + 1)
    assert client.get("/").status_code == 302


def test_cookies_are_httponly_samesite_and_secure_on_https(client, village):
    token = link_for(village, "bidan")
    page = client.get(f"/masuk/{token}")
    cookie = client.post(f"/masuk/{token}", data={"csrf_token": csrf_of(page)}).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in cookie  # the test settings' PUBLIC_URL is https


def test_the_chat_word_web_gives_staff_a_link_and_a_family_none(village, senders):
    bidan = Person(village, "bidan")
    answer = bidan.say("web")
    assert "https://posyandu.example.org/masuk/" in answer and "10 menit" in answer
    family = Person(village, "warga")
    assert "/masuk/" not in family.say("web")


# -- every page, every role -------------------------------------------------------------------------------
@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_every_page_with_every_role(client, village, who):
    sign_in(client, village, who)
    for path in PAGES:
        answer = client.get(path)
        expected = 200 if path in ALLOWED[who] else 403
        assert answer.status_code == expected, (who, path, answer.status_code)
        text = answer.get_data(as_text=True)
        assert "Traceback" not in text


def test_a_bidan_sees_her_desa_only_and_a_member_outside_looks_absent(client, village):
    sign_in(client, village, "bidan-jragung")
    queue = client.get("/rujukan").get_data(as_text=True)
    assert "Joko Susilo" not in queue
    joko = _member_id(village, "Joko Susilo")
    assert client.get(f"/anak/{joko}").status_code == 404
    assert client.get(f"/anak/{joko + 10_000}").status_code == 404  # the same answer for nobody
    assert client.get(f"/rujukan/{_open_referral(village, 'Joko Susilo')}").status_code == 404
    assert "Posyandu Mawar 7" not in client.get("/rekap?posyandu=MAWAR7").get_data(as_text=True)


def test_puskesmas_staff_see_their_puskesmas_only(client, village):
    sign_in(client, village, "pkm")
    home = client.get("/").get_data(as_text=True)
    assert "Posyandu Mawar 7" in home and "Posyandu Melati 1" not in home


def test_a_kader_sees_her_visit_list_and_her_own_reports_only(client, village):
    sign_in(client, village, "kader1")
    visits = client.get("/kunjungan").get_data(as_text=True)
    assert "Posyandu Mawar 7" in visits
    kaders = client.get("/kader").get_data(as_text=True)
    assert "Kader Siti Aminah" in kaders
    joko = _member_id(village, "Joko Susilo")
    assert client.get(f"/anak/{joko}").status_code == 200  # her own posyandu's member, from her list


# -- the referral queue and its outcome -----------------------------------------------------------------------
def test_the_queue_shows_urgent_first_with_values_in_words(client, village):
    sign_in(client, village, "bidan")
    page = client.get("/rujukan").get_data(as_text=True)
    assert page.index("HARI INI") < page.index("Minggu ini")
    assert "Joko Susilo" in page and "mmHg" in page
    for code in ("tekanan_darah", "gizi_anak", ":", "_"):
        visible = page.split("<main>", 1)[1]
        if code in (":", "_"):
            continue
        assert code not in visible.replace('value="' + code, "")
    filtered = client.get("/rujukan?problem=anemia").get_data(as_text=True)
    assert "Nurhayati" in filtered and "Joko Susilo" not in filtered


def test_the_bidan_records_an_outcome_and_a_kader_is_refused(client, village, web_app):
    referral = _open_referral(village, "Sumarni")
    sign_in(client, village, "bidan")
    csrf = csrf_of(client.get("/rujukan"))
    answer = client.post(f"/rujukan/{referral}/hasil", data={"csrf_token": csrf, "outcome": "dikunjungi",
                                                            "note": "sudah minum obat"},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "Sudah dikunjungi" in answer.get_data(as_text=True)
    with transaction(village.session_factory) as s:
        row = s.get(Referral, referral)
        assert (row.status, row.outcome, row.outcome_note) == ("handled", "dikunjungi", "sudah minum obat")
    history = client.get(f"/rujukan/{referral}").get_data(as_text=True)
    assert "Ditutup: Sudah dikunjungi" in history

    kader = web_app.test_client()
    csrf = sign_in(kader, village, "kader1")
    other = _open_referral(village, "Joko Susilo")
    refused = kader.post(f"/rujukan/{other}/hasil", data={"csrf_token": csrf, "outcome": "dikunjungi"})
    assert refused.status_code == 403
    with transaction(village.session_factory) as s:
        assert s.get(Referral, other).status == "open"
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "web.denied")) >= 1


def test_an_outcome_without_the_form_token_is_refused(client, village):
    referral = _open_referral(village, "Sumarni")
    sign_in(client, village, "bidan")
    assert client.post(f"/rujukan/{referral}/hasil", data={"outcome": "dikunjungi"}).status_code == 400
    with transaction(village.session_factory) as s:
        assert s.get(Referral, referral).status == "open"


def test_an_outcome_for_a_referral_outside_the_scope_changes_nothing(client, village):
    referral = _open_referral(village, "Sumarni")
    csrf = sign_in(client, village, "bidan-jragung")
    client.post(f"/rujukan/{referral}/hasil", data={"csrf_token": csrf, "outcome": "membaik"},
                headers={"HX-Request": "true"})
    with transaction(village.session_factory) as s:
        assert s.get(Referral, referral).status == "open"


# -- the month ----------------------------------------------------------------------------------------------
def test_the_month_page_shows_the_same_figures_as_the_cli(client, village, web_app):
    from storage.recap import month_recap

    with transaction(village.session_factory) as s:
        mawar = s.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
        expected = month_recap(s, mawar, 2026, 11)
    sign_in(client, village, "bidan")
    page = client.get("/rekap?posyandu=MAWAR7&bulan=2026-11").get_data(as_text=True)
    for key in ("S", "K", "D", "N", "T", "O", "B", "2T", "BGM"):
        assert f'data-skdn="{key}">{expected["skdn"][key]}<' in page
    cli = web_app.test_cli_runner().invoke(args=["recap", "--month", "2026-11", "--posyandu", "MAWAR7",
                                                 "--format", "csv"])
    assert cli.exit_code == 0
    assert f",{expected['skdn']['D']}," in cli.output


def test_the_month_downloads_are_the_clis_files(client, village):
    from openpyxl import load_workbook

    sign_in(client, village, "bidan")
    xlsx = client.get("/rekap/unduh.xlsx?posyandu=MAWAR7&bulan=2026-11")
    assert xlsx.status_code == 200 and "rekap-MAWAR7-2026-11.xlsx" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.data))
    assert "Posyandu Mawar 7" in str(book.active["A1"].value)
    csv_file = client.get("/rekap/unduh.csv?posyandu=MAWAR7&bulan=2026-11")
    assert csv_file.status_code == 200 and csv_file.data.startswith("Kode posyandu".encode())


def test_the_trend_breaks_over_a_month_with_nothing_counted():
    from web.pages.recap import trend_svg

    svg = trend_svg([("09/26", 50.0, 40.0), ("10/26", None, None), ("11/26", 60.0, 50.0)])
    assert svg.count("<polyline") == 0 and svg.count("<circle") == 4  # no line joins across the gap
    joined = trend_svg([("10/26", 50.0, 40.0), ("11/26", 60.0, 50.0)])
    assert joined.count("<polyline") == 2


def test_a_member_page_has_the_chart_visits_and_referrals(client, village):
    sign_in(client, village, "bidan")
    aisyah = _member_id(village, "Aisyah Putri")
    page = client.get(f"/anak/{aisyah}").get_data(as_text=True)
    assert "grafik-wfa.png" in page and "LiLA" in page
    chart = client.get(f"/anak/{aisyah}/grafik-wfa.png")
    assert chart.status_code == 200 and chart.data[:8] == b"\x89PNG\r\n\x1a\n"


# -- audit, language ----------------------------------------------------------------------------------------
def test_every_view_is_an_audit_event(client, village):
    sign_in(client, village, "bidan")
    for path in ("/", "/rujukan", "/rekap", "/jangkauan"):
        client.get(path)
    with transaction(village.session_factory) as s:
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("web.%"))))
    assert {"web.login", "web.home", "web.referrals", "web.recap", "web.reach"} <= actions


def test_the_english_switch(client, village):
    sign_in(client, village, "bidan")
    client.get("/bahasa/en?next=/rujukan")
    page = client.get("/rujukan").get_data(as_text=True)
    assert "Referrals" in page and "TODAY" in page and "Rujukan (perlu" not in page
    assert client.get("/bahasa/en?next=https://evil.example").headers["Location"] == "/"


# -- the simulator --------------------------------------------------------------------------------------------
def test_the_simulator_talks_through_the_engine_on_its_own_database(client, village):
    csrf = sign_in(client, village, "bidan")
    client.get("/simulator?sebagai=kader")
    answer = client.post("/simulator/kirim", data={"csrf_token": csrf, "sebagai": "kader", "text": "menu"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Lapor hasil posyandu" in text
    lapor = client.post("/simulator/kirim", data={"csrf_token": csrf, "sebagai": "kader", "text": "lapor"})
    assert "nama" in lapor.get_data(as_text=True).lower()
    with transaction(village.session_factory) as s:  # nothing of the training reached the real database
        assert s.scalar(select(func.count()).select_from(Contact).where(Contact.address.like("latih-%"))) == 0


def test_the_simulator_is_off_unless_enabled(village, settings):
    from app.runtime import build_runtime
    from app.wsgi import create_app

    rt = build_runtime(settings.with_(simulator_enabled=False), clock=village.clock, senders={},
                       engine=village.engine)
    try:
        client = create_app(runtime=rt).test_client()
        sign_in(client, rt, "bidan")
        assert client.get("/simulator").status_code == 404
        assert "/simulator" not in client.get("/").get_data(as_text=True)
    finally:
        rt.dispatcher.close()


def test_the_webhooks_are_not_caught_by_the_pages_form_check(client, village):
    answer = client.post("/webhooks/telegram", json={"update_id": 1}, headers={
        "X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
    assert answer.status_code == 200




def test_an_operator_prints_a_link_and_it_signs_in(web_app, village):
    runner = web_app.test_cli_runner()
    printed = runner.invoke(args=["web", "link", "--contact", str(_contact_id(village, "bidan"))])
    assert printed.exit_code == 0 and "/masuk/" in printed.output
    token = printed.output.split("/masuk/", 1)[1].split()[0]
    client = web_app.test_client()
    page = client.get(f"/masuk/{token}")
    assert client.post(f"/masuk/{token}", data={"csrf_token": csrf_of(page)}).status_code == 302
    refused = runner.invoke(args=["web", "link", "--contact", str(_contact_id(village, "warga"))])
    assert refused.exit_code != 0 and "not staff" in refused.output
    assert runner.invoke(args=["web", "link", "--phone", "12"]).exit_code != 0


def _contact_id(runtime, address: str) -> int:  # type: ignore[no-untyped-def]
    with transaction(runtime.session_factory) as s:
        return s.scalars(select(Contact.id).where(Contact.address == address)).one()


# -- the month by level -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "level", "shown", "hidden"), [
    ("bidan", "desa", "Banyumeneng", "Posyandu Melati 1"),
    ("pkm", "puskesmas", "Puskesmas Mranggen 3", "Posyandu Melati 1"),
    ("admin", "kabupaten", "Kabupaten Demak", ""),
])
def test_the_area_recap_is_the_clis_level_recap_for_each_role(client, village, web_app, who, level, shown, hidden):
    from storage.levels import level_recap, staff_desa_id

    sign_in(client, village, who)
    page = client.get("/rekap/wilayah?bulan=2026-11").get_data(as_text=True)
    assert shown in page and (not hidden or hidden not in page)
    with transaction(village.session_factory) as s:
        me = s.scalars(select(Contact).where(Contact.address == who)).one()
        unit = staff_desa_id(s, me) if level == "desa" else me.puskesmas_id
        expected = level_recap(s, level, None, 2026, 11, unit_id=unit)
    top = expected["levels"][level][0]["skdn"]
    for key in ("S", "D", "N", "BGM"):
        assert f'data-skdn="{key}">{top[key]}<' in page
    assert "PWS KIA" in page
    workbook = client.get("/rekap/wilayah/unduh.xlsx?bulan=2026-11")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"


def test_a_kader_has_no_area_recap(client, village):
    sign_in(client, village, "kader1")
    assert client.get("/rekap/wilayah").status_code == 403


def test_the_area_recap_is_kept_for_a_while_then_recomputed(client, village, clock):
    """A kabupaten's level recap costs seconds: the page keeps it WEB_RECAP_MINUTES and says as of when."""
    import re as _re

    from storage.models import Member, RecapSnapshot
    from storage.reporting import Values, Visit, save_visit

    def weighed(page: str) -> int:
        return int(_re.search(r'data-skdn="D">(\d+)<', page).group(1))

    sign_in(client, village, "admin")
    first = client.get("/rekap/wilayah?bulan=2026-11").get_data(as_text=True)
    assert "dihitung pukul 08.00" in first
    with transaction(village.session_factory) as s:
        assert s.scalar(select(func.count()).select_from(RecapSnapshot)) == 1
        bagus = s.scalars(select(Member).where(Member.name == "Bagus Saputra")).one()  # not weighed this month
        save_visit(s, Visit(bagus.posyandu_id, clock.now().date().replace(day=20), Values(weight_kg=4.6),
                            member_id=bagus.id), clock.now())
    clock.advance(minutes=10)
    kept = client.get("/rekap/wilayah?bulan=2026-11").get_data(as_text=True)
    assert "dihitung pukul 08.00" in kept and weighed(kept) == weighed(first)  # as of 08.00
    clock.advance(minutes=village.settings.web_recap_minutes)
    fresh = client.get("/rekap/wilayah?bulan=2026-11").get_data(as_text=True)
    assert "dihitung pukul 08.4" in fresh and weighed(fresh) == weighed(first) + 1
    with transaction(village.session_factory) as s:
        assert s.scalar(select(func.count()).select_from(RecapSnapshot)) == 1  # replaced, not added


def test_the_kader_page_counts_the_values_the_bot_asked_back(client, village):
    """A value unusual for the age is asked back in chat; the Kader page counts how often, per kader."""
    kader = Person(village, "kader1")
    kader.say("lapor"), kader.say("aisyah")
    asked = kader.say("25")  # 25 kg for a 9-month-old: asked back
    assert "benar" in asked.lower()
    kader.say("batal")
    sign_in(client, village, "bidan")
    page = client.get("/kader").get_data(as_text=True)
    assert "Nilai ditanyakan ulang" in page
    row = page.split("Kader Siti Aminah", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">1</td>' in row
