"""Choices as plain text, and text cut to a channel's length limit.

WhatsApp (through Twilio) has no buttons here, and Telegram cannot carry a
button whose value is longer than 64 bytes, so both channels and the core
need the same numbered-list rendering and the same way of reading "2" back
as the second choice. Keeping it here, pure, means the reply parser and the
senders can never disagree about what "2" means.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from bot.messages import Choice

# Indonesian user-facing text. TODO(texts): move to the `bot/texts.py`
# catalogue (key `choices.numbered_hint`) once it exists.
NUMBERED_HINT = "Balas dengan angka pilihan."

_NUMBER_REPLY = re.compile(r"\s*([0-9]{1,3})\s*\.?\s*")


def numbered_choices(
    text: str, choices: Sequence[Choice], hint: str = NUMBERED_HINT
) -> str:
    """Append the choices as "1. Ya" lines plus a hint, for channels without buttons.

    Args:
        text: The question.
        choices: Options in display order; numbering starts at 1.
        hint: One line telling the person to answer with a number.

    Returns:
        `text` unchanged when there are no choices, else text, a blank line,
        the numbered lines, a blank line and the hint.
    """
    if not choices:
        return text
    lines = "\n".join(f"{i}. {choice.label}" for i, choice in enumerate(choices, 1))
    body = f"{text.rstrip()}\n\n{lines}" if text.strip() else lines
    return f"{body}\n\n{hint}" if hint else body


def pick_numbered(reply_text: str, choices: Sequence[Choice]) -> Choice | None:
    """Read a reply such as "2", " 2 " or "2." as the second choice.

    Only a bare number (ASCII digits, an optional trailing dot, surrounding
    spaces) counts, so "2 anak" or "ya" stay free text for the flow's own
    parser. Numbers outside 1..len(choices) give None.
    """
    match = _NUMBER_REPLY.fullmatch(reply_text)
    if match is None:
        return None
    index = int(match.group(1))
    if 1 <= index <= len(choices):
        return choices[index - 1]
    return None


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: how Telegram counts its 4096 limit (emoji count 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, *, utf16: bool = True) -> list[str]:
    """Cut `text` into parts no longer than `limit`, preferring natural breaks.

    Breaks at the last blank line, else newline, else space inside the
    window; only a single unbroken run longer than `limit` is cut mid-word.
    Breaking whitespace is dropped, so joining the parts with a newline reads
    like the original. Measured in UTF-16 code units by default (Telegram's
    and Twilio's unit) so emoji never push a part over the limit.

    Returns:
        At least one part (the text itself when it fits, even if empty).
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    measure = utf16_len if utf16 else len
    if measure(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while measure(rest) > limit:
        window = _longest_prefix(rest, limit, measure)
        cut = _break_point(window)
        if cut <= 0:
            head, rest = window, rest[len(window):]
        else:
            head, rest = rest[:cut], rest[cut:]
        head = head.rstrip()
        rest = rest.lstrip("\n ")
        if head:
            parts.append(head)
    if rest:
        parts.append(rest)
    return parts or [""]


def _longest_prefix(text: str, limit: int, measure: Callable[[str], int]) -> str:
    """The longest prefix of `text` whose measure fits `limit`, never splitting a surrogate pair."""
    if measure is len:
        return text[:limit]
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:i]
    return text


def _break_point(window: str) -> int:
    """Where to cut inside `window`: after a paragraph, a line or a word, in that order."""
    floor = len(window) // 2  # do not make tiny parts just to keep a paragraph whole
    for minimum in (floor, 0):
        for sep in ("\n\n", "\n", " "):
            at = window.rfind(sep)
            if at > minimum:
                return at
    return 0


def keyword(text: str) -> str:
    """The form commands and labels are compared in: lower case, single spaces, no leading '/',
    no '@bot' suffix on the first word (`/lapor@posyandu_bot`), no trailing punctuation."""
    key = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()
    key = re.sub(r"^/", "", key)
    key = re.sub(r"^(\w+)@\w+", r"\1", key)
    return key.strip(" .!?,;:")
