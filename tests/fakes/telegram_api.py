"""A loopback fake of the Telegram Bot API for the real python-telegram-bot `Bot`.

Point PTB at it with `Bot(token, base_url=tg.base_url)`; PTB appends the token,
so requests arrive as `POST /bot<token>/<method>` with urlencoded (or
multipart) bodies whose non-string values are JSON-encoded, exactly as they
would reach api.telegram.org. Answers follow the Bot API: `{"ok": true,
"result": ...}` or `{"ok": false, "error_code", "description", "parameters"}`.

    with FakeTelegramAPI(per_chat_per_second=1) as tg:
        bot = Bot("123:ABC", base_url=tg.base_url)
        ...
        tg.wait_for(3)
        assert tg.sent_messages()[0]["text"] == "Halo"

Faults (`fail_next`) and the optional rate limiter answer the way Telegram
does, so PTB raises its real `RetryAfter`, `Forbidden`, `BadRequest`,
`NetworkError` and `TimedOut`.
"""
from __future__ import annotations

import copy
import itertools
import json
import math
import threading
import time
from typing import Any

from tests.fakes import FaultQueue, LoopbackServer, PaceLog, Response, parse_body, wait_until

__all__ = ["FAULT_KINDS", "FakeTelegramAPI"]

FAULT_KINDS = ("retry_after", "server_error", "forbidden", "bad_request", "slow")

# Parameters PTB JSON-encodes inside form bodies; everything else stays a string.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "media",
        "commands",
        "scope",
    }
)
_SEND_METHODS = frozenset({"sendMessage"})
_MAX_CAPTION = 1024
_MAX_PHOTO_BYTES = 10 * 1024 * 1024  # Bot API: photos up to 10 MB by upload
_MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"
_MAX_TEXT = 4096
_MAX_CALLBACK_DATA = 64
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


def _ok(result: Any) -> Response:
    return Response(200, {"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Response(code, body)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegramAPI(LoopbackServer):
    """The Bot API methods our bot uses, recorded, with faults and flood limits.

    Args:
        token: When set, any other token gets 401 Unauthorized (PTB: InvalidToken).
        global_per_second: Accepted sends per sliding second, all chats (None: unlimited).
        per_chat_per_second: Accepted sends per sliding second per chat (None: unlimited).
        bot_id, bot_username: What getMe returns.

    Only accepted sendMessage calls count as sends (for limits, `sent_messages`,
    `wait_for` and pacing); `calls()` records every request, rejected or not.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        global_per_second: int | None = None,
        per_chat_per_second: int | None = None,
        bot_id: int = 7000000001,
        bot_username: str = "posyandu_test_bot",
    ) -> None:
        super().__init__()
        self.token = token
        self.global_per_second = global_per_second
        self.per_chat_per_second = per_chat_per_second
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Posyandu Test Bot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.blocked_chats: set[str] = set()
        self.webhook: dict[str, Any] = {}
        self._cond = threading.Condition()
        self._log: list[tuple[str, dict[str, Any]]] = []
        self._sent: list[dict[str, Any]] = []
        self._media: list[dict[str, Any]] = []
        self._pace = PaceLog()
        self._faults = FaultQueue(FAULT_KINDS)
        self._messages: dict[tuple[str, int], dict[str, Any]] = {}
        self._message_ids: dict[str, itertools.count[int]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1000)
        self._callback_ids = itertools.count(1)

    # ----------------------------------------------------------------- setup

    @property
    def base_url(self) -> str:
        """What PTB's `Bot(base_url=...)` wants: it appends the token itself."""
        return f"http://127.0.0.1:{self.port}/bot"

    def __enter__(self) -> FakeTelegramAPI:
        self.start()
        return self

    def fail_next(
        self,
        n: int = 1,
        kind: str = "server_error",
        *,
        method: str | None = "sendMessage",
        retry_after: int = 5,
        status: int = 500,
        delay: float = 1.0,
        description: str | None = None,
    ) -> None:
        """Make the next `n` calls of `method` (None: any method) fail as `kind`.

        Kinds: `retry_after` (429 with parameters.retry_after), `server_error`
        (`status` 500 as JSON, or 502 as nginx's HTML page), `forbidden` (403
        bot was blocked), `bad_request` (400 chat not found), `slow` (sleep
        `delay` seconds, then answer normally).
        """
        options = {"retry_after": retry_after, "status": status, "delay": delay, "description": description}
        self._faults.add(n, kind, method, options)

    def block(self, chat_id: int | str) -> None:
        """From now on this chat answers 403 "bot was blocked by the user"."""
        with self._cond:
            self.blocked_chats.add(str(chat_id))

    def reset(self) -> None:
        """Forget calls, sends, messages (ids restart at 1), pace, faults and updates.

        Keeps the limits, blocked chats and webhook settings.
        """
        with self._cond:
            self._log.clear()
            self._sent.clear()
            self._media.clear()
            self._messages.clear()
            self._message_ids.clear()
            self._pace = PaceLog()
            self._faults.clear()
            self._updates.clear()

    # ------------------------------------------------------------ inspection

    def calls(self, method: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Every request as (method, params), in arrival order, rejected ones too."""
        with self._cond:
            return [(m, copy.deepcopy(p)) for m, p in self._log if method is None or m == method]

    def sent_messages(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Params of accepted sendMessage calls (chat_id as str, reply_markup as dict)."""
        with self._cond:
            return [
                copy.deepcopy(p) for p in self._sent if chat_id is None or p.get("chat_id") == str(chat_id)
            ]

    def sent_media(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Accepted sendPhoto/sendDocument calls: `method`, `chat_id`, `caption`, and the uploaded file
        (`photo` or `document`: `{"filename", "content_type", "data"}`)."""
        with self._cond:
            return [copy.deepcopy(p) for p in self._media if chat_id is None or p.get("chat_id") == str(chat_id)]

    def wait_for(self, n: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until at least `n` sendMessage calls were accepted; return them."""
        with self._cond:
            if not wait_until(lambda: len(self._sent) >= n, self._cond, timeout):
                raise AssertionError(f"expected {n} sent messages within {timeout}s, got {len(self._sent)}")
        return self.sent_messages()

    def wait_for_call(self, method: str, timeout: float = 5.0) -> dict[str, Any]:
        """Block until a `method` request arrived (answered or not); return its params."""
        with self._cond:
            if not wait_until(lambda: any(m == method for m, _ in self._log), self._cond, timeout):
                raise AssertionError(f"expected a {method} call within {timeout}s")
            return copy.deepcopy(next(p for m, p in self._log if m == method))

    def max_rate(self, window: float = 1.0, chat_id: int | str | None = None) -> int:
        """Most accepted sends inside any `window`-second span (overall or for one chat)."""
        with self._cond:
            return self._pace.max_rate(window, None if chat_id is None else str(chat_id))

    def send_times(self, chat_id: int | str | None = None) -> list[float]:
        """`time.monotonic()` of each accepted send, for benchmarks."""
        with self._cond:
            return self._pace.times(None if chat_id is None else str(chat_id))

    # --------------------------------------------------------------- updates

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw Update for getUpdates; assigns `update_id` when missing."""
        update = copy.deepcopy(update)
        with self._cond:
            update.setdefault("update_id", next(self._update_ids))
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def push_text(self, chat_id: int, text: str, *, first_name: str = "Sari") -> int:
        """Queue a private text message from user `chat_id` (the polling mode's input)."""
        with self._cond:
            message_id = next(self._ids_for(str(chat_id)))
        user = {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": "id"}
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": user,
            "text": text,
        }
        return self.push_update({"message": message})

    def push_callback(self, chat_id: int, data: str, *, message_id: int | None = None) -> int:
        """Queue a button press on `message_id` (default: the last message sent to the chat)."""
        key = str(chat_id)
        with self._cond:
            if message_id is None:
                ids = [mid for (chat, mid) in self._messages if chat == key]
                message_id = max(ids) if ids else 1
            message = copy.deepcopy(self._messages.get((key, message_id))) or {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "",
            }
            callback_id = str(next(self._callback_ids))
        user = {"id": chat_id, "is_bot": False, "first_name": "Sari", "language_code": "id"}
        query = {
            "id": callback_id,
            "from": user,
            "message": message,
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return self.push_update({"callback_query": query})

    # -------------------------------------------------------------- dispatch

    def answer(
        self, verb: str, path: str, headers: dict[str, str], query: dict[str, Any], body: bytes
    ) -> Response:
        parts = path.split("/")
        if len(parts) != 3 or parts[0] != "" or not parts[1].startswith("bot") or not parts[2]:
            return _error(404, "Not Found")
        token, method = parts[1][3:], parts[2]
        try:
            params = self._normalise({**query, **parse_body(headers.get("Content-Type", ""), body)})
        except (ValueError, UnicodeDecodeError):
            return _error(400, "Bad Request: can't parse request body")
        with self._cond:
            self._log.append((method, copy.deepcopy(params)))
            self._cond.notify_all()
        if self.token is not None and token != self.token:
            return _error(401, "Unauthorized")

        fault = self._faults.take(method)
        if fault is not None:
            if fault.kind == "slow":
                time.sleep(float(fault.options["delay"]))
            else:
                return self._fault_response(fault.kind, fault.options)

        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return _error(404, "Not Found")
        return handler(params)

    @staticmethod
    def _fault_response(kind: str, options: dict[str, Any]) -> Response:
        described = options.get("description")
        if kind == "retry_after":
            seconds = int(options["retry_after"])
            return _error(429, described or f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})
        if kind == "forbidden":
            return _error(403, described or "Forbidden: bot was blocked by the user")
        if kind == "bad_request":
            return _error(400, described or "Bad Request: chat not found")
        status = int(options["status"])
        if status == 502:  # Telegram's edge answers 502 with nginx's HTML page, not JSON
            html = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
            return Response(502, html, content_type="text/html")
        return _error(status, described or "Internal Server Error")

    @staticmethod
    def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
        """Same shape whatever the encoding: JSON fields parsed, scalars as strings."""
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if value is None:
                continue
            if key in _JSON_FIELDS:
                if isinstance(value, str):
                    value = json.loads(value)
                out[key] = value
            elif isinstance(value, bool):
                out[key] = "true" if value else "false"
            elif isinstance(value, (int, float)):
                out[key] = str(value)
            else:
                out[key] = value
        return out

    # --------------------------------------------------------------- methods

    def _m_getme(self, params: dict[str, Any]) -> Response:
        return _ok(dict(self.bot_user))

    def _m_close(self, params: dict[str, Any]) -> Response:
        return _ok(True)

    def _m_logout(self, params: dict[str, Any]) -> Response:
        return _ok(True)

    def _m_sendmessage(self, params: dict[str, Any]) -> Response:
        chat_id = str(params.get("chat_id", "")).strip()
        text = params.get("text", "")
        if not chat_id:
            return _error(400, "Bad Request: chat_id is empty")
        if not isinstance(text, str) or not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if _utf16_len(text) > _MAX_TEXT:
            return _error(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        problem = self._check_markup(markup)
        if problem:
            return _error(400, problem)
        with self._cond:
            now = time.monotonic()
            refused = self._refuse(chat_id, now)
            if refused is not None:
                return refused
            message = self._new_message(chat_id, text, markup)
            self._pace.record(chat_id, now)
            sent = dict(params, chat_id=chat_id)
            self._sent.append(sent)
            self._cond.notify_all()
            return _ok(copy.deepcopy(message))

    def _m_sendphoto(self, params: dict[str, Any]) -> Response:
        return self._send_file("sendPhoto", "photo", params, _MAX_PHOTO_BYTES)

    def _m_senddocument(self, params: dict[str, Any]) -> Response:
        return self._send_file("sendDocument", "document", params, _MAX_DOCUMENT_BYTES)

    def _send_file(self, method: str, field: str, params: dict[str, Any], limit: int) -> Response:
        """An uploaded photo or document (multipart), checked the way Telegram does."""
        chat_id = str(params.get("chat_id", "")).strip()
        upload = params.get(field)
        if not chat_id:
            return _error(400, "Bad Request: chat_id is empty")
        if not isinstance(upload, dict) or not upload.get("data"):
            return _error(400, f"Bad Request: there is no {field} in the request")
        data = upload["data"]
        if len(data) > limit:
            return _error(400, "Bad Request: file is too big")
        if field == "photo" and not data.startswith(_PNG) and not data.startswith(b"\xff\xd8"):
            return _error(400, "Bad Request: IMAGE_PROCESS_FAILED")
        caption = params.get("caption", "")
        if _utf16_len(caption or "") > _MAX_CAPTION:
            return _error(400, "Bad Request: message caption is too long")
        with self._cond:
            now = time.monotonic()
            refused = self._refuse(chat_id, now)
            if refused is not None:
                return refused
            message = self._new_message(chat_id, "", None)
            del message["text"]
            unique = f"u{len(self._media) + 1}"
            if field == "photo":
                message["photo"] = [{"file_id": f"ph{unique}", "file_unique_id": unique, "width": 320, "height": 320,
                                     "file_size": len(data)}]
            else:
                message["document"] = {"file_id": f"doc{unique}", "file_unique_id": unique,
                                       "file_name": upload.get("filename"), "mime_type": upload.get("content_type"),
                                       "file_size": len(data)}
            if caption:
                message["caption"] = caption
            self._pace.record(chat_id, now)
            self._media.append(dict(params, chat_id=chat_id, method=method))
            self._cond.notify_all()
            return _ok(copy.deepcopy(message))

    def _m_editmessagetext(self, params: dict[str, Any]) -> Response:
        text = params.get("text", "")
        if not isinstance(text, str) or not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if _utf16_len(text) > _MAX_TEXT:
            return _error(400, "Bad Request: MESSAGE_TOO_LONG")
        return self._edit(params, text=text)

    def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> Response:
        return self._edit(params, text=None)

    def _m_answercallbackquery(self, params: dict[str, Any]) -> Response:
        if not params.get("callback_query_id"):
            return _error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        return _ok(True)

    def _m_setwebhook(self, params: dict[str, Any]) -> Response:
        url = params.get("url", "")
        if url and not str(url).startswith("https://"):
            return _error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        with self._cond:
            if params.get("drop_pending_updates") == "true":
                self._updates.clear()
            self.webhook = {k: v for k, v in params.items() if k != "certificate"} if url else {}
        return Response(200, {"ok": True, "result": True, "description": "Webhook was set"})

    def _m_deletewebhook(self, params: dict[str, Any]) -> Response:
        with self._cond:
            if params.get("drop_pending_updates") == "true":
                self._updates.clear()
            self.webhook = {}
        return Response(200, {"ok": True, "result": True, "description": "Webhook was deleted"})

    def _m_getwebhookinfo(self, params: dict[str, Any]) -> Response:
        with self._cond:
            info: dict[str, Any] = {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if info["url"]:
                info["max_connections"] = int(self.webhook.get("max_connections", 40))
                info["ip_address"] = "127.0.0.1"
                if "allowed_updates" in self.webhook:
                    info["allowed_updates"] = self.webhook["allowed_updates"]
        return _ok(info)

    def _m_getupdates(self, params: dict[str, Any]) -> Response:
        offset = int(params.get("offset", 0) or 0)
        limit = max(1, min(100, int(params.get("limit", 100) or 100)))
        timeout = max(0.0, float(params.get("timeout", 0) or 0))
        with self._cond:
            if self.webhook.get("url"):
                return _error(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if timeout:
                wait_until(lambda: bool(self._updates) or self.closed.is_set(), self._cond, timeout)
            return _ok(copy.deepcopy(self._updates[:limit]))

    # --------------------------------------------------------------- helpers

    def _on_stop(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _ids_for(self, chat_id: str) -> itertools.count[int]:
        return self._message_ids.setdefault(chat_id, itertools.count(1))

    def _refuse(self, chat_id: str, now: float) -> Response | None:
        """A blocked chat (403) or flood control (429) for any send (caller holds the lock)."""
        if chat_id in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        wait = self._flood_wait(chat_id, now)
        if wait is not None:
            return _error(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        return None

    def _flood_wait(self, chat_id: str, now: float) -> int | None:
        """Seconds to wait (Telegram sends whole seconds) if this send breaks a limit."""
        checks = ((self.global_per_second, None), (self.per_chat_per_second, chat_id))
        for limit, key in checks:
            if limit is not None and self._pace.count_within(now, 1.0, key) >= limit:
                oldest = self._pace.oldest_within(now, 1.0, key) or now
                return max(1, math.ceil(oldest + 1.0 - now))
        return None

    @staticmethod
    def _check_markup(markup: Any) -> str | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            return "Bad Request: can't parse reply keyboard markup JSON object"
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    return "Bad Request: text buttons are unallowed in the inline keyboard"
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= _MAX_CALLBACK_DATA:
                    return "Bad Request: BUTTON_DATA_INVALID"
        return None

    def _chat(self, chat_id: str) -> dict[str, Any]:
        try:
            numeric = int(chat_id)
        except ValueError:
            return {"id": -1001000000000 - len(chat_id), "type": "channel", "title": chat_id, "username": chat_id.lstrip("@")}
        if numeric > 0:
            return {"id": numeric, "type": "private", "first_name": "Sari"}
        return {"id": numeric, "type": "group", "title": "Posyandu"}

    def _new_message(self, chat_id: str, text: str, markup: Any) -> dict[str, Any]:
        """Build and remember a Message (caller holds the lock)."""
        message: dict[str, Any] = {
            "message_id": next(self._ids_for(chat_id)),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": dict(self.bot_user),
            "text": text,
        }
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # Telegram echoes inline keyboards only
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, params: dict[str, Any], *, text: str | None) -> Response:
        markup = params.get("reply_markup")
        problem = self._check_markup(markup)
        if problem:
            return _error(400, problem)
        if params.get("inline_message_id"):
            return _ok(True)
        chat_id = str(params.get("chat_id", ""))
        try:
            message_id = int(params.get("message_id", ""))
        except ValueError:
            return _error(400, "Bad Request: message identifier is not specified")
        with self._cond:
            message = self._messages.get((chat_id, message_id))
            if message is None:
                return _error(400, "Bad Request: message to edit not found")
            new_text = message["text"] if text is None else text
            new_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
            if new_text == message["text"] and new_markup == message.get("reply_markup"):
                return _error(400, _NOT_MODIFIED)
            message["text"] = new_text
            message["edit_date"] = int(time.time())
            if new_markup is None:
                message.pop("reply_markup", None)
            else:
                message["reply_markup"] = new_markup
            return _ok(copy.deepcopy(message))
