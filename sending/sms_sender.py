"""SMS through Twilio: a short one-way notice to a family whose number is not on WhatsApp (63003).

Why short and plain: in Indonesia SMS is one-way through Twilio (no replies), 160 GSM-7 characters per
segment, and sent under a registered sender ID (data-out.md §4.5). The notice says what is due and to
reply on WhatsApp or ask the kader; anything that is not GSM-7 (emoji, accents) is dropped.
"""
from __future__ import annotations

import logging
import re
import unicodedata

from bot.messages import Channel, Outbound
from bot.ports import Failed, SendResult, Sent
from bot.privacy import pseudonym
from sending.whatsapp_sender import TwilioWhatsAppSender

log = logging.getLogger(__name__)

SMS_LIMIT = 160  # one GSM-7 segment
_GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
            "abcdefghijklmnopqrstuvwxyzäöñüà")
SUFFIX = {"id": " Balas di WhatsApp atau tanya kader.", "en": " Reply on WhatsApp or ask the kader."}
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def gsm7(text: str) -> str:
    """`text` in the GSM-7 alphabet: accents folded, everything else (emoji, symbols) dropped, one line."""
    text = re.sub(r"\s+", " ", text).replace("·", "-").replace("—", "-").replace("–", "-")
    kept = "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch in _GSM7 or ch == " ")
    return re.sub(r"\s+", " ", kept).strip()


def sms_text(message: Outbound, language: str = "id") -> str:
    """The notice: the template's variables when there are (posyandu, date, what is due), else the text."""
    source = " - ".join(v for _, v in sorted(message.template_vars.items())) if message.template_vars \
        else message.text
    suffix = SUFFIX.get(language, SUFFIX["id"])
    body = gsm7(source)
    room = SMS_LIMIT - len(suffix)
    if len(body) > room:
        body = body[:room - 3].rstrip() + "..."
    return body + suffix


class TwilioSmsSender(TwilioWhatsAppSender):
    """`Sender` for SMS via Twilio (`TWILIO_SMS_FROM`); the same client, error sorting and status callbacks."""

    channel = Channel.SMS

    def __init__(self, account_sid: str, auth_token: str, from_number: str, api_url: str | None = None, *,
                 status_callback: str | None = None, timeout: float = 10.0) -> None:
        sender = from_number.strip().replace(" ", "")
        if not (_E164.match(sender) or re.fullmatch(r"[A-Za-z0-9 ]{1,11}", sender)):
            raise ValueError("TWILIO_SMS_FROM must be an E.164 number or a registered alphanumeric sender ID")
        super().__init__(account_sid, auth_token, "+10000000000", api_url, status_callback=status_callback,
                         timeout=timeout)
        self._from = sender

    def plan(self, message: Outbound) -> None:
        """Nothing to keep: an SMS notice is one create, cut to one message (`sms_text`)."""
        return None

    def requests(self, message: Outbound, plan: object = None) -> int:
        return 1

    def send(self, message: Outbound, plan: object = None) -> SendResult:
        if message.channel is not Channel.SMS:
            return Failed(f"not an sms message: {message.channel.value}")
        to = message.address.strip()
        if not _E164.match(to):
            log.warning("sms outbox %s: address %s is not E.164", message.id, pseudonym(to))
            return Failed("invalid SMS number (not E.164)")
        result = self._create(to, {"body": sms_text(message)})
        return Sent(result) if isinstance(result, str) else result
