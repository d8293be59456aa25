"""Media the app serves to WhatsApp: a growth chart or a recap file behind a signed, expiring link.

Why a link: Twilio sends media by URL (`MediaUrl`) and fetches it itself
(GET and HEAD, checking the Content-Type). The link carries only the media
id, signed with itsdangerous and stamped with our clock; a forged or expired
link gets 403 and shows nothing. The bytes are drawn on the first fetch from
the stored spec and kept, so Twilio's HEAD then GET draw once.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Any

from flask import Blueprint, Response, abort
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from bot.config import Settings
from bot.messages import Attachment
from bot.ports import Clock
from storage.db import transaction
from storage.media import media_file
from webhooks.context import runtime

log = logging.getLogger(__name__)

blueprint = Blueprint("media", __name__)
SALT = "media-link"


def media_secret(settings: Settings) -> str:
    """MEDIA_SECRET, else a key derived from the deployment's other secrets (set MEDIA_SECRET in production)."""
    if settings.media_secret:
        return settings.media_secret
    seed = f"media:{settings.twilio_auth_token}:{settings.telegram_webhook_secret}:{settings.log_hash_salt}"
    return hashlib.sha256(seed.encode()).hexdigest()


def _serializer(settings: Settings, clock: Clock) -> URLSafeTimedSerializer:
    class ClockSigner(TimestampSigner):
        """Timestamps from the injected clock, so expiry is tested without sleeping."""

        def get_timestamp(self) -> int:
            return int(clock.now().timestamp())

    return URLSafeTimedSerializer(media_secret(settings), salt=SALT, signer=ClockSigner)


def media_link(settings: Settings, clock: Clock, attachment: Attachment) -> str:
    """The public URL of a stored attachment, valid for `media_link_minutes`."""
    if attachment.media_id is None:
        raise ValueError("the attachment is not stored yet")
    token = _serializer(settings, clock).dumps(attachment.media_id)
    return f"{settings.public_url.rstrip('/')}/media/{token}"


def read_link(settings: Settings, clock: Clock, token: str) -> int | None:
    """The media id of a valid, unexpired link; None for anything else."""
    try:
        value: Any = _serializer(settings, clock).loads(token, max_age=settings.media_link_minutes * 60)
    except BadSignature:  # also SignatureExpired
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@blueprint.get("/media/<token>")
def serve(token: str) -> Response:
    rt = runtime()
    media_id = read_link(rt.settings, rt.clock, token)
    if media_id is None:
        abort(403)
    with transaction(rt.session_factory) as session:
        row = media_file(session, media_id)
        if row is None or (row.content is None and not row.spec):  # unknown, or forgotten after delivery
            abort(404)
        content, filename = row.content, row.filename
        mime = Attachment(row.kind, row.filename).mime
        if content is None:
            from bot.media import materialise

            content = row.content = materialise(dict(row.spec or {}))
    response = Response(content, mimetype=mime)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
