"""The web page in a real browser: headless Chromium (Debian's) driven by Playwright against the app served
on loopback. Skips, saying why, where no browser can be had (`.ci/run` installs Debian's `chromium`).

    WEB_SCREENSHOTS=1 pytest tests/web/test_browser.py   # also writes docs/img/web-*.png
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import transaction
from storage.models import Posyandu, Referral
from tests.web.conftest import link_for

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "img"
PHONE = {"width": 360, "height": 740}

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def server(web_app, village):  # type: ignore[no-untyped-def]
    """The app on a free loopback port, in a thread, for this test."""
    from werkzeug.serving import make_server

    served = make_server("127.0.0.1", 0, web_app, threaded=True)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.server_port}"
    served.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with playwright_api.sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        except Exception as exc:  # pragma: no cover - a broken install says so instead of failing
            pytest.skip(f"Chromium does not start: {exc}")
        yield launched
        launched.close()


def _page(browser, phone: bool = False):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE if phone else {"width": 1200, "height": 900}, accept_downloads=True)
    return context.new_page()


def sign_in(page, server: str, runtime, who: str) -> None:  # type: ignore[no-untyped-def]
    token = link_for(runtime, who)
    page.goto(f"{server}/masuk/{token}")
    page.click("#masuk")
    page.wait_for_url(f"{server}/")


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("WEB_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"web-{name}.png"), full_page=True)


def _skip_postgres(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the browser tests run once, on SQLite (the pages' queries run on both in test_pages.py)")


@pytest.fixture(autouse=True)
def _sqlite_only(database_url):  # type: ignore[no-untyped-def]
    _skip_postgres(database_url)


def test_sign_in_by_link_and_a_used_link_is_refused(browser, server, village):
    page = _page(browser)
    token = link_for(village, "bidan")
    page.goto(f"{server}/masuk/{token}")
    shot(page, "masuk")
    page.click("#masuk")
    page.wait_for_url(f"{server}/")
    assert "Beranda" in page.inner_text("h1")
    shot(page, "beranda")
    other = _page(browser)
    other.goto(f"{server}/masuk/{token}")
    other.click("#masuk")
    assert "Tautan tidak berlaku" in other.inner_text("h1")


def test_the_bidan_records_an_outcome_and_a_kader_cannot(browser, server, village):
    page = _page(browser)
    sign_in(page, server, village, "bidan")
    page.goto(f"{server}/rujukan")
    shot(page, "rujukan")
    card = page.locator("article.referral").first
    name = card.locator("p a").first.inner_text()
    card.locator("button[value=dirujuk]").click()
    done = page.locator("article.done").first
    done.wait_for()
    assert name in done.inner_text() and "Dirujuk ke puskesmas" in done.inner_text()
    with transaction(village.session_factory) as s:
        assert s.scalars(select(Referral.outcome).where(Referral.status == "handled")).all() == ["dirujuk"]

    kader = _page(browser)
    sign_in(kader, server, village, "kader1")
    answer = kader.goto(f"{server}/rujukan")
    assert answer.status == 403
    with transaction(village.session_factory) as s:
        other = s.scalars(select(Referral.id).where(Referral.status == "open")).first()
    token = kader.evaluate("document.querySelector('meta[name=csrf-token]').content")
    status = kader.evaluate(
        """async ([url, token]) => (await fetch(url, {method: 'POST', headers:
             {'Content-Type': 'application/x-www-form-urlencoded'},
             body: 'outcome=dikunjungi&csrf_token=' + encodeURIComponent(token)})).status""",
        [f"{server}/rujukan/{other}/hasil", token])
    assert status == 403
    with transaction(village.session_factory) as s:
        assert s.get(Referral, other).status == "open"


def test_the_month_page_equals_the_cli_and_downloads_the_workbook(browser, server, village, web_app, tmp_path):
    from storage.recap import month_recap

    with transaction(village.session_factory) as s:
        mawar = s.scalars(select(Posyandu).where(Posyandu.code == "MAWAR7")).one()
        expected = month_recap(s, mawar, 2026, 11)
    cli = web_app.test_cli_runner().invoke(args=["recap", "--month", "2026-11", "--posyandu", "MAWAR7",
                                                 "--format", "csv"])
    header, row = cli.output.strip().splitlines()[:2]
    cli_values = dict(zip(header.split(","), row.split(",")))
    page = _page(browser)
    sign_in(page, server, village, "bidan")
    page.goto(f"{server}/rekap?posyandu=MAWAR7&bulan=2026-11")
    shot(page, "rekap")
    page.goto(f"{server}/rekap/wilayah?bulan=2026-11")
    shot(page, "wilayah")
    assert page.inner_text('[data-skdn="D"]') == str(expected["skdn"]["D"])  # one posyandu in the desa weighs
    page.goto(f"{server}/rekap?posyandu=MAWAR7&bulan=2026-11")
    for key in ("S", "K", "D", "N", "T", "O", "B", "2T", "BGM"):
        shown = page.inner_text(f'[data-skdn="{key}"]')
        assert shown == str(expected["skdn"][key]) == cli_values[key], key
    with page.expect_download() as waiting:
        page.click("#unduh-xlsx")
    download = waiting.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name == "rekap-MAWAR7-2026-11.xlsx" and saved.read_bytes()[:2] == b"PK"


def test_the_simulator_holds_a_conversation(browser, server, village):
    page = _page(browser)
    sign_in(page, server, village, "bidan")
    page.goto(f"{server}/simulator?sebagai=kader")
    page.fill("#text", "menu")
    page.press("#text", "Enter")
    page.locator(".bubble.bot").first.wait_for()
    assert "Lapor hasil posyandu" in page.inner_text("#chat")
    page.fill("#text", "lapor")
    page.press("#text", "Enter")
    page.wait_for_function("document.querySelectorAll('.bubble.bot').length >= 2")
    shot(page, "simulator")
    assert page.input_value("#text") == ""  # the box is emptied for the next message


PHONE_PAGES = ("/", "/rujukan", "/rekap", "/kunjungan", "/jangkauan", "/satusehat", "/kader", "/anak/{member}",
               "/simulator", "/rekap/wilayah")
KADER_PAGES = ("/", "/kunjungan", "/kader", "/anak/{member}", "/simulator")  # docs/web.md's table


@pytest.mark.parametrize("who", ["bidan", "pkm", "admin", "kader1"])
def test_every_page_fits_a_360_px_phone(browser, server, village, who):  # type: ignore[no-untyped-def]
    """Every page a role may open, as that role, within a 360-px phone's width (the bidan's make the phone
    screenshots)."""
    page = _page(browser, phone=True)
    sign_in(page, server, village, who)
    with transaction(village.session_factory) as s:
        aisyah = s.scalars(select(Referral.member_id).order_by(Referral.id)).first()
    names = {"/": "beranda-hp", "/rujukan": "rujukan-hp", "/rekap": "rekap-hp", "/kunjungan": "kunjungan-hp",
             "/jangkauan": "jangkauan-hp", "/satusehat": "satusehat-hp", "/kader": "kader-hp",
             "/anak/{member}": "anak-hp", "/simulator": "simulator-hp", "/rekap/wilayah": "wilayah-hp"}
    for path in KADER_PAGES if who == "kader1" else PHONE_PAGES:
        answer = page.goto(server + path.format(member=aisyah))
        assert answer is not None and answer.status == 200, (who, path, answer and answer.status)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (who, path, width)
        if who == "bidan" and names[path] in ("rujukan-hp", "anak-hp", "rekap-hp"):
            shot(page, names[path])


def test_the_kabupaten_opens_a_puskesmas_on_the_satusehat_page(browser, server, village):  # type: ignore[no-untyped-def]
    page = _page(browser)
    sign_in(page, server, village, "admin")
    page.goto(f"{server}/satusehat")
    levels = page.locator("#sync-levels")
    assert "Puskesmas Mranggen 3" in levels.inner_text() and "Posyandu Mawar 7" not in levels.inner_text()
    shot(page, "satusehat")
    page.click("#sync-levels a:has-text('Puskesmas Mranggen 3')")
    page.wait_for_url("**/satusehat?puskesmas=*")
    assert "Posyandu Mawar 7" in page.locator("#sync-levels").inner_text()
