"""Outbox rows' typed identity: keys are built and read through their types, and the planner's merging of a
household's reminders does not hang on how the posyandu-day lines happen to begin (an emoji today)."""
from __future__ import annotations

from datetime import date

import pytest

from bot import texts
from scheduler.planner import notice_lines
from storage.outbox import BroadcastKey, NudgeKey, ReminderKey


def test_keys_format_and_parse_back():
    key = ReminderKey(12, date(2026, 12, 1), 3)
    assert key.format() == "reminder:h12:2026-12-01:c3"
    assert ReminderKey.parse(key.format()) == key
    assert key.format().startswith(ReminderKey.day_prefix(12, date(2026, 12, 1)))
    assert not key.format().startswith(ReminderKey.day_prefix(1, date(2026, 12, 1)))  # h1 is not h12
    b = BroadcastKey(7, 2, 40, 9)
    assert BroadcastKey.parse(b.format()) == b
    assert b.format().startswith(BroadcastKey.revision_prefix(7, 2))
    assert not b.format().startswith(BroadcastKey.revision_prefix(7, 1))
    assert NudgeKey(5, 6).format() == "nudge:s5:c6"


@pytest.mark.parametrize("bad", ["broadcast:s1:r1:h1:c1", "reminder:12:2026-12-01:3", "reminder:h1"])
def test_a_foreign_key_is_refused_not_misread(bad):
    with pytest.raises(ValueError):
        ReminderKey.parse(bad)


def test_posyandu_day_lines_are_found_whatever_they_begin_with(monkeypatch):
    text = texts.render("id", "reminder.session_eve", when="Kamis 08.00", place="Balai RW 3")
    body = "\n".join(["Pengingat", "", text, "", "Bayu:", "- imunisasi"])
    assert notice_lines(body) == [text]
    catalogue = {lang: dict(texts.catalogue(lang)) for lang in texts.LANGUAGES}
    for lang in texts.LANGUAGES:  # the texts get another emoji: merging must follow
        for key in ("reminder.session_eve", "reminder.session_day"):
            catalogue[lang][key] = "🏥" + catalogue[lang][key].lstrip("📅")
    monkeypatch.setattr(texts, "_CATALOGUE", catalogue)
    changed = texts.render("id", "reminder.session_day", when="Jumat 08.00", place="Posyandu Mawar")
    assert changed.startswith("🏥")
    body = "\n".join(["Pengingat", "", changed, "", "Nia:", "- timbang"])
    assert notice_lines(body) == [changed]
