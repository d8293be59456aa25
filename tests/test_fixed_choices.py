"""A list's fixed action keeps its number on every screen of the same question (issue 16: "➕ Anggota baru"
was 1, then 7 once the day's visitors were listed above it, and a kader's habitual `1` opened another
child's report).

Every golden conversation is replayed and, after each message, the question asked (flow and step) and its
numbered choices are read from the conversation state. A choice that is the same action on every screen of
a question (`new`, `done`, `back`, `more`...; not a member, a service or a referral, which are the list's
data) must have the same number each time it is offered.
"""
from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select

from bot.messages import Channel, Inbound
from storage.db import transaction
from storage.models import Contact, ConversationState
from tests.harness import SETUPS, TRANSCRIPTS
from bot.intake import process

# Values that name an action rather than an entry of the list's data.
# Lists whose entries are numbered in the message text itself, the choices matching those numbers (the
# referral queue, the home-visit list): their closing words are typed (*selesai*, *lagi*, as the prompt says),
# a shifted number there opens a question about an entry and saves nothing. Kept as they are (issue 16 review).
NUMBERED_IN_TEXT = {("rujukan", "pick"), ("kunjungan", "pick")}
FIXED = {"new", "done", "back", "services", "again", "next", "first", "save", "edit", "cancel", "skip", "default",
         "all", "lainnya", "visit", "birth", "stay", "leave", "yes", "no", "pm", "asis", "send"}


def screens(runtime, address: str, body: str) -> dict[tuple[str, str], list[dict[str, int]]]:  # type: ignore[no-untyped-def]
    """Per (flow, step): on each screen, the number of every fixed value offered."""
    seen: dict[tuple[str, str], list[dict[str, int]]] = defaultdict(list)
    for line in body.splitlines():
        if not line.startswith("> "):
            continue
        handled = process(runtime, Inbound(Channel.TERMINAL, address, line[2:]), send=False)
        runtime.dispatcher.send_ids(handled.outbox_ids)
        with transaction(runtime.session_factory) as session:
            contact = session.scalars(select(Contact).where(Contact.address == address)).one_or_none()
            row = session.get(ConversationState, contact.id) if contact is not None else None
            if row is None:
                continue
            numbers = {str(v): n for n, (v, _) in enumerate(row.choices or [], 1) if str(v) in FIXED}
            seen[(row.flow or "menu", row.step or "")].append(numbers)
    return seen


@pytest.mark.parametrize("path", sorted(TRANSCRIPTS.glob("*.txt")), ids=lambda p: p.stem)
def test_a_fixed_choice_keeps_its_number_on_every_screen_of_a_question(runtime, demo, path):
    header, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    meta = dict(line.split(": ", 1) for line in header.splitlines() if ": " in line)
    if "setup" in meta:
        SETUPS[meta["setup"]](runtime)
    moved = []
    for question, shown in screens(runtime, meta.get("as", "transcript-user"), body).items():
        if question in NUMBERED_IN_TEXT:
            continue
        for value in {v for numbers in shown for v in numbers}:
            at = {numbers[value] for numbers in shown if value in numbers}
            if len(at) > 1:
                moved.append((question, value, sorted(at)))
    assert not moved, moved
