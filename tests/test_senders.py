"""Channel senders against loopback fakes, with the REAL PTB `Bot` and twilio `Client`.

What is checked: the wire format each provider receives (via the fakes'
records) and how every provider answer is sorted into Sent / RetryLater /
Failed. Also the pure helpers the senders share with the core
(`bot.choices`).
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import warnings
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.choices import numbered_choices, numbered_hint, pick_numbered, split_text, utf16_len
from bot.messages import Channel, Choice, Outbound
from bot.ports import Failed, RetryLater, Sent
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import FakeTwilioAPI
from sending.telegram_client import BotRunner, TelegramSender, telegram_api_base
from sending.whatsapp_sender import TwilioWhatsAppSender

TOKEN = "123456:TEST-token_abc"
PHONE = "+6281234567890"
WA_FROM = "+14155238886"
CONTENT_SID = "HX" + "0f" * 16
YES_NO = (Choice("yes", "Ya"), Choice("no", "Tidak"))
NUMBERED_HINT = numbered_hint("id")  # "Balas dengan angka pilihan."


def tg_msg(text: str = "Halo Bu Sari", chat: str = "555", **kw: object) -> Outbound:
    return Outbound(id=1, channel=Channel.TELEGRAM, address=chat, text=text, **kw)  # type: ignore[arg-type]


def wa_msg(text: str = "Halo Bu Sari", to: str = PHONE, **kw: object) -> Outbound:
    return Outbound(id=2, channel=Channel.WHATSAPP, address=to, text=text, **kw)  # type: ignore[arg-type]


def closed_port() -> int:
    """A loopback port nobody listens on (connection refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------ fixtures


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB 22's timedelta `retry_after` (as production should); otherwise RetryAfter warns."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture(scope="module")
def tg_server() -> Iterator[FakeTelegramAPI]:
    with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture(scope="module")
def runner(tg_server: FakeTelegramAPI) -> Iterator[BotRunner]:
    bot_runner = BotRunner(TOKEN, tg_server.base_url)
    yield bot_runner
    bot_runner.close()


@pytest.fixture
def tg(tg_server: FakeTelegramAPI) -> Iterator[FakeTelegramAPI]:
    tg_server.reset()
    tg_server.blocked_chats.clear()
    yield tg_server


@pytest.fixture
def telegram(runner: BotRunner, tg: FakeTelegramAPI) -> TelegramSender:
    return TelegramSender(runner)


@pytest.fixture(scope="module")
def tw_server() -> Iterator[FakeTwilioAPI]:
    with FakeTwilioAPI() as fake:
        yield fake


@pytest.fixture
def tw(tw_server: FakeTwilioAPI) -> Iterator[FakeTwilioAPI]:
    tw_server.reset()
    tw_server.require_template_for.clear()
    tw_server.per_second = None
    yield tw_server


@pytest.fixture
def whatsapp(tw: FakeTwilioAPI) -> TwilioWhatsAppSender:
    return TwilioWhatsAppSender(
        tw.account_sid, tw.auth_token, WA_FROM, api_url=tw.base_url, content_sids={"reminder": CONTENT_SID}
    )


def test_a_long_whatsapp_text_counts_each_message_twilio_creates(whatsapp: TwilioWhatsAppSender) -> None:
    assert whatsapp.requests(wa_msg("kata " * 700)) == 3 and whatsapp.requests(wa_msg()) == 1  # 3,500 chars / 1,600


# ------------------------------------------------------------------ Telegram


def test_telegram_plain_text(telegram: TelegramSender, tg: FakeTelegramAPI) -> None:
    assert telegram.send(tg_msg()) == Sent("1")
    assert tg.sent_messages() == [{"chat_id": "555", "text": "Halo Bu Sari", "parse_mode": "HTML"}]


def test_telegram_keywords_are_bold_and_html_is_escaped(telegram: TelegramSender, tg: FakeTelegramAPI) -> None:
    telegram.send(tg_msg(text="Ketik *batal* <atau> & *menu*"))
    assert tg.sent_messages()[0]["text"] == "Ketik <b>batal</b> &lt;atau&gt; &amp; <b>menu</b>"


def test_telegram_choices_become_an_inline_keyboard(telegram: TelegramSender, tg: FakeTelegramAPI) -> None:
    assert isinstance(telegram.send(tg_msg("Sudah imunisasi?", choices=YES_NO)), Sent)

    sent = tg.sent_messages()[0]
    assert sent["text"] == "Sudah imunisasi?"
    assert sent["reply_markup"] == {
        "inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}], [{"text": "Tidak", "callback_data": "no"}]]
    }


def test_telegram_choice_value_over_64_bytes_falls_back_to_numbers(
    telegram: TelegramSender, tg: FakeTelegramAPI
) -> None:
    long_value = "posyandu:" + "é" * 30  # 69 bytes in UTF-8, though only 39 characters
    choices = (Choice(long_value, "Melati"), Choice("p2", "Mawar"))

    assert isinstance(telegram.send(tg_msg("Posyandu mana?", choices=choices)), Sent)

    sent = tg.sent_messages()[0]
    assert "reply_markup" not in sent
    assert sent["text"] == f"Posyandu mana?\n\n1. Melati\n2. Mawar\n\n{NUMBERED_HINT}"


def test_telegram_long_text_is_split_with_keyboard_on_last_part(
    telegram: TelegramSender, tg: FakeTelegramAPI
) -> None:
    paragraphs = [f"Paragraf {i}: " + "kata " * 150 for i in range(12)]  # ~9,000 characters
    text = "\n\n".join(paragraphs)

    result = telegram.send(tg_msg(text, choices=YES_NO))

    sent = tg.sent_messages()
    assert len(sent) == 3 and result == Sent("3")  # the id of the part carrying the keyboard
    assert all(utf16_len(m["text"]) <= 4096 for m in sent)
    assert [("reply_markup" in m) for m in sent] == [False, False, True]
    assert "".join("".join(m["text"] for m in sent).split()) == "".join(text.split())
    assert all(m["text"].startswith("Paragraf") for m in sent)  # cut at paragraph breaks


def test_telegram_sends_the_plan_it_was_counted_by(telegram: TelegramSender, tg: FakeTelegramAPI) -> None:
    """The dispatcher renders a message once (`plan`), counts its requests from that plan and hands the
    plan back: the sender does not render it again."""
    long = tg_msg("kata " * 1000, choices=YES_NO)
    plan = telegram.plan(long)
    assert telegram.requests(long, plan) == 2
    assert telegram.start(tg_msg("ignored, the plan is what goes"), plan).result(timeout=10) == Sent("2")
    sent = tg.sent_messages()
    assert len(sent) == 2 and "ignored" not in sent[0]["text"] and "reply_markup" in sent[1]


def test_whatsapp_sends_the_plan_it_was_counted_by(whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI) -> None:
    plan = whatsapp.plan(wa_msg("kata " * 700))
    assert plan is not None and whatsapp.requests(wa_msg("x"), plan) == 3
    assert isinstance(whatsapp.send(wa_msg("ignored"), plan), Sent)
    assert len(tw.messages()) == 3 and all("ignored" not in m["Body"] for m in tw.messages())


@pytest.mark.parametrize("ptb_timedelta", ["1", None])
def test_telegram_retry_after_keeps_telegrams_delay(
    telegram: TelegramSender, tg: FakeTelegramAPI, monkeypatch: pytest.MonkeyPatch, ptb_timedelta: str | None
) -> None:
    if ptb_timedelta:
        monkeypatch.setenv("PTB_TIMEDELTA", ptb_timedelta)
    else:
        monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
    tg.fail_next(1, "retry_after", retry_after=17)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # without PTB_TIMEDELTA, PTB 22 warns when building RetryAfter
        result = telegram.send(tg_msg())

    assert result == RetryLater("telegram flood control", after_seconds=17.0)


def test_telegram_flood_limit_hit_by_a_later_part_reports_the_message() -> None:
    """Parts go to one chat back to back; past 1/s per chat the next part gets 429.

    The whole message is then RetryLater, so a retry repeats the first part
    (at-least-once), which is why the dispatcher should pace per chat.
    """
    with FakeTelegramAPI(per_chat_per_second=1) as limited:
        bot_runner = BotRunner(TOKEN, limited.base_url)
        try:
            result = TelegramSender(bot_runner).send(tg_msg("kata " * 1000))  # two parts
        finally:
            bot_runner.close()

        assert result == RetryLater("telegram flood control", after_seconds=1.0)
        assert len(limited.sent_messages()) == 1 and len(limited.calls("sendMessage")) == 2


def test_the_parts_of_a_long_text_keep_the_chats_gap_and_count_as_requests() -> None:
    """Sent with the chat's gap between parts (the loop waits, as the dispatcher's `start` does), both
    parts pass Telegram's one a second to a chat; each part is a request of the account's budget."""
    with FakeTelegramAPI(per_chat_per_second=1) as limited:
        bot_runner = BotRunner(TOKEN, limited.base_url)
        sender = TelegramSender(bot_runner, part_gap=1.02)
        try:
            assert sender.requests(tg_msg("kata " * 1000)) == 2 and sender.requests(tg_msg()) == 1
            result = sender.start(tg_msg("kata " * 1000)).result(timeout=10)
        finally:
            bot_runner.close()

        assert isinstance(result, Sent)
        assert len(limited.sent_messages()) == 2 and len(limited.calls("sendMessage")) == 2  # no 429
        assert limited.max_rate(chat_id=555) == 1


def test_telegram_blocked_user_is_unreachable(telegram: TelegramSender, tg: FakeTelegramAPI) -> None:
    tg.block(555)

    result = telegram.send(tg_msg())

    assert isinstance(result, Failed) and result.unreachable
    assert "blocked" in result.reason


def test_telegram_bad_request_fails_but_is_not_unreachable(telegram: TelegramSender, tg: FakeTelegramAPI) -> None:
    tg.fail_next(1, "bad_request")

    result = telegram.send(tg_msg())

    assert isinstance(result, Failed) and not result.unreachable
    assert "chat not found" in result.reason.lower()


@pytest.mark.parametrize("status", [500, 502])
def test_telegram_server_errors_are_retried(telegram: TelegramSender, tg: FakeTelegramAPI, status: int) -> None:
    tg.fail_next(1, "server_error", status=status)

    result = telegram.send(tg_msg())

    assert isinstance(result, RetryLater) and result.after_seconds is None
    assert telegram.send(tg_msg()) == Sent("1")  # and the next attempt goes through


def test_telegram_timeout_and_connection_refused_are_retried(tg_server: FakeTelegramAPI) -> None:
    tg_server.reset()
    slow = BotRunner(TOKEN, tg_server.base_url, read_timeout=0.1)
    nowhere = BotRunner(TOKEN, f"http://127.0.0.1:{closed_port()}/")
    try:
        assert isinstance(TelegramSender(slow).send(tg_msg()), Sent)  # initialise first
        tg_server.fail_next(1, "slow", delay=0.3)
        timed_out = TelegramSender(slow).send(tg_msg())
        refused = TelegramSender(nowhere).send(tg_msg())
    finally:
        slow.close()
        nowhere.close()

    assert timed_out == RetryLater("telegram timed out")
    assert isinstance(refused, RetryLater) and "network" in refused.reason
    # The timed-out message still arrives: a retry would deliver it twice (at-least-once).
    assert len(tg_server.wait_for(2, timeout=2)) == 2


def test_telegram_wrong_token_is_retried_without_echoing_it() -> None:
    with FakeTelegramAPI(token="999:RIGHT") as fake:
        wrong = BotRunner(TOKEN, fake.base_url)
        try:
            result = TelegramSender(wrong).send(tg_msg())
        finally:
            wrong.close()

    assert isinstance(result, RetryLater)
    assert TOKEN not in result.reason


def test_telegram_rejects_what_it_cannot_address(telegram: TelegramSender, tg: FakeTelegramAPI) -> None:
    assert telegram.send(tg_msg(chat="@posyandu")) == Failed("invalid telegram chat id")
    assert isinstance(telegram.send(wa_msg()), Failed)
    assert telegram.send(tg_msg("   ")) == Failed("empty message text")
    assert tg.calls("sendMessage") == []


def test_runner_serves_many_threads_at_once(telegram: TelegramSender, tg: FakeTelegramAPI) -> None:
    results: list[object] = []
    lock = threading.Lock()

    def send(i: int) -> None:
        result = telegram.send(tg_msg(f"pesan {i}", chat=str(1000 + i)))
        with lock:
            results.append(result)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert len(results) == 40 and all(isinstance(r, Sent) for r in results)
    assert len(tg.wait_for(40, timeout=1)) == 40


def test_runner_restarts_after_close_and_refuses_its_own_thread(tg: FakeTelegramAPI) -> None:
    own = BotRunner(TOKEN, tg.base_url)
    try:
        assert own.run(lambda bot: bot.get_me(), timeout=5).username == "posyandu_test_bot"
        own.close()
        own.close()  # idempotent
        assert own.run(lambda bot: bot.send_message(chat_id=1, text="lagi"), timeout=5).text == "lagi"

        async def nested(bot: object) -> None:
            own.run(lambda b: b.get_me(), timeout=1)

        with pytest.raises(RuntimeError, match="own loop thread"):
            own.run(nested, timeout=5)
    finally:
        own.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_runner_made_before_fork_works_in_the_child(tg: FakeTelegramAPI) -> None:
    """The gunicorn case: the parent used the runner, a worker forks and sends."""
    shared = BotRunner(TOKEN, tg.base_url)
    try:
        assert isinstance(TelegramSender(shared).send(tg_msg("dari induk")), Sent)
        pid = os.fork()
        if pid == 0:  # child: exit with 0 only if the send worked on a fresh loop
            code = 1
            try:
                sent = TelegramSender(shared).send(tg_msg("dari anak"))
                code = 0 if isinstance(sent, Sent) else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    finally:
        shared.close()

    assert os.waitstatus_to_exitcode(status) == 0
    assert [m["text"] for m in tg.sent_messages()] == ["dari induk", "dari anak"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "https://api.telegram.org/bot"),
        ("", "https://api.telegram.org/bot"),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081/bot"),
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"),
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/bot"),
        ("http://127.0.0.1:8081/bot/", "http://127.0.0.1:8081/bot"),
        (" https://tg.example/api/bot ", "https://tg.example/api/bot"),
        ("https://api.telegram.org/bot123:ABC-def", "https://api.telegram.org/bot"),
        ("http://local/{token}/x", "http://local/{token}/x"),
    ],
)
def test_telegram_api_base(raw: str | None, expected: str) -> None:
    assert telegram_api_base(raw) == expected


# -------------------------------------------------------------------- Twilio


def test_whatsapp_plain_text(whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI) -> None:
    result = whatsapp.send(wa_msg())

    recorded = tw.messages()
    assert result == Sent(recorded[0]["Sid"])
    assert recorded == [
        {"To": f"whatsapp:{PHONE}", "From": f"whatsapp:{WA_FROM}", "Body": "Halo Bu Sari", "Sid": recorded[0]["Sid"]}
    ]


def test_whatsapp_choices_become_a_numbered_list(whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI) -> None:
    assert isinstance(whatsapp.send(wa_msg("Mau daftar?", choices=YES_NO)), Sent)

    assert tw.messages()[0]["Body"] == "Mau daftar?\n\n1. Ya\n2. Tidak\n\nBalas dengan angka pilihan."


def test_whatsapp_outside_window_sends_the_content_template(whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI) -> None:
    tw.require_template_for.add(PHONE)
    message = wa_msg(
        "Besok posyandu, Bu Sari", template_key="reminder", template_vars={"1": "Sari", "2": "Sabtu"},
        in_session_window=False, choices=YES_NO,
    )

    assert isinstance(whatsapp.send(message), Sent)

    recorded = tw.messages()[0]
    assert "Body" not in recorded
    assert recorded["ContentSid"] == CONTENT_SID
    assert json.loads(recorded["ContentVariables"]) == {"1": "Sari", "2": "Sabtu"}


def test_whatsapp_inside_window_sends_text_even_with_a_template(
    whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI
) -> None:
    whatsapp.send(wa_msg("Besok posyandu", template_key="reminder", template_vars={"1": "Sari"}))

    assert tw.messages()[0]["Body"] == "Besok posyandu" and "ContentSid" not in tw.messages()[0]


def test_whatsapp_outside_window_without_template_fails_with_63016(
    whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI
) -> None:
    tw.require_template_for.add(PHONE)

    result = whatsapp.send(wa_msg("Siaran", template_key="broadcast", in_session_window=False))

    assert result == Failed("outside 24h window, template needed (63016)")


def test_whatsapp_63016_from_twilio_is_a_failure(whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI) -> None:
    tw.fail_next(1, "outside_window")

    assert whatsapp.send(wa_msg()) == Failed("outside 24h window, template needed (63016)")


@pytest.mark.parametrize(("kind", "status"), [("rate_limit", 500), ("server_error", 500), ("server_error", 503)])
def test_whatsapp_429_and_5xx_are_retried(
    whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI, kind: str, status: int
) -> None:
    tw.fail_next(1, kind, status=status)

    assert isinstance(whatsapp.send(wa_msg()), RetryLater)
    assert isinstance(whatsapp.send(wa_msg()), Sent)


def test_whatsapp_rate_limit_of_the_fake_maps_to_retry_later(
    whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI
) -> None:
    tw.per_second = 1

    assert isinstance(whatsapp.send(wa_msg()), Sent)
    assert whatsapp.send(wa_msg()) == RetryLater("twilio rate limit (20429)")


def test_whatsapp_unsubscribed_is_unreachable(whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI) -> None:
    tw.fail_next(1, "unsubscribed")

    result = whatsapp.send(wa_msg())

    assert isinstance(result, Failed) and result.unreachable and "21610" in result.reason


def test_whatsapp_invalid_number_fails_without_quoting_it(whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI) -> None:
    tw.fail_next(1, "invalid_to")  # Twilio's message quotes the number; our reason must not

    result = whatsapp.send(wa_msg())

    assert result == Failed("invalid 'To' number (21211)")
    assert whatsapp.send(wa_msg(to="0812345")) == Failed("invalid WhatsApp number (not E.164)")
    assert len(tw.requests()) == 1


def test_whatsapp_wrong_credentials_are_retried(tw: FakeTwilioAPI) -> None:
    sender = TwilioWhatsAppSender(tw.account_sid, "wrong-token", WA_FROM, api_url=tw.base_url)

    assert sender.send(wa_msg()) == RetryLater("twilio rejected the account credentials (20003)")
    assert tw.requests() == []


def test_whatsapp_long_body_is_split(whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI) -> None:
    text = "\n".join(f"Baris {i}: " + "x" * 60 for i in range(60))  # ~4,300 characters

    result = whatsapp.send(wa_msg(text, choices=YES_NO))

    bodies = [m["Body"] for m in tw.messages()]
    assert len(bodies) == 3 and all(len(b) <= 1600 for b in bodies)
    assert bodies[-1].endswith(NUMBERED_HINT)
    assert result == Sent(tw.messages()[-1]["Sid"])


def test_whatsapp_connection_problems_are_retried(tw: FakeTwilioAPI) -> None:
    refused = TwilioWhatsAppSender("AC" + "1" * 32, "t", WA_FROM, api_url=f"http://127.0.0.1:{closed_port()}")
    slow = TwilioWhatsAppSender(tw.account_sid, tw.auth_token, WA_FROM, api_url=tw.base_url, timeout=0.1)
    tw.fail_next(1, "slow", delay=0.3)

    assert refused.send(wa_msg()) == RetryLater("twilio connection error: ConnectionError")
    assert slow.send(wa_msg()) == RetryLater("twilio connection error: ReadTimeout")
    assert len(tw.wait_for(1, timeout=2)) == 1  # Twilio still queued the timed-out message


def test_whatsapp_status_callback_and_prefixed_from(tw: FakeTwilioAPI) -> None:
    sender = TwilioWhatsAppSender(
        tw.account_sid, tw.auth_token, f"whatsapp:{WA_FROM}", api_url=tw.base_url + "/",
        status_callback="https://posyandu.example/webhooks/whatsapp/status",
    )

    assert isinstance(sender.send(wa_msg(to=f"whatsapp:{PHONE}")), Sent)

    recorded = tw.messages()[0]
    assert recorded["From"] == f"whatsapp:{WA_FROM}" and recorded["To"] == f"whatsapp:{PHONE}"
    assert recorded["StatusCallback"] == "https://posyandu.example/webhooks/whatsapp/status"


def test_whatsapp_rejects_other_channels_and_empty_text(whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI) -> None:
    assert isinstance(whatsapp.send(tg_msg()), Failed)
    assert whatsapp.send(wa_msg(" ")) == Failed("empty message text")
    assert tw.requests() == []


def test_senders_never_log_numbers_chat_ids_or_bodies(
    whatsapp: TwilioWhatsAppSender, tw: FakeTwilioAPI, telegram: TelegramSender, tg: FakeTelegramAPI,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    tw.fail_next(1, "invalid_to")
    tg.fail_next(1, "bad_request")
    tg.block(987654322)

    whatsapp.send(wa_msg("Rahasia Bu Sari"))
    whatsapp.send(wa_msg("Rahasia Bu Sari"))
    telegram.send(tg_msg("Rahasia Bu Sari", chat="987654321"))
    telegram.send(tg_msg("Rahasia Bu Sari", chat="987654322"))
    telegram.send(tg_msg("Rahasia Bu Sari", chat="987654321"))

    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("sending.", "webhooks.")))
    assert ours.count("outbox") >= 4
    for secret in ("Rahasia", PHONE, PHONE[1:], "987654321", "987654322"):
        assert secret not in ours


# ---------------------------------------------------------- shared helpers


def test_numbered_choices_format() -> None:
    assert numbered_choices("Mau daftar?", YES_NO) == "Mau daftar?\n\n1. Ya\n2. Tidak\n\nBalas dengan angka pilihan."
    assert numbered_choices("Tanpa pilihan", ()) == "Tanpa pilihan"


@pytest.mark.parametrize(
    ("reply", "expected"),
    [("1", "yes"), (" 2 ", "no"), ("2.", "no"), ("2 .", "no"), ("\n1\n", "yes"),
     ("0", None), ("3", None), ("ya", None), ("2 anak", None), ("1,5", None), ("", None), ("-1", None),
     ("²", None)],
)
def test_pick_numbered(reply: str, expected: str | None) -> None:
    picked = pick_numbered(reply, YES_NO)
    assert (picked.value if picked else None) == expected


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.data())
def test_every_number_reads_back_as_its_choice(count: int, data: st.DataObject) -> None:
    choices = tuple(Choice(f"v{i}", f"Pilihan {i}") for i in range(count))
    number = data.draw(st.integers(min_value=1, max_value=count))
    reply = data.draw(st.sampled_from(["{}", " {} ", "{}.", "\t{} .\n"])).format(number)

    assert pick_numbered(reply, choices) == choices[number - 1]
    assert f"\n{number}. Pilihan {number - 1}" in numbered_choices("Pilih", choices)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n\U0001F476é"), max_size=400), st.integers(min_value=2, max_value=50))
def test_split_text_respects_the_limit_and_keeps_every_word(text: str, limit: int) -> None:
    parts = split_text(text, limit)

    assert parts and all(utf16_len(p) <= limit for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
