"""POST /webhooks/whatsapp (+ /status): Twilio's signature on the public URL, each MessageSid once.

Replies go through the outbox and twilio's Client (or inline as TwiML when
TWILIO_REPLY_INLINE is set). Status callbacks update the outbox row.
"""
from __future__ import annotations

import logging
from typing import Mapping

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.messages import Channel, Inbound, InboundKind
from storage.db import transaction
from storage.phones import normalise_phone
from storage.delivery import record_status
from bot.intake import process
from webhooks.context import ChannelRuntime, runtime as current_runtime

log = logging.getLogger(__name__)
blueprint = Blueprint("whatsapp", __name__)


def public_url(base: str) -> str:
    """The URL Twilio signed: PUBLIC_URL + this request's path and query (works behind a proxy)."""
    path = request.full_path if request.query_string else request.path
    return base.rstrip("/") + path


def verified() -> bool:
    runtime = current_runtime()
    token = runtime.settings.twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    return RequestValidator(token).validate(public_url(runtime.settings.public_url), request.form, signature)


def whatsapp_address(value: str) -> str | None:
    """`whatsapp:+62812...` -> `+62812...` (E.164), or None when it is no phone number."""
    return normalise_phone(value.removeprefix("whatsapp:"), strict=False)


def media_type(form: Mapping[str, str]) -> str:
    """What a WhatsApp message carries besides text, in `bot.messages.MEDIA_TYPES`' words; "" for none.

    Twilio posts a shared location as `Latitude`/`Longitude` (with `Address`/`Label` for a place) and no
    media; a picture, sticker (image/webp), voice note, video, contact card (text/vcard) or document as
    `NumMedia` with `MediaContentType0`.
    """
    if form.get("Latitude") or form.get("Longitude"):
        return "location"
    try:
        count = int(form.get("NumMedia", "0") or 0)
    except ValueError:
        count = 0
    if not count:
        return ""
    mime = (form.get("MediaContentType0") or "").lower()
    if mime == "image/webp":
        return "sticker"
    if mime in ("text/vcard", "text/x-vcard"):
        return "contact"
    for prefix, kind in (("image/", "image"), ("audio/", "audio"), ("video/", "video")):
        if mime.startswith(prefix):
            return kind
    return "document"


def twiml(texts: list[str] | None = None) -> Response:
    response = MessagingResponse()
    for text in texts or []:
        response.message(text)
    return Response(str(response), mimetype="application/xml")


@blueprint.post("/webhooks/whatsapp")
def whatsapp_webhook() -> ResponseReturnValue:
    if not verified():
        return {"ok": False, "error": "bad signature"}, 403
    runtime = current_runtime()
    form = request.form
    sid = form.get("MessageSid") or form.get("SmsMessageSid")
    address = whatsapp_address(form.get("From", ""))
    if not sid or address is None:
        return {"ok": False, "error": "not a WhatsApp message"}, 400
    body = form.get("Body", "")
    media = media_type(form)
    kind = InboundKind.MEDIA if media and not body.strip() else InboundKind.TEXT
    if form.get("ButtonPayload"):
        body, kind = form["ButtonPayload"], InboundKind.CHOICE
    inbound = Inbound(Channel.WHATSAPP, address, body, kind, sid, form.get("ProfileName"),
                      media=media if kind is InboundKind.MEDIA else "")
    handled = process(runtime, inbound, send=not runtime.settings.twilio_reply_inline)
    if runtime.settings.twilio_reply_inline and handled.outbox_ids:
        return twiml(inline_replies(runtime, handled.outbox_ids))
    return twiml()


def inline_replies(runtime: ChannelRuntime, ids: list[int]) -> list[str]:
    """Mark the replies as sent inline and return their texts (choices numbered).

    A reply with a picture or file stays in the outbox: TwiML carries no media of
    ours, so the dispatcher sends it (after these texts) through the signed link.
    """
    from bot.messages import Choice
    from storage.media import attachments_for
    from storage.models import Contact, OutboxMessage
    from storage.outbox_types import OutboxStatus
    from bot.choices import whatsapp_bodies

    texts = []
    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        with_media = attachments_for(session, ids)
        for row in session.query(OutboxMessage).filter(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id):
            if row.channel != Channel.WHATSAPP.value or row.status != OutboxStatus.PENDING or row.id in with_media:
                continue
            choices = tuple(Choice(str(v), str(label)) for v, label in row.choices or [])
            contact = session.get(Contact, row.contact_id) if row.contact_id else None
            texts.extend(whatsapp_bodies(row.text, choices, contact.language if contact else None))
            row.status, row.sent_at, row.provider_status = OutboxStatus.SENT, now, "inline"
    return texts


@blueprint.post("/webhooks/whatsapp/status")
def whatsapp_status() -> ResponseReturnValue:
    if not verified():
        return {"ok": False, "error": "bad signature"}, 403
    runtime = current_runtime()
    sid = request.form.get("MessageSid")
    status = request.form.get("MessageStatus") or request.form.get("SmsStatus")
    if not sid or not status:
        return {"ok": False, "error": "not a status callback"}, 400
    error = request.form.get("ErrorCode")
    with transaction(runtime.session_factory) as session:
        found = record_status(session, sid, status, error, runtime.clock.now(),
                              runtime.settings.pause_after_failure_days, runtime.settings.sms_enabled)
    return {"ok": True, "found": found}
