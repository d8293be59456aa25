"""The text catalogue: every sentence the bot says, in Bahasa Indonesia first, English second.

Each area keeps its sentences in its own module under `bot/i18n/` (so flows can
grow independently); this module merges them and renders a key for a language.
"""
from __future__ import annotations

import logging
import string
from typing import Mapping

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
    """The sentence `key` in `lang` (falling back to Indonesian), with `{params}` filled in."""
    _load()
    lang = lang if lang in _CATALOGUE else "id"
    template = _CATALOGUE[lang].get(key) or _CATALOGUE["id"].get(key)
    if template is None:
        log.error("missing text key %s", key)
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        log.error("bad parameters for text key %s", key)
        return template


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        import bot.i18n  # noqa: F401  (registers every area)
