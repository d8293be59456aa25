"""Non-text messages get a kind answer saying what the bot reads (text), and a location that it is not needed
(issue 16: a WhatsApp location was answered "Pesannya kosong"). Twilio's real webhook fields; PTB's classes."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from telegram import Chat, Contact, Location, Message, Update, User, Venue, Voice

from tests.webhooks.conftest import post_tg, post_wa, wa_form

# Twilio's WhatsApp webhook for a shared location: no media, no body, the coordinates (and a place's name).
LOCATION = {"Latitude": "-6.5971", "Longitude": "106.8060", "Address": "Jl. Pajajaran, Bogor", "Label": "Posyandu"}


@pytest.mark.parametrize(("extra", "said"), [
    (LOCATION, "lokasi tidak diperlukan"),
    ({"Latitude": "-6.5971", "Longitude": "106.8060"}, "lokasi tidak diperlukan"),
    ({"NumMedia": "1", "MediaContentType0": "audio/ogg", "MediaUrl0": "https://x/v.ogg"}, "pesan suara"),
    ({"NumMedia": "1", "MediaContentType0": "image/webp", "MediaUrl0": "https://x/s.webp"}, "membaca pesan teks"),
    ({"NumMedia": "1", "MediaContentType0": "text/vcard", "MediaUrl0": "https://x/c.vcf"}, "kartu kontak"),
    ({"NumMedia": "1", "MediaContentType0": "video/mp4", "MediaUrl0": "https://x/v.mp4"}, "video"),
    ({"NumMedia": "1", "MediaContentType0": "application/pdf", "MediaUrl0": "https://x/d.pdf"}, "berkas"),
])
def test_whatsapp_non_text_gets_a_kind_answer(live, tw, extra, said):
    rt, client = live
    assert post_wa(client, wa_form("", **extra)).status_code == 200
    body = tw.wait_for(1)[0]["Body"]
    assert said in body and "kosong" not in body


def tg_message(chat_id: int, **fields) -> dict:  # type: ignore[no-untyped-def]
    user = User(chat_id, "Sari", False, language_code="id")
    message = Message(77, datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc), Chat(chat_id, "private"),
                      from_user=user, **fields)
    return Update(chat_id + 1000, message=message).to_dict()


@pytest.mark.parametrize(("fields", "said"), [
    ({"location": Location(106.8060, -6.5971)}, "lokasi tidak diperlukan"),
    ({"venue": Venue(Location(106.8060, -6.5971), "Posyandu Mawar", "Jl. Pajajaran"),
      "location": Location(106.8060, -6.5971)}, "lokasi tidak diperlukan"),
    ({"voice": Voice("file", "uniq", 3)}, "pesan suara"),
    ({"contact": Contact("+628111", "Budi", user_id=999)}, "kartu kontak"),  # someone else's card
])
def test_telegram_non_text_gets_a_kind_answer(live, tg, fields, said):
    rt, client = live
    chat = 5600 + len(said)
    assert post_tg(client, tg_message(chat, **fields)).status_code == 200
    assert said in tg.wait_for(1)[0]["text"]


def test_a_location_in_english_says_it_is_not_needed_and_asks_again(live, tw):
    rt, client = live
    number = "+6281299990001"
    post_wa(client, wa_form("bahasa", number))
    post_wa(client, wa_form("2", number))
    asked = tw.wait_for(2)[-1]["Body"]
    post_wa(client, wa_form("", number, **LOCATION))
    answer = tw.wait_for(3)[-1]["Body"]
    assert answer.startswith("Thank you, but a location is not needed here.")
    menu = asked.split("\n\n")[-2]  # outside a conversation the menu follows (above the numbered hint)
    assert menu in answer and answer.endswith("Reply with the number of your choice.")
