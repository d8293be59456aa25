"""The referral queue on WhatsApp: each page is whole entries in one message of at most 1,600 characters with
its numbered choices and footer; `more` reaches every entry (issue 16: WhatsApp splitting)."""
from __future__ import annotations

from sqlalchemy import select

from bot.choices import numbered_choices, utf16_len
from bot.messages import Channel
from storage.models import Contact
from tests.harness import Person, open_referrals
from sending.whatsapp_sender import MAX_BODY_LENGTH

BIDAN = "+6281299990003"


def test_whatsapp_referral_pages_fit_one_message(runtime, demo, session, clock):
    open_referrals(runtime)
    terminal_bidan = session.scalars(select(Contact).where(Contact.address == "bidan")).one()
    session.add(Contact(channel=Channel.WHATSAPP.value, address=BIDAN, role="bidan", language="en",
                        posyandu_id=terminal_bidan.posyandu_id, desa_id=terminal_bidan.desa_id, created_at=clock.now()))
    session.commit()
    bidan = Person(runtime, BIDAN, Channel.WHATSAPP)
    reply = bidan.say("referrals")
    picked: list[str] = []
    for _ in range(8):
        (message,) = bidan.last
        assert utf16_len(numbered_choices(message.text, message.choices, lang="en")) <= MAX_BODY_LENGTH
        picked += [c.label for c in message.choices if c.value.startswith("r")]
        if "Type *next*" not in reply:
            break
        reply = bidan.say("more")
    assert len(picked) == 8 and len(set(picked)) == 8
