"""The WhatsApp side of sending: Twilio's Messages API through the real twilio `Client`.

WhatsApp (as we use it through Twilio) has no buttons, so choices become a
numbered list the core reads back with `bot.choices.pick_numbered`. Outside
the 24-hour customer-service window a free-form body is refused (63016), so
reminders and broadcasts carry a `template_key` that maps to an approved
Content template, sent as `ContentSid` + `ContentVariables` with no `Body`.

Error sorting follows nyaruka/courier's twiml handler: connection errors,
5xx and 429 are retried; 21610 (the person sent STOP) means unreachable;
any other Twilio error code fails the message with a reason.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.choices import WHATSAPP_BODY_LENGTH, whatsapp_bodies
from bot.messages import Attachment, Channel, Outbound
from bot.ports import Failed, RetryLater, SendResult, Sent
from bot.privacy import pseudonym

__all__ = ["MAX_BODY_LENGTH", "TwilioWhatsAppSender", "sort_twilio_error", "whatsapp_address", "whatsapp_bodies"]

log = logging.getLogger(__name__)

MAX_CAPTION_LENGTH = 1024  # WhatsApp's caption of a picture or a document
MAX_BODY_LENGTH = WHATSAPP_BODY_LENGTH  # Twilio's limit for one message body (error 21617 past it)

_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")

# Reasons for codes a kader or admin may see; never Twilio's own message, which can quote the number.
_REASONS: dict[int, str] = {
    21211: "invalid 'To' number",
    21408: "sending to this region is not enabled",
    21606: "'From' number cannot send on this account",
    21614: "'To' is not a valid mobile number",
    21617: "message body too long",
    21655: "invalid Content SID",
    21656: "invalid content variables",
    21910: "'From' and 'To' are on different channels",
    63007: "WhatsApp sender not found for 'From'",
}


def whatsapp_address(number: str) -> str | None:
    """`+62812...` (or `whatsapp:+62812...`) -> `whatsapp:+62812...`; None if not E.164.

    No guessing of country codes here: the webhook and contact import
    normalise numbers with phonenumbers before they reach the outbox.
    """
    bare = number.strip()
    if bare.startswith("whatsapp:"):
        bare = bare[len("whatsapp:"):]
    bare = bare.replace(" ", "")
    return f"whatsapp:{bare}" if _E164.match(bare) else None


def sort_twilio_error(status: int | None, code: int | None) -> SendResult:
    """Map a Twilio error (HTTP status, Twilio code) to a send result.

    Credentials Twilio rejects (401/20003) are retried, not failed: the fix
    is in configuration and the message itself is fine.
    """
    if status == 429 or code == 20429:
        return RetryLater("twilio rate limit (20429)")
    if status is None or status >= 500:
        return RetryLater(f"twilio server error (HTTP {status})")
    if code == 21610:
        return Failed("recipient unsubscribed, sent STOP (21610)", unreachable=True)
    if code == 63016:
        return Failed("outside 24h window, template needed (63016)")
    if status == 401 or code == 20003:
        return RetryLater("twilio rejected the account credentials (20003)")
    if code in _REASONS:
        return Failed(f"{_REASONS[code]} ({code})")
    return Failed(f"twilio error {code} (HTTP {status})")


class TwilioWhatsAppSender:
    """`Sender` for WhatsApp via Twilio. Never raises.

    Args:
        account_sid, auth_token: Twilio credentials (HTTP basic auth).
        from_number: Our WhatsApp sender, `+1415...` or `whatsapp:+1415...`.
        api_url: Replaces https://api.twilio.com (tests: the loopback fake).
        content_sids: `Outbound.template_key` -> approved Content SID (`HX...`).
        status_callback: URL Twilio posts delivery statuses to (optional).
        timeout: Seconds per HTTP request; twilio's default is to wait forever.

    Long bodies go out in several messages; `Sent.provider_message_id` is the
    last part's MessageSid. A failure after the first part reports the whole
    message, so a retry may repeat earlier parts (at-least-once).
    """

    channel = Channel.WHATSAPP

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_url: str | None = None,
        content_sids: Mapping[str, str] | None = None,
        *,
        status_callback: str | None = None,
        timeout: float = 10.0,
        media_url: Callable[[Attachment], str] | None = None,
    ) -> None:
        sender = whatsapp_address(from_number)
        if sender is None:
            raise ValueError("TWILIO_WHATSAPP_FROM must be an E.164 number like +14155238886")
        self._from = sender
        self._content_sids = dict(content_sids or {})
        self._status_callback = status_callback
        self._media_url = media_url
        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        if api_url:
            # The Api domain builds every URL from base_url. Edge/region (possibly from
            # TWILIO_EDGE / TWILIO_REGION) would rewrite the host, so they must stay unset.
            self.client.api.base_url = api_url.rstrip("/")
            self.client.edge = None
            self.client.region = None

    def send(self, message: Outbound, plan: list[dict[str, Any]] | None = None) -> SendResult:
        """`plan`: the message's `plan` (its create() calls), made when the dispatcher counted it."""
        who = pseudonym(message.address)
        if message.channel is not Channel.WHATSAPP:
            return Failed(f"not a whatsapp message: {message.channel.value}")
        to = whatsapp_address(message.address)
        if to is None:
            log.warning("whatsapp outbox %s: address %s is not E.164", message.id, who)
            return Failed("invalid WhatsApp number (not E.164)")
        if (message.attachment is None and not message.in_session_window and message.template_key
                and not self._content_sids.get(message.template_key)):
            # WhatsApp refuses free text outside the window (63016): never try it (the start-up log said so)
            log.info("whatsapp outbox %s: no Content SID for %r outside the 24h window; not sent",
                     message.id, message.template_key)
            return Failed("outside 24h window, template needed (63016)")
        requests_ = self._requests(message) if plan is None else plan
        if not requests_:
            return Failed("no media URL for the attachment" if message.attachment else "empty message text")
        sid: str | None = None
        for index, fields in enumerate(requests_):
            result = self._create(to, fields)
            if not isinstance(result, str):
                log.warning(
                    "whatsapp outbox %s to %s part %d/%d: %s",
                    message.id, who, index + 1, len(requests_), getattr(result, "reason", result),
                )
                return result
            sid = result
        log.debug("whatsapp outbox %s to %s sent in %d part(s)", message.id, who, len(requests_))
        return Sent(sid)

    def requests(self, message: Outbound, plan: list[dict[str, Any]] | None = None) -> int:
        """Messages Twilio is asked to create for this one (a body past 1600 characters goes in parts):
        the dispatcher takes as many of the sender's slots."""
        if message.attachment is not None:  # one create (counted without the media checks and their log)
            return 1
        return max(1, len(self._requests(message) if plan is None else plan))

    def plan(self, message: Outbound) -> list[dict[str, Any]] | None:
        """The create() calls of a text message, rendered once (the dispatcher keeps them on the job and
        hands them back to `send`); None for a media message (its URL is checked when it goes)."""
        return None if message.attachment is not None else self._requests(message)

    def _requests(self, message: Outbound) -> list[dict[str, Any]]:
        """The create() keyword sets for this message: one template, a media message, or text parts."""
        if message.attachment is not None:
            return self._media_request(message)
        if not message.in_session_window and message.template_key:
            content_sid = self._content_sids.get(message.template_key)
            if content_sid:
                return [{"content_sid": content_sid, "content_variables": json.dumps(message.template_vars)}]
        return [{"body": part} for part in whatsapp_bodies(message.text, message.choices, message.language)]

    def _media_request(self, message: Outbound) -> list[dict[str, Any]]:
        """A picture or a document with its caption as the body (WhatsApp shows a caption under both, up to
        1,024 characters): the recap's workbook never arrives as a bare file nobody can place."""
        attachment = message.attachment
        assert attachment is not None
        if self._media_url is None or attachment.media_id is None:
            log.warning("whatsapp outbox %s: no public media URL, the attachment cannot go", message.id)
            return []
        fields: dict[str, Any] = {"media_url": [self._media_url(attachment)]}
        if message.text.strip():
            fields["body"] = message.text[:MAX_CAPTION_LENGTH]
        return [fields]

    def _create(self, to: str, fields: dict[str, Any]) -> str | SendResult:
        """One messages.create call: its MessageSid, or the sorted failure."""
        if self._status_callback:
            fields = dict(fields, status_callback=self._status_callback)
        try:
            created = self.client.messages.create(to=to, from_=self._from, **fields)
        except (TwilioRestException, TwilioServiceException) as exc:
            return sort_twilio_error(_int_or_none(exc.status), _int_or_none(exc.code))
        except requests.RequestException as exc:  # refused, reset, timed out
            return RetryLater(f"twilio connection error: {type(exc).__name__}")
        except Exception as exc:  # noqa: BLE001 - a sender sorts errors, never raises
            return RetryLater(f"unexpected {type(exc).__name__}")
        return str(created.sid)


def _int_or_none(value: str | int | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
