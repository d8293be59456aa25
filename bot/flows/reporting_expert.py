"""Expert mode: one line such as `bb 9,5 tb 75 lk 45 lila 14` or `td 120/80 gds 110 vita`.

Why: a kader who knows the form types a whole visit in one message instead of
answering six questions. The parser only splits the line into raw values per
item; validation is the same as for one answer at a time
(`reporting_items.check_item`), so both paths judge a value identically.
"""
from __future__ import annotations

from bot.flows.reporting_services import fold_phrases
from health.measurements import KEYWORDS as MEASUREMENT_KEYWORDS, MEASUREMENTS

import re
from dataclasses import dataclass, field

# keyword -> (item, extra raw prefix), from health.measurements. `pb` is lying length, `tb` standing height.
KEYWORDS: dict[str, tuple[str, str]] = MEASUREMENT_KEYWORDS
_NUMBER = r"\d+(?:[.,]\d+)?"
_UNITS = "|".join(sorted({m.unit.lower() for m in MEASUREMENTS} | {"gr"}, key=lambda u: (-len(u), u)))  # `gr`: 12 gr Hb
_VALUE = rf"(?P<value>{_NUMBER}(?:\s*[/-]\s*\d+)?)\s*(?:{_UNITS})?"
_KEY = "|".join(sorted(KEYWORDS, key=len, reverse=True))
_PAIR = re.compile(rf"(?<![^\W\d_])(?P<key>{_KEY})\s*[:=]?\s*{_VALUE}(?![\w])", re.IGNORECASE)
# Values typed without keywords, in the questions' order (`10,9 81`, `10.9kg 81 cm`): a number, a unit maybe.
_BARE = re.compile(rf"(?P<value>{_NUMBER}(?:/\d+)?)\s*(?:{_UNITS})?(?![\w])", re.IGNORECASE)
_SEPARATOR = re.compile(r"[\s,;]+")


@dataclass
class ExpertLine:
    """Raw values by item (height as 'L 75' / 'H 75'), service codes, and what was not understood."""

    values: dict[str, str] = field(default_factory=dict)
    services: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.values and not self.services


def parse_expert(text: str, service_words: dict[str, str] | None = None) -> ExpertLine | None:
    """Split an expert line; None when the text has no keyword at all (a plain answer).

    `service_words` maps lower-case words (`vita`, `pmt`, `mr1`) to service codes.
    """
    words = {k.lower(): v for k, v in (service_words or {}).items()}
    line = ExpertLine()
    rest = fold_phrases(text).strip() if words else text.strip()
    position = 0
    while position < len(rest):
        gap = _SEPARATOR.match(rest, position)
        if gap:
            position = gap.end()
            continue
        word_match = re.compile(r"[\w-]+").match(rest, position)
        word = word_match.group(0).lower() if word_match else ""
        if word_match and word in words:
            if words[word] not in line.services:
                line.services.append(words[word])
            position = word_match.end()
            continue
        pair = _PAIR.match(rest, position)
        if pair:
            item, prefix = KEYWORDS[pair.group("key").lower()]
            line.values[item] = prefix + pair.group("value").replace(" ", "")
            position = pair.end()
            continue
        end = _SEPARATOR.search(rest, position)
        stop = end.start() if end else len(rest)
        line.unknown.append(rest[position:stop or len(rest)])
        position = stop if stop > position else position + 1
    return None if line.empty else line


# The form's abbreviations as an English reader types them (the same KEYWORDS read both).
ENGLISH_WORDS = {"bb": "weight", "pb": "length", "tb": "height", "lk": "head", "lila": "muac", "lp": "waist",
                 "td": "bp", "gds": "glucose", "gdp": "fbg"}


def typed_in(lang: str | None, example: str) -> str:
    """An example of what to type (`bb 9,5 pb 75`), as a reader of `lang` types it: `weight 9.5 length 75`."""
    if lang != "en":
        return example
    words = [ENGLISH_WORDS.get(word.lower(), word) for word in example.split()]
    return re.sub(r"(\d),(\d)", r"\1.\2", " ".join(words))


def read_bare(text: str) -> tuple[list[str], str]:
    """`10,9 81` / `10.9 kg 81cm` -> (['10,9', '81'], ''): the values typed without keywords at the start of
    `text`, in the questions' order (a unit may follow each), and the rest that is not such a number."""
    values: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        gap = _SEPARATOR.match(text, position)
        if gap:
            position = gap.end()
            continue
        match = _BARE.match(text, position)
        if match is None:
            break
        values.append(match.group("value"))
        position = match.end()
    return values, text[position:].strip()


def bare_values(text: str) -> list[str] | None:
    """The values of `text` when it is nothing but numbers in the questions' order (`10,9 81`); else None."""
    values, rest = read_bare(text)
    return values if values and not rest else None


def split_name_and_line(arg: str, service_words: dict[str, str] | None = None) -> tuple[str, str]:
    """`siti bb 9,5 tb 75` -> ('siti', 'bb 9,5 tb 75'): the name ends where the first measurement starts;
    `bima 10,9 81` -> ('bima', '10,9 81'): numbers after the name are values in the questions' order."""
    match = _PAIR.search(arg)
    if match is not None:  # numbers just before the first keyword are values too (`siti 9,5 pb 75`)
        name, line = arg[:match.start()].split(), arg[match.start():].strip()
        while len(name) > 1 and _BARE.fullmatch(name[-1]):
            line = f"{name.pop()} {line}"
        return " ".join(name), line
    words = arg.split()
    for start in range(1, len(words)):  # after the name, from the first number (a date such as 12-03 is no value)
        if _BARE.fullmatch(words[start]) or (re.fullmatch(_NUMBER, words[start]) and start + 1 < len(words)):
            return " ".join(words[:start]).strip(), " ".join(words[start:])
    return arg.strip(), ""
