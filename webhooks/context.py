"""The running process as the channel endpoints see it, handed in by the app factory (`register`), never imported."""
from __future__ import annotations

from typing import Awaitable, Callable, Protocol, TypeVar

from flask import Flask, current_app
from telegram import Bot

from bot.ports import Running

KEY = "webhooks.runtime"
T = TypeVar("T")


class BotRunning(Protocol):
    """What the endpoints use of the Telegram bot runner (`sending.telegram_client.BotRunner` is one)."""

    def run(self, coro_factory: Callable[[Bot], Awaitable[T]], timeout: float = 30.0) -> T:
        ...


class ChannelRuntime(Running, Protocol):
    """The process's wiring plus the Telegram bot runner (the webhook stops a button's spinner with it)."""

    @property
    def telegram_runner(self) -> BotRunning | None:
        ...


def install(app: Flask, runtime: Callable[[], ChannelRuntime]) -> None:
    app.extensions[KEY] = runtime


def runtime() -> ChannelRuntime:
    """This app's runtime (built on first use by the factory's getter)."""
    get: Callable[[], ChannelRuntime] = current_app.extensions[KEY]
    return get()
