"""Live channel fixtures: the real PTB Bot and twilio Client pointed at loopback fakes."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

import pytest
from telegram import CallbackQuery, Chat, Message, Sticker, Update, User
from twilio.request_validator import RequestValidator

from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import FakeTwilioAPI

SECRET = "s3cret-token"
AUTH = "twilio-auth-token"
SID = "AC" + "0" * 32
PUBLIC = "https://posyandu.example.org"
_ids = itertools.count(1000)


@pytest.fixture
def tg():
    with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
def tw():
    with FakeTwilioAPI(account_sid=SID, auth_token=AUTH) as fake:
        yield fake


@pytest.fixture
def live(settings, clock, db_engine, tg, tw):  # type: ignore[no-untyped-def]
    """A runtime whose senders are the real ones, talking to the fakes; replies sent right after commit."""
    from app.wsgi import create_app
    from app.runtime import build_runtime

    live_settings = settings.with_(telegram_token="123456:TEST", telegram_api_url=tg.base_url,
                                   twilio_api_url=tw.base_url, send_now=True)
    rt = build_runtime(live_settings, clock=clock, engine=db_engine)
    app = create_app(runtime=rt)
    yield rt, app.test_client()
    rt.send_now.shutdown()
    rt.dispatcher.close()
    rt.telegram_runner.close()


def tg_update(chat_id: int = 5551, text: str | None = "/start", *, chat_type: str = "private",
              update_id: int | None = None, sticker: bool = False, edited: bool = False) -> dict:
    """A Telegram update built with python-telegram-bot's own classes, as Telegram would post it."""
    user = User(chat_id, "Sari", False, language_code="id")
    kwargs = {}
    if sticker:
        kwargs["sticker"] = Sticker("file", "uniq", 512, 512, False, False, Sticker.REGULAR)
    message = Message(next(_ids), datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc), Chat(chat_id, chat_type),
                      from_user=user, text=None if sticker else text, **kwargs)
    uid = update_id if update_id is not None else next(_ids)
    if edited:
        return Update(uid, edited_message=message).to_dict()
    return Update(uid, message=message).to_dict()


def tg_press(chat_id: int, data: str, update_id: int | None = None) -> dict:
    user = User(chat_id, "Sari", False)
    message = Message(next(_ids), datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc), Chat(chat_id, "private"),
                      from_user=User(1, "bot", True), text="?")
    query = CallbackQuery(str(next(_ids)), user, "instance", message=message, data=data)
    return Update(update_id if update_id is not None else next(_ids), callback_query=query).to_dict()


def post_tg(client, update: dict, secret: str | None = SECRET):  # type: ignore[no-untyped-def]
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post("/webhooks/telegram", json=update, headers=headers)


def wa_form(body: str, number: str = "+6281234567890", sid: str | None = None, **extra: str) -> dict:
    return {"MessageSid": sid or f"SM{next(_ids):032d}", "AccountSid": SID, "From": f"whatsapp:{number}",
            "To": "whatsapp:+14155238886", "Body": body, "NumMedia": "0", "ProfileName": "Sari", **extra}


def post_wa(client, form: dict, path: str = "/webhooks/whatsapp", token: str = AUTH):  # type: ignore[no-untyped-def]
    signature = RequestValidator(token).compute_signature(PUBLIC + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})
