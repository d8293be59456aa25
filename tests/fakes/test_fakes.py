"""The fakes are only useful if the REAL clients accept them: prove it.

Each test drives python-telegram-bot's `Bot` or twilio's `Client` against a
loopback fake and checks both sides: what the client returned or raised,
and what the fake recorded.
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import TypeVar

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.fakes import PaceLog, parse_body
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import FakeTwilioAPI

T = TypeVar("T")
TOKEN = "123456:TEST-token_abc"
WA_TO = "whatsapp:+6281234567890"
WA_FROM = "whatsapp:+14155238886"
CONTENT_SID = "HX" + "ab" * 16


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB 22's timedelta `retry_after`; otherwise every RetryAfter warns on creation."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def tg() -> Iterator[FakeTelegramAPI]:
    with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
def tw() -> Iterator[FakeTwilioAPI]:
    with FakeTwilioAPI() as fake:
        yield fake


def with_bot(tg: FakeTelegramAPI, body: Callable[[Bot], Awaitable[T]], **request: float) -> T:
    """Run `body(bot)` with an initialised real Bot pointed at the fake, then shut it down."""

    async def main() -> T:
        bot = Bot(TOKEN, base_url=tg.base_url, request=HTTPXRequest(**request) if request else None)
        async with bot:  # initialize() (getMe) ... shutdown()
            return await body(bot)

    return asyncio.run(main())


def twilio_client(tw: FakeTwilioAPI, auth_token: str | None = None) -> Client:
    client = Client(tw.account_sid, auth_token or tw.auth_token)
    client.api.base_url = tw.base_url
    return client


# ------------------------------------------------------------------ Telegram


def test_bot_initialises_and_sends_keyboard(tg: FakeTelegramAPI) -> None:
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Ya", callback_data="yes")], [InlineKeyboardButton("Tidak", callback_data="no")]]
    )

    async def body(bot: Bot) -> tuple:
        first = await bot.send_message(chat_id=555, text="Sudah imunisasi?", reply_markup=keyboard)
        second = await bot.send_message(chat_id=555, text="Terima kasih")
        return bot.username, first, second

    username, first, second = with_bot(tg, body)

    assert username == "posyandu_test_bot"
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == 555 and first.chat.type == "private"
    assert first.text == "Sudah imunisasi?"
    assert first.reply_markup == keyboard
    assert second.reply_markup is None
    assert [m for m, _ in tg.calls()] == ["getMe", "sendMessage", "sendMessage"]
    sent = tg.sent_messages()
    assert sent[0]["chat_id"] == "555"
    assert sent[0]["reply_markup"] == {
        "inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}], [{"text": "Tidak", "callback_data": "no"}]]
    }


def test_retry_after_surfaces_with_its_delay(tg: FakeTelegramAPI) -> None:
    tg.fail_next(1, "retry_after", retry_after=7)

    with pytest.raises(RetryAfter) as caught:
        with_bot(tg, lambda bot: bot.send_message(chat_id=1, text="x"))

    assert caught.value.retry_after == timedelta(seconds=7)
    assert tg.sent_messages() == []
    assert len(tg.calls("sendMessage")) == 1  # rejected calls are still recorded


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("forbidden", Forbidden, "blocked by the user"),
        ("bad_request", BadRequest, "chat not found"),
        ("server_error", NetworkError, "internal server error"),
    ],
)
def test_faults_surface_as_ptb_errors(tg: FakeTelegramAPI, kind: str, error: type, words: str) -> None:
    tg.fail_next(1, kind)

    with pytest.raises(error) as caught:
        with_bot(tg, lambda bot: bot.send_message(chat_id=1, text="x"))

    assert words in caught.value.message.lower()  # PTB strips "Bad Request: " and capitalises
    assert not isinstance(caught.value, BadRequest) or kind == "bad_request"


def test_502_html_page_is_a_network_error(tg: FakeTelegramAPI) -> None:
    tg.fail_next(1, "server_error", status=502)

    with pytest.raises(NetworkError) as caught:
        with_bot(tg, lambda bot: bot.send_message(chat_id=1, text="x"))

    assert "Bad Gateway" in caught.value.message


def test_fault_only_hits_its_method_and_then_clears(tg: FakeTelegramAPI) -> None:
    tg.fail_next(1, "forbidden")  # default method: sendMessage, so getMe in initialize() passes

    async def body(bot: Bot) -> int:
        with pytest.raises(Forbidden):
            await bot.send_message(chat_id=1, text="x")
        return (await bot.send_message(chat_id=1, text="y")).message_id

    assert with_bot(tg, body) == 1
    assert [m["text"] for m in tg.sent_messages()] == ["y"]


def test_slow_answer_times_out_the_client(tg: FakeTelegramAPI) -> None:
    tg.fail_next(1, "slow", delay=0.5)

    with pytest.raises(TimedOut):
        with_bot(tg, lambda bot: bot.send_message(chat_id=1, text="x"), read_timeout=0.1)


def test_burst_of_50_concurrent_sends_all_succeed(tg: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> list:
        return await asyncio.gather(*(bot.send_message(chat_id=1000 + i, text=f"m{i}") for i in range(50)))

    messages = with_bot(tg, body)

    assert len(messages) == 50
    assert len(tg.wait_for(50, timeout=1)) == 50
    assert {m["chat_id"] for m in tg.sent_messages()} == {str(1000 + i) for i in range(50)}


def test_per_chat_flood_limit_answers_retry_after() -> None:
    with FakeTelegramAPI(per_chat_per_second=1) as tg:

        async def body(bot: Bot) -> None:
            await bot.send_message(chat_id=7, text="a")
            await bot.send_message(chat_id=8, text="b")  # another chat is fine
            with pytest.raises(RetryAfter):
                await bot.send_message(chat_id=7, text="c")

        with_bot(tg, body)

        assert tg.max_rate(1.0, chat_id=7) == 1
        assert tg.max_rate(1.0) == 2
        assert len(tg.send_times(chat_id=8)) == 1


def test_global_flood_limit_answers_retry_after() -> None:
    with FakeTelegramAPI(global_per_second=5) as tg:

        async def body(bot: Bot) -> list:
            return await asyncio.gather(
                *(bot.send_message(chat_id=i, text="x") for i in range(1, 9)), return_exceptions=True
            )

        results = with_bot(tg, body)

        assert sum(isinstance(r, RetryAfter) for r in results) == 3
        assert tg.max_rate(1.0) == 5


def test_telegram_limits_are_enforced(tg: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> None:
        with pytest.raises(BadRequest, match="(?i)too long"):
            await bot.send_message(chat_id=1, text="a" * 4097)
        await bot.send_message(chat_id=1, text="a" * 4096)
        with pytest.raises(BadRequest, match="(?i)too long"):
            await bot.send_message(chat_id=1, text="\U0001F476" * 2049)  # emoji count twice (UTF-16)
        long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await bot.send_message(chat_id=1, text="q", reply_markup=long_data)

    with_bot(tg, body)
    assert len(tg.sent_messages()) == 1


def test_wrong_token_is_invalid_token() -> None:
    with FakeTelegramAPI(token="999:RIGHT") as tg:
        with pytest.raises(InvalidToken):
            with_bot(tg, lambda bot: bot.get_me())


def test_edit_and_callback_answer(tg: FakeTelegramAPI) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]])

    async def body(bot: Bot) -> tuple:
        sent = await bot.send_message(chat_id=5, text="Lanjut?", reply_markup=keyboard)
        edited = await bot.edit_message_text(chat_id=5, message_id=sent.message_id, text="Lanjut? (Ya)")
        with pytest.raises(BadRequest, match="(?i)not modified"):
            await bot.edit_message_text(chat_id=5, message_id=sent.message_id, text="Lanjut? (Ya)")
        with pytest.raises(BadRequest, match="(?i)not found"):
            await bot.edit_message_reply_markup(chat_id=5, message_id=99, reply_markup=keyboard)
        answered = await bot.answer_callback_query("cb-1", text="OK")
        return edited, answered

    edited, answered = with_bot(tg, body)

    assert edited.text == "Lanjut? (Ya)" and edited.reply_markup is None and edited.edit_date is not None
    assert answered is True
    assert tg.calls("answerCallbackQuery")[0][1] == {"callback_query_id": "cb-1", "text": "OK"}


def test_polling_returns_pushed_updates_and_honours_offset(tg: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> tuple:
        await bot.send_message(chat_id=42, text="Pilih", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Ya", callback_data="yes")]]))
        tg.push_text(42, "daftar")
        tg.push_callback(42, "yes")
        first = await bot.get_updates(timeout=0)
        again = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
        threading.Timer(0.1, tg.push_text, args=(42, "lagi")).start()
        started = time.monotonic()
        waited = await bot.get_updates(offset=first[-1].update_id + 1, timeout=3)
        return first, again, waited, time.monotonic() - started

    first, again, waited, elapsed = with_bot(tg, body)

    assert first[0].message.text == "daftar" and first[0].effective_chat.id == 42
    assert first[1].callback_query.data == "yes"
    assert first[1].callback_query.message.message_id == 1
    assert again == ()
    assert [u.message.text for u in waited] == ["lagi"] and elapsed < 2  # long poll woke up early


def test_webhook_set_info_conflict_delete(tg: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> tuple:
        assert await bot.set_webhook("https://posyandu.example/webhooks/telegram", secret_token="s3cret")
        info = await bot.get_webhook_info()
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        with pytest.raises(BadRequest, match="(?i)https url"):
            await bot.set_webhook("http://insecure.example/")
        assert await bot.delete_webhook(drop_pending_updates=True)
        return info, await bot.get_webhook_info()

    info, after = with_bot(tg, body)

    assert info.url == "https://posyandu.example/webhooks/telegram"
    assert tg.calls("setWebhook")[0][1]["secret_token"] == "s3cret"
    assert after.url == ""


def test_json_and_multipart_bodies_parse_like_form_bodies(tg: FakeTelegramAPI) -> None:
    reply = httpx.post(f"{tg.base_url}{TOKEN}/sendMessage", json={"chat_id": 9, "text": "json", "reply_markup": {
        "inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}})
    assert reply.status_code == 200 and reply.json()["result"]["chat"]["id"] == 9
    assert tg.sent_messages()[0]["chat_id"] == "9"
    assert tg.sent_messages()[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"

    request = httpx.Request("POST", "http://x/", data={"chat_id": "1", "caption": "foto"},
                            files={"photo": ("kms.png", b"\x89PNG...", "image/png")})
    parsed = parse_body(request.headers["Content-Type"], request.read())
    assert parsed["chat_id"] == "1" and parsed["caption"] == "foto"
    assert parsed["photo"] == {"filename": "kms.png", "content_type": "image/png", "data": b"\x89PNG..."}


def test_pace_log_max_rate_uses_a_sliding_window() -> None:
    pace = PaceLog()
    for at in (0.0, 0.5, 0.9, 1.0, 1.2, 3.0):
        pace.record("a", at)
    assert pace.max_rate(1.0) == 4  # 0.5, 0.9, 1.0, 1.2: all within one second of 0.5
    assert pace.count_within(1.2, 1.0) == 4  # (0.2, 1.2]
    assert pace.count_within(1.2, 1.0, key="b") == 0


def test_a_request_cut_short_is_never_acted_on(tg: FakeTelegramAPI) -> None:
    """A sender killed between the headers and the body (they leave in two writes): like a real server,
    the fake neither logs nor sends half a request."""
    import socket
    from urllib.parse import urlsplit

    host = urlsplit(tg.base_url)
    body = b"chat_id=42&text=halo"
    with socket.create_connection((host.hostname, host.port)) as conn:
        conn.sendall(f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\nHost: x\r\n"
                     f"Content-Type: application/x-www-form-urlencoded\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:7])
        deadline = time.monotonic() + 5
        while not tg._connections and time.monotonic() < deadline:  # the fake took the connection ...
            time.sleep(0.005)
    while tg._connections and time.monotonic() < deadline:  # ... and is done with it, now it is closed
        time.sleep(0.005)
    assert not tg._connections
    assert tg.calls("sendMessage") == [] and tg.sent_messages() == []


# -------------------------------------------------------------------- Twilio


def test_twilio_client_creates_a_text_message(tw: FakeTwilioAPI) -> None:
    message = twilio_client(tw).messages.create(to=WA_TO, from_=WA_FROM, body="Halo Bu")

    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert (message.status, message.to, message.from_, message.body) == ("queued", WA_TO, WA_FROM, "Halo Bu")
    assert message.date_created is not None and message.direction == "outbound-api"
    recorded = tw.wait_for(1)[0]
    assert recorded == {"To": WA_TO, "From": WA_FROM, "Body": "Halo Bu", "Sid": message.sid}
    assert twilio_client(tw).messages(message.sid).fetch().body == "Halo Bu"


def test_twilio_client_sends_a_content_template(tw: FakeTwilioAPI) -> None:
    variables = json.dumps({"1": "Sari", "2": "Sabtu, 5 Desember"})
    message = twilio_client(tw).messages.create(
        to=WA_TO, from_=WA_FROM, content_sid=CONTENT_SID, content_variables=variables,
        status_callback="https://posyandu.example/webhooks/whatsapp/status",
    )

    assert message.status == "queued"
    recorded = tw.messages()[0]
    assert "Body" not in recorded
    assert recorded["ContentSid"] == CONTENT_SID and json.loads(recorded["ContentVariables"])["1"] == "Sari"
    assert recorded["StatusCallback"].endswith("/status")


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [("rate_limit", 429, 20429), ("unsubscribed", 400, 21610), ("invalid_to", 400, 21211),
     ("outside_window", 400, 63016), ("server_error", 500, 20500)],
)
def test_twilio_faults_surface_as_rest_exceptions(tw: FakeTwilioAPI, kind: str, status: int, code: int) -> None:
    tw.fail_next(1, kind)

    with pytest.raises(TwilioRestException) as caught:
        twilio_client(tw).messages.create(to=WA_TO, from_=WA_FROM, body="x")

    assert (caught.value.status, caught.value.code) == (status, code)
    assert tw.messages() == [] and len(tw.requests()) == 1


def test_twilio_503_and_recovery(tw: FakeTwilioAPI) -> None:
    tw.fail_next(1, "server_error", status=503)
    client = twilio_client(tw)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=WA_TO, from_=WA_FROM, body="x")
    assert caught.value.status == 503
    assert client.messages.create(to=WA_TO, from_=WA_FROM, body="x").status == "queued"


def test_twilio_rate_limit_past_per_second() -> None:
    with FakeTwilioAPI(per_second=2) as tw:
        client = twilio_client(tw)
        client.messages.create(to=WA_TO, from_=WA_FROM, body="1")
        client.messages.create(to="whatsapp:+6281200000002", from_=WA_FROM, body="2")
        with pytest.raises(TwilioRestException) as caught:
            client.messages.create(to=WA_TO, from_=WA_FROM, body="3")

        assert (caught.value.status, caught.value.code) == (429, 20429)
        assert tw.max_rate(1.0) == 2 and tw.max_rate(1.0, to=WA_TO) == 1


def test_twilio_wrong_auth_is_401(tw: FakeTwilioAPI) -> None:
    with pytest.raises(TwilioRestException) as caught:
        twilio_client(tw, auth_token="wrong").messages.create(to=WA_TO, from_=WA_FROM, body="x")

    assert (caught.value.status, caught.value.code) == (401, 20003)
    assert tw.requests() == []


def test_twilio_template_required_outside_window() -> None:
    with FakeTwilioAPI(require_template_for={"+6281234567890"}) as tw:
        client = twilio_client(tw)
        with pytest.raises(TwilioRestException) as caught:
            client.messages.create(to=WA_TO, from_=WA_FROM, body="Pengingat")
        assert caught.value.code == 63016

        client.messages.create(to=WA_TO, from_=WA_FROM, content_sid=CONTENT_SID, content_variables="{}")
        assert len(tw.messages()) == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"to": "whatsapp:0812345", "body": "x"}, 21211),
        ({"to": "+6281234567890", "body": "x"}, 21910),  # SMS number, WhatsApp sender
        ({"to": WA_TO, "body": "x" * 1601}, 21617),
        ({"to": WA_TO}, 21619),
        ({"to": WA_TO, "content_sid": "nope"}, 21655),
        ({"to": WA_TO, "content_sid": CONTENT_SID, "content_variables": "[1]"}, 21656),
    ],
)
def test_twilio_validates_like_twilio(tw: FakeTwilioAPI, fields: dict, code: int) -> None:
    with pytest.raises(TwilioRestException) as caught:
        twilio_client(tw).messages.create(from_=WA_FROM, **fields)
    assert (caught.value.status, caught.value.code) == (400, code)


def test_twilio_concurrent_sends_and_wait_for(tw: FakeTwilioAPI) -> None:
    client = twilio_client(tw)
    threads = [
        threading.Thread(target=client.messages.create,
                         kwargs={"to": f"whatsapp:+62812000000{i:02d}", "from_": WA_FROM, "body": "x"})
        for i in range(20)
    ]
    for thread in threads:
        thread.start()
    assert len(tw.wait_for(20, timeout=5)) == 20
    for thread in threads:
        thread.join()
    assert len({m["Sid"] for m in tw.messages()}) == 20
