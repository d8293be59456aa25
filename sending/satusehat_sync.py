"""The SATUSEHAT sender (Procfile `satusehat`, `app/satusehat.py`): send queued visits to SATUSEHAT, one transaction Bundle each.

Why a worker of its own: SATUSEHAT may be slow or down for hours, and a
puskesmas' credentials may be missing or wrong; none of that may hold up the
chat's outbox. It works only for puskesmas whose credentials are set and not
failed, so a laptop without credentials never calls out.

Per round: claim due rows with a lease (storage.satusehat_queue.claim), build
each visit's Bundle (its measurements and the vaccine doses given there, the
bidan's IHS number when known) with the ids SATUSEHAT gave earlier (a resend
or an edit is a PUT), send, and record the outcome in its own transaction:
accepted -> sent (ids kept); 429/5xx/network -> retried with backoff (and the
server's Retry-After); refused -> kept with the OperationOutcome text; a
member without NIK -> waiting until one is added; the token call refused ->
the credentials are marked failed and the puskesmas' rows go back unsent.
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.ports import Accepted, Clock, CredentialRejected, FhirClient, Refused, RetryLater
from bot.privacy import pseudonym
from health.fhir_codes import CodeChoice
from health.fhir_visit import build_bundle
from sending.dispatch import backoff_seconds
from bot.isolation import failure_label, log_failure
from storage.db import transaction
from storage.models import SatusehatSync
from storage.satusehat_credentials import Access, KeyProblem, access_for, active_puskesmas, mark_failed
from storage.satusehat_queue import (
    QueuedVisit, claim, known_ids, load_visits, record_later, record_refused, record_sent,
)

log = logging.getLogger(__name__)

NO_NIK = "no NIK and no NIK ibu: add it in chat (nik NAME 3201...) or with members import"
BACKOFF_FLOOR = 30.0  # seconds: SATUSEHAT is a shared national service; never hammer it


@dataclass
class SyncStats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    refused: int = 0
    waiting: int = 0
    paused: int = 0  # rows given back because their puskesmas' credentials failed
    errors: list[str] = field(default_factory=list)


class SatusehatSender:
    def __init__(self, session_factory: sessionmaker[Session], settings: Settings, clock: Clock,
                 client: FhirClient | None = None, rng: Callable[[], float] | None = None) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.clock = clock
        if client is None:  # the HTTP client beside it, from the settings (tests hand in a fake)
            from sending.satusehat_client import SatusehatClient

            client = SatusehatClient(settings.satusehat_auth_url, settings.satusehat_fhir_url, clock,
                                     settings.satusehat_timeout_seconds)
        self.client = client
        self.codes: CodeChoice = settings.satusehat_codes()  # an unknown code stops here, before any send
        self.rng = rng

    def close(self) -> None:
        self.client.close()

    def enabled(self) -> bool:
        """Whether any puskesmas can be sent for (credentials set and not failed)."""
        with transaction(self.session_factory) as session:
            return bool(active_puskesmas(session))

    def run_once(self, now: datetime | None = None, month: str | None = None) -> SyncStats:
        """One round: claim up to a batch, send each, record each outcome."""
        now = now or self.clock.now()
        stats = SyncStats()
        with transaction(self.session_factory) as session:
            active = active_puskesmas(session)
            if not active:
                return stats
            rows = claim(session, now, self.settings.satusehat_batch_size, active, month)
            claimed = [(r.id, r.measurement_id, r.revision) for r in rows]
        stats.claimed = len(claimed)
        if not claimed:
            return stats
        with transaction(self.session_factory) as session:
            visits = load_visits(session, [m for _, m, _ in claimed])
            known = {m: known_ids(session, m) for _, m, _ in claimed}
        groups: dict[int | None, list[tuple[int, int, int]]] = defaultdict(list)
        for item in claimed:
            visit = visits.get(item[1])
            groups[visit.puskesmas_id if visit else None].append(item)
        for puskesmas_id, items in groups.items():  # one puskesmas' failure does not hold up the others
            try:
                self._send_group(puskesmas_id, items, visits, known, now, stats)
            except Exception as exc:
                log_failure(log, "SATUSEHAT round of puskesmas", puskesmas_id, exc, private=False)
                stats.errors.append(failure_label(exc))
        return stats

    def _send_group(self, puskesmas_id: int | None, items: list[tuple[int, int, int]],
                    visits: dict[int, QueuedVisit], known: dict[int, dict[str, str]], now: datetime,
                    stats: SyncStats) -> None:
        access: Access | None = None
        if puskesmas_id is not None:
            try:
                with transaction(self.session_factory) as session:
                    access = access_for(session, puskesmas_id, self.settings.satusehat_secret_key)
            except KeyProblem as problem:  # the server's key, not these credentials: fix the env, nothing lost
                self._release(items, str(problem), now, stats)
                log.error("SATUSEHAT sending held: %s", problem)
                return
        for index, (sync_id, measurement_id, revision) in enumerate(items):
            try:
                if self._send_one(puskesmas_id, items, index, visits, known, access, now, stats):
                    return
            except Exception as exc:  # one visit's data (or a bug) costs that visit only: retried with backoff
                log_failure(log, "SATUSEHAT sending of visit", measurement_id, exc)
                stats.errors.append(failure_label(exc))
                self._later(sync_id, revision, f"internal error: {failure_label(exc)}", now, stats)

    def _send_one(self, puskesmas_id: int | None, items: list[tuple[int, int, int]], index: int,
                  visits: dict[int, QueuedVisit], known: dict[int, dict[str, str]], access: Access | None,
                  now: datetime, stats: SyncStats) -> bool:
        """Send one claimed visit and record its outcome; True when the credentials were refused (stop)."""
        sync_id, measurement_id, revision = items[index]
        visit = visits.get(measurement_id)
        if visit is None or access is None or visit.place is None:
            self._later(sync_id, revision, "credentials no longer available", now, stats, count=False)
            return False
        if visit.person.identifier is None:
            with transaction(self.session_factory) as session:
                record_refused(session, sync_id, revision, NO_NIK, now, status="waiting")
            stats.waiting += 1
            return False
        built = build_bundle(visit.visit, visit.person, visit.place, self.codes, known.get(measurement_id),
                             self.settings.satusehat_fhir_url)
        outcome = self.client.send_bundle(access, built.bundle)
        if isinstance(outcome, Accepted):
            ids = {key: rid for key, rid in zip(built.keys, outcome.ids) if rid}
            with transaction(self.session_factory) as session:
                record_sent(session, sync_id, revision, ids, self.clock.now())
            stats.sent += 1
        elif isinstance(outcome, Refused):
            with transaction(self.session_factory) as session:
                record_refused(session, sync_id, revision, f"{outcome.status}: {outcome.reason}", now)
            stats.refused += 1
            log.warning("SATUSEHAT refused visit %s (%s)", pseudonym(measurement_id), outcome.status)
        elif isinstance(outcome, RetryLater):
            self._later(sync_id, revision, outcome.reason, now, stats, retry_after=outcome.after_seconds)
        elif isinstance(outcome, CredentialRejected):
            self._pause(puskesmas_id, [(sync_id, measurement_id, revision), *items[index + 1:]],
                        outcome.reason, now, stats)
            return True
        return False

    def _later(self, sync_id: int, revision: int, reason: str, now: datetime, stats: SyncStats,
               retry_after: float | None = None, count: bool = True) -> None:
        with transaction(self.session_factory) as session:
            row = session.get(SatusehatSync, sync_id)
            attempts = (row.attempts if row else 0) + 1
            wait = max(BACKOFF_FLOOR, backoff_seconds(attempts, *([self.rng] if self.rng else [])),
                       retry_after or 0.0)
            record_later(session, sync_id, revision, reason, now + timedelta(seconds=wait), count_attempt=count)
        stats.retried += 1

    def _release(self, items: list[tuple[int, int, int]], reason: str, now: datetime, stats: SyncStats) -> None:
        """Give the rows back untouched (no attempt counted), to be tried next round."""
        with transaction(self.session_factory) as session:
            for sync_id, _m, revision in items:
                record_later(session, sync_id, revision, f"held: {reason}", now, count_attempt=False)
        stats.paused += len(items)

    def _pause(self, puskesmas_id: int | None, items: list[tuple[int, int, int]], reason: str, now: datetime,
               stats: SyncStats) -> None:
        """The credentials are refused: mark them failed (no loop), give the rows back untouched."""
        with transaction(self.session_factory) as session:
            if puskesmas_id is not None:
                mark_failed(session, puskesmas_id, reason, now)
            for sync_id, _m, revision in items:
                record_later(session, sync_id, revision, f"paused: {reason}", now, count_attempt=False)
        stats.paused += len(items)
        log.error("SATUSEHAT credentials of puskesmas %s refused; sending paused until they are set again",
                  puskesmas_id)


def run_forever(sync: SatusehatSender, stop: threading.Event) -> None:
    interval = sync.settings.satusehat_interval_seconds
    while not stop.is_set():
        try:
            stats = sync.run_once()
            busy = stats.claimed >= sync.settings.satusehat_batch_size
        except Exception:
            log.exception("SATUSEHAT round failed; trying again")
            busy = False
        if not busy:
            stop.wait(interval)

