"""Two planners, and two dispatchers, at once on real transactions: nothing is planned or sent twice.

The point is PostgreSQL (several clocks by mistake, several dispatcher
processes); SQLite runs the same tests and serialises the writers.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from bot.messages import Channel, Outbound
from bot.ports import SendResult, Sent
from scheduler import planner
from sending.dispatch import Dispatcher
from storage.models import Contact, Household, Member, OutboxMessage, PlannedReminder
from storage.members import name_key
from tests.reminders.helpers import mawar

WIB = "Asia/Jakarta"


def many_families(session, posyandu, n, now, first_address=600000):
    """n subscribed households, each with a two-month-old (three reminders due today: DPT-HB-Hib 1, PCV 1, RV 1;
    polio 2 waits for polio 1)."""
    born = now.date() - timedelta(days=61)
    households = [Household(posyandu_id=posyandu.id, opted_in=True, created_at=now) for _ in range(n)]
    session.add_all(households)
    session.flush()
    session.add_all([Contact(channel="telegram", address=str(first_address + i), role="resident", language="id",
                             posyandu_id=posyandu.id, household_id=h.id, opted_in=True, consent_at=now, created_at=now)
                     for i, h in enumerate(households)])
    session.add_all([Member(posyandu_id=posyandu.id, household_id=h.id, name=f"Anak {i}", name_key=name_key(f"Anak {i}"),
                            sex="L", birth_date=born, created_at=now) for i, h in enumerate(households)])
    session.commit()
    return [h.id for h in households]


def run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return results


def test_two_planners_at_once_plan_and_write_everything_exactly_once(runtime, demo, session, clock, monkeypatch):
    monkeypatch.setattr(planner, "HOUSEHOLD_CHUNK", 20)  # many small transactions, so the two interleave
    households = many_families(session, mawar(session), 300, clock.now())
    day = clock.now().date()

    def job():
        return planner.plan_zone(runtime.session_factory, runtime.settings, WIB, day, clock.now())

    first, second = run_together(job, job)
    assert max(first.due, second.due) == 900  # one saw everything due (the other maybe less: some was committed)
    assert first.planned + second.planned == 900  # each reminder was written by exactly one of them
    assert first.messages + second.messages == 300
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(PlannedReminder)) == 900
    keys = Counter(session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "reminder")))
    assert len(keys) == 300 and set(keys.values()) == {1}
    assert {int(k.split(":")[1][1:]) for k in keys} == set(households)
    linked = session.scalar(select(func.count()).select_from(PlannedReminder).where(PlannedReminder.outbox_id.is_not(None)))
    assert linked == 900


class CountingSender:
    """Counts every send per outbox id, from any thread."""

    channel = Channel.TELEGRAM

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: Counter[int] = Counter()

    def send(self, message: Outbound) -> SendResult:
        with self.lock:
            self.ids[message.id] += 1
        return Sent(f"tg-{message.id}")


def test_two_dispatchers_share_the_outbox_without_sending_twice(runtime, demo, session, clock):
    many_families(session, mawar(session), 300, clock.now())
    planner.plan_zone(runtime.session_factory, runtime.settings, WIB, clock.now().date(), clock.now())
    sender = CountingSender()
    settings = runtime.settings.with_(dispatch_batch_size=25)
    dispatchers = [Dispatcher(runtime.session_factory, {Channel.TELEGRAM: sender}, runtime.clock, settings, workers=4)
                   for _ in range(2)]
    run_together(*(d.drain for d in dispatchers))
    assert len(sender.ids) == 300 and set(sender.ids.values()) == {1}
    session.expire_all()
    assert set(session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == "reminder"))) == {"sent"}
    for d in dispatchers:
        d.close()
