"""Telegram end to end: PTB-built updates in, the real PTB Bot out to a loopback fake Bot API."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from storage.models import Contact, InboundDelivery, OutboxMessage
from tests.webhooks.conftest import post_tg, tg_press, tg_update


def test_start_reaches_the_fake_bot_api_with_buttons(live, tg):
    rt, client = live
    response = post_tg(client, tg_update(5551, "/start"))
    assert response.status_code == 200
    sent = tg.wait_for(1)
    assert sent[0]["chat_id"] == "5551"
    assert "Pilih bahasa" in sent[0]["text"]
    markup = sent[0]["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    buttons = [row[0] for row in markup["inline_keyboard"]]
    assert [b["text"] for b in buttons] == ["Bahasa Indonesia", "English"]
    assert buttons[1]["callback_data"] == "en"


def test_pressing_a_button_continues_the_conversation(live, tg):
    rt, client = live
    post_tg(client, tg_update(5552, "/start"))
    tg.wait_for(1)
    press = tg_press(5552, "en")
    assert post_tg(client, press).status_code == 200
    sent = tg.wait_for(2)
    assert "How will you use" in sent[1]["text"]
    # the button's spinner is stopped: the press's own query is answered
    assert tg.wait_for_call("answerCallbackQuery")["callback_query_id"] == press["callback_query"]["id"]


def test_redelivered_update_is_handled_once(live, tg, session):
    rt, client = live
    update = tg_update(5553, "/start", update_id=777)
    assert post_tg(client, update).status_code == 200
    assert post_tg(client, update).json["duplicate"] is True
    tg.wait_for(1)
    rt.send_now.shutdown()
    assert len(tg.sent_messages(5553)) == 1
    assert session.scalar(select(func.count()).select_from(InboundDelivery)) == 1


def test_wrong_or_missing_secret_is_refused(live, tg, session):
    rt, client = live
    assert post_tg(client, tg_update(5554), secret="wrong").status_code == 403
    assert post_tg(client, tg_update(5554), secret=None).status_code == 401
    assert session.scalar(select(func.count()).select_from(Contact)) == 0
    assert tg.sent_messages() == []


def test_no_secret_configured_refuses_everything(settings, clock, db_engine):
    from app.wsgi import create_app
    from app.runtime import build_runtime

    rt = build_runtime(settings.with_(telegram_webhook_secret=""), clock=clock, senders={}, engine=db_engine)
    client = create_app(runtime=rt).test_client()
    assert post_tg(client, tg_update(1), secret="anything").status_code == 403


def test_junk_gets_4xx_never_5xx(live, session):
    rt, client = live
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
    for body in (b"", b"not json", b"[]", b'{"update_id": "x"}', b'{"update_id": 1, "message": {"chat": 5}}'):
        response = client.post("/webhooks/telegram", data=body, headers={**headers, "Content-Type": "application/json"})
        assert 400 <= response.status_code < 500, body
    assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_group_chats_are_ignored_silently(live, tg, session):
    rt, client = live
    response = post_tg(client, tg_update(-100123, "/start", chat_type="supergroup"))
    assert response.status_code == 200 and response.json["ignored"] is True
    assert session.scalar(select(func.count()).select_from(Contact)) == 0
    assert session.scalar(select(func.count()).select_from(InboundDelivery)) == 0


def test_edits_are_ignored(live, session):
    rt, client = live
    assert post_tg(client, tg_update(5555, "halo", edited=True)).json["ignored"] is True
    assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_sticker_gets_a_kind_text_only_answer(live, tg):
    rt, client = live
    assert post_tg(client, tg_update(5556, sticker=True)).status_code == 200
    assert "hanya bisa membaca pesan teks" in tg.wait_for(1)[0]["text"]


def test_very_long_and_foreign_text_gets_a_kind_answer(live, tg):
    rt, client = live
    post_tg(client, tg_update(5557, "x" * 5000))
    assert "terlalu panjang" in tg.wait_for(1)[0]["text"]
    post_tg(client, tg_update(5557, "مرحبا /unknown"))
    assert "Pilih bahasa" in tg.wait_for(2)[1]["text"]  # a newcomer's first words are greeted


def test_a_failed_send_stays_in_the_outbox_and_the_dispatcher_retries(live, tg, session, clock):
    rt, client = live
    tg.fail_next(1, "server_error")
    post_tg(client, tg_update(5558, "/start"))
    rt.send_now.shutdown()  # wait for the send-now attempt
    session.expire_all()
    row = session.scalars(select(OutboxMessage)).one()
    assert row.status == "pending" and row.attempts == 1
    clock.current = row.next_attempt_at
    assert rt.dispatcher.run_once().sent == 1
    assert "Pilih bahasa" in tg.sent_messages(5558)[0]["text"]


def test_set_webhook_command_uses_the_secret(live, tg):
    rt, client = live
    from app.wsgi import create_app

    app = create_app(runtime=rt)
    result = app.test_cli_runner().invoke(args=["telegram", "set-webhook"])
    assert result.exit_code == 0, result.output
    params = tg.calls("setWebhook")[0][1]
    assert params["url"] == "https://posyandu.example.org/webhooks/telegram"
    assert params["secret_token"] == "s3cret-token"


def test_polling_mode_feeds_the_same_engine(live, tg):
    from webhooks.telegram_poll import poll

    rt, client = live
    tg.push_text(5559, "/start")
    assert poll(rt, once=True) == 1
    assert "Pilih bahasa" in tg.wait_for(1)[0]["text"]
