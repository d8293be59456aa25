"""The home-visit list on WhatsApp: pages of whole entries that fit one message (1,600), `lagi` for the next,
every entry once; on Telegram (4,096) more fit a page (issue 16: WhatsApp splitting)."""
from __future__ import annotations

from datetime import date

from bot.choices import numbered_choices, utf16_len
from bot.messages import Channel
from bot.paging import MESSAGE_LIMITS
from storage.models import Contact
from tests.harness import Person
from tests.reach.test_visits import _home
from tests.reminders.helpers import add_person, wit_posyandu
from sending.telegram_client import MAX_MESSAGE_LENGTH
from sending.whatsapp_sender import MAX_BODY_LENGTH

FAMILIES = 40


def crowded(session, clock, channel: Channel, address: str):  # type: ignore[no-untyped-def]
    """40 families with no phone (each a visit), and a kader of theirs on `channel`."""
    now = clock.now()
    place = wit_posyandu(session)
    for i in range(FAMILIES):
        home = _home(session, place, now, address=f"RT {i:02d} RW 03, Jalan Kampung Kamoro gang {i}")
        add_person(session, place, home.id, f"Warga Nomor {i:02d} Sejahtera", "P", date(1980, 1, 1), now)
    session.add(Contact(channel=channel.value, address=address, role="kader", language="id",
                        posyandu_id=place.id, created_at=now))
    session.commit()


def test_limits_are_the_senders():
    assert MESSAGE_LIMITS == {"whatsapp": MAX_BODY_LENGTH, "telegram": MAX_MESSAGE_LENGTH}


def test_whatsapp_pages_fit_one_message_and_lagi_shows_the_rest(runtime, session, clock):
    crowded(session, clock, Channel.WHATSAPP, "+6281299990002")
    kader = Person(runtime, "+6281299990002", Channel.WHATSAPP)
    seen: list[str] = []
    reply = kader.say("kunjungan")
    for _ in range(FAMILIES):
        (message,) = kader.last  # one message a page
        assert utf16_len(numbered_choices(message.text, message.choices, lang="id")) <= MAX_BODY_LENGTH
        names = [c.label for c in message.choices if c.value.startswith("v")]
        assert names and all(f"{n}. {name}" in reply for n, name in enumerate(names, 1))
        seen += names
        if "ketik *lagi*" not in reply:
            break
        reply = kader.say("lagi")
    assert sorted(seen) == sorted(f"Warga Nomor {i:02d} Sejahtera" for i in range(FAMILIES))
    assert "Kembali ke awal" in kader.choices()


def test_telegram_pages_are_longer(runtime, session, clock):
    crowded(session, clock, Channel.TELEGRAM, "777001")
    kader = Person(runtime, "777001", Channel.TELEGRAM)
    kader.say("kunjungan")
    (message,) = kader.last
    assert 1600 < utf16_len(message.text) <= MAX_MESSAGE_LENGTH
