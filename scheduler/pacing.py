"""Pace sends below the providers' limits: an even gap per channel and a gap per chat.

Telegram allows about 30 messages a second overall and one a second per chat;
Twilio's WhatsApp sender has its own messages-per-second. Sends are spaced
evenly (no bursts) at `SAFETY` of the configured rate, so jitter between our
clock and the provider's never pushes a sliding one-second window over the
limit. A chat that must wait does not hold up the others: its sender sleeps
without booking a channel slot. After a 429 the whole channel pauses for the
provider's `retry_after`, and slots booked before the pause are re-booked.

Even spacing alone is not enough when a sender thread wakes up late (a busy
CPU): that late send and one sent on time a second later can share a window.
So `wait` also keeps the actual start times of the last `window_limit` sends
and never starts one more inside `1 s + WINDOW_MARGIN` of them: the
provider's sliding-window count holds whatever the scheduling jitter.

The limiter is per process; with several dispatcher processes give each a
`share` of the rate (e.g. 0.5 for two).
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from typing import Callable

SAFETY = 0.97  # of the provider's rate: ~30 ms of jitter tolerance at 30/s
MAX_CHATS = 10000  # per-chat gaps remembered (least recently used dropped)
WINDOW_MARGIN = 0.02  # seconds of network jitter allowed for on top of the one-second window


class Pacer:
    """`wait(address)` blocks until one more message may go to `address`. Thread-safe.

    Args:
        per_second: messages a second for the channel (0: unlimited).
        per_chat_interval: seconds between two messages to the same chat (0: none).
        window_limit: the provider's count per sliding second (default: `per_second` rounded up; 0: none).
        clock, sleep: injected for tests (monotonic seconds).
    """

    def __init__(self, per_second: float, per_chat_interval: float = 0.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 window_limit: int | None = None) -> None:
        self.per_second = per_second
        limit = math.ceil(per_second) if window_limit is None else window_limit
        self._starts: deque[float] | None = deque(maxlen=limit) if per_second > 0 and limit > 0 else None
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.per_chat_interval = per_chat_interval
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._chat_next: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """The provider said 429 / retry_after: hold the whole channel that long."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._next = max(self._next, self._paused_until)

    def chat_wait(self, address: str) -> float:
        """Seconds until `address` may get another message (0: now)."""
        with self._lock:
            return max(0.0, self._chat_next.get(address, 0.0) - self._clock())

    def reserve(self, address: str) -> float:
        """Book the next slot for `address`; returns how long to wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next, self._paused_until, self._chat_next.get(address, 0.0))
            self._book(address, slot)
            return slot - now

    def _book(self, address: str, slot: float) -> None:
        self._next = slot + self.interval
        if self.per_chat_interval:
            self._chat_next[address] = slot + self.per_chat_interval
            self._chat_next.move_to_end(address)
            while len(self._chat_next) > MAX_CHATS:
                self._chat_next.popitem(last=False)

    def wait(self, address: str) -> None:
        while True:
            with self._lock:
                now = self._clock()
                chat_ready = self._chat_next.get(address, 0.0) if self.per_chat_interval else 0.0
                if chat_ready > now:
                    delay, booked = chat_ready - now, False  # wait for this chat without holding a channel slot
                else:
                    slot = max(now, self._next, self._paused_until)
                    self._book(address, slot)
                    delay, booked = slot - now, True
            if delay > 0:
                self._sleep(delay)
            if booked and self._start(address):
                return

    def _start(self, address: str) -> bool:
        """Record the send's start if the sliding window allows it (waiting if a late send crowds it);
        False when a 429 pause began meanwhile and the slot must be booked again."""
        while True:
            with self._lock:
                now = self._clock()
                if self._paused_until > now:
                    self._chat_next.pop(address, None)
                    return False
                starts = self._starts
                if starts is None:
                    return True
                if len(starts) < (starts.maxlen or 0) or now - starts[0] >= 1.0 + WINDOW_MARGIN:
                    starts.append(now)
                    return True
                late = starts[0] + 1.0 + WINDOW_MARGIN - now
                self._next = max(self._next, now + late)
            self._sleep(late)
