"""Long polling for local use with a real token (no public URL needed).

`flask --app app.wsgi telegram poll` removes the webhook (Telegram refuses
getUpdates while one is set), then feeds each update through the same path as
the webhook: `to_inbound` -> `process` (dedupe by update_id included).
"""
from __future__ import annotations

import logging
import threading

from telegram import Update

from bot.intake import process
from webhooks.context import ChannelRuntime
from webhooks.telegram import answer_callback, to_inbound

log = logging.getLogger(__name__)
POLL_SECONDS = 25


def poll(runtime: ChannelRuntime, *, once: bool = False, stop: threading.Event | None = None) -> int:
    """Serve updates until `stop` is set (or one batch with `once`); returns how many were handled."""
    runner = runtime.telegram_runner
    assert runner is not None, "Telegram is not configured"
    runner.run(lambda bot: bot.delete_webhook(drop_pending_updates=False))
    stop = stop or threading.Event()
    offset: int | None = None
    handled = 0
    while not stop.is_set():
        try:
            updates: tuple[Update, ...] = runner.run(
                lambda bot: bot.get_updates(offset=offset, timeout=0 if once else POLL_SECONDS,
                                            allowed_updates=["message", "callback_query"]),
                timeout=POLL_SECONDS + 15)
        except Exception:
            log.warning("getUpdates failed; retrying", exc_info=True)
            stop.wait(5)
            continue
        for update in updates:
            offset = update.update_id + 1
            inbound = to_inbound(update)
            if inbound is None:
                continue
            result = process(runtime, inbound)
            handled += 1
            if update.callback_query is not None and not result.duplicate:
                answer_callback(runner, update.callback_query.id)
        if once:
            break
    return handled
