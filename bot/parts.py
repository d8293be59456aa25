"""How one message is cut into provider requests: each part becomes an outbox row of its own.

Why apart: the chat's replies (`bot.service`) and the notices (`bot.notices`)
are cut the same way, and neither should import the other.
"""
from __future__ import annotations

from typing import Sequence

from bot.choices import numbered_choices, split_text, utf16_len
from bot.messages import Channel, Choice

# One provider request's text, in UTF-16 units: Telegram's sendMessage, Twilio's WhatsApp body. A longer
# text is written as several outbox rows (`message_parts`), each sent, leased and retried alone; SMS and
# the terminal are not cut here (Twilio joins an SMS's segments; the terminal has no limit).
PART_LIMITS = {Channel.TELEGRAM.value: 4096, Channel.WHATSAPP.value: 1600}


def message_parts(channel: str, text: str, choices: Sequence[Choice] = ()) -> list[str]:
    """The texts one message is written as: itself when it fits one request, else whole entries cut as
    the senders cut them (`bot.choices.split_text`), with room on the last part for the choices should
    the channel number them into the text (WhatsApp always, Telegram when a value is too long for a button)."""
    limit = PART_LIMITS.get(channel)
    if limit is None or utf16_len(text) <= limit:
        return [text]
    room = max(utf16_len(numbered_choices("", choices, lang=lang)) for lang in ("id", "en")) if choices else 0
    return split_text(text, limit - room - 2) or [text]
