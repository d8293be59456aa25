"""`help` lists the words of each service in the reader's language, and each listed word starts it
(issue 16: `help` gave no English word for reporting)."""
from __future__ import annotations

import re

import pytest

from bot import flows as registry
from bot.texts import catalogue
from tests.harness import Person


def listed(lang: str, flow_name: str) -> list[str]:
    text = re.sub(r"\(.*?\)", "", catalogue(lang)[f"help.words.{flow_name}"])
    return [w.strip() for w in text.split(",") if w.strip()]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_listed_word_starts_its_service(lang):
    for flow in registry.flows():
        if not flow.menu_key:
            continue
        for word in listed(lang, flow.name):
            found, _ = registry.find(word)
            assert found is flow, (lang, flow.name, word)


def test_english_help_names_english_words(runtime, demo):
    kader = Person(runtime, "kader1")
    kader.say("bahasa"), kader.say("2")
    reply = kader.say("help")
    assert "Report posyandu results: report" in reply and "lapor" not in reply
    assert "Referrals (follow-up needed): referrals" in reply and "rujukan" not in reply
    assert "report Aisyah weight 8.1 length 70" in reply
