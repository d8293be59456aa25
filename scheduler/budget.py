"""One sending budget per provider account, shared by every process that sends on it.

The providers count per account (the Telegram bot: about 30 a second, one a
second per chat; the Twilio sender: its messages-per-second), not per process.
So the budget lives where every web worker and dispatcher on every host can
reach it: a PostgreSQL row per account (`send_budget`), or Redis where a
district runs one (`SEND_BUDGET=redis`); one process on SQLite keeps it in memory.

The rule is GCRA, a token bucket without a burst: each key keeps `tat`, the
earliest instant its next send may start. `take` at `now` succeeds when the
account's `tat` (and its 429 pause) and the chat's `tat` have passed; it then
moves them one interval on (for the account: from its previous instant, or
from now when the take came more than `LATE_FORGIVEN` late: the pump's wake-up
lag does not cost the account's pace, yet 30 sends never span less than 30
intervals minus that). It never books a slot in the future, so a
process that must wait holds nothing another process could use: it is told
how long to wait and asks again. Time is the budget's own clock (the
database's or Redis's), so hosts whose clocks differ still agree.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Protocol

from bot.privacy import pseudonym

SAFETY = 0.88  # of the provider's rate: 30 sends span >= 1.11 s at 30/s, so ~100 ms of arrival jitter still fits
CHAT_SAFETY = 0.8  # of the per-chat rate: one chat's messages 1.25 s apart (a chat rarely has many queued)
LATE_FORGIVEN = 0.010  # seconds of a take's lateness the next take may make up (at most half an interval)
PRUNE_EVERY = 2000  # takes between two clean-ups of idle chat rows
CHAT_ROW_TTL = 3600.0  # seconds an idle chat's row is kept


@dataclass(frozen=True)
class Limit:
    """What one provider account allows: seconds between two sends, overall and to one chat (0: no limit).
    `one_at_a_time`: one send under way at once (the terminal: one screen that every chat prints on)."""

    key: str
    interval: float = 0.0
    chat_interval: float = 0.0
    one_at_a_time: bool = False

    @classmethod
    def per_second(cls, key: str, rate: float, per_chat: float = 0.0, safety: float = SAFETY,
                   chat_safety: float = CHAT_SAFETY) -> "Limit":
        return cls(key, 1.0 / (rate * safety) if rate > 0 else 0.0,
                   1.0 / (per_chat * chat_safety) if per_chat > 0 else 0.0)

    def next_tat(self, tat: float, now: float) -> float:
        """The account's next instant after a take at `now` (see the module's docstring)."""
        return max(tat, now - min(LATE_FORGIVEN, self.interval / 2)) + self.interval

    @property
    def unlimited(self) -> bool:
        return self.interval <= 0 and self.chat_interval <= 0

    def chat_key(self, address: str) -> str:
        """The chat's row: a pseudonym, never the number or chat id in clear."""
        return f"{self.key}/c/{pseudonym(address)}"


@dataclass(frozen=True)
class Wait:
    """`take`'s answer: `seconds` 0 means booked, go now; otherwise nothing was booked.
    `chat` says only this chat must wait (others may go now)."""

    seconds: float = 0.0
    chat: bool = False

    @property
    def go(self) -> bool:
        return self.seconds <= 0


GO = Wait()


class Budget(Protocol):
    def take(self, limit: Limit, address: str) -> Wait: ...

    def pause(self, limit: Limit, seconds: float) -> None: ...


def _decide(now: float, tat: float, paused: float, chat_tat: float) -> Wait:
    if chat_tat > now:
        return Wait(chat_tat - now, chat=True)
    ready = max(tat, paused)
    if ready > now:
        return Wait(ready - now)
    return GO


class LocalBudget:
    """In memory, for one process (SQLite, `make run`) and for tests with an injected clock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._tat: dict[str, float] = {}
        self._paused: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, limit: Limit, address: str) -> Wait:
        if limit.unlimited:
            return GO
        chat = limit.chat_key(address)
        with self._lock:
            now = self.clock()
            wait = _decide(now, self._tat.get(limit.key, 0.0), self._paused.get(limit.key, 0.0),
                           self._tat.get(chat, 0.0) if limit.chat_interval else 0.0)
            if wait.go:
                self._tat[limit.key] = limit.next_tat(self._tat.get(limit.key, 0.0), now)
                if limit.chat_interval:
                    self._tat[chat] = now + limit.chat_interval
                if len(self._tat) > 50_000:
                    self._tat = {k: v for k, v in self._tat.items() if v > now}
            return wait

    def pause(self, limit: Limit, seconds: float) -> None:
        with self._lock:
            self._paused[limit.key] = max(self._paused.get(limit.key, 0.0), self.clock() + seconds)


class DatabaseBudget:
    """PostgreSQL: rows in `send_budget`. A take is one statement, so the rows are locked only
    inside the server (never while a busy Python process waits for the GIL): lock the account's
    and the chat's rows in key order, decide on the server's clock, book both or neither. A row
    that does not exist yet (a new chat) is inserted; if another process inserted it in the same
    instant, the conflict's re-check lets only one of them through."""

    TAKE = (
        "WITH locked AS (SELECT key, tat, paused_until FROM send_budget WHERE key IN (:k, :c) "
        "                ORDER BY key FOR UPDATE), "
        "d AS (SELECT extract(epoch from clock_timestamp())::float8 AS t, "
        "      coalesce((SELECT tat FROM locked WHERE key = :c AND key <> :k), 0) AS ctat, "
        "      coalesce((SELECT greatest(tat, paused_until) FROM locked WHERE key = :k), 0) AS ready, "
        "      coalesce((SELECT tat FROM locked WHERE key = :k), 0) AS tat), "
        "booked AS (INSERT INTO send_budget (key, tat, paused_until) "
        "      SELECT v.key, v.tat, 0 FROM d, LATERAL (VALUES (1, CAST(:k AS varchar), greatest(d.tat, d.t - :lag) + :ik), "
        "                                                     (2, CAST(:c AS varchar), d.t + :ic)) AS v(n, key, tat) "
        "      WHERE d.ctat <= d.t AND d.ready <= d.t AND (v.n = 1 OR CAST(:c AS varchar) <> :k) "
        "      ON CONFLICT (key) DO UPDATE SET tat = excluded.tat "
        "      WHERE greatest(send_budget.tat, send_budget.paused_until) <= extract(epoch from clock_timestamp()) "
        "      RETURNING 1) "
        "SELECT d.t, d.ctat, d.ready, (SELECT count(*) FROM booked) FROM d")

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        from sqlalchemy import text

        self.engine = engine
        self._take_stmt = text(self.TAKE)
        self._pause = text("INSERT INTO send_budget (key, tat, paused_until) "
                           "VALUES (:k, 0, extract(epoch from clock_timestamp()) + :s) ON CONFLICT (key) DO UPDATE "
                           "SET paused_until = greatest(send_budget.paused_until, excluded.paused_until)")
        self._prune = text("DELETE FROM send_budget WHERE key LIKE '%/c/%' "
                           "AND tat < extract(epoch from clock_timestamp()) - :ttl")
        self._takes = 0

    def take(self, limit: Limit, address: str) -> Wait:
        if limit.unlimited:
            return GO
        chat = limit.chat_key(address) if limit.chat_interval else limit.key
        with self.engine.begin() as conn:
            now, chat_tat, ready, booked = conn.execute(self._take_stmt, {
                "k": limit.key, "c": chat, "ik": float(limit.interval), "ic": float(limit.chat_interval),
                "lag": min(LATE_FORGIVEN, limit.interval / 2)}).one()
        self._takes += 1
        if self._takes % PRUNE_EVERY == 0:
            with self.engine.begin() as conn:
                conn.execute(self._prune, {"ttl": CHAT_ROW_TTL})
        if booked == (2 if chat != limit.key else 1):
            return GO
        if booked:  # a row another process created at the same instant: that take won, this one waits
            return Wait(limit.interval or 0.001, chat=False)
        wait = _decide(float(now), float(ready), 0.0, float(chat_tat))
        return Wait(0.001) if wait.go else wait

    def pause(self, limit: Limit, seconds: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(self._pause, {"k": limit.key, "s": seconds})


_REDIS_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
local chat_interval = tonumber(ARGV[2])
if chat_interval > 0 then
  local chat_tat = tonumber(redis.call('GET', KEYS[2]) or '0')
  if chat_tat > now then return {tostring(chat_tat - now), 1} end
end
local ready = math.max(tat, paused)
if ready > now then return {tostring(ready - now), 0} end
redis.call('HSET', KEYS[1], 'tat', tostring(math.max(tat, now - tonumber(ARGV[3])) + tonumber(ARGV[1])))
if chat_interval > 0 then
  redis.call('SET', KEYS[2], tostring(now + chat_interval), 'PX', math.ceil(chat_interval * 1000) + 60000)
end
return {'0', 0}
"""

_REDIS_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
redis.call('HSET', KEYS[1], 'paused', tostring(math.max(paused, now + tonumber(ARGV[1]))))
return 1
"""


class RedisBudget:
    """Redis: the same rule as one Lua script per take (atomic on the server, one round trip)."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self._take = self.client.register_script(_REDIS_TAKE)
        self._pause = self.client.register_script(_REDIS_PAUSE)

    def take(self, limit: Limit, address: str) -> Wait:
        if limit.unlimited:
            return GO
        seconds, chat = self._take(keys=[f"posyandu:budget:{limit.key}", f"posyandu:budget:{limit.chat_key(address)}"],
                                   args=[limit.interval, limit.chat_interval, min(LATE_FORGIVEN, limit.interval / 2)])
        return Wait(float(seconds), bool(int(chat)))

    def pause(self, limit: Limit, seconds: float) -> None:
        self._pause(keys=[f"posyandu:budget:{limit.key}"], args=[seconds])


def make_budget(kind: str, engine, redis_url: str = "") -> Budget:  # type: ignore[no-untyped-def]
    """`auto`: the database's where it is PostgreSQL (shared), in memory on SQLite (one process)."""
    if kind == "auto":
        kind = "database" if engine is not None and engine.dialect.name == "postgresql" else "local"
    if kind == "database":
        if engine is None or engine.dialect.name != "postgresql":
            raise ValueError("SEND_BUDGET=database needs PostgreSQL")
        return DatabaseBudget(engine)
    if kind == "redis":
        if not redis_url:
            raise ValueError("SEND_BUDGET=redis needs REDIS_URL")
        return RedisBudget(redis_url)
    if kind == "local":
        return LocalBudget()
    raise ValueError(f"unknown SEND_BUDGET {kind!r}: auto, database, redis or local")
