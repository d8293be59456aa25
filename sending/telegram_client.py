"""The Telegram side of sending: one PTB `Bot` on one event loop per process.

PTB is asyncio; our web workers and scheduler are synchronous. So each process
keeps a single event loop in a daemon thread that owns an initialised `Bot`,
and synchronous code hands it coroutines (`BotRunner.run`). The loop is made
lazily and keyed by `os.getpid()`, so a runner created before gunicorn forks
builds a fresh loop in each worker instead of using the parent's dead thread.

`TelegramSender` implements `bot.ports.Sender`: it renders an `Outbound` for
Telegram (inline keyboard, or a numbered list when a choice value is too long
for `callback_data`), splits long texts, and sorts PTB's exceptions into
`Sent` / `RetryLater` / `Failed` without ever raising.
"""
from __future__ import annotations

import asyncio
import html
import concurrent.futures
import logging
import os
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from telegram import (
    Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, KeyboardButton, Message, ReplyKeyboardMarkup,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.choices import numbered_choices, split_text
from bot.forking import forget_in_forked_child
from bot.messages import SHARE_PHONE, Attachment, Channel, Outbound
from bot.ports import Failed, RetryLater, SendResult, Sent
from bot.privacy import pseudonym

__all__ = [
    "DEFAULT_API_URL",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_MESSAGE_LENGTH",
    "BotRunner",
    "TelegramSender",
    "render_telegram",
    "sort_telegram_error",
    "telegram_api_base",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_API_URL = "https://api.telegram.org/bot"
MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units, after entity parsing (telegram.constants.MessageLimit)
MAX_CALLBACK_DATA_BYTES = 64  # telegram.constants.InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
MAX_CAPTION_LENGTH = 1024  # telegram.constants.MessageLimit.CAPTION_LENGTH

_TOKEN_SUFFIX = re.compile(r"/bot\d+:[A-Za-z0-9_-]+$")


def telegram_api_base(url: str | None) -> str:
    """Normalise TELEGRAM_API_URL into the base PTB wants (it appends the token).

    Accepts `http://host:8081`, `http://host:8081/`, `.../bot` or `.../bot/`
    and returns `.../bot`; None or blank gives api.telegram.org. A URL that
    already carries a token (`.../bot123:ABC`) loses it rather than getting a
    second one; a `{token}` template is returned untouched (PTB fills it in).
    """
    if url is None or not url.strip():
        return DEFAULT_API_URL
    url = url.strip()
    if "{token}" in url or "{TOKEN}" in url:
        return url
    url = _TOKEN_SUFFIX.sub("/bot", url.rstrip("/"))
    return url if url.endswith("/bot") else f"{url}/bot"


class BotRunner:
    """One asyncio loop in a daemon thread per process, owning an initialised PTB `Bot`.

    Args:
        token: The bot token.
        api_url: Bot API base (see `telegram_api_base`); default api.telegram.org.
        pool_size: HTTP connections kept for concurrent sends.
        connect_timeout, read_timeout, write_timeout, pool_timeout: Seconds, per request.

    Thread-safe: any thread may call `run`; all Bot calls execute on the loop thread.
    """

    def __init__(
        self,
        token: str,
        api_url: str | None = None,
        *,
        pool_size: int = 64,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        write_timeout: float = 10.0,
        pool_timeout: float = 5.0,
    ) -> None:
        if not token:
            raise ValueError("a Telegram bot token is required")
        self._token = token
        self.api_url = telegram_api_base(api_url)
        self._request_options: dict[str, Any] = {  # HTTPXRequest's keyword arguments
            "connection_pool_size": pool_size,
            "connect_timeout": connect_timeout,
            "read_timeout": read_timeout,
            "write_timeout": write_timeout,
            "pool_timeout": pool_timeout,
        }
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._bot: Bot | None = None
        self._init_lock: asyncio.Lock | None = None
        self._initialized = False
        forget_in_forked_child(self)  # the parent's loop thread does not exist in a child

    @property
    def bot(self) -> Bot:
        """This process's `Bot` (e.g. for `Update.de_json(data, runner.bot)`).

        Call its coroutine methods only through `run`: it belongs to the loop thread.
        """
        return self._ensure()[1]

    def run(self, coro_factory: Callable[[Bot], Awaitable[T]], timeout: float = 30.0) -> T:
        """Run `coro_factory(bot)` on the loop, initialising the bot first; wait for its result.

        Raises:
            TimeoutError: No result within `timeout` seconds (the coroutine is cancelled).
            RuntimeError: Called from the loop thread itself (that would deadlock).
            Whatever the coroutine raises (PTB's `TelegramError`s).
        """
        loop, bot = self._ensure()
        if threading.current_thread() is self._thread:
            raise RuntimeError("BotRunner.run() called on its own loop thread; await the coroutine instead")
        future = asyncio.run_coroutine_threadsafe(self._call(bot, coro_factory), loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"Telegram call did not finish within {timeout}s") from None

    def submit(self, coro_factory: Callable[[Bot], Awaitable[T]], timeout: float = 30.0) -> concurrent.futures.Future[T]:
        """Like `run`, without waiting: the caller gets the future (its callbacks run on the loop thread).
        The coroutine is cancelled after `timeout` seconds (the future then holds a TimeoutError)."""
        loop, bot = self._ensure()

        async def bounded() -> T:
            return await asyncio.wait_for(self._call(bot, coro_factory), timeout)

        return asyncio.run_coroutine_threadsafe(bounded(), loop)

    def close(self, timeout: float = 10.0) -> None:
        """Shut the Bot's HTTP clients and stop the loop thread. Safe to call twice.

        A later `run` starts afresh. In a forked child that never used the
        runner this only drops the references.
        """
        with self._lock:
            loop, thread, bot, pid = self._loop, self._thread, self._bot, self._pid
            self._loop = self._thread = self._bot = None
            self._pid, self._init_lock, self._initialized = None, None, False
        if loop is None or bot is None or pid != os.getpid() or not loop.is_running():
            return
        try:
            asyncio.run_coroutine_threadsafe(bot.shutdown(), loop).result(timeout)
        except Exception as exc:  # closing must not fail the caller's shutdown
            log.warning("telegram bot shutdown failed: %s", type(exc).__name__)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout)

    # ---------------------------------------------------------------- internals

    def _ensure(self) -> tuple[asyncio.AbstractEventLoop, Bot]:
        pid = os.getpid()
        with self._lock:
            if self._pid != pid or self._loop is None or self._bot is None or self._loop.is_closed():
                loop = asyncio.new_event_loop()
                started = threading.Event()
                thread = threading.Thread(
                    target=self._serve, args=(loop, started), name="telegram-bot-loop", daemon=True
                )
                thread.start()
                started.wait()
                request = HTTPXRequest(**self._request_options)
                self._bot = Bot(self._token, base_url=self.api_url, request=request)
                self._loop, self._thread, self._pid = loop, thread, pid
                self._init_lock, self._initialized = None, False
            return self._loop, self._bot

    @staticmethod
    def _serve(loop: asyncio.AbstractEventLoop, started: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(started.set)
        try:
            loop.run_forever()
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())  # where attachments are drawn
            finally:
                loop.close()

    async def _call(self, bot: Bot, coro_factory: Callable[[Bot], Awaitable[T]]) -> T:
        if not self._initialized:
            if self._init_lock is None:  # created on the loop thread, so no race
                self._init_lock = asyncio.Lock()
            async with self._init_lock:
                if not self._initialized:
                    await bot.initialize()  # getMe: also proves the token works
                    self._initialized = True
        return await coro_factory(bot)

    def _forget(self) -> None:
        """In a forked child: drop the parent's loop, thread and lock without touching them."""
        self._lock = threading.Lock()
        self._pid = None
        self._loop = self._thread = self._bot = None
        self._init_lock, self._initialized = None, False


_BOLD = re.compile(r"\*([^*\n]{1,80})\*")


def telegram_html(text: str) -> str:
    """Our texts mark keywords WhatsApp-style (*batal*); Telegram shows them bold via HTML."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def render_telegram(message: Outbound) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup | None]:
    """Text and keyboard for Telegram: one button per row, value as callback_data.

    A `SHARE_PHONE` choice makes it a reply keyboard whose button shares the person's own number
    (`request_contact`; other choices are buttons sending their label, read back by label).
    `callback_data` holds 1-64 bytes; if any value does not fit, all choices
    go into the text as a numbered list instead (the core reads "2" back with
    `bot.choices.pick_numbered`), so the person still sees every option.
    """
    choices = message.choices
    if not choices:
        return message.text, None
    if any(c.value == SHARE_PHONE for c in choices):  # a reply keyboard: only it can ask for the number
        rows = [[KeyboardButton(c.label, request_contact=c.value == SHARE_PHONE)] for c in choices]
        return message.text, ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    if all(1 <= len(c.value.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES for c in choices):
        buttons = [[InlineKeyboardButton(c.label, callback_data=c.value)] for c in choices]
        return message.text, InlineKeyboardMarkup(buttons)
    return numbered_choices(message.text, choices, lang=message.language), None


def _retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter's delay in seconds without tripping PTB 22's int-vs-timedelta deprecation warning."""
    raw = getattr(exc, "_retry_after", None)  # always a timedelta since PTB 22.2
    if not isinstance(raw, timedelta):
        raw = exc.retry_after
    return raw.total_seconds() if isinstance(raw, timedelta) else float(raw)


def sort_telegram_error(exc: BaseException) -> SendResult:
    """Map what PTB raised to a send result. Order matters: BadRequest and TimedOut are NetworkErrors."""
    if isinstance(exc, RetryAfter):
        return RetryLater("telegram flood control", after_seconds=_retry_after_seconds(exc))
    if isinstance(exc, Forbidden):  # blocked, deactivated, never started the bot
        return Failed(f"telegram forbidden: {_short(exc)}", unreachable=True)
    if isinstance(exc, BadRequest):
        return Failed(f"telegram bad request: {_short(exc)}")
    if isinstance(exc, ChatMigrated):  # only groups migrate; the old id will never work again
        return Failed("telegram chat migrated to a supergroup")
    if isinstance(exc, TimedOut):
        return RetryLater("telegram timed out")
    if isinstance(exc, NetworkError):
        return RetryLater(f"telegram network error: {_short(exc)}")
    if isinstance(exc, InvalidToken):  # a configuration fault, not this message's: keep it queued
        return RetryLater("telegram rejected the bot token")  # its message contains the token: never echo it
    if isinstance(exc, TimeoutError):
        return RetryLater("telegram call did not finish in time")
    if isinstance(exc, TelegramError):
        return RetryLater(f"telegram error: {type(exc).__name__}")
    return RetryLater(f"unexpected {type(exc).__name__}")


def _short(exc: TelegramError) -> str:
    return exc.message[:200]


class TelegramSender:
    """`Sender` for Telegram through a `BotRunner`. Never raises.

    Texts over 4096 UTF-16 units go out as several messages; the keyboard is
    attached to the last part, and `Sent.provider_message_id` is that part's
    message_id (the one a later edit of the keyboard must target). If a later
    part fails, the whole message is reported failed/retryable, so a retry
    may repeat earlier parts: delivery is at-least-once.
    """

    channel = Channel.TELEGRAM

    def __init__(self, runner: BotRunner, *, timeout: float = 20.0, part_gap: float = 0.0) -> None:
        """`timeout` bounds one API call; keep it above connect+read timeouts so PTB's TimedOut wins.
        `part_gap`: seconds between the parts of a long text (Telegram's one message a second to a chat;
        the loop waits, no thread does)."""
        self._runner = runner
        self._timeout = timeout
        self._part_gap = part_gap

    def requests(self, message: Outbound, plan: "_Plan | SendResult | None" = None) -> int:
        """API calls the message makes to Telegram: its text parts, or one upload."""
        plan = self.plan(message) if plan is None else plan
        if not isinstance(plan, _Plan):
            return 1
        return 1 if plan.attachment is not None else max(1, len(plan.parts))

    def plan(self, message: Outbound) -> "_Plan | SendResult":
        """The message rendered once: its parts and keyboard (or why it cannot go). The dispatcher keeps
        it on the job, counts its requests from it and hands it back to `start`: never rendered twice."""
        return self._prepare(message)

    def start(self, message: Outbound, plan: "_Plan | SendResult | None" = None) -> concurrent.futures.Future[SendResult]:
        """Send without holding a thread: the dispatcher's pump hands the message straight to the
        bot's event loop and hears back through the future (never an exception: a `SendResult`).
        `plan`: the message's `plan`, made when it was counted (else made now)."""
        future: concurrent.futures.Future[SendResult] = concurrent.futures.Future()
        prepared = self._prepare(message) if plan is None else plan
        if not isinstance(prepared, _Plan):
            future.set_result(prepared)
            return future
        plan = prepared

        async def send_all(bot: Bot) -> SendResult:
            if plan.attachment is not None:  # drawn off the loop and off the pump, then uploaded
                return await self._send_file(bot, message, plan.chat_id)
            sent: Message | None = None
            for index, part in enumerate(plan.parts):
                keyboard = plan.markup if index == len(plan.parts) - 1 else None
                if index and self._part_gap:
                    await asyncio.sleep(self._part_gap)
                try:
                    sent = await asyncio.wait_for(bot.send_message(
                        chat_id=plan.chat_id, text=telegram_html(part), reply_markup=keyboard, parse_mode="HTML"),
                        self._timeout)
                except Exception as exc:  # noqa: BLE001 - a sender sorts errors, never raises
                    return self._failed(message, exc, index, len(plan.parts))
            assert sent is not None
            return Sent(str(sent.message_id))

        def settle(done: concurrent.futures.Future[SendResult]) -> None:
            try:
                future.set_result(done.result())
            except BaseException as exc:  # noqa: BLE001 - initialising the bot failed (getMe), or a timeout
                future.set_result(self._failed(message, exc, 0, plan.calls))

        try:
            self._runner.submit(send_all, timeout=(self._timeout + self._part_gap) * plan.calls).add_done_callback(settle)
        except Exception as exc:  # noqa: BLE001
            future.set_result(self._failed(message, exc, 0, plan.calls))
        return future

    def _prepare(self, message: Outbound) -> "_Plan | SendResult":
        who = pseudonym(message.address)
        if message.channel is not Channel.TELEGRAM:
            return Failed(f"not a telegram message: {message.channel.value}")
        try:
            chat_id = int(message.address)
        except ValueError:
            log.warning("telegram outbox %s: chat %s is not a numeric chat id", message.id, who)
            return Failed("invalid telegram chat id")
        if message.attachment is not None:
            return _Plan(chat_id, attachment=message.attachment)
        text, markup = render_telegram(message)
        if not text.strip():
            return Failed("empty message text")
        return _Plan(chat_id, split_text(text, MAX_MESSAGE_LENGTH), markup)

    @staticmethod
    def _failed(message: Outbound, exc: BaseException, index: int, parts: int) -> SendResult:
        result = sort_telegram_error(exc)
        log.warning("telegram outbox %s to chat %s part %d/%d: %s -> %s", message.id, pseudonym(message.address),
                    index + 1, parts, type(exc).__name__, type(result).__name__)
        return result

    def send(self, message: Outbound, plan: "_Plan | SendResult | None" = None) -> SendResult:
        """Send and wait (the CLI, tests, a sender without the pump)."""
        prepared = self._prepare(message) if plan is None else plan
        if not isinstance(prepared, _Plan):
            return prepared
        plan = prepared
        who = pseudonym(message.address)
        if plan.attachment is not None:
            try:
                return self._runner.run(lambda bot: self._send_file(bot, message, plan.chat_id),
                                        timeout=self._timeout * plan.calls)
            except BaseException as exc:  # noqa: BLE001 - a sender sorts errors, never raises
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                return self._failed(message, exc, 0, 1)
        sent: Message | None = None
        for index, part in enumerate(plan.parts):
            keyboard = plan.markup if index == len(plan.parts) - 1 else None
            if index and self._part_gap:
                time.sleep(self._part_gap)  # the CLI and tests only; the dispatcher uses `start`
            def send_part(bot: Bot, part: str = part, keyboard: _Markup | None = keyboard) -> Awaitable[Message]:
                return bot.send_message(chat_id=plan.chat_id, text=telegram_html(part), reply_markup=keyboard,
                                        parse_mode="HTML")

            try:
                sent = self._runner.run(send_part, timeout=self._timeout)
            except BaseException as exc:  # noqa: BLE001 - a sender sorts errors, never raises
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                return self._failed(message, exc, index, len(plan.parts))
        assert sent is not None
        log.debug("telegram outbox %s to chat %s sent in %d part(s)", message.id, who, len(plan.parts))
        return Sent(str(sent.message_id))

    async def _send_file(self, bot: Bot, message: Outbound, chat_id: int) -> SendResult:
        """A growth chart (`sendPhoto`) or a recap file (`sendDocument`), drawn now (in a worker thread of
        the loop, so neither the loop nor the pump waits on the drawing), with the text as caption."""
        attachment = message.attachment
        assert attachment is not None
        try:
            from bot.media import materialise

            content = await asyncio.get_running_loop().run_in_executor(None, materialise, attachment.spec)
        except Exception as exc:  # noqa: BLE001 - a spec that cannot be drawn will not draw on a retry either
            log.exception("telegram outbox %s: attachment could not be made", message.id)
            return Failed(f"attachment could not be made: {type(exc).__name__}")
        upload = InputFile(content, filename=attachment.filename)
        caption = telegram_html(message.text[:MAX_CAPTION_LENGTH]) if message.text.strip() else None
        method = "send_photo" if attachment.kind == "photo" else "send_document"
        field = "photo" if attachment.kind == "photo" else "document"
        try:
            sent = await asyncio.wait_for(getattr(bot, method)(chat_id=chat_id, caption=caption, parse_mode="HTML",
                                                               **{field: upload}), self._timeout)
        except Exception as exc:  # noqa: BLE001 - a sender sorts errors, never raises
            result = sort_telegram_error(exc)
            log.warning("telegram outbox %s to chat %s %s: %s -> %s", message.id, pseudonym(message.address),
                        method, type(exc).__name__, type(result).__name__)
            return result
        return Sent(str(sent.message_id))


_Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@dataclass(frozen=True)
class _Plan:
    """What one message takes: text parts (the keyboard on the last), or one file upload."""

    chat_id: int
    parts: list[str] = field(default_factory=list)
    markup: _Markup | None = None
    attachment: Attachment | None = None

    @property
    def calls(self) -> int:
        """API calls the message takes; a file counts twice (drawing it, then the upload)."""
        return 2 if self.attachment is not None else len(self.parts)
