"""The page's secrets and cookies: the CSRF guard, the signing key, whether cookies are Secure."""
from __future__ import annotations

import hashlib

from flask_wtf.csrf import CSRFProtect

from bot.config import Settings

csrf = CSRFProtect()


def web_secret(settings: Settings) -> str:
    """WEB_SECRET, else a key derived from the deployment's other secrets (set WEB_SECRET in production)."""
    if settings.web_secret:
        return settings.web_secret
    seed = f"web:{settings.twilio_auth_token}:{settings.telegram_webhook_secret}:{settings.log_hash_salt}"
    return hashlib.sha256(seed.encode()).hexdigest()


def secure_cookies(settings: Settings) -> bool:
    """Cookies are Secure when the page is served on a public https address (not on a laptop's http)."""
    base = settings.public_url.lower()
    return base.startswith("https://") and "localhost" not in base and "127.0.0.1" not in base
