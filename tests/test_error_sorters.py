"""The senders' pure error sorters, as tables: what each provider error becomes (retry, fail, unreachable).

Why a table: the sorting order matters (PTB's BadRequest and TimedOut are NetworkErrors) and each row is
one provider answer a real send can meet; the real senders are exercised end to end in tests/webhooks.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import (BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter,
                            TelegramError, TimedOut)

from bot.ports import Failed, RetryLater
from sending.telegram_client import sort_telegram_error
from sending.whatsapp_sender import sort_twilio_error


@pytest.mark.parametrize("exc, kind, unreachable, reason", [
    (RetryAfter(timedelta(seconds=7)), RetryLater, None, "telegram flood control"),
    (Forbidden("Forbidden: bot was blocked by the user"), Failed, True, "telegram forbidden: Forbidden: bot was blocked"),
    (BadRequest("Bad Request: chat not found"), Failed, False, "telegram bad request: Chat not found"),
    (ChatMigrated(-1001234), Failed, False, "telegram chat migrated to a supergroup"),
    (TimedOut(), RetryLater, None, "telegram timed out"),
    (NetworkError("connection reset"), RetryLater, None, "telegram network error: connection reset"),
    (InvalidToken("secret-token-text"), RetryLater, None, "telegram rejected the bot token"),
    (TimeoutError(), RetryLater, None, "telegram call did not finish in time"),
    (TelegramError("odd"), RetryLater, None, "telegram error: TelegramError"),
    (ValueError("bug"), RetryLater, None, "unexpected ValueError"),
])
def test_telegram_errors(exc, kind, unreachable, reason):
    result = sort_telegram_error(exc)
    assert type(result) is kind
    assert result.reason.lower().startswith(reason.lower())
    if kind is Failed:
        assert result.unreachable is unreachable
    assert "secret-token-text" not in result.reason  # a token in the message is never echoed


def test_telegram_flood_control_waits_as_told():
    assert sort_telegram_error(RetryAfter(timedelta(seconds=7))).after_seconds == 7


@pytest.mark.parametrize("status, code, kind, unreachable, reason", [
    (429, None, RetryLater, None, "twilio rate limit (20429)"),
    (400, 20429, RetryLater, None, "twilio rate limit (20429)"),
    (None, None, RetryLater, None, "twilio server error (HTTP None)"),
    (500, None, RetryLater, None, "twilio server error (HTTP 500)"),
    (503, 21610, RetryLater, None, "twilio server error (HTTP 503)"),  # a server error first: retried
    (400, 21610, Failed, True, "recipient unsubscribed, sent STOP (21610)"),
    (400, 63016, Failed, False, "outside 24h window, template needed (63016)"),
    (401, None, RetryLater, None, "twilio rejected the account credentials (20003)"),
    (400, 20003, RetryLater, None, "twilio rejected the account credentials (20003)"),
    (400, 21211, Failed, False, "invalid 'To' number (21211)"),
    (400, 63007, Failed, False, "WhatsApp sender not found for 'From' (63007)"),
    (400, 99999, Failed, False, "twilio error 99999 (HTTP 400)"),
])
def test_twilio_errors(status, code, kind, unreachable, reason):
    result = sort_twilio_error(status, code)
    assert type(result) is kind and result.reason == reason
    if kind is Failed:
        assert result.unreachable is unreachable
