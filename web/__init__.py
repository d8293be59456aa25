"""The web page of the bidan and the puskesmas: the same storage functions as the chat, on a screen.

Chat stays the kader's tool; the page is for the people who supervise (ILP
reports are dashboards by cluster and level). Server-rendered Jinja with htmx
(vendored under static/, nothing fetched from outside) for the outcome
buttons; usable on a 360-px phone. Sign-in is by a one-time link asked for in
chat (`web`), see storage/web_login.py and docs/web.md.

`register(app, ...)` is called by the app factory (app/wsgi.py); the pages live in web/pages/.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Flask

from bot.config import Settings
from bot.ports import Running
from web.security import csrf, secure_cookies, web_secret

__all__ = ["csrf", "register", "secure_cookies", "web_secret"]


def register(app: Flask, settings: Settings, *, runtime: Callable[[], Running],
             build_runtime: Callable[..., Any]) -> None:
    """Add the pages to `app`. The app factory hands in the runtime's getter and the simulator's builder of a
    runtime of its own (so the page imports neither `app/` nor another edge)."""
    app.config.update(
        SECRET_KEY=web_secret(settings),
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure_cookies(settings),
        WTF_CSRF_CHECK_DEFAULT=False,  # the webhooks are signed by their providers; the page checks its own forms
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the browser session (which expires on its own)
    )
    csrf.init_app(app)
    from web.pages import blueprint
    from web.pages.common import install

    install(app, runtime, build_runtime)
    app.register_blueprint(blueprint)


def template_globals() -> dict[str, Any]:
    return {}
