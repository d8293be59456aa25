"""Telegram carries no phone number: a family proves its number with the request_contact button (PTB's own
classes on the real webhook). A forwarded contact card of someone else proves nothing (docs/privacy.md)."""
from __future__ import annotations

from sqlalchemy import select
from telegram import Contact as TelegramContact
from telegram import Message, ReplyKeyboardMarkup, Update

from bot.messages import SHARE_PHONE
from storage.models import Contact, LinkRequest, Member
from tests.reporting.wire import TelegramChat, _ids
from sending.telegram_client import render_telegram


def share(chat: TelegramChat, phone: str, user_id: int | None = None) -> str:
    n = next(_ids)
    card = TelegramContact(phone_number=phone, first_name="Ibu", user_id=chat.user.id if user_id is None else user_id)
    message = Message(message_id=n, date=chat._now(), chat=chat.chat, from_user=chat.user, contact=card)
    return chat._collect(chat._post(Update(update_id=n, message=message)))


def subscribed(client, runtime, chat_id: int) -> TelegramChat:
    chat = TelegramChat(client, runtime, chat_id, "Rina")
    chat.say("/start"), chat.press("id"), chat.press("resident")
    chat.say("MAWAR7")
    reply = chat.press("yes")
    assert "Siapa nama anggota keluarga" in reply and SHARE_PHONE in chat.values()
    return chat


def test_the_share_phone_button_is_a_request_contact_keyboard(client, runtime, demo):
    chat = subscribed(client, runtime, 7770001)
    _, markup = render_telegram(chat.last[-1])
    assert isinstance(markup, ReplyKeyboardMarkup)
    assert markup.keyboard[0][0].request_contact is True


def test_sharing_the_households_number_links_the_family(client, runtime, demo, session):
    chat = subscribed(client, runtime, 7770002)
    assert "nomor HP Anda tersimpan" in share(chat, "+62 812-3450-0001")
    chat.say("batal")
    family = chat.say("keluarga")
    assert "Aisyah Putri" in family and "Rina Marlina" in family
    me = session.scalars(select(Contact).where(Contact.address == "7770002")).one()
    aisyah = session.scalars(select(Member).where(Member.name == "Aisyah Putri")).one()
    assert me.verified_phone == "+6281234500001" and me.household_id == aisyah.household_id


def test_someone_elses_contact_card_proves_nothing(client, runtime, demo, session):
    chat = subscribed(client, runtime, 7770003)
    assert "tersimpan" not in share(chat, "+6281234500001", user_id=424242)  # a forwarded card
    aisyah = session.scalars(select(Member).where(Member.name == "Aisyah Putri")).one()
    chat.say("Aisyah Putri"), chat.press("P")
    assert "berhasil didaftarkan" in chat.say(aisyah.birth_date.strftime("%d-%m-%Y"))
    assert session.scalars(select(LinkRequest.status)).one() == "pending"
    me = session.scalars(select(Contact).where(Contact.address == "7770003")).one()
    assert me.verified_phone is None and me.household_id != aisyah.household_id


def test_typing_the_name_instead_of_sharing_goes_on(client, runtime, demo):
    chat = subscribed(client, runtime, 7770004)
    assert "Jenis kelamin Bagas" in chat.say("Bagas")


def test_a_number_shared_outside_a_conversation_is_kept_and_the_menu_shown(client, runtime, demo, session):
    chat = TelegramChat(client, runtime, 7770005, "Rina")
    chat.say("/start"), chat.press("id"), chat.press("resident"), chat.say("batal")
    reply = share(chat, "081234500001")
    assert "nomor HP Anda tersimpan" in reply and "Menu" in reply
    me = session.scalars(select(Contact).where(Contact.address == "7770005")).one()
    assert me.verified_phone == "+6281234500001"
