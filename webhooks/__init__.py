"""The channels' HTTP endpoints: Telegram and WhatsApp webhooks and the media links WhatsApp fetches.

`register(app, runtime)` is called by the app factory (app/wsgi.py), which hands in the runtime's getter.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask

from webhooks.context import ChannelRuntime, install


def register(app: Flask, runtime: Callable[[], ChannelRuntime]) -> None:
    from webhooks import media, telegram, whatsapp

    install(app, runtime)
    app.register_blueprint(telegram.blueprint)
    app.register_blueprint(whatsapp.blueprint)
    app.register_blueprint(media.blueprint)
