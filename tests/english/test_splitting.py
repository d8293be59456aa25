"""Long messages on WhatsApp (1,600) and Telegram (4,096): cut in whole entries, evenly, the footer never
alone; a numbered list's hint in the reader's language (issue 16, "WhatsApp splitting", "English")."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.choices import numbered_choices, numbered_hint, split_text, utf16_len
from bot.messages import Channel, Choice, Outbound
from sending.telegram_client import MAX_MESSAGE_LENGTH, render_telegram
from sending.whatsapp_sender import MAX_BODY_LENGTH, whatsapp_bodies

FOOTER = "Ketik *lagi* untuk halaman berikutnya."


def entry_list(count: int, width: int = 45) -> list[str]:
    """Referral-like entries: a numbered line and an indented detail line under it."""
    return [f"{i}. Anak {i:02d} " + "x" * (width - 12) + f"\n   BB/U sangat kurang, sejak 1 Des {i}"
            for i in range(1, count + 1)]


@pytest.mark.parametrize("limit", [MAX_BODY_LENGTH, MAX_MESSAGE_LENGTH])
def test_a_list_just_over_the_limit_is_two_halves_and_the_footer_is_not_alone(limit: int) -> None:
    every = entry_list(200)
    entries: list[str] = []
    text = ""
    while utf16_len(text) <= limit:  # one entry more than fits: just over the limit
        entries.append(every[len(entries)])
        text = "Rujukan terbuka:\n\n" + "\n".join(entries) + "\n\n" + FOOTER

    parts = split_text(text, limit)

    assert len(parts) == 2
    assert parts[-1] != FOOTER and parts[-1].endswith(FOOTER)
    assert abs(utf16_len(parts[0]) - utf16_len(parts[1])) < limit // 4  # even halves, not 1,600 + 40
    for entry in entries:  # every entry whole in one part
        assert sum(entry in part for part in parts) == 1


def test_a_choice_list_on_whatsapp_keeps_its_hint_with_the_last_options() -> None:
    choices = tuple(Choice(f"m{i}", f"Nama Anggota Keluarga Nomor {i:02d} (4 tahun 2 bulan)") for i in range(1, 33))
    bodies = whatsapp_bodies("Siapa yang diperiksa?", choices, "id")

    assert utf16_len(numbered_choices("Siapa yang diperiksa?", choices, lang="id")) > MAX_BODY_LENGTH
    assert len(bodies) == 2 and all(utf16_len(b) <= MAX_BODY_LENGTH for b in bodies)
    assert bodies[-1].endswith(numbered_hint("id")) and bodies[-1].count("\n") > 5
    numbers = [line.split(".")[0] for body in bodies for line in body.splitlines() if line[:1].isdigit()]
    assert numbers == [str(i) for i in range(1, 33)]  # numbered pages: each option once, in order


def test_the_hint_under_a_numbered_list_is_in_the_readers_language() -> None:
    yes_no = (Choice("yes", "Yes"), Choice("no", "No"))
    english = whatsapp_bodies("Save?", yes_no, "en")[0]
    indonesian = whatsapp_bodies("Simpan?", yes_no, "id")[0]

    assert english.endswith("Reply with the number of your choice.") and "Balas" not in english
    assert indonesian.endswith("Balas dengan angka pilihan.")
    long_value = Choice("x" * 70, "Melati")  # a Telegram button cannot carry it: the numbered list, in English
    text, markup = render_telegram(Outbound(1, Channel.TELEGRAM, "5", "Which?", (long_value,), language="en"))
    assert markup is None and text.endswith("Reply with the number of your choice.")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab é\U0001F476"), min_size=1, max_size=60), min_size=1,
                max_size=60), st.integers(min_value=61, max_value=400))
def test_entries_that_fit_are_never_cut(lines: list[str], limit: int) -> None:
    lines = [line.strip() or "a" for line in lines]
    text = "\n".join(lines)

    parts = split_text(text, limit)

    assert all(utf16_len(p) <= limit for p in parts)
    assert [line for part in parts for line in part.split("\n")] == lines
