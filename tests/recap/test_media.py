"""Pictures and files on the wire: Telegram sendPhoto/sendDocument through the real PTB Bot, WhatsApp
media through the real twilio Client and our signed /media link, and the terminal writing the file."""
from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timezone
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.messages import Attachment, Channel, Outbound
from bot.ports import Failed, Sent
from bot.terminal import TerminalSender
from storage.db import transaction
from storage.media import attach
from storage.models import MediaFile
from storage import repositories as repo
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import FakeTwilioAPI
from webhooks.media import media_link, read_link
from sending.telegram_client import BotRunner, TelegramSender
from sending.whatsapp_sender import TwilioWhatsAppSender

TOKEN = "123456:TEST-token_abc"
CHART = {"type": "chart", "indicator": "wfa", "sex": "L", "birth": "2025-01-10", "on": "2026-11-05",
         "points": [["2026-10-05", 9.0], ["2026-11-05", 9.3]], "line_labels": {}, "title": "KMS", "subtitle": "",
         "xlabel": "", "ylabel": "", "note": ["November 2026"]}
RECAP = {"posyandu": {"code": "MAWAR7", "name": "Posyandu Mawar 7"}, "year": 2026, "month": 11,
         "skdn": {"S": 3, "s_source": "registered", "K": 3, "D": 2, "N": 1, "T": 1, "O": 0, "B": 0, "2T": 0,
                  "BGM": 0, "stunted": 0, "wasted": 0, "underweight": 0},
         "ratios": {k: None for k in ("K/S", "D/S", "N/D", "N/S", "D/K", "N/(D-O-B)", "BGM/D", "2T/D")},
         "names": {"T": ["Budi"], "2T": [], "BGM": []},
         "ilp": {"ibu_hamil": {"seen": 0}, "ibu_nifas": {"seen": 0}, "bayi_balita": {"doses": 0}, "remaja": {"seen": 0},
                 "dewasa_lansia": {"screened": 0}, "posyandu": {"kaders_reported": 1}},
         "balita": [], "groups": {}, "empty": False}


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture(scope="module")
def tg() -> Iterator[FakeTelegramAPI]:
    with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture(scope="module")
def telegram(tg: FakeTelegramAPI) -> Iterator[TelegramSender]:
    runner = BotRunner(TOKEN, tg.base_url)
    yield TelegramSender(runner)
    runner.close()


def tg_out(attachment: Attachment, text: str = "Grafik pertumbuhan *Budi*", chat: str = "555") -> Outbound:
    return Outbound(id=7, channel=Channel.TELEGRAM, address=chat, text=text, attachment=attachment)


def test_telegram_sends_the_chart_as_a_photo_with_its_caption(telegram, tg):
    tg.reset()
    result = telegram.send(tg_out(Attachment("photo", "grafik-bb-u-budi.png", CHART, 1)))
    assert isinstance(result, Sent)
    [sent] = tg.sent_media("555")
    assert sent["method"] == "sendPhoto" and sent["caption"] == "Grafik pertumbuhan <b>Budi</b>"
    assert sent["photo"]["data"].startswith(b"\x89PNG") and sent["photo"]["filename"] == "grafik-bb-u-budi.png"
    assert Image.open(io.BytesIO(sent["photo"]["data"])).size[0] >= 700


def test_telegram_sends_the_recap_as_a_document(telegram, tg):
    tg.reset()
    result = telegram.send(tg_out(Attachment("document", "rekap-MAWAR7-2026-11.xlsx", {"type": "recap",
                                                                                       "recap": RECAP}, 2),
                                  text="Rekap (Excel)"))
    assert isinstance(result, Sent)
    [sent] = tg.sent_media()
    assert sent["method"] == "sendDocument" and sent["document"]["filename"] == "rekap-MAWAR7-2026-11.xlsx"
    book = load_workbook(io.BytesIO(sent["document"]["data"]))
    assert book["Rekap"]["A1"].value.startswith("Rekap Posyandu Mawar 7")


def test_telegram_blocked_chat_and_an_undrawable_spec_fail_without_retry(telegram, tg):
    tg.reset()
    tg.block(556)
    blocked = telegram.send(tg_out(Attachment("photo", "a.png", CHART, 1), chat="556"))
    assert isinstance(blocked, Failed) and blocked.unreachable
    broken = telegram.send(tg_out(Attachment("photo", "a.png", {"type": "chart", "indicator": "bmi"}, 1)))
    assert isinstance(broken, Failed) and "attachment" in broken.reason
    assert tg.sent_media() == []


@pytest.mark.parametrize("kind, filename, spec, method", [
    ("photo", "grafik.png", CHART, "sendPhoto"),
    ("document", "rekap.xlsx", {"type": "recap", "recap": RECAP}, "sendDocument"),
])
def test_telegram_start_the_pumps_path_sends_the_file_too(telegram, tg, kind, filename, spec, method):
    """The dispatcher's pump calls `start` (no thread waits): a picture or file goes as it does by `send`."""
    tg.reset()
    result = telegram.start(tg_out(Attachment(kind, filename, spec, 1), chat="557")).result(timeout=30)
    assert isinstance(result, Sent)
    [sent] = tg.sent_media("557")
    assert sent["method"] == method and sent[kind]["filename"] == filename
    assert tg.sent_messages("557") == []  # the text went as the caption, not as a message of its own


def test_telegram_start_blocked_chat_and_an_undrawable_spec_fail_without_retry(telegram, tg):
    tg.reset()
    tg.block(558)
    blocked = telegram.start(tg_out(Attachment("photo", "a.png", CHART, 1), chat="558")).result(timeout=30)
    assert isinstance(blocked, Failed) and blocked.unreachable
    broken = telegram.start(tg_out(Attachment("photo", "a.png", {"type": "chart", "indicator": "bmi"}, 1))
                            ).result(timeout=30)
    assert isinstance(broken, Failed) and "attachment" in broken.reason
    assert tg.sent_media() == []


def test_the_pump_sends_a_telegram_picture_from_the_outbox(settings, clock, db_engine, tg):
    """End to end through the dispatcher's pump and the real sender: the row's media_file goes as sendPhoto."""
    from app.runtime import build_runtime
    from storage.models import OutboxMessage

    runner = BotRunner(TOKEN, tg.base_url)
    rt = build_runtime(settings, clock=clock, senders={Channel.TELEGRAM: TelegramSender(runner)}, engine=db_engine)
    try:
        tg.reset()
        with transaction(rt.session_factory) as session:
            row = repo.enqueue(session, channel="telegram", address="559", text="Grafik *Budi*", now=clock.now())
            attach(session, row, Attachment("photo", "grafik.png", CHART), clock.now())
        stats = rt.dispatcher.run_once(now=clock.now())
        assert stats.sent == 1
        [sent] = tg.sent_media("559")
        assert sent["method"] == "sendPhoto" and sent["caption"] == "Grafik <b>Budi</b>"
        with transaction(rt.session_factory) as session:
            assert session.get(OutboxMessage, row).status == "sent"
    finally:
        rt.close()
        runner.close()


def test_the_terminal_writes_the_file_and_prints_its_path(tmp_path):
    out = io.StringIO()
    sender = TerminalSender(out, "kader1", media_dir=tmp_path)
    message = Outbound(id=9, channel=Channel.TERMINAL, address="kader1", text="Grafik",
                       attachment=Attachment("photo", "grafik.png", CHART, 3))
    assert isinstance(sender.send(message), Sent)
    path = tmp_path / "9-grafik.png"
    assert path.read_bytes().startswith(b"\x89PNG") and str(path) in out.getvalue()


# -- WhatsApp and the signed link ---------------------------------------------------------------------
def stored(runtime, spec: dict, kind: str = "photo", filename: str = "grafik.png") -> Attachment:  # type: ignore[no-untyped-def]
    with transaction(runtime.session_factory) as session:
        outbox_id = repo.enqueue(session, channel="whatsapp", address="+6281234500001", text="Grafik",
                                 now=runtime.clock.now())
        return attach(session, outbox_id, Attachment(kind, filename, spec), runtime.clock.now())


def test_a_signed_link_serves_the_picture_and_refuses_forged_or_expired(runtime, client, clock):
    attachment = stored(runtime, CHART)
    url = media_link(runtime.settings, clock, attachment)
    assert url.startswith("https://posyandu.example.org/media/")
    path = urlparse(url).path
    answer = client.get(path)
    assert answer.status_code == 200 and answer.mimetype == "image/png" and answer.data.startswith(b"\x89PNG")
    assert "no-store" in answer.headers["Cache-Control"]
    assert client.head(path).status_code == 200
    with transaction(runtime.session_factory) as session:  # drawn once, then kept
        assert session.get(MediaFile, attachment.media_id).content == answer.data
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    refused = client.get(forged)
    assert refused.status_code == 403 and b"PNG" not in refused.data
    assert client.get("/media/" + "x" * 40).status_code == 403
    clock.advance(minutes=runtime.settings.media_link_minutes + 1)
    assert client.get(path).status_code == 403
    assert read_link(runtime.settings, clock, path.rsplit("/", 1)[1]) is None


def test_a_link_signed_with_another_secret_is_refused(runtime, client, clock):
    attachment = stored(runtime, CHART)
    other = runtime.settings.with_(media_secret="another-secret")
    path = urlparse(media_link(other, clock, attachment)).path
    assert client.get(path).status_code == 403


@pytest.fixture
def tw() -> Iterator[FakeTwilioAPI]:
    with FakeTwilioAPI() as fake:
        yield fake


def test_whatsapp_sends_the_chart_through_the_link_twilio_fetches(runtime, client, clock, tw):
    def fetch(url: str) -> tuple[int, str, bytes]:
        answer = client.get(urlparse(url).path)
        return answer.status_code, answer.content_type, answer.data

    tw.fetch_media = fetch
    sender = TwilioWhatsAppSender(tw.account_sid, tw.auth_token, "+14155238886", api_url=tw.base_url,
                                  media_url=lambda a: media_link(runtime.settings, clock, a))
    photo = stored(runtime, CHART)
    result = sender.send(Outbound(id=1, channel=Channel.WHATSAPP, address="+6281234500001", text="Grafik Budi",
                                  attachment=photo))
    assert isinstance(result, Sent)
    [message] = tw.messages()
    assert message["Body"] == "Grafik Budi" and message["_media"] == [{"content_type": "image/png",
                                                                        "size": message["_media"][0]["size"]}]
    document = stored(runtime, {"type": "recap", "recap": RECAP}, "document", "rekap.xlsx")
    result = sender.send(Outbound(id=2, channel=Channel.WHATSAPP, address="+6281234500001", text="Rekap",
                                  attachment=document))
    assert isinstance(result, Sent)
    sent = tw.messages()[-1]
    assert sent["Body"] == "Rekap"  # issue 16: the workbook goes with its caption, never an empty body
    assert sent["_media"][0]["content_type"].endswith("spreadsheetml.sheet")


def test_whatsapp_media_refused_by_twilio_is_not_sent(runtime, clock, tw):
    tw.fetch_media = lambda url: (403, "text/html", b"")
    sender = TwilioWhatsAppSender(tw.account_sid, tw.auth_token, "+14155238886", api_url=tw.base_url,
                                  media_url=lambda a: media_link(runtime.settings, clock, a))
    result = sender.send(Outbound(id=1, channel=Channel.WHATSAPP, address="+6281234500001", text="Grafik",
                                  attachment=stored(runtime, CHART)))
    assert isinstance(result, Failed)
    no_link = TwilioWhatsAppSender(tw.account_sid, tw.auth_token, "+14155238886", api_url=tw.base_url)
    result = no_link.send(Outbound(id=1, channel=Channel.WHATSAPP, address="+6281234500001", text="Grafik",
                                   attachment=stored(runtime, CHART)))
    assert isinstance(result, Failed) and "media" in result.reason


def test_the_dispatcher_carries_the_attachment_from_the_outbox(runtime, senders):
    """A row written by the poll path (not send-now) still goes with its picture."""
    attachment = stored(runtime, CHART)
    stats = runtime.dispatcher.run_once(now=datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc))
    assert stats.sent == 1
    [message] = senders[Channel.WHATSAPP].sent
    assert message.attachment is not None and message.attachment.media_id == attachment.media_id
    assert message.attachment.spec["indicator"] == "wfa"


def test_inline_twiml_leaves_a_picture_to_the_dispatcher(runtime):
    from webhooks.whatsapp import inline_replies

    with transaction(runtime.session_factory) as session:
        text_id = repo.enqueue(session, channel="whatsapp", address="+6281234500001", text="Tersimpan",
                               now=runtime.clock.now())
    from storage.models import OutboxMessage

    photo = stored(runtime, CHART)
    with transaction(runtime.session_factory) as session:
        photo_row = session.get(MediaFile, photo.media_id).outbox_id
    assert inline_replies(runtime, [text_id, photo_row]) == ["Tersimpan"]
    with transaction(runtime.session_factory) as session:
        assert session.get(OutboxMessage, photo_row).status == "pending"
        assert session.get(OutboxMessage, text_id).status == "sent"


def test_delivered_media_is_forgotten_after_the_keep_days(runtime, client, clock):
    from datetime import timedelta

    from sqlalchemy import update

    from storage.media import forget_old_media
    from storage.models import OutboxMessage

    delivered, pending = stored(runtime, CHART), stored(runtime, CHART)
    with transaction(runtime.session_factory) as session:
        row = session.get(MediaFile, delivered.media_id)
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row.outbox_id).values(status="sent"))
    link = urlparse(media_link(runtime.settings, clock, delivered)).path
    clock.advance(days=31)
    with transaction(runtime.session_factory) as session:
        assert forget_old_media(session, clock.now() - timedelta(days=30)) == 1
    with transaction(runtime.session_factory) as session:
        gone, kept = session.get(MediaFile, delivered.media_id), session.get(MediaFile, pending.media_id)
        assert (gone.spec, gone.content, gone.filename) == ({}, None, "")
        assert kept.spec["indicator"] == "wfa" and kept.filename == "grafik.png"  # not delivered yet: kept
    fresh = urlparse(media_link(runtime.settings, clock, delivered)).path
    assert client.get(fresh).status_code == 404 and client.get(link).status_code == 403
