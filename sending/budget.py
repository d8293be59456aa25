"""One sending budget per provider account, shared by every process that sends on it.

The providers count per account (the Telegram bot: about 30 a second, one a
second per chat; the Twilio sender: its messages-per-second), not per process.
So the budget lives where every web worker and dispatcher on every host can
reach it: PostgreSQL rows (`send_budget`, `send_slot`), or Redis where a
district runs one (`SEND_BUDGET=redis`); one process on SQLite keeps it in memory.

Two rules, both kept by every take:

* **Slots: never more than the limit in any second, whatever the delays.** An
  account has as many slots as it allows sends a second (30 for Telegram). A
  send holds one from before it starts until one second (`window`) after its
  answer came back. The provider saw the request somewhere between those two
  instants, so any second of the provider's clock holds at most that many
  requests: no 429 of our own making however late a process, the network or a
  busy core delivers them. (A pace with a margin cannot promise that: under
  load a request can arrive any time after its take.) A chat is held the same
  way: its next send starts one second after the previous one's answer.
* **Spacing: smooth, not in bursts.** Two takes on an account are at least
  `interval` (one over the rate) apart, GCRA without a burst: each account keeps
  `tat`, its next instant (from its previous instant, or from now when the take
  came more than `LATE_FORGIVEN` late: the pump's wake-up lag does not cost the
  pace).

A take never books anything in the future, so a process that must wait holds
nothing another process could use: it is told how long to wait and asks again.
A slot whose process died frees itself when its `SLOT_LEASE` runs out. Time is
the budget's own clock (the database's or Redis's), so hosts whose clocks
differ still agree.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

from bot.privacy import pseudonym

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

MARGIN = 0.02  # seconds a slot is held past its window (clock resolution, the provider's rounding)
SLOT_LEASE = 30.0  # seconds a slot stays taken if its process dies mid-send (above one request's timeout: 20 s)
POLL = 0.05  # seconds before asking again when every slot is under way (their answers free them)
LATE_FORGIVEN = 0.010  # seconds of a take's lateness the next take may make up (at most half an interval)
PRUNE_EVERY = 2000  # takes between two clean-ups of idle chat rows
CHAT_ROW_TTL = 3600.0  # seconds an idle chat's row is kept


@dataclass(frozen=True)
class Limit:
    """What one provider account allows: `slots` sends in any `window` seconds, at least `interval`
    apart, and one send to a chat per `chat_window` seconds (0: no such limit).
    `one_at_a_time`: one send under way at once (the terminal: one screen that every chat prints on)."""

    key: str
    slots: int = 0
    window: float = 1.0
    interval: float = 0.0
    chat_window: float = 0.0
    one_at_a_time: bool = False

    @classmethod
    def per_second(cls, key: str, rate: float, per_chat: float = 0.0) -> "Limit":
        """The published rates: `rate` a second on the account (a rate under 1: one per 1/rate seconds)."""
        chat_window = 1.0 / per_chat if per_chat > 0 else 0.0
        if rate <= 0:  # no limit on the account (tests, a provider without one); a chat's may remain
            return cls(key, chat_window=chat_window)
        slots, window = (int(rate), 1.0) if rate >= 1 else (1, 1.0 / rate)
        return cls(key, slots, window, 1.0 / rate, chat_window)

    @property
    def hold(self) -> float:
        """Seconds a slot stays taken after the send's answer."""
        return self.window + MARGIN

    @property
    def chat_hold(self) -> float:
        """Seconds after a send's answer before the chat's next send may start."""
        return self.chat_window + MARGIN if self.chat_window > 0 else 0.0

    @property
    def lease(self) -> float:
        """Seconds a slot (and its chat) stays taken when no answer frees it (its process died): longer
        than any hold, so a wait longer than a hold means "under way"."""
        return SLOT_LEASE + max(self.hold, self.chat_hold)

    def next_tat(self, tat: float, now: float) -> float:
        """The account's next instant after a take at `now` (see the module's docstring)."""
        return max(tat, now - min(LATE_FORGIVEN, self.interval / 2)) + self.interval

    def slot_wait(self, earliest: float, now: float) -> float:
        """How long to wait for a slot that frees at `earliest`: one still under way has no known end
        (its lease is far off; its answer frees it), so ask again shortly."""
        return earliest - now if 0 < earliest - now <= self.hold else POLL

    def cost(self, requests: int) -> int:
        """Slots a send of `requests` provider requests takes (never more than the account has)."""
        return max(1, min(requests, self.slots)) if self.slots else 0

    @property
    def unlimited(self) -> bool:
        return self.slots <= 0 and self.chat_window <= 0

    def chat_key(self, address: str) -> str:
        """The chat's row: a pseudonym, never the number or chat id in clear."""
        return f"{self.key}/c/{pseudonym(address)}"


@dataclass(frozen=True)
class Grant:
    """The slots taken for one send (one per request it makes to the provider: a long text split in
    parts makes several); `release` them when the answer comes back. `token` is the booking
    (its lease end): a release frees only its own booking, never one made after its lease lapsed."""

    limit: Limit
    address: str
    slots: tuple[int, ...]
    token: float | str


@dataclass(frozen=True)
class Wait:
    """`take`'s answer: `seconds` 0 means booked, go now (with `grant`); otherwise nothing was booked.
    `chat` says only this chat must wait (others may go now)."""

    seconds: float = 0.0
    chat: bool = False
    grant: Grant | None = None

    @property
    def go(self) -> bool:
        return self.seconds <= 0


GO = Wait()


class Budget(Protocol):
    def take(self, limit: Limit, address: str, cost: int = 1) -> Wait: ...

    def release(self, grant: Grant | None) -> None: ...

    def pause(self, limit: Limit, seconds: float) -> None: ...


def _refusal(limit: Limit, now: float, chat_tat: float, ready: float, earliest: float) -> Wait:
    """Why a take was refused, and for how long: the chat, the account's pace or pause, or its slots."""
    if chat_tat > now:  # under way elsewhere (a lease away): ask again shortly; else its gap after the answer
        return Wait(chat_tat - now if chat_tat - now <= limit.chat_hold else POLL, chat=True)
    if ready > now:
        return Wait(ready - now)
    return Wait(limit.slot_wait(earliest, now) if earliest > now else 0.002)


class LocalBudget:
    """In memory, for one process (SQLite, `make run`) and for tests with an injected clock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._tat: dict[str, float] = {}
        self._paused: dict[str, float] = {}
        self._slots: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def take(self, limit: Limit, address: str, cost: int = 1) -> Wait:
        if limit.unlimited:
            return GO
        chat = limit.chat_key(address)
        with self._lock:
            now = self.clock()
            slots = self._slots.setdefault(limit.key, [])
            slots += [0.0] * (limit.slots - len(slots))
            taken = sorted(range(limit.slots), key=slots.__getitem__)[:limit.cost(cost)]  # none: no account limit
            free_at = slots[taken[-1]] if taken else 0.0
            chat_tat = self._tat.get(chat, 0.0) if limit.chat_window else 0.0
            ready = max(self._tat.get(limit.key, 0.0), self._paused.get(limit.key, 0.0))
            if chat_tat > now or ready > now or free_at > now:
                return _refusal(limit, now, chat_tat, ready, free_at)
            token = now + limit.lease
            for n in taken:
                slots[n] = token
            self._tat[limit.key] = limit.next_tat(self._tat.get(limit.key, 0.0), now)
            if limit.chat_window:
                self._tat[chat] = token
            if len(self._tat) > 50_000:
                self._tat = {k: v for k, v in self._tat.items() if v > now}
            return Wait(grant=Grant(limit, address, tuple(taken), token))

    def release(self, grant: Grant | None) -> None:
        if grant is None:
            return
        limit = grant.limit
        with self._lock:
            now = self.clock()
            slots = self._slots.get(limit.key, [])
            for n in grant.slots:
                if n < len(slots) and slots[n] == grant.token:
                    slots[n] = now + limit.hold
            chat = limit.chat_key(grant.address)
            if limit.chat_window and self._tat.get(chat) == grant.token:
                self._tat[chat] = now + limit.chat_hold

    def pause(self, limit: Limit, seconds: float) -> None:
        with self._lock:
            self._paused[limit.key] = max(self._paused.get(limit.key, 0.0), self.clock() + seconds)


class DatabaseBudget:
    """PostgreSQL: the account's and the chats' rows in `send_budget`, the account's slots in
    `send_slot`. A take is one statement, so rows are locked only inside the server (never while a
    busy Python process waits for the GIL): lock the account's and the chat's rows in key order,
    decide on the server's clock, take a free slot and book the rows, or nothing. A row that does
    not exist yet (a new chat) is inserted; if another process inserted it in the same instant, the
    conflict's re-check lets only one of them through (the other gives its slot straight back)."""

    TAKE = (
        "WITH locked AS (SELECT key, tat, paused_until FROM send_budget WHERE key IN (:k, :c) "
        "                ORDER BY key FOR UPDATE), "
        "d AS (SELECT extract(epoch from clock_timestamp())::float8 AS t, "
        "      coalesce((SELECT tat FROM locked WHERE key = :c AND key <> :k), 0) AS ctat, "
        "      coalesce((SELECT greatest(tat, paused_until) FROM locked WHERE key = :k), 0) AS ready, "
        "      coalesce((SELECT tat FROM locked WHERE key = :k), 0) AS tat), "
        "free AS (SELECT s.n FROM send_slot s, d WHERE s.account = :k AND s.n <= :slots AND s.busy_until <= d.t "
        "      AND d.ctat <= d.t AND d.ready <= d.t ORDER BY s.busy_until, s.n LIMIT :cost FOR UPDATE OF s SKIP LOCKED), "
        "held_slot AS (UPDATE send_slot s SET busy_until = d.t + :lease FROM free, d "
        "      WHERE s.account = :k AND s.n = free.n AND (SELECT count(*) FROM free) = :cost "
        "      RETURNING s.n, s.busy_until), "
        "held AS (SELECT n, busy_until FROM held_slot UNION ALL "  # no account limit (a chat's only): no slot
        "      SELECT 0, d.t + :lease FROM d WHERE :slots = 0 AND d.ctat <= d.t AND d.ready <= d.t), "
        "booked AS (INSERT INTO send_budget (key, tat, paused_until) "
        "      SELECT v.key, v.tat, 0 FROM d, (SELECT max(busy_until) AS busy_until FROM held HAVING count(*) > 0) AS h, "
        "      LATERAL (VALUES "
        "          (1, CAST(:k AS varchar), greatest(d.tat, d.t - :lag) + :ik), "
        "          (2, CAST(:c AS varchar), h.busy_until)) AS v(n, key, tat) "
        "      WHERE v.n = 1 OR CAST(:c AS varchar) <> :k "
        "      ON CONFLICT (key) DO UPDATE SET tat = excluded.tat "
        "      WHERE greatest(send_budget.tat, send_budget.paused_until) <= extract(epoch from clock_timestamp()) "
        "      RETURNING 1) "
        "SELECT d.t, d.ctat, d.ready, (SELECT array_agg(n) FROM held), (SELECT max(busy_until) FROM held), "
        "       (SELECT count(*) FROM booked), "
        "       (SELECT max(busy_until) FROM (SELECT busy_until FROM send_slot WHERE account = :k AND n <= :slots "
        "                                     ORDER BY busy_until LIMIT :cost) AS soonest), "
        "       (SELECT count(*) FROM send_slot WHERE account = :k AND n <= :slots) FROM d")
    RELEASE = (
        "WITH s AS (UPDATE send_slot SET busy_until = extract(epoch from clock_timestamp()) + :hold "
        "           WHERE account = :k AND n = ANY(:ns) AND busy_until = :token RETURNING 1) "
        "UPDATE send_budget SET tat = extract(epoch from clock_timestamp()) + :chat_hold "
        "WHERE key = :c AND key <> :k AND tat = :token")
    SEED = ("INSERT INTO send_slot (account, n, busy_until) SELECT :k, g, 0 FROM generate_series(1, :slots) AS g "
            "ON CONFLICT DO NOTHING")

    def __init__(self, engine: Engine) -> None:
        from sqlalchemy import text

        self.engine = engine
        self._take_stmt = text(self.TAKE)
        self._release_stmt = text(self.RELEASE)
        self._seed_stmt = text(self.SEED)
        self._pause = text("INSERT INTO send_budget (key, tat, paused_until) "
                           "VALUES (:k, 0, extract(epoch from clock_timestamp()) + :s) ON CONFLICT (key) DO UPDATE "
                           "SET paused_until = greatest(send_budget.paused_until, excluded.paused_until)")
        self._prune = text("DELETE FROM send_budget WHERE key LIKE '%/c/%' "
                           "AND tat < extract(epoch from clock_timestamp()) - :ttl")
        self._seeded: set[tuple[str, int]] = set()
        self._takes = 0

    def _seed(self, limit: Limit) -> None:
        """The account's slot rows (once per process; again if they went missing)."""
        with self.engine.begin() as conn:
            conn.execute(self._seed_stmt, {"k": limit.key, "slots": limit.slots})
        self._seeded.add((limit.key, limit.slots))

    def take(self, limit: Limit, address: str, cost: int = 1) -> Wait:
        if limit.unlimited:
            return GO
        if (limit.key, limit.slots) not in self._seeded:
            self._seed(limit)
        chat = limit.chat_key(address) if limit.chat_window else limit.key
        with self.engine.begin() as conn:
            now, chat_tat, ready, slot, token, booked, earliest, seeded = conn.execute(self._take_stmt, {
                "k": limit.key, "c": chat, "slots": limit.slots, "cost": limit.cost(cost), "lease": limit.lease,
                "ik": float(limit.interval),
                "lag": min(LATE_FORGIVEN, limit.interval / 2)}).one()
        self._takes += 1
        if self._takes % PRUNE_EVERY == 0:
            with self.engine.begin() as conn:
                conn.execute(self._prune, {"ttl": CHAT_ROW_TTL})
        if slot is not None:
            grant = Grant(limit, address, tuple(int(n) for n in slot), float(token))
            if booked == (2 if chat != limit.key else 1):
                return Wait(grant=grant)
            # a row another process created in the same instant: that take won; give the slot back unused
            with self.engine.begin() as conn:
                conn.execute(self._release_stmt, {"k": limit.key, "ns": list(grant.slots), "token": grant.token,
                                                  "hold": 0.0, "c": chat, "chat_hold": 0.0})
            return Wait(POLL, chat=bool(limit.chat_window))
        if seeded < limit.slots:
            self._seeded.discard((limit.key, limit.slots))
            return Wait(0.001)
        return _refusal(limit, float(now), float(chat_tat), float(ready),
                        float(earliest) if earliest is not None else 0.0)

    def release(self, grant: Grant | None) -> None:
        if grant is None:
            return
        limit = grant.limit
        with self.engine.begin() as conn:
            conn.execute(self._release_stmt, {
                "k": limit.key, "ns": list(grant.slots), "token": grant.token, "hold": limit.hold,
                "c": limit.chat_key(grant.address) if limit.chat_window else limit.key, "chat_hold": limit.chat_hold})

    def pause(self, limit: Limit, seconds: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(self._pause, {"k": limit.key, "s": seconds})


_REDIS_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

_REDIS_TAKE = _REDIS_NOW + """
local slots = tonumber(ARGV[1])
local chatty = ARGV[4] == '1'
local ctat = 0
if chatty then ctat = tonumber(redis.call('GET', KEYS[2]) or '0') end
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
local ready = math.max(tat, tonumber(redis.call('HGET', KEYS[1], 'paused') or '0'))
local order = {}
for i = 1, slots do
  order[i] = {i, tonumber(redis.call('HGET', KEYS[1], 's' .. i) or '0')}
end
table.sort(order, function(a, b) return a[2] < b[2] or (a[2] == b[2] and a[1] < b[1]) end)
local cost = tonumber(ARGV[6])
local free_at = 0
if cost > 0 then free_at = order[cost][2] end
if ctat > now or ready > now or free_at > now then
  return {'', tostring(now), tostring(ctat), tostring(ready), tostring(free_at)}
end
local token = string.format('%.6f', now + tonumber(ARGV[2]))
local taken = {}
for j = 1, cost do
  redis.call('HSET', KEYS[1], 's' .. order[j][1], token)
  taken[j] = tostring(order[j][1])
end
redis.call('HSET', KEYS[1], 'tat', tostring(math.max(tat, now - tonumber(ARGV[5])) + tonumber(ARGV[3])))
if chatty then redis.call('SET', KEYS[2], token, 'PX', math.ceil(tonumber(ARGV[2]) * 1000) + 60000) end
return {'+' .. table.concat(taken, ','), token}
"""

_REDIS_RELEASE = _REDIS_NOW + """
for n in string.gmatch(ARGV[1], '%d+') do
  if redis.call('HGET', KEYS[1], 's' .. n) == ARGV[2] then
    redis.call('HSET', KEYS[1], 's' .. n, string.format('%.6f', now + tonumber(ARGV[3])))
  end
end
if ARGV[5] == '1' and redis.call('GET', KEYS[2]) == ARGV[2] then
  redis.call('SET', KEYS[2], string.format('%.6f', now + tonumber(ARGV[4])), 'PX', math.ceil(tonumber(ARGV[4]) * 1000) + 60000)
end
return 1
"""

_REDIS_PAUSE = _REDIS_NOW + """
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
redis.call('HSET', KEYS[1], 'paused', tostring(math.max(paused, now + tonumber(ARGV[1]))))
return 1
"""


class RedisBudget:
    """Redis: the same rules as one Lua script per take and per release (atomic on the server,
    one round trip each). The account is a hash (`tat`, `paused`, a field per slot)."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self._take = self.client.register_script(_REDIS_TAKE)
        self._release = self.client.register_script(_REDIS_RELEASE)
        self._pause = self.client.register_script(_REDIS_PAUSE)

    @staticmethod
    def _keys(limit: Limit, address: str) -> list[str]:
        return [f"posyandu:budget:{limit.key}", f"posyandu:budget:{limit.chat_key(address)}"]

    def take(self, limit: Limit, address: str, cost: int = 1) -> Wait:
        if limit.unlimited:
            return GO
        answer = [a.decode() if isinstance(a, bytes) else str(a) for a in self._take(
            keys=self._keys(limit, address),
            args=[limit.slots, limit.lease, limit.interval, 1 if limit.chat_window else 0,
                  min(LATE_FORGIVEN, limit.interval / 2), limit.cost(cost)])]
        if answer[0]:
            return Wait(grant=Grant(limit, address, tuple(int(n) for n in answer[0][1:].split(",") if n), answer[1]))
        now, chat_tat, ready, earliest = (float(a) for a in answer[1:])
        return _refusal(limit, now, chat_tat, ready, earliest)

    def release(self, grant: Grant | None) -> None:
        if grant is None:
            return
        limit = grant.limit
        self._release(keys=self._keys(limit, grant.address),
                      args=[",".join(map(str, grant.slots)), grant.token, limit.hold, limit.chat_hold, 1 if limit.chat_window else 0])

    def pause(self, limit: Limit, seconds: float) -> None:
        self._pause(keys=[f"posyandu:budget:{limit.key}"], args=[seconds])


def make_budget(kind: str, engine: Engine | None, redis_url: str = "") -> Budget:
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
