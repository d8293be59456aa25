"""The simulator's people on the real webhooks: Telegram updates and signed Twilio posts to the Flask app.

Unlike `tests/reporting/wire.py` these never assert: a 5xx or an exception is recorded as a violation
of the run (with the day, the seed and what was typed), so one run reports everything it found.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

from telegram import CallbackQuery, Chat, Message, Update, User
from twilio.request_validator import RequestValidator

from bot.messages import Channel

SECRET = "s3cret-token"
TWILIO_TOKEN = "twilio-auth-token"
PUBLIC_URL = "https://posyandu.example.org"
WHATSAPP_URL = PUBLIC_URL + "/webhooks/whatsapp"
_ids = itertools.count(10_000)


@dataclass
class Said:
    """One message typed and what came back to this chat."""

    text: str
    status: int
    reply: str
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)


class SimChat:
    channel: Channel

    def __init__(self, sim: Any, address: str, who: str) -> None:
        self.sim, self.address, self.who = sim, address, who
        self.log: list[Said] = []

    @property
    def runtime(self) -> Any:
        return self.sim.runtime

    def _collect(self, text: str, response: Any) -> Said:
        sender = self.runtime.senders[self.channel]
        before = len(sender.sent)
        status = response.status_code
        if status >= 500 or status not in (200, 204):
            self.sim.violation("no 5xx", f"{self.who} typed {text!r}: HTTP {status}")
        self.runtime.dispatcher.drain(self.runtime.clock.now())
        mine = [m for m in sender.sent[before:] if m.address == self.address]
        if any("ada gangguan saat memproses" in m.text or "something went wrong" in m.text.lower() for m in mine):
            self.sim.violation("no exception", f"{self.who} typed {text!r}: the bot apologised for an error")
        said = Said(text, status, "\n\n".join(m.text for m in mine),
                    [(c.value, c.label) for m in mine for c in m.choices])
        self.log.append(said)  # trimmed by whoever reads it (a report's start, the fuzzer's sequence)
        return said

    def say(self, text: str) -> Said:
        raise NotImplementedError

    def tail(self, n: int = 8) -> str:
        return "\n".join(f"> {s.text}\n{s.reply[:600]}" for s in self.log[-n:])


class TelegramSim(SimChat):
    channel = Channel.TELEGRAM

    def __init__(self, sim: Any, chat_id: int, who: str, name: str = "Sari") -> None:
        super().__init__(sim, str(chat_id), who)
        self.user = User(id=chat_id, first_name=name, is_bot=False)
        self.chat = Chat(id=chat_id, type=Chat.PRIVATE)

    def _post(self, update: Update) -> Any:
        return self.sim.client.post("/webhooks/telegram", json=update.to_dict(),
                                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})

    def say(self, text: str) -> Said:
        n = next(_ids)
        message = Message(message_id=n, date=self.runtime.clock.now(), chat=self.chat, from_user=self.user,
                          text=text)
        return self._collect(text, self._post(Update(update_id=n, message=message)))

    def press(self, value: str) -> Said:
        n = next(_ids)
        bot = User(id=1, first_name="Posyandu", is_bot=True)
        shown = Message(message_id=n, date=self.runtime.clock.now(), chat=self.chat, from_user=bot, text="...")
        query = CallbackQuery(id=str(n), from_user=self.user, chat_instance="ci", data=value, message=shown)
        return self._collect(f"[{value}]", self._post(Update(update_id=n, callback_query=query)))


class WhatsAppSim(SimChat):
    channel = Channel.WHATSAPP

    def say(self, text: str) -> Said:
        form = {"MessageSid": f"SM{next(_ids):032d}", "AccountSid": "AC" + "0" * 32,
                "From": f"whatsapp:{self.address}", "To": "whatsapp:+14155238886", "Body": text, "NumMedia": "0"}
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(WHATSAPP_URL, form)
        return self._collect(text, self.sim.client.post("/webhooks/whatsapp", data=form,
                                                        headers={"X-Twilio-Signature": signature}))

    def press(self, value: str) -> Said:
        return self.say(value)


def pick(said: Said, match: Callable[[str], bool]) -> str | None:
    """The value of the offered choice whose label matches (a button's value on Telegram, its number on
    WhatsApp: the engine takes both)."""
    for index, (value, label) in enumerate(said.choices, 1):
        if match(label):
            return value
    return None
