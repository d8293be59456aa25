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

WHATSAPP_BODY_LENGTH = 1600  # Twilio's limit for one WhatsApp message body (error 21617 past it)
HINT_KEY = "core.numbered_hint"  # "Balas dengan angka pilihan." / "Reply with the number of your choice."


def numbered_hint(lang: str | None) -> str:
    """The line under a numbered list, in the reader's language (Indonesian when unknown)."""
    from bot.texts import render

    return render(lang, HINT_KEY)


_NUMBER_REPLY = re.compile(r"\s*([0-9]{1,3})\s*\.?\s*")


def numbered_choices(
    text: str, choices: Sequence[Choice], hint: str | None = None, *, lang: str | None = None
) -> str:
    """Append the choices as "1. Ya" lines plus a hint, for channels without buttons.

    Args:
        text: The question.
        choices: Options in display order; numbering starts at 1.
        hint: One line telling the person to answer with a number; by default
            `core.numbered_hint` in `lang` (the reader's language).

    Returns:
        `text` unchanged when there are no choices, else text, a blank line,
        the numbered lines, a blank line and the hint.
    """
    if not choices:
        return text
    if hint is None:
        hint = numbered_hint(lang)
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
    """Cut `text` into parts no longer than `limit`, in whole entries, as evenly as it goes.

    An entry is a line together with the indented lines under it (a referral's
    details, a family's members); entries are never cut, so a numbered list
    arrives whole in each part. The text is cut into as few parts as the
    limit needs, and those parts are made as even as the entries allow
    (the smallest largest part), so a list just over the limit becomes two
    halves and its last line (the footer, "Balas dengan angka pilihan.") is
    never a message alone. Among equally even cuts, one at a blank line wins.
    Only an entry longer than `limit` is cut inside, at a space, else
    mid-word. Breaking whitespace is dropped, so joining the parts with a
    newline reads like the original. Measured in UTF-16 code units by default
    (Telegram's and Twilio's unit) so emoji never push a part over the limit.

    Returns:
        At least one part (the text itself when it fits, even if empty).
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    measure = utf16_len if utf16 else len
    if measure(text) <= limit:
        return [text]
    units = _entries(text, limit, measure)
    cuts = _even_cuts([measure(u) for u, _ in units], [gap for _, gap in units], limit)
    parts: list[str] = []
    begin = 0
    for end in cuts:
        chunk = units[begin:end]
        body = "".join(u + (gap if i < len(chunk) - 1 else "") for i, (u, gap) in enumerate(chunk))
        if body.strip():
            parts.append(body.lstrip("\n").rstrip())
        begin = end
    return parts or [""]


def _entries(text: str, limit: int, measure: Callable[[str], int]) -> list[tuple[str, str]]:
    """The text as (entry, the line break after it) pairs; an entry longer than `limit` is cut at spaces."""
    lines = text.split("\n")
    entries: list[list[str]] = []
    blank_after: list[bool] = []
    for line in lines:
        if not line.strip():
            if entries:
                blank_after[-1] = True
            continue
        continued = line[:1] in (" ", "\t") and entries and not blank_after[-1]
        if continued:
            entries[-1].append(line)
        else:
            entries.append([line])
            blank_after.append(False)
    out: list[tuple[str, str]] = []
    for block, blank in zip(entries, blank_after):
        entry = "\n".join(block).rstrip()
        pieces = _cut_long(entry, limit, measure) if measure(entry) > limit else [entry]
        for piece in pieces[:-1]:
            out.append((piece, "\n"))
        out.append((pieces[-1], "\n\n" if blank else "\n"))
    return out or [("", "")]


def _cut_long(entry: str, limit: int, measure: Callable[[str], int]) -> list[str]:
    """One entry longer than `limit`: at a line, else a space, else mid-word (never a surrogate pair)."""
    pieces: list[str] = []
    rest = entry
    while measure(rest) > limit:
        window = _longest_prefix(rest, limit, measure)
        cut = max(window.rfind("\n"), window.rfind(" "))
        if cut <= 0:
            head, rest = window, rest[len(window):]
        else:
            head, rest = rest[:cut], rest[cut:]
        head = head.rstrip()
        rest = rest.lstrip("\n ")
        if head:
            pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces or [entry]


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


def _even_cuts(sizes: list[int], gaps: list[str], limit: int) -> list[int]:
    """Where parts end (exclusive indices): the fewest parts within `limit`, then the smallest largest
    part (so the last part is never a footer alone), then the most cuts at a blank line."""

    def pack(cap: int) -> list[int] | None:
        ends: list[int] = []
        used = -1
        for i, size in enumerate(sizes):
            need = size if used < 0 else used + len(gaps[i - 1]) + size
            if need <= cap:
                used = need
                continue
            if size > cap:
                return None
            ends.append(i)
            used = size
        return ends + [len(sizes)]

    fewest = pack(limit)
    assert fewest is not None  # every entry fits the limit (`_cut_long`)
    low, high = max(sizes), limit
    while low < high:  # the smallest cap that needs no more parts than the limit itself
        middle = (low + high) // 2
        ends = pack(middle)
        if ends is not None and len(ends) <= len(fewest):
            high = middle
        else:
            low = middle + 1
    cap = low
    ends = pack(cap) or fewest
    # slack: move a cut back to a blank line nearby when the parts stay within the even cap plus a tenth
    slack = min(limit, cap + cap // 10)
    better = list(ends)
    for k in range(len(better) - 1):
        start = better[k - 1] if k else 0
        for j in range(better[k] - 1, start, -1):
            if gaps[j - 1] != "\n\n":
                continue
            trial = better[:k] + [j] + better[k + 1:]
            if all(_span(sizes, gaps, a, b) <= slack
                   for a, b in zip([0] + trial[:-1], trial)):
                better = trial
            break
    return better


def _span(sizes: list[int], gaps: list[str], begin: int, end: int) -> int:
    """The measured length of entries begin..end joined by their gaps."""
    return sum(sizes[begin:end]) + sum(len(g) for g in gaps[begin:end - 1])


def whatsapp_bodies(text: str, choices: Sequence[Choice], language: str | None) -> list[str]:
    """The bodies one message goes out as: the choices numbered with the hint in the reader's language,
    cut into whole entries of at most 1,600 characters (`split_text`); none when empty."""
    full = numbered_choices(text, choices, lang=language)
    if not full.strip():
        return []
    return split_text(full, WHATSAPP_BODY_LENGTH)


def keyword(text: str) -> str:
    """The form commands and labels are compared in: lower case, single spaces, no leading '/',
    no '@bot' suffix on the first word (`/lapor@posyandu_bot`), no trailing punctuation."""
    key = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()
    key = re.sub(r"^/", "", key)
    key = re.sub(r"^(\w+)@\w+", r"\1", key)
    return key.strip(" .!?,;:")
