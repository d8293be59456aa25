"""A loopback fake of Twilio's Messages API for the real twilio `Client`.

Point the client at it with `client.api.base_url = tw.base_url` (the `Api`
domain builds every URL from that attribute; leave `edge`/`region` unset or
the client rewrites hostnames). Requests arrive as Twilio receives them:
`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP basic auth,
urlencoded form fields (`To`, `From`, `Body`, `ContentSid`, ...).

    with FakeTwilioAPI(per_second=80) as tw:
        client = Client(tw.account_sid, tw.auth_token)
        client.api.base_url = tw.base_url
        client.messages.create(to="whatsapp:+6281234567890", from_="whatsapp:+14155238886", body="Halo")
        assert tw.messages()[0]["Body"] == "Halo"

Errors use Twilio's legacy error JSON (`code`, `message`, `more_info`,
`status`), which the client turns into `TwilioRestException` with `.status`
and `.code`.
"""
from __future__ import annotations

import base64
import binascii
import copy
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

from tests.fakes import FaultQueue, LoopbackServer, PaceLog, Response, parse_body, wait_until

__all__ = ["FAULT_KINDS", "FakeTwilioAPI"]

FAULT_KINDS = ("rate_limit", "server_error", "unsubscribed", "invalid_to", "outside_window", "slow")

_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json$")
_MESSAGE_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages/(?P<sid>SM[0-9a-f]{32})\.json$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_MAX_BODY = 1600

_MESSAGES = {
    20003: "Authentication Error - invalid username",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    21211: "Invalid 'To' Phone Number",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    21619: "A text message body, media URL, or content SID must be specified.",
    21655: "The ContentSid is Invalid.",
    21656: "The ContentVariables Parameter is invalid.",
    21910: "Invalid From and To pair. From and To should be of the same channel",
    63016: (
        "Failed to send freeform message because you are outside the allowed window. "
        "If you are using WhatsApp, please use a Message Template."
    ),
}


_MEDIA_TYPES = {  # what WhatsApp takes through Twilio, and its size limit
    "image/png": 5 * 1024 * 1024, "image/jpeg": 5 * 1024 * 1024, "application/pdf": 16 * 1024 * 1024,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": 16 * 1024 * 1024,
}


def _error(status: int, code: int, message: str | None = None) -> Response:
    return Response(
        status,
        {
            "code": code,
            "message": message or _MESSAGES.get(code, "Error"),
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )


def _number(address: str) -> str:
    """`whatsapp:+62812...` -> `+62812...`: the number without its channel prefix."""
    return address.split(":", 1)[1] if ":" in address else address


def _channel(address: str) -> str:
    return address.split(":", 1)[0] if ":" in address else "sms"


class FakeTwilioAPI(LoopbackServer):
    """Twilio's Messages resource, recorded, with auth, faults and a rate limit.

    Args:
        account_sid, auth_token: The only credentials accepted (else 401, code 20003).
        per_second: Accepted messages per sliding second (None: unlimited); past it 429/20429.
        require_template_for: Numbers (E.164, with or without `whatsapp:`) whose
            24-hour window is closed: a send without ContentSid gets 400/63016.
    """

    def __init__(
        self,
        *,
        account_sid: str = "AC" + "0123456789abcdef" * 2,
        auth_token: str = "fake-auth-token",
        per_second: int | None = None,
        require_template_for: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.per_second = per_second
        self.require_template_for: set[str] = {_number(n) for n in require_template_for}
        self._cond = threading.Condition()
        self._log: list[dict[str, Any]] = []
        self._accepted: list[dict[str, Any]] = []
        self._resources: dict[str, dict[str, Any]] = {}
        self._pace = PaceLog()
        self._faults = FaultQueue(FAULT_KINDS)
        # Twilio fetches each MediaUrl itself (HEAD and GET) and refuses what it cannot use. Set this to
        # a callable url -> (status, content type, body) to have the fake do the same (e.g. through the
        # Flask test client); None accepts any http(s) URL unchecked.
        self.fetch_media: Callable[[str], tuple[int, str, bytes]] | None = None

    @property
    def base_url(self) -> str:
        """The value for `client.api.base_url` (replaces https://api.twilio.com)."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeTwilioAPI:
        self.start()
        return self

    def fail_next(
        self, n: int = 1, kind: str = "server_error", *, status: int = 500, delay: float = 1.0
    ) -> None:
        """Make the next `n` message creations fail as `kind`.

        Kinds: `rate_limit` (429/20429), `server_error` (`status` 500 or 503),
        `unsubscribed` (400/21610), `invalid_to` (400/21211), `outside_window`
        (400/63016), `slow` (sleep `delay` seconds, then answer normally).
        """
        self._faults.add(n, kind, "create", {"status": status, "delay": delay})

    def reset(self) -> None:
        """Forget requests, messages, pace and faults (keeps credentials and limits)."""
        with self._cond:
            self._log.clear()
            self._accepted.clear()
            self._resources.clear()
            self._pace = PaceLog()
            self._faults.clear()

    # ------------------------------------------------------------ inspection

    def requests(self) -> list[dict[str, Any]]:
        """Form fields of every create request, rejected ones too, in arrival order."""
        with self._cond:
            return copy.deepcopy(self._log)

    def messages(self, to: str | None = None) -> list[dict[str, Any]]:
        """Accepted messages: the form fields as sent (`To`, `From`, `Body`, ...) plus `Sid`."""
        with self._cond:
            return [copy.deepcopy(m) for m in self._accepted if to is None or _number(m["To"]) == _number(to)]

    def wait_for(self, n: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until at least `n` messages were accepted; return them."""
        with self._cond:
            if not wait_until(lambda: len(self._accepted) >= n, self._cond, timeout):
                raise AssertionError(f"expected {n} messages within {timeout}s, got {len(self._accepted)}")
        return self.messages()

    def max_rate(self, window: float = 1.0, to: str | None = None) -> int:
        """Most accepted messages inside any `window`-second span (overall or to one number)."""
        with self._cond:
            return self._pace.max_rate(window, None if to is None else _number(to))

    def send_times(self, to: str | None = None) -> list[float]:
        """`time.monotonic()` of each accepted message, for benchmarks."""
        with self._cond:
            return self._pace.times(None if to is None else _number(to))

    # -------------------------------------------------------------- dispatch

    def answer(
        self, verb: str, path: str, headers: dict[str, str], query: dict[str, Any], body: bytes
    ) -> Response:
        if not self._authorised(headers.get("Authorization", "")):
            return _error(401, 20003)
        create = _MESSAGES_PATH.match(path)
        fetch = _MESSAGE_PATH.match(path)
        match = create or fetch
        if match is None or match["account"] != self.account_sid:
            return _error(404, 20404, f"The requested resource {path} was not found")
        if fetch is not None and verb == "GET":
            with self._cond:
                resource = self._resources.get(fetch["sid"])
            return Response(200, resource) if resource else _error(404, 20404, f"The requested resource {path} was not found")
        if create is None or verb != "POST":
            return _error(405, 20004, "Method not allowed")

        try:
            form = parse_body(headers.get("Content-Type", ""), body)
        except (ValueError, UnicodeDecodeError):
            return _error(400, 20001, "Could not parse request body")
        with self._cond:
            self._log.append(copy.deepcopy(form))
            self._cond.notify_all()

        fault = self._faults.take("create")
        if fault is not None:
            if fault.kind == "slow":
                time.sleep(float(fault.options["delay"]))
            else:
                return self._fault_response(fault.kind, fault.options, form)

        problem = self._validate(form)
        if problem is None:
            problem = self._check_media(form)
        if problem is not None:
            return problem
        with self._cond:
            now = time.monotonic()
            if self.per_second is not None and self._pace.count_within(now, 1.0) >= self.per_second:
                return _error(429, 20429)
            resource = self._resource(form)
            self._resources[resource["sid"]] = resource
            self._pace.record(_number(form["To"]), now)
            self._accepted.append(dict(copy.deepcopy(form), Sid=resource["sid"]))
            self._cond.notify_all()
        return Response(201, resource)

    # --------------------------------------------------------------- helpers

    def _authorised(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(user, self.account_sid) & hmac.compare_digest(password, self.auth_token)

    @staticmethod
    def _fault_response(kind: str, options: dict[str, Any], form: dict[str, Any]) -> Response:
        if kind == "rate_limit":
            return _error(429, 20429)
        if kind == "unsubscribed":
            return _error(400, 21610)
        if kind == "invalid_to":
            return _error(400, 21211, f"Invalid 'To' Phone Number: {form.get('To', '')}")
        if kind == "outside_window":
            return _error(400, 63016)
        status = int(options["status"])
        return _error(status, 20500 if status == 500 else 20503, "Service unavailable" if status == 503 else "Internal Server Error")

    def _validate(self, form: dict[str, Any]) -> Response | None:
        """Twilio's synchronous checks, in roughly the order Twilio applies them."""
        to = str(form.get("To", "")).strip()
        sender = str(form.get("From", "")).strip()
        if not to:
            return _error(400, 21604)
        if not sender and not form.get("MessagingServiceSid"):
            return _error(400, 21603)
        if sender and _channel(sender) != _channel(to):
            return _error(400, 21910)
        if not _E164.match(_number(to)):
            return _error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        content_sid = form.get("ContentSid")
        body = form.get("Body")
        if not body and not content_sid and not form.get("MediaUrl"):
            return _error(400, 21619)
        if body and len(body) > _MAX_BODY:
            return _error(400, 21617)
        if content_sid is not None and not re.fullmatch(r"HX[0-9a-f]{32}", str(content_sid)):
            return _error(400, 21655)
        if form.get("ContentVariables") is not None:
            try:
                variables = json.loads(form["ContentVariables"])
            except ValueError:
                variables = None
            if not isinstance(variables, dict):
                return _error(400, 21656)
        if not content_sid and _number(to) in self.require_template_for:
            return _error(400, 63016)
        return None

    def _check_media(self, form: dict[str, Any]) -> Response | None:
        """MediaUrl: one http(s) URL whose answer is a type WhatsApp takes, within its size (WhatsApp: images
        JPEG/PNG up to 5 MB, documents up to 16 MB). The fetched type and size are recorded as `_media`."""
        urls = form.get("MediaUrl")
        if urls is None:
            return None
        urls = urls if isinstance(urls, list) else [urls]
        fetched = []
        for url in urls:
            if not re.match(r"^https?://", str(url)):
                return _error(400, 21620, "Invalid media URL(s)")
            if self.fetch_media is None:
                continue
            status, content_type, data = self.fetch_media(str(url))
            kind = content_type.split(";", 1)[0].strip().lower()
            if status != 200:
                return _error(400, 11200, f"HTTP retrieval failure ({status})")
            limit = _MEDIA_TYPES.get(kind)
            if limit is None:
                return _error(400, 63019, "Media failed to download: unsupported content type")
            if len(data) > limit:
                return _error(400, 63019, "Media failed to download: too large")
            fetched.append({"content_type": kind, "size": len(data)})
        form["_media"] = fetched
        return None

    def _resource(self, form: dict[str, Any]) -> dict[str, Any]:
        """Twilio's Message resource JSON for a freshly queued message."""
        sid = "SM" + secrets.token_hex(16)
        now = format_datetime(datetime.now(timezone.utc))  # RFC 2822, "+0000" like Twilio
        base = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}"
        via_service = not form.get("From")
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": "" if form.get("ContentSid") else form.get("Body", ""),
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if via_service else "queued",
            "subresource_uris": {"media": f"{base}/Media.json"},
            "to": form["To"],
            "uri": f"{base}.json",
        }
