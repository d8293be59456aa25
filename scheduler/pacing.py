"""Pace sends below the providers' limits: a token bucket per channel and a gap per chat.

Telegram allows about 30 messages a second overall and one a second per chat;
Twilio's WhatsApp sender has its own messages-per-second. The limiter is
in-process; several dispatcher processes each take a share (`share`).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable


class Pacer:
    """`wait(address)` blocks until one more message may go to `address`."""

    def __init__(self, per_second: float, per_chat_interval: float = 0.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
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

    def reserve(self, address: str) -> float:
        """Book the next slot for `address`; returns how long to wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next, self._paused_until)
            if self.per_chat_interval:
                slot = max(slot, self._chat_next.get(address, 0.0))
                self._chat_next[address] = slot + self.per_chat_interval
                self._chat_next.move_to_end(address)
                while len(self._chat_next) > 10000:
                    self._chat_next.popitem(last=False)
            self._next = slot + self.interval
            return slot - now

    def wait(self, address: str) -> None:
        delay = self.reserve(address)
        if delay > 0:
            self._sleep(delay)
