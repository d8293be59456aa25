"""The composition root: build the running parts from Settings (database, senders, budget, dispatcher).

Shared by the web app, the dispatcher worker, the clock and the terminal chat,
so every process is wired the same way. It lives outside `webhooks/` and
`scheduler/` so that neither imports the other: both receive a `Runtime`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.messages import Channel
from bot.ports import Clock, Sender, SystemClock
from bot import privacy
from scheduler.dispatch import Dispatcher, SendNow
from storage.db import make_engine, make_session_factory

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    senders: dict[Channel, Sender]
    dispatcher: Dispatcher
    send_now: SendNow
    telegram_runner: object | None = None

    def close(self) -> None:
        self.send_now.close()
        self.dispatcher.close()
        runner = self.telegram_runner
        if runner is not None and hasattr(runner, "close"):
            runner.close()  # type: ignore[attr-defined]
        self.engine.dispose()


def channel_senders(settings: Settings) -> tuple[dict[Channel, Sender], object | None]:
    """The senders for every configured channel; a missing token leaves that channel out."""
    senders: dict[Channel, Sender] = {}
    runner = None
    if settings.telegram_enabled:
        from webhooks.telegram_client import BotRunner, TelegramSender, telegram_api_base

        runner = BotRunner(settings.telegram_token, telegram_api_base(settings.telegram_api_url))
        senders[Channel.TELEGRAM] = TelegramSender(runner)
    if settings.whatsapp_enabled:
        from webhooks.whatsapp_sender import TwilioWhatsAppSender

        content = {k: v for k, v in {"reminder": settings.twilio_content_sid_reminder,
                                     "broadcast": settings.twilio_content_sid_broadcast}.items() if v}
        senders[Channel.WHATSAPP] = TwilioWhatsAppSender(
            settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_whatsapp_from,
            api_url=settings.twilio_api_url or None, content_sids=content)
    return senders, runner


def build_runtime(settings: Settings | None = None, *, clock: Clock | None = None,
                  senders: Mapping[Channel, Sender] | None = None, engine: Engine | None = None) -> Runtime:
    settings = settings or Settings.from_env()
    privacy.configure(settings.log_hash_salt)
    engine = engine or make_engine(settings.database_url)
    factory = make_session_factory(engine)
    clock = clock or SystemClock()
    runner = None
    if senders is None:
        built, runner = channel_senders(settings)
    else:
        built = dict(senders)
    dispatcher = Dispatcher(factory, built, clock, settings)
    return Runtime(settings, engine, factory, clock, built, dispatcher, SendNow(dispatcher), runner)
