"""The SMS notice: one GSM-7 segment, what is due first, then where to reply (SMS is one-way in Indonesia)."""
from __future__ import annotations

import pytest

from bot.messages import Channel, Outbound
from sending.sms_sender import SMS_LIMIT, TwilioSmsSender, gsm7, sms_text


def notice(**vars_: str) -> Outbound:
    return Outbound(1, Channel.SMS, "+6281234567890", "🔔 Pengingat", template_key="reminder", template_vars=vars_)


def test_a_long_reminder_is_cut_to_one_segment_with_the_way_to_reply():
    text = sms_text(notice(**{"1": "Posyandu Mawar 7", "2": "Rabu, 25 November 2026",
                              "3": "Bayu Pratama: Imunisasi DPT-HB-Hib 1 (usia 2 bulan), Imunisasi polio tetes 2 "
                                   "(usia 2 bulan), Imunisasi PCV 1 (usia 2 bulan), Imunisasi rotavirus 1"}))
    assert len(text) <= SMS_LIMIT
    assert text.startswith("Posyandu Mawar 7 - Rabu, 25 November 2026 - Bayu Pratama: Imunisasi DPT-HB-Hib 1")
    assert text.endswith("... Balas di WhatsApp atau tanya kader.")
    assert sms_text(notice(**{"1": "Posyandu Mawar 7"}), "en").endswith("Reply on WhatsApp or ask the kader.")


def test_only_gsm7_characters_remain():
    assert gsm7("🔔 Pengingat · Café\nbesok") == "Pengingat - Cafe besok"
    assert gsm7("Ibu Siti—Hamil 20 mgg") == "Ibu Siti-Hamil 20 mgg"


@pytest.mark.parametrize("sender", ["+15005550006", "POSYANDU"])
def test_sender_is_a_number_or_a_registered_id(sender):
    assert TwilioSmsSender("AC" + "0" * 32, "token", sender)._from == sender


def test_a_bad_sender_is_refused_at_start():
    with pytest.raises(ValueError):
        TwilioSmsSender("AC" + "0" * 32, "token", "not a sender id!")
