"""Settings, read once from the environment (and `.env` when present).

This is the only module that reads `os.environ`; everything else receives a
`Settings`. A missing token disables that channel with a log line, never a crash.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from health.fhir_codes import CodeChoice

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'instance' / 'posyandu.sqlite3'}"
SIMULATOR_DATABASE_URL = f"sqlite:///{ROOT / 'instance' / 'simulator.sqlite3'}"  # training data, never real


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "ya", "on"}


@dataclass(frozen=True)
class Settings:
    """Every knob of the deployment, with its default. Documented in README.md."""

    database_url: str = DEFAULT_DATABASE_URL
    public_url: str = "http://localhost:5000"
    host: str = "127.0.0.1"  # `make run` listens here
    port: int = 5000
    log_level: str = "INFO"
    # Telegram
    telegram_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_api_url: str = "https://api.telegram.org/bot"
    # WhatsApp via Twilio
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_whatsapp_from: str = ""
    twilio_api_url: str = ""
    twilio_content_sid_reminder: str = ""
    twilio_content_sid_broadcast: str = ""
    twilio_content_sid_intro: str = ""  # the first message to a register family that never wrote
    whatsapp_new_contacts_per_day: int = 250  # Meta's portfolio limit for a new number (then 2,000, 10,000...)
    twilio_messages_per_second: float = 10.0
    # SMS fallback (one-way) for numbers not on WhatsApp; its own pace (Indonesia: registered sender ID)
    twilio_sms_from: str = ""
    twilio_sms_per_second: float = 1.0
    twilio_reply_inline: bool = False
    # Dispatch
    telegram_messages_per_second: float = 30.0
    telegram_per_chat_per_second: float = 1.0
    send_now: bool = True  # send replies right after the webhook commits
    send_from: str = "web"  # web: the web process sends its replies; dispatcher: it only wakes the workers (NOTIFY)
    dispatch_interval_seconds: float = 2.0
    dispatch_max_attempts: int = 8
    dispatch_batch_size: int = 100
    send_budget: str = "auto"  # auto (PostgreSQL: shared; SQLite: this process), database, redis, local
    redis_url: str = ""  # for send_budget=redis, e.g. redis://127.0.0.1:6379/0
    # Conversations
    conversation_timeout_minutes: int = 120
    default_language: str = "id"
    # Onboarding and broadcasts
    invite_valid_days: int = 7
    announcements_per_day: int = 3
    # Reminders
    reminder_local_hour: int = 7
    reminder_catchup_days: int = 7
    je_endemic: bool = False
    # Reach (docs/reminders.md): a number whose messages failed on this many different days is paused (0: never)
    pause_after_failure_days: int = 5
    # Media (growth charts, recap files) served to WhatsApp by signed link
    media_secret: str = ""
    media_link_minutes: int = 60
    media_keep_days: int = 30  # a delivered chart's or recap's copy is emptied after this
    # The web page (docs/web.md): cookie and CSRF key, idle minutes before a browser must sign in again,
    # the training simulator (its own database) on or off
    web_secret: str = ""
    web_idle_minutes: int = 60
    web_recap_minutes: int = 30  # the area dashboard's level recap is recomputed when older than this
    simulator_enabled: bool = False
    simulator_database_url: str = SIMULATOR_DATABASE_URL
    # Monthly recap to the bidan: the local hour it goes out after the month's last posyandu day
    recap_local_hour: int = 17
    # National exports (docs/recap.md): a district's own column tables instead of bot/media/national_formats.json
    national_formats_file: str = ""
    # Sasaran estimates where a desa has none set: births per person per year (health/targets.py) ⚠ GK
    target_cbr: float = 0.016
    # Privacy: key for hashing phone numbers/ids in logs
    log_hash_salt: str = "posyandu"
    # SATUSEHAT (docs/satusehat.md): off until a puskesmas has credentials; defaults: staging
    satusehat_auth_url: str = "https://api-satusehat-stg.dto.kemkes.go.id/oauth2/v1"
    satusehat_fhir_url: str = "https://api-satusehat-stg.dto.kemkes.go.id/fhir-r4/v1"
    satusehat_secret_key: str = ""  # Fernet key(s), comma-separated, newest first
    satusehat_timeout_seconds: float = 30.0
    satusehat_interval_seconds: float = 30.0
    satusehat_batch_size: int = 50
    # Codes the sources do not settle (health/fhir_codes.py); empty: the table's first candidate
    satusehat_code_length: str = ""
    satusehat_code_muac: str = ""
    satusehat_code_waist: str = ""
    satusehat_code_glucose_random: str = ""
    satusehat_code_glucose_fasting: str = ""
    satusehat_encounter_class: str = ""
    # Immunization (docs/satusehat.md): KFA products per vaccine (`BCG=93004566,...`), the route code system,
    # and whether doses go in the visit's Bundle at all
    satusehat_vaccine_products: str = ""
    satusehat_route_system: str = ""
    satusehat_send_immunizations: bool = True

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token)

    @property
    def sms_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_sms_from)

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_whatsapp_from)

    def satusehat_codes(self) -> CodeChoice:
        """The SATUSEHAT codes in force (raises ValueError naming a setting with an unknown code)."""
        from health.fhir_codes import choose_codes, settings_keys

        return choose_codes({key: getattr(self, key) for key in settings_keys()})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, read_dotenv: bool = True) -> "Settings":
        """Build settings from `environ` (default `os.environ`, after loading `.env`)."""
        if environ is None:
            if read_dotenv:
                try:
                    from dotenv import load_dotenv

                    load_dotenv(ROOT / ".env", override=False)
                except ImportError:  # pragma: no cover - python-dotenv is a requirement
                    pass
            environ = os.environ
        values: dict[str, Any] = {}  # each field's own type, from its annotation
        for f in fields(cls):
            raw = environ.get(f.name.upper())
            if raw is None:
                continue
            if f.type in ("bool", bool):
                values[f.name] = _bool(raw, f.default is True)
            elif f.type in ("int", int):
                values[f.name] = int(raw)
            elif f.type in ("float", float):
                values[f.name] = float(raw)
            else:
                values[f.name] = raw
        return cls(**values)

    def with_(self, **changes: Any) -> "Settings":
        """A copy with some values changed (tests, CLI options)."""
        return replace(self, **changes)

    def log_channel_state(self) -> None:
        """Say once at start-up which channels are live, so an operator is never surprised."""
        if not self.telegram_enabled:
            log.warning("Telegram disabled: TELEGRAM_TOKEN is not set")
        elif not self.telegram_webhook_secret:
            log.warning("TELEGRAM_WEBHOOK_SECRET is not set: the Telegram webhook refuses every request")
        if not self.whatsapp_enabled:
            log.warning("WhatsApp disabled: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN or TWILIO_WHATSAPP_FROM is not set")
        for kind, sid in (("reminder", self.twilio_content_sid_reminder),
                          ("broadcast", self.twilio_content_sid_broadcast),
                          ("intro", self.twilio_content_sid_intro)):
            if self.whatsapp_enabled and not sid:
                log.warning("TWILIO_CONTENT_SID_%s is not set: WhatsApp %ss go only to chats that wrote in the "
                            "last 24 hours (free text outside the window is refused, 63016)", kind.upper(), kind)


def configure_logging(settings: Settings) -> None:
    """One logging set-up for every process.

    httpx logs each request URL at INFO, and a Telegram URL carries the bot
    token; python-telegram-bot logs message texts and chat ids at DEBUG; so
    those loggers stay at WARNING whatever LOG_LEVEL says.
    """
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("httpx", "httpcore", "telegram", "twilio.http_client", "apscheduler.executors",
                 "alembic.runtime.plugins"):
        logging.getLogger(name).setLevel(logging.WARNING)
