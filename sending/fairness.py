"""Which message goes next: per-chat queues, replies before bulk, each channel on its own.

A `FairQueue` holds the messages a process has claimed. Each channel is a
`Lane`; in a lane each chat is a small queue (replies first, then in claim
order), and the chats whose next message may go now stand in a ready heap by
that message's priority. `due()` walks the ready chats best first and asks the
shared `Budget` for each:

* go: the message starts now with one of the account's slots (`Job.grant`,
  released by the pump when the answer comes back); its chat is busy until
  then, and waits its per-chat gap aside, off the ready heap (it delays no
  other chat);
* only this chat must wait (another process wrote to it just now): the chat
  steps aside until then and the next chat is asked;
* the account must wait (its pace, or a 429 pause): this lane stops until
  then; the other lane does not.

Where several processes send (a shared budget), a chat's message also waits
while an older one to the same chat is still with another process (`in_turn`),
so a person reads the replies in the order they were written.

Nothing here sleeps or does I/O except the budget's take; the caller (the
dispatcher's pump thread) sleeps until `next_wake()` or the next event. The
clock is injected, so fairness is tested without real time.
"""
from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

from bot.messages import Channel, Outbound
from sending.budget import Budget, Grant, Limit

TURN_RETRY = 0.1  # seconds before asking again whether an older message to the chat has gone
MAX_IN_FLIGHT = 16  # sends under way at once per channel and process


@dataclass(eq=False)
class Job:
    """One claimed outbox row on its way to the provider."""

    outbound: Outbound
    attempts: int
    priority: int
    deadline: float  # the pump's clock: past it, the row goes back to the outbox (the lease would lapse)
    context: Any = None  # the caller's: stats, the instant to record, a future
    seq: int = 0
    grant: Grant | None = None  # the budget's slots while the send is under way
    cost: int = 1  # requests the send makes to the provider (a long text goes in parts): slots it takes
    plan: Any = None  # the sender's rendering of the message (`Sender.plan`), made once when it was counted

    @property
    def chat(self) -> str:
        return self.outbound.address

    @property
    def order(self) -> tuple[int, int, int]:
        """Within a chat: replies first, then as written (the outbox id: a row claimed again after a
        retry keeps its place), then as handed over."""
        return (self.priority, self.outbound.id, self.seq)


@dataclass
class Lane:
    """One channel: its limit, its chats' queues, the ready heap and the chats waiting aside."""

    limit: Limit
    chats: dict[str, list[tuple[tuple[int, int, int], Job]]] = field(default_factory=dict)
    ready: list[tuple[tuple[int, int, int], str]] = field(default_factory=list)
    aside: list[tuple[float, str]] = field(default_factory=list)  # (not before, chat)
    waiting_until: dict[str, float] = field(default_factory=dict)
    busy: set[str] = field(default_factory=set)
    blocked_until: float = 0.0  # the account's pace or pause, as the budget last said

    def head(self, chat: str) -> Job | None:
        queue = self.chats.get(chat)
        return queue[0][1] if queue else None

    def offer(self, chat: str) -> None:
        """Put the chat on the ready heap under its head's priority (stale entries are skipped later)."""
        head = self.head(chat)
        if head is not None and chat not in self.busy and chat not in self.waiting_until:
            heapq.heappush(self.ready, (head.order, chat))

    def __len__(self) -> int:
        return sum(len(q) for q in self.chats.values())


class FairQueue:
    """Messages claimed by this process, handed out fairly. Single-threaded: the pump owns it."""

    def __init__(self, budget: Budget, limits: dict[Channel, Limit], clock: Callable[[], float],
                 in_turn: Callable[[Job], bool] | None = None, max_in_flight: int = MAX_IN_FLIGHT) -> None:
        """`in_turn(job)`: False while an older message to the same chat is with another process.
        `max_in_flight`: sends under way at once per channel (a provider without a rate limit, or a
        backlog after an outage, must not open thousands of requests at once)."""
        self.budget = budget
        self.limits = limits
        self.clock = clock
        self.in_turn = in_turn
        self.max_in_flight = max(1, max_in_flight)
        self.lanes: dict[Channel, Lane] = {}
        self._seq = itertools.count()

    def lane(self, channel: Channel) -> Lane:
        found = self.lanes.get(channel)
        if found is None:
            found = self.lanes[channel] = Lane(self.limits.get(channel, Limit(channel.value)))
        return found

    def add(self, job: Job) -> None:
        job.seq = next(self._seq)
        lane = self.lane(job.outbound.channel)
        queue = lane.chats.setdefault(job.chat, [])
        heapq.heappush(queue, (job.order, job))
        if queue[0][1] is job:
            lane.offer(job.chat)

    def done(self, job: Job, answered: float) -> None:
        """The send's answer came back at `answered` (its slot released): the chat may have its next
        message after its gap."""
        lane = self.lane(job.outbound.channel)
        lane.busy.discard(job.chat)
        not_before = answered + lane.limit.chat_hold
        if lane.limit.chat_window and not_before > self.clock() and lane.head(job.chat) is not None:
            self._aside(lane, job.chat, not_before)
        else:
            lane.offer(job.chat)

    def pause(self, channel: Channel, seconds: float) -> None:
        """The provider said 429: this lane only waits; the budget tells the other processes."""
        lane = self.lane(channel)
        lane.blocked_until = max(lane.blocked_until, self.clock() + seconds)
        self.budget.pause(lane.limit, seconds)

    def due(self) -> tuple[list[Job], list[Job]]:
        """(jobs to start now, jobs to give back because their lease runs out)."""
        start: list[Job] = []
        expired: list[Job] = []
        now = self.clock()
        for lane in self.lanes.values():
            while lane.aside and lane.aside[0][0] <= now:
                _, chat = heapq.heappop(lane.aside)
                if lane.waiting_until.get(chat, 0.0) <= now:
                    lane.waiting_until.pop(chat, None)
                    lane.offer(chat)
            self._expire(lane, now, expired)
            if lane.blocked_until > now:
                continue
            while lane.ready and len(lane.busy) < self._cap(lane):  # a send's return wakes the pump
                order, chat = lane.ready[0]
                head = lane.head(chat)
                if head is None or head.order != order or chat in lane.busy or chat in lane.waiting_until:
                    heapq.heappop(lane.ready)  # stale: the chat moved on or stands elsewhere
                    continue
                if self.in_turn is not None and not lane.limit.unlimited and not self.in_turn(head):
                    heapq.heappop(lane.ready)
                    self._aside(lane, chat, now + TURN_RETRY)
                    continue
                wait = self.budget.take(lane.limit, chat, head.cost)
                if wait.go:
                    heapq.heappop(lane.ready)
                    job = self._pop(lane, chat)
                    job.grant = wait.grant
                    start.append(job)
                    lane.busy.add(chat)
                elif wait.chat:
                    heapq.heappop(lane.ready)
                    self._aside(lane, chat, now + wait.seconds)
                else:
                    lane.blocked_until = now + wait.seconds
                    break
        return start, expired

    def next_wake(self) -> float | None:
        """When `due()` may have something new to hand out (None: nothing queued that could go)."""
        wakes: list[float] = []
        for lane in self.lanes.values():
            if lane.aside:
                wakes.append(lane.aside[0][0])
            live = [e for e in lane.ready if lane.head(e[1]) is not None and e[1] not in lane.busy
                    and e[1] not in lane.waiting_until]
            if live and len(lane.busy) < self._cap(lane):
                wakes.append(lane.blocked_until)
            wakes += [e[1].deadline for q in lane.chats.values() for e in q[:1]]
        return min(wakes) if wakes else None

    def __len__(self) -> int:
        return sum(len(lane) for lane in self.lanes.values())

    def take_all(self) -> list[Job]:
        """Everything not yet started, each chat in order (the process is stopping)."""
        jobs: list[Job] = []
        for lane in self.lanes.values():
            for chat in list(lane.chats):
                jobs += [entry[1] for entry in sorted(lane.chats.pop(chat), key=lambda e: e[0])]
            lane.ready.clear()
            lane.aside.clear()
            lane.waiting_until.clear()
        return jobs

    def _cap(self, lane: Lane) -> int:
        """Sends this lane may have under way at once; one where the channel shows them one after another
        (then the best ready message of any chat goes next: replies before alerts, each as written)."""
        return 1 if lane.limit.one_at_a_time else self.max_in_flight

    def _pop(self, lane: Lane, chat: str) -> Job:
        queue = lane.chats[chat]
        job = heapq.heappop(queue)[1]
        if not queue:
            del lane.chats[chat]
        return job

    @staticmethod
    def _expire(lane: Lane, now: float, expired: list[Job]) -> None:
        """A chat with a message whose lease runs out goes back to the outbox whole (its order kept)."""
        for chat in [c for c, q in lane.chats.items() if c not in lane.busy and any(e[1].deadline <= now for e in q)]:
            expired += [e[1] for e in sorted(lane.chats.pop(chat), key=lambda e: e[0])]

    def _aside(self, lane: Lane, chat: str, until: float) -> None:
        lane.waiting_until[chat] = until
        heapq.heappush(lane.aside, (until, chat))
