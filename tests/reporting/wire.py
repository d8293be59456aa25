"""Talk to the Flask app as Telegram and Twilio do: real payloads, real secret and signature.

Telegram updates are built with python-telegram-bot's own classes and
`to_dict()`; WhatsApp posts are Twilio's form fields signed with twilio's
`RequestValidator`. Replies wait in the outbox (send_now is off in tests);
`say` drains it at the fixed clock and returns what this chat received.
"""
from __future__ import annotations

import itertools
from datetime import datetime

from telegram import CallbackQuery, Chat, Message, Update, User
from twilio.request_validator import RequestValidator

from bot.messages import Channel

SECRET = "s3cret-token"  # tests/conftest.py settings
TWILIO_TOKEN = "twilio-auth-token"
WHATSAPP_URL = "https://posyandu.example.org/webhooks/whatsapp"
_ids = itertools.count(1000)


class _Chat:
    channel: Channel

    def __init__(self, client, runtime, address: str) -> None:  # type: ignore[no-untyped-def]
        self.client, self.runtime, self.address = client, runtime, address
        self.last: list = []

    def _collect(self, response) -> str:  # type: ignore[no-untyped-def]
        assert response.status_code == 200, response.get_data(as_text=True)
        sender = self.runtime.senders[self.channel]
        before = len(sender.sent)
        self.runtime.dispatcher.drain(self.runtime.clock.now())
        self.last = [m for m in sender.sent[before:] if m.address == self.address]
        return "\n\n".join(m.text for m in self.last)

    def choices(self) -> list[str]:
        return [c.label for m in self.last for c in m.choices]

    def values(self) -> list[str]:
        return [c.value for m in self.last for c in m.choices]


class TelegramChat(_Chat):
    """A private Telegram chat with the bot; `press` sends a callback query like a button does."""

    channel = Channel.TELEGRAM

    def __init__(self, client, runtime, chat_id: int, name: str = "Sari") -> None:  # type: ignore[no-untyped-def]
        super().__init__(client, runtime, str(chat_id))
        self.user = User(id=chat_id, first_name=name, is_bot=False)
        self.chat = Chat(id=chat_id, type=Chat.PRIVATE)

    def _post(self, update: Update):  # type: ignore[no-untyped-def]
        return self.client.post("/webhooks/telegram", json=update.to_dict(),
                                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})

    def _now(self) -> datetime:
        return self.runtime.clock.now()

    def say(self, text: str) -> str:
        n = next(_ids)
        message = Message(message_id=n, date=self._now(), chat=self.chat, from_user=self.user, text=text)
        return self._collect(self._post(Update(update_id=n, message=message)))

    def press(self, value: str) -> str:
        n = next(_ids)
        bot = User(id=1, first_name="Posyandu", is_bot=True)
        shown = Message(message_id=n, date=self._now(), chat=self.chat, from_user=bot, text="...")
        query = CallbackQuery(id=str(n), from_user=self.user, chat_instance="ci", data=value, message=shown)
        return self._collect(self._post(Update(update_id=n, callback_query=query)))


class WhatsAppPhone(_Chat):
    """A WhatsApp number talking through Twilio; no buttons, so choices are typed as numbers."""

    channel = Channel.WHATSAPP

    def __init__(self, client, runtime, number: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(client, runtime, number)

    def say(self, text: str) -> str:
        form = {"MessageSid": f"SM{next(_ids):032d}", "AccountSid": "AC" + "0" * 32,
                "From": f"whatsapp:{self.address}", "To": "whatsapp:+14155238886", "Body": text, "NumMedia": "0"}
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(WHATSAPP_URL, form)
        return self._collect(self.client.post("/webhooks/whatsapp", data=form,
                                              headers={"X-Twilio-Signature": signature}))
