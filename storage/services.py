"""Service history in: past doses and services from a register (`services import`) or from chat ("sudah di
puskesmas"), with the checks the posyandu's own doses get (health.service_history, health.immunisation).

What is written: a `service_given` row with `origin = 'history'` (storage.models.ORIGIN_HISTORY), no
posyandu (it was not given at a posyandu session), the place when known, and `precision = 'month'` when
only the month is known (then the day stored is the month's last day, or today in the current month:
the next dose is never offered before its true minimum interval). History counts for the child's
schedule (the next dose, reminders, `keluarga`, the visit list), never in a month's recap nor as a
posyandu Immunization in SATUSEHAT (docs/reporting.md, "Service history").

Import: streamed line by line (bounded memory, a progress callback), a child's lines taken together (the
register's order) and sorted by date, so "Polio 2" above "Polio 1" is fine; every check is made before a
line is written (a refused line writes nothing), commits every `commit_every` lines; a line equal to what
is stored changes nothing (a rerun adds nothing); bad lines by number, with the reason in Indonesian and
without the name.
"""
from __future__ import annotations

import csv
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from health.service_history import (  # noqa: F401 - re-exported: the chat and the CLI read them here
    VITA, HistoryProblem, Named, check_service, name_service, parse_entry, parse_register_day, problem_of,
    register_date, resolve,
)
from storage.members import name_key
from storage.models import ORIGIN_HISTORY, Member, Posyandu, ServiceGiven
from storage.records import MemberRecord
from storage.repositories import posyandu_by_code

SERVICE_COLUMNS = ("posyandu_code", "name", "birth_date", "service", "given_on")
SERVICE_OPTIONAL_COLUMNS = ("place",)
MEMBER_CACHE = 2000  # members (with their services) kept while importing: bounded memory


@dataclass
class Recorded:
    """A history record written (or found equal)."""

    code: str
    given_on: date
    added: bool


@dataclass
class History:
    """What is recorded for a member: code -> days given, and which (code, day) only knew the month."""

    days: dict[str, list[date]] = field(default_factory=dict)
    month_only: set[tuple[str, date]] = field(default_factory=set)

    def for_checks(self) -> dict[str, date]:
        """Code -> first day given, a month-only record at its month's FIRST day: a check of the interval
        to it never refuses what the register may truly say (the schedule reads the stored last day)."""
        out = {}
        for code, days in self.days.items():
            if days:
                out[code] = days[0].replace(day=1) if (code, days[0]) in self.month_only else days[0]
        return out

    def add(self, code: str, on: date, precision: str) -> None:
        self.days.setdefault(code, []).append(on)
        self.days[code].sort()
        if precision == "month":
            self.month_only.add((code, on))


def member_services(session: Session, member_id: int) -> History:
    """Every service recorded for the member, wherever given."""
    found = History()
    for code, given_on, precision in session.execute(
            select(ServiceGiven.code, ServiceGiven.given_on, ServiceGiven.precision).where(
                ServiceGiven.member_id == member_id).order_by(ServiceGiven.given_on)):
        found.add(code, given_on, precision)
    return found


def record_history(session: Session, member: MemberRecord, named: Named, on: date, precision: str, today: date,
                   services: History, *, place: str | None = None,
                   recorded_by_id: int | None = None) -> Recorded:
    """Check and write one past service (the import's and the chat's one path); `services` is updated.

    Equal to what is stored: nothing written (`added` False). Raises HistoryProblem."""
    code = resolve(named, {c: d[0] for c, d in services.days.items() if d}, on)
    if code is None:
        raise HistoryProblem("history.problem.series_complete", service=named.series or "")
    if on in services.days.get(code, []):
        return Recorded(code, on, False)  # a rerun
    problem = check_service(member.birth_date, services.for_checks(), code, on, today, named.capsule,
                            tuple(services.days.get(VITA, ())))
    if problem is not None:
        raise problem_of(problem)
    session.add(ServiceGiven(member_id=member.id, code=code, given_on=on, posyandu_id=None,
                             recorded_by_id=recorded_by_id, origin=ORIGIN_HISTORY,
                             place=(" ".join(place.split())[:120] or None) if place else None,
                             precision=precision))
    services.add(code, on, precision)
    return Recorded(code, on, True)


def record_history_now(session: Session, member: MemberRecord, named: Named, on: date, precision: str, today: date,
                       services: History, *, place: str | None = None,
                       recorded_by_id: int | None = None) -> Recorded:
    """`record_history` for one entry typed in chat, written at once (a clash shows in this step)."""
    saved = record_history(session, member, named, on, precision, today, services, place=place,
                           recorded_by_id=recorded_by_id)
    session.flush()
    return saved


# -- the import ---------------------------------------------------------------------------------------------
@dataclass
class HistoryReport:
    """What an import did: counts, and the refused lines (number, reason in Indonesian)."""

    added: int = 0
    unchanged: int = 0
    errors: list[tuple[int, HistoryProblem]] = field(default_factory=list)
    lines_read: int = 0

    def lines(self, say: Callable[..., str]) -> list[str]:
        """The report in Indonesian; `say(lang, key, **params)` renders a reason (bot.texts.render)."""
        out = [f"baris {n}: {say('id', p.key, **p.params)}" for n, p in self.errors]
        out.append(f"riwayat layanan: {self.added} ditambahkan, {self.unchanged} sudah tercatat (tidak berubah), "
                   f"{len(self.errors)} ditolak")
        return out


def rows_of(stream: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, cells) one at a time; `,` or `;` separated; the required columns checked first."""
    first = stream.readline()
    if first.startswith("\ufeff"):
        first = first[1:]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter), [])]
    missing = [c for c in SERVICE_COLUMNS if c not in header]
    if missing:
        raise HistoryProblem("history.problem.columns", columns=", ".join(missing))
    reader = csv.reader(stream, delimiter=delimiter)
    for cells in reader:
        if any(c.strip() for c in cells):
            yield reader.line_num + 1, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}


class _Members:
    """Members looked up by (posyandu, name, birth date), the last MEMBER_CACHE kept with their services."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.posyandu: dict[str, Posyandu | None] = {}
        self.cache: OrderedDict[tuple[int, str, date], tuple[Member, History] | None] = OrderedDict()

    def place(self, code: str) -> Posyandu | None:
        code = code.strip().upper()
        if code not in self.posyandu:
            self.posyandu[code] = posyandu_by_code(self.session, code) if code else None
        return self.posyandu[code]

    def get(self, posyandu_id: int, name: str, born: date) -> tuple[Member, History] | None:
        key = (posyandu_id, name_key(name), born)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        member = self.session.scalars(select(Member).where(
            Member.posyandu_id == posyandu_id, Member.name_key == key[1], Member.birth_date == born)).first()
        found = (member, member_services(self.session, member.id)) if member is not None else None
        self.cache[key] = found
        if len(self.cache) > MEMBER_CACHE:
            _, dropped = self.cache.popitem(last=False)
            if dropped is not None:
                self.session.expunge(dropped[0])
        return found


def import_services(session: Session, stream: IO[str], now: datetime,
                    progress: Callable[[int], None] | None = None, commit_every: int = 2000) -> HistoryReport:
    """Import `posyandu_code,name,birth_date,service,given_on[,place]` lines (see the module docstring).

    `commit_every`: lines between commits (a long import neither holds one huge transaction nor loses
    everything to one crash; a rerun completes it)."""
    report = HistoryReport()
    members = _Members(session)
    block: list[tuple[int, dict[str, str]]] = []
    block_key: tuple[str, str, str] | None = None

    def flush_block() -> None:
        parsed = []
        for line, row in block:
            try:
                parsed.append((line, row, *_prepare(members, row, now)))
            except HistoryProblem as problem:
                report.errors.append((line, problem))
        parsed.sort(key=lambda item: (item[4], item[0]))  # by date within the child's lines
        for line, row, member, services, on, precision, named, today in parsed:
            try:  # every check is made before writing: nothing to roll back, no savepoint per line
                done = record_history(session, member, named, on, precision, today, services,
                                      place=row.get("place") or None)
            except HistoryProblem as problem:
                report.errors.append((line, problem))
                continue
            if done.added:
                report.added += 1
            else:
                report.unchanged += 1
        block.clear()

    for line, row in rows_of(stream):
        key = (row.get("posyandu_code", "").upper(), name_key(row.get("name", "")), row.get("birth_date", ""))
        if block and key != block_key:
            flush_block()
        block_key = key
        block.append((line, row))
        report.lines_read += 1
        if progress is not None:
            progress(1)
        if report.lines_read % commit_every == 0:
            session.commit()  # flushes what the blocks added
    if block:
        flush_block()
    report.errors.sort(key=lambda e: e[0])
    return report


def _prepare(members: _Members, row: dict[str, str], now: datetime):  # type: ignore[no-untyped-def]
    """A line's member, their services, the day, its precision, the service named, the posyandu's today."""
    place = members.place(row.get("posyandu_code", ""))
    if place is None:
        raise HistoryProblem("history.problem.posyandu" if row.get("posyandu_code") else "history.problem.no_posyandu")
    today = now.astimezone(ZoneInfo(place.timezone)).date()
    born = parse_register_day(row.get("birth_date", ""))
    if born is None:
        raise HistoryProblem("history.problem.birth_date")
    if not row.get("name"):
        raise HistoryProblem("history.problem.no_name")
    found = members.get(place.id, row["name"], born)
    if found is None:
        raise HistoryProblem("history.problem.no_member")
    named = name_service(row.get("service", ""))
    if named is None:
        raise HistoryProblem("history.problem.service", text=row.get("service", "")[:30])
    on, precision = register_date(row.get("given_on", ""), today)
    member, services = found
    return member, services, on, precision, named, today
