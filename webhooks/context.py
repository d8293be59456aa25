"""The running process as the channel endpoints see it, handed in by the app factory (`register`), never imported."""
from __future__ import annotations

from typing import Callable, Protocol

from flask import Flask, current_app

from bot.ports import Running

KEY = "webhooks.runtime"


class ChannelRuntime(Running, Protocol):
    """The process's wiring plus the Telegram bot runner (the webhook stops a button's spinner with it)."""

    @property
    def telegram_runner(self) -> object | None:
        ...


def install(app: Flask, runtime: Callable[[], ChannelRuntime]) -> None:
    app.extensions[KEY] = runtime


def runtime() -> ChannelRuntime:
    """This app's runtime (built on first use by the factory's getter)."""
    get: Callable[[], ChannelRuntime] = current_app.extensions[KEY]
    return get()
