"""Loopback HTTP fakes of the provider APIs, and the plumbing they share.

The fakes speak the providers' real wire formats so tests can drive the REAL
python-telegram-bot `Bot` and twilio `Client` against 127.0.0.1 only. Import
them from their modules (`tests.fakes.telegram_api`, `tests.fakes.twilio_api`);
this package holds only the shared server base, body parsing, fault queue and
pace log, so the two fakes behave alike.
"""
from __future__ import annotations

import bisect
import json
import socket
import socketserver
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP as HTTP_POLICY
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "Fault",
    "FaultQueue",
    "LoopbackServer",
    "PaceLog",
    "Response",
    "parse_body",
    "wait_until",
]


@dataclass(frozen=True)
class Response:
    """What a fake answers: status, JSON-able body (or raw bytes) and extra headers."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def encode(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode("utf-8")


@dataclass(frozen=True)
class Fault:
    """One injected failure: its kind and options (status, retry_after, delay...)."""

    kind: str
    options: dict[str, Any]
    method: str | None


class FaultQueue:
    """Failures a test queued with `fail_next`; each request of a matching method takes one."""

    def __init__(self, kinds: Iterable[str]) -> None:
        self._kinds = frozenset(kinds)
        self._queue: deque[Fault] = deque()
        self._lock = threading.Lock()

    def add(self, n: int, kind: str, method: str | None, options: dict[str, Any]) -> None:
        if kind not in self._kinds:
            raise ValueError(f"unknown fault kind {kind!r}; known: {sorted(self._kinds)}")
        if n < 0:
            raise ValueError("n must be >= 0")
        with self._lock:
            self._queue.extend(Fault(kind, dict(options), method) for _ in range(n))

    def take(self, method: str) -> Fault | None:
        """Pop the first queued fault that applies to `method` (None: any method)."""
        with self._lock:
            for i, fault in enumerate(self._queue):
                if fault.method is None or fault.method == method:
                    del self._queue[i]
                    return fault
        return None

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


class PaceLog:
    """Monotonic times of accepted sends, per key, to enforce and to measure rates.

    Used both by the fakes' rate limiters (how many sends in the last second?)
    and by tests and benchmarks (what pace did the dispatcher achieve?).
    Callers hold their own lock around check-then-record.
    """

    def __init__(self) -> None:
        self._all: list[float] = []
        self._by_key: dict[str, list[float]] = {}

    def record(self, key: str, at: float) -> None:
        self._all.append(at)
        self._by_key.setdefault(key, []).append(at)

    def count_within(self, now: float, window: float, key: str | None = None) -> int:
        """Sends in (now - window, now]."""
        times = self._times(key)
        return bisect.bisect_right(times, now) - bisect.bisect_right(times, now - window)

    def oldest_within(self, now: float, window: float, key: str | None = None) -> float | None:
        times = self._times(key)
        i = bisect.bisect_right(times, now - window)
        return times[i] if i < len(times) else None

    def max_rate(self, window: float = 1.0, key: str | None = None) -> int:
        """Largest number of sends inside any window of `window` seconds (sliding)."""
        times = self._times(key)
        best = 0
        start = 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def times(self, key: str | None = None) -> list[float]:
        return list(self._times(key))

    def keys(self) -> list[str]:
        return list(self._by_key)

    def _times(self, key: str | None) -> list[float]:
        return self._all if key is None else self._by_key.get(key, [])


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Parse a request body the way the providers do: JSON, urlencoded or multipart.

    Form values stay strings (repeated keys become lists); multipart file
    parts become `{"filename", "content_type", "data"}` dicts.
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if media_type == "application/json":
        loaded = json.loads(body.decode("utf-8"))
        return loaded if isinstance(loaded, dict) else {"_": loaded}
    if media_type == "multipart/form-data":
        return _parse_multipart(content_type, body)
    # urlencoded is also what clients send when they set no type at all
    return _collect(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _collect(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            existing = out[key]
            out[key] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            out[key] = value
    return out


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP_POLICY).parsebytes(head + body)
    pairs: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            pairs.append(
                (name, {"filename": filename, "content_type": part.get_content_type(), "data": payload})
            )
        else:
            charset = part.get_content_charset() or "utf-8"
            pairs.append((name, payload.decode(charset)))
    return _collect(pairs)


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler that hands each request to `server.answer`."""

    protocol_version = "HTTP/1.1"
    server: LoopbackServer

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without NODELAY, Nagle plus the
        # client's delayed ACK adds ~40 ms to every loopback request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server._track(self.connection, add=False)

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence: request lines carry bot tokens and account sids."""

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except ConnectionError:  # the client died mid-request (kill -9 between headers and body):
            self.close_connection = True  # a real server never acts on half a request
            return
        split = urlsplit(self.path)
        query = _collect(parse_qsl(split.query, keep_blank_values=True))
        try:
            response = self.server.answer(self.command, split.path, dict(self.headers.items()), query, body)
        except Exception as exc:  # a bug in the fake: answer 500 rather than hang the client
            response = Response(500, {"error": f"fake crashed: {exc!r}"})
        payload = response.encode()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _read_body(self) -> bytes:
        """The whole body; ConnectionError if the connection ends before it does."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline()
                if not line:
                    raise ConnectionError("connection closed inside a chunked body")
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunk = self.rfile.read(size)
                if len(chunk) < size:
                    raise ConnectionError("connection closed inside a chunk")
                chunks.append(chunk)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise ConnectionError("connection closed before the whole body")
        return body


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP/1.1 server on 127.0.0.1:<free port>, run in a daemon thread.

    The listen backlog is large (bursts of 50+ concurrent connections from
    httpx otherwise fail with ReadError) and every connection is shut down on
    `stop()`, so idle keep-alive threads never outlive a test.
    Subclasses implement `answer(verb, path, headers, query, body) -> Response`.
    """

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self._serve_thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.closed = threading.Event()

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse-DNS lookup (`getfqdn`), which can stall for seconds."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self) -> LoopbackServer:
        if self._serve_thread is None:
            self._serve_thread = threading.Thread(
                target=self.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"{type(self).__name__}:{self.port}",
                daemon=True,
            )
            self._serve_thread.start()
        return self

    def stop(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        self._on_stop()
        if self._serve_thread is not None:
            self.shutdown()
            self._serve_thread.join(timeout=5)
        self.server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def answer(
        self, verb: str, path: str, headers: dict[str, str], query: dict[str, Any], body: bytes
    ) -> Response:
        raise NotImplementedError

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients dropping keep-alive connections is normal; stay quiet about it."""

    def _on_stop(self) -> None:
        """Hook: wake anything blocked inside a handler (long polls)."""

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._connections_lock:
            (self._connections.add if add else self._connections.discard)(conn)


def wait_until(predicate: Callable[[], bool], cond: threading.Condition, timeout: float) -> bool:
    """Wait on `cond` (held by the caller) until `predicate()` holds or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while not predicate():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        cond.wait(remaining)
    return True
