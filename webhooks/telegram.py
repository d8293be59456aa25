"""POST /webhooks/telegram: verify the secret header, parse with PTB, handle each update once.

Telegram retries any non-2xx answer, so everything that is not a forgery or
junk gets a fast 200, duplicates and group chats included.
"""
from __future__ import annotations

import hmac
import logging
import threading

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from telegram import Update

from bot.messages import Channel, Inbound, InboundKind
from bot.intake import process
from webhooks.context import BotRunning, runtime as current_runtime

log = logging.getLogger(__name__)
blueprint = Blueprint("telegram", __name__)

# A message's media field -> the kind of thing it is (`bot.messages.MEDIA_TYPES`); the first present wins
# (a venue carries a location too; "" for what has no kinder answer than "text only").
MEDIA_FIELDS = {"venue": "location", "location": "location", "voice": "audio", "audio": "audio",
                "video_note": "video", "video": "video", "animation": "video", "sticker": "sticker",
                "photo": "image", "contact": "contact", "document": "document", "poll": "", "dice": ""}


def to_inbound(update: Update) -> Inbound | None:
    """A channel-neutral message, or None for what we ignore (groups, edits, service messages)."""
    provider_id = str(update.update_id)
    if update.callback_query is not None:
        query = update.callback_query
        chat = query.message.chat if query.message is not None else None
        if chat is not None and chat.type != "private":
            return None
        address = str(chat.id if chat is not None else query.from_user.id)
        return Inbound(Channel.TELEGRAM, address, (query.data or "")[:64], InboundKind.CHOICE, provider_id,
                       query.from_user.first_name)
    message = update.message
    if message is None or message.chat.type != "private":
        return None  # edits, channel posts, group chats: not a conversation with us
    name = message.from_user.first_name if message.from_user else None
    if message.text is not None:
        return Inbound(Channel.TELEGRAM, str(message.chat.id), message.text, InboundKind.TEXT, provider_id, name)
    shared = message.contact
    if shared is not None and message.from_user is not None and shared.user_id == message.from_user.id:
        # the person's own number, from the request_contact button: Telegram vouches for it (a forwarded
        # card of someone else has another user_id, or none, and is only media)
        return Inbound(Channel.TELEGRAM, str(message.chat.id), shared.phone_number, InboundKind.CONTACT,
                       provider_id, name)
    for field, media in MEDIA_FIELDS.items():
        if getattr(message, field, None):
            return Inbound(Channel.TELEGRAM, str(message.chat.id), "", InboundKind.MEDIA, provider_id, name,
                           media=media)
    return None


@blueprint.post("/webhooks/telegram")
def telegram_webhook() -> ResponseReturnValue:
    runtime = current_runtime()
    secret = runtime.settings.telegram_webhook_secret
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret:
        return {"ok": False, "error": "telegram webhook not configured"}, 403
    if not given:
        return {"ok": False, "error": "missing secret token"}, 401
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return {"ok": False, "error": "bad secret token"}, 403
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return {"ok": False, "error": "not a Telegram update"}, 400
    try:
        update = Update.de_json(data, None)
    except Exception:
        return {"ok": False, "error": "malformed update"}, 400
    inbound = to_inbound(update)
    if inbound is None:
        return {"ok": True, "ignored": True}
    handled = process(runtime, inbound)
    if update.callback_query is not None and runtime.telegram_runner is not None and not handled.duplicate:
        answer_callback(runtime.telegram_runner, update.callback_query.id)
    return {"ok": True, "duplicate": handled.duplicate}


def answer_callback(runner: BotRunning, query_id: str) -> None:
    """Stop the button's spinner; best effort, off the request path."""

    def call() -> None:
        try:
            runner.run(lambda bot: bot.answer_callback_query(query_id), timeout=10)
        except Exception:
            log.debug("answer_callback_query failed", exc_info=True)

    threading.Thread(target=call, name="answer-callback", daemon=True).start()
