"""The web page of the bidan and the puskesmas: the same storage functions as the chat, on a screen.

Chat stays the kader's tool; the page is for the people who supervise (ILP
reports are dashboards by cluster and level). Server-rendered Jinja with htmx
(vendored under static/, nothing fetched from outside) for the outcome
buttons; usable on a 360-px phone. Sign-in is by a one-time link asked for in
chat (`web`), see storage/web_login.py and docs/web.md.

`register(app)` is called by the app factory; the pages live in web/pages/.
"""
from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask
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


def register(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=web_secret(settings),
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure_cookies(settings),
        WTF_CSRF_CHECK_DEFAULT=False,  # the webhooks are signed by their providers; the page checks its own forms
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the browser session (which expires on its own)
    )
    csrf.init_app(app)
    from web.pages import blueprint

    app.register_blueprint(blueprint)


def template_globals() -> dict[str, Any]:
    return {}
