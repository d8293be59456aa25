"""The text catalogue: every sentence the bot says, in Bahasa Indonesia first, English second.

Each area keeps its sentences in its own module under `bot/i18n/` (so flows can
grow independently); this module merges them and renders a key for a language.
"""
from __future__ import annotations

import functools
import logging
import string
from datetime import date
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from babel.plural import PluralRule

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
_CATALOGUE: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}


def register(id: Mapping[str, str], en: Mapping[str, str]) -> None:
    """Add an area's sentences. Keys must be unique across areas."""
    for lang, texts in (("id", id), ("en", en)):
        clash = set(texts) & set(_CATALOGUE[lang])
        if clash:
            raise ValueError(f"text keys defined twice: {sorted(clash)}")
        _CATALOGUE[lang].update(texts)


def catalogue(lang: str) -> Mapping[str, str]:
    _load()
    return _CATALOGUE[lang]


def render(lang: str | None, key: str, **params: object) -> str:
    """The sentence `key` in `lang` (falling back to Indonesian), with `{params}` filled in.

    A date given as a parameter is written in words in that language (`7 Des 2026` / `7 Dec 2026`,
    `bot.dates`), so no caller shows `07-12-2026`.
    """
    _load()
    lang = lang if lang in _CATALOGUE else "id"
    if any(type(v) is date for v in params.values()):
        from bot.dates import fmt_day

        params = {k: fmt_day(lang, v) if type(v) is date else v for k, v in params.items()}
    template = _CATALOGUE[lang].get(key) or _CATALOGUE["id"].get(key)
    if template is None:
        log.error("missing text key %s", key)
        return key
    try:
        return _Formatter(lang).format(template, **params)
    except (KeyError, IndexError, ValueError):
        log.error("bad parameters for text key %s", key)
        return template


def plural(lang: str | None, count: object, forms: str) -> str:
    """`1 household` / `3 households`: the count and the noun in the form the language's plural rule
    (CLDR, through babel) picks; `forms` is `one|other` (`household|households`). The one helper for plurals:
    a template writes `{count:household|households}`. Indonesian nouns do not change (`{count} keluarga`)."""
    one, _, other = forms.partition("|")
    try:
        number = int(str(count))
    except ValueError:
        return f"{count} {other or one}"
    form = _plural_rule("en" if lang == "en" else "id")(number)
    return f"{count} {one if form == 'one' or not other else other}"


@functools.lru_cache(maxsize=None)
def _plural_rule(locale: str) -> PluralRule:
    from babel import Locale

    return Locale.parse(locale).plural_form


class _Formatter(string.Formatter):
    """str.format, plus `{count:one|other}` for a count with its noun in the right plural form."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            return plural(self.lang, value, format_spec)
        return super().format_field(value, format_spec)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        import bot.i18n  # noqa: F401  (registers every area)
