"""The composition root: build the running parts from Settings (database, senders, budget, dispatcher).

Shared by the web app, the dispatcher worker, the clock, the SATUSEHAT sender and
the terminal chat, so every process is wired the same way. It sits in `app/`, which
nothing imports: the edges (`webhooks/`, `web/`, `sending/`, `scheduler/`) never import
each other, and each receives a `Runtime` (or the callables it needs) from here. The
provider clients are imported where they are built, so a process without a channel
never loads PTB or twilio.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.messages import Channel
from bot.ports import Clock, Sender, SystemClock
from bot import privacy
from sending.dispatch import Dispatcher, SendNow, channel_limits
from storage.db import make_engine, make_session_factory

if TYPE_CHECKING:  # pragma: no cover
    from sending.satusehat_sync import SatusehatSender
    from sending.telegram_client import BotRunner

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
    telegram_runner: BotRunner | None = None

    def close(self) -> None:
        self.send_now.close()
        self.dispatcher.close()
        if self.telegram_runner is not None:
            self.telegram_runner.close()
        self.engine.dispose()


def status_callback_url(public_url: str) -> str | None:
    """Where Twilio posts each message's delivery status (sent, delivered, read, failed): needed for the
    reach figures and the pause (docs/reminders.md, "Reach"); None while PUBLIC_URL is not a public https URL."""
    base = public_url.rstrip("/")
    if not base.startswith("https://") or "localhost" in base or "127.0.0.1" in base:
        return None
    return f"{base}/webhooks/whatsapp/status"


def channel_senders(settings: Settings, clock: Clock | None = None) -> tuple[dict[Channel, Sender], BotRunner | None]:
    """The senders for every configured channel; a missing token leaves that channel out."""
    senders: dict[Channel, Sender] = {}
    runner: BotRunner | None = None
    if settings.telegram_enabled:
        from sending.telegram_client import BotRunner, TelegramSender, telegram_api_base

        runner = BotRunner(settings.telegram_token, telegram_api_base(settings.telegram_api_url))
        # the parts of a long text go to one chat: each a chat's gap after the previous one's answer
        senders[Channel.TELEGRAM] = TelegramSender(runner, part_gap=channel_limits(settings)[Channel.TELEGRAM].chat_hold)
    if settings.whatsapp_enabled:
        from webhooks.media import media_link
        from sending.whatsapp_sender import TwilioWhatsAppSender

        link_clock = clock or SystemClock()

        content = {k: v for k, v in {"reminder": settings.twilio_content_sid_reminder,
                                     "broadcast": settings.twilio_content_sid_broadcast,
                                     "intro": settings.twilio_content_sid_intro}.items() if v}
        senders[Channel.WHATSAPP] = TwilioWhatsAppSender(
            settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_whatsapp_from,
            api_url=settings.twilio_api_url or None, content_sids=content,
            status_callback=status_callback_url(settings.public_url),
            media_url=lambda attachment: media_link(settings, link_clock, attachment))
    if settings.sms_enabled:
        from sending.sms_sender import TwilioSmsSender

        senders[Channel.SMS] = TwilioSmsSender(
            settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_sms_from,
            api_url=settings.twilio_api_url or None, status_callback=status_callback_url(settings.public_url))
    return senders, runner


def satusehat_sender(runtime: Runtime) -> SatusehatSender:
    """The SATUSEHAT sync worker on this runtime (its HTTP client from the settings); ValueError when a code
    setting is unknown."""
    from sending.satusehat_sync import SatusehatSender

    return SatusehatSender(runtime.session_factory, runtime.settings, runtime.clock)


def build_runtime(settings: Settings | None = None, *, clock: Clock | None = None,
                  senders: Mapping[Channel, Sender] | None = None, engine: Engine | None = None) -> Runtime:
    settings = settings or Settings.from_env()
    privacy.configure(settings.log_hash_salt)
    engine = engine or make_engine(settings.database_url)
    factory = make_session_factory(engine)
    clock = clock or SystemClock()
    runner = None
    if senders is None:
        built, runner = channel_senders(settings, clock)
    else:
        built = dict(senders)
    dispatcher = Dispatcher(factory, built, clock, settings)
    return Runtime(settings, engine, factory, clock, built, dispatcher, SendNow(dispatcher), runner)
