"""How many whole entries of a list fit one message on the reader's channel.

Why: WhatsApp (through Twilio) carries 1,600 characters a message and Telegram 4,096. A list longer than
that was cut by the sender, and the cut could leave the question or the footer alone in a second message.
A list the person chooses from is paged instead: each page is whole entries and fits one message with its
numbered choices and footer, and the person asks for the next page (`lagi` / `more`). The senders still cut
any other long text in whole entries (`bot.choices.split_text`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.choices import numbered_choices, utf16_len
from bot.messages import Channel, Choice

# One message's length on each channel, in UTF-16 code units (Twilio error 21617; Telegram's 4,096).
MESSAGE_LIMITS: dict[str, int] = {Channel.WHATSAPP.value: 1600, Channel.TELEGRAM.value: 4096}


def message_length(channel: str, lang: str | None, text: str, offered: Sequence[Choice]) -> int:
    """The length the channel counts: on WhatsApp the choices go in the text as a numbered list."""
    if channel == Channel.WHATSAPP.value:
        return utf16_len(numbered_choices(text, offered, lang=lang))
    return utf16_len(text)


def fitting(channel: str, lang: str | None, most: int,
            page: Callable[[int], tuple[str, Sequence[Choice]]]) -> int:
    """The largest count from 1 to `most` whose page (`page(count)` -> text and choices) fits one message
    on `channel`; 1 when even one entry does not (the sender then cuts that one message in whole lines)."""
    limit = MESSAGE_LIMITS.get(channel)
    if limit is None:
        return max(most, 1)
    for count in range(most, 0, -1):
        text, offered = page(count)
        if message_length(channel, lang, text, offered) <= limit:
            return count
    return 1
