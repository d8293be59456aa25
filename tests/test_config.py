"""Settings: every knob is read from the environment and documented in the README."""
from __future__ import annotations

from dataclasses import fields

from bot.config import ROOT, Settings


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f.name.upper() for f in fields(Settings) if f"`{f.name.upper()}`" not in readme]
    assert missing == []


def test_settings_come_from_the_environment():
    s = Settings.from_env({"DATABASE_URL": "sqlite:///x.db", "SEND_NOW": "0", "DISPATCH_MAX_ATTEMPTS": "3",
                           "TWILIO_MESSAGES_PER_SECOND": "2.5", "TELEGRAM_TOKEN": "1:a"})
    assert (s.database_url, s.send_now, s.dispatch_max_attempts, s.twilio_messages_per_second) == \
        ("sqlite:///x.db", False, 3, 2.5)
    assert s.telegram_enabled and not s.whatsapp_enabled


def test_missing_tokens_disable_channels_with_a_log_line(caplog):
    s = Settings.from_env({})
    assert not s.telegram_enabled and not s.whatsapp_enabled
    s.log_channel_state()
    assert "Telegram disabled" in caplog.text and "WhatsApp disabled" in caplog.text


def test_app_starts_without_any_token(tmp_path):
    from app.wsgi import create_app

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}"))
    assert app.test_client().get("/healthz").json == {"ok": True}
