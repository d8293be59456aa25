"""Who is due for which reminder: set-based queries over the rule table of `health.schedules`.

Why this shape: a district has a million members, so the planner must not
ask the database once per member. For each rule (and each due period the
rule can have in the look-back window, usually one) ONE query finds every
member who may be due: an index-friendly date range on the rule's anchor
(birth date, HPHT, delivery date, the posyandu session, the calendar), the
rule's sex/age bounds, a reachable chat in the member's household, and an
anti-join on `planned_reminder` so that what is already planned is not even
read again. The few rows that come back are then checked exactly with the
reference `health.due.due_reminders` (life stage, completed months)
and against the services the posyandu recorded (`service_given`), so the SQL
only has to be a superset and the semantics live in one place.

Adaptations to the reference (reported in docs/reminders.md):
* Pregnancy rules (anchor hpht / delivery) are planned per pregnancy: their
  period is `P<hpht>` / `D<delivery>` instead of the reference's 'once', and
  only services given on or after the anchor count as done. Otherwise a
  second pregnancy would never get its ANC reminders.
* A pregnancy with `ended_on` (and no delivery) is not ongoing from that day.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, exists, extract, func, or_, select
from sqlalchemy.orm import Session

from health.ages import add_months
from health.life_stage import AGE_BANDS_MONTHS, LifeStage, primary_stage
from health.pregnancy import MAX_HPHT_AGE_DAYS
from health.immunisation import CODES as DOSE_CODES
from health.immunisation import DOSES_BY_CODE, MIN_INTERVAL_DAYS, SERIES, WEEK4, last_age_days
from health.due import due_reminders
from health.schedules import IMMUNISATION_SET, RULES, Due, ReminderRule, period_end, period_key, period_start
from storage.households import reachable_clause
from storage.places import zone_info
from storage.models import Contact, Member, PlannedReminder, PosyanduSession, Pregnancy, ServiceGiven
from storage.pregnancy_status import pregnancy_since, pregnancy_start
from storage.records import MemberRecord, PregnancyRecord

PREGNANCY_STAGES = (LifeStage.IBU_HAMIL, LifeStage.IBU_NIFAS)
SLACK = timedelta(days=3)  # month arithmetic in the SQL prefilter is approximate; the exact check is not
ID_CHUNK = 5000


@dataclass(frozen=True)
class Candidate:
    """A member (with one of her pregnancies, when the rule needs it) who may be due."""

    member_id: int
    household_id: int | None
    posyandu_id: int
    birth_date: date
    sex: str
    hpht: date | None = None
    delivered_on: date | None = None
    ended_on: date | None = None
    pregnant_since: date | None = None  # an undated pregnancy (HPHT unknown): the day it was told


@dataclass(frozen=True)
class DueItem:
    """One reminder to plan: unique per (member, code, period), like `planned_reminder`."""

    member_id: int
    household_id: int | None
    posyandu_id: int
    rule_id: str
    code: str
    period: str
    due_on: date

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.member_id, self.code, self.period)


Range = tuple[date | None, date | None]  # inclusive (low, high); None is open


def _overlap(a: Range, b: Range) -> bool:
    lo = max((x for x in (a[0], b[0]) if x is not None), default=None)
    hi = min((x for x in (a[1], b[1]) if x is not None), default=None)
    return lo is None or hi is None or lo <= hi


@dataclass
class Probe:
    """One set-based query for one rule: plain ranges (so an impossible probe is skipped without a query),
    the period it plans, and what it joins."""

    rule: ReminderRule
    period: str | None  # None: the period comes from the pregnancy (P<hpht> / D<delivery>)
    sex: str | None = None
    birth: Range = (None, None)
    month_days: tuple[int, ...] = ()  # birthdays (month*100+day) for yearly rules
    pregnancy: str | None = None  # the Pregnancy column the rule hangs on: 'hpht' | 'delivered_on'
    anchor: Range = (None, None)  # range of that column
    session_ids: list[int] = field(default_factory=list)
    # a dose whose earliest day follows the previous dose (health.immunisation): (previous code, its days,
    # the birth dates for which the dose is still given); such members match by that instead of by birth
    previous: tuple[str, Range, Range] | None = None

    def where(self) -> list[Any]:
        where: list[Any] = []
        if self.sex:
            where.append(Member.sex == self.sex)
        by_birth: list[Any] = []
        if self.birth[0] is not None:
            by_birth.append(Member.birth_date >= self.birth[0])
        if self.birth[1] is not None:
            by_birth.append(Member.birth_date <= self.birth[1])
        if self.previous is not None:
            code, days, births = self.previous
            after_previous = exists().where(ServiceGiven.member_id == Member.id, ServiceGiven.code == code,
                                            ServiceGiven.given_on >= days[0], ServiceGiven.given_on <= days[1])
            where += [Member.birth_date >= births[0], Member.birth_date <= births[1],
                      or_(and_(*by_birth), after_previous) if by_birth else after_previous]
        else:
            where += by_birth
        if self.month_days:
            month_day = extract("month", Member.birth_date) * 100 + extract("day", Member.birth_date)
            where.append(month_day.in_(self.month_days))
        if self.pregnancy:
            col = pregnancy_column(self.pregnancy)
            where += [col >= self.anchor[0], col <= self.anchor[1]]
        if self.session_ids:
            where.append(PosyanduSession.id.in_(self.session_ids))
        return where

    def possible(self, births: Range, anchors: dict[str, Range]) -> bool:
        """Could anyone in scope match? (`births`: the scope's birth dates; `anchors`: its pregnancies.)"""
        widest = self.previous[2] if self.previous is not None else self.birth
        if births == (None, None) or not _overlap(widest, births):
            return False
        if not self.pregnancy:
            return True
        present = anchors.get(self.pregnancy, (None, None))
        return present != (None, None) and _overlap(self.anchor, present)


def pregnancy_column(name: str) -> Any:
    """A probe's pregnancy column; 'start' is the HPHT or, for an undated pregnancy, the day it was told
    (a calendar rule of pregnancy, TTD/MMS, is due for her too; an HPHT-anchored one is not)."""
    if name == "start":
        return func.coalesce(Pregnancy.hpht, Pregnancy.reported_on)
    return getattr(Pregnancy, name)


# -- the exact, per-candidate semantics --------------------------------------------------
def pregnancy_period(rule: ReminderRule, cand: Candidate) -> str | None:
    if rule.anchor == "hpht" and cand.hpht is not None:
        return f"P{cand.hpht:%Y%m%d}"
    if rule.anchor == "delivery" and cand.delivered_on is not None:
        return f"D{cand.delivered_on:%Y%m%d}"
    return None


def dues_on_day(cand: Candidate, day: date, settings: Mapping[str, object],
                rules: Sequence[ReminderRule] = RULES, doses: Mapping[str, date] | None = None) -> list[Due]:
    """The reference answer for one person on one day (an ended pregnancy is not ongoing).

    doses: the immunisation doses recorded (code -> day): a dose is due as `health.immunisation` says."""
    hpht, since = cand.hpht, cand.pregnant_since
    if cand.ended_on is not None and cand.delivered_on is None and cand.ended_on <= day:
        hpht = since = None
    return due_reminders(cand.birth_date, cand.sex, day, hpht, cand.delivered_on, settings=settings, rules=rules,
                         pregnant_since=since, given={c: d for c, d in (doses or {}).items() if d <= day})


def due_on_day(rule: ReminderRule, cand: Candidate, day: date, settings: Mapping[str, object],
               doses: Mapping[str, date] | None = None) -> Due | None:
    found = dues_on_day(cand, day, settings, (rule,), doses)
    return found[0] if found else None


def first_due(rule: ReminderRule, cand: Candidate, days: Sequence[date], settings: Mapping[str, object],
              period: str | None, doses: Mapping[str, date] | None = None) -> tuple[Due, str] | None:
    """The first day in `days` on which the rule is due for the period `period` (None: any)."""
    for day in days:
        due = due_on_day(rule, cand, day, settings, doses)
        if due is None:
            continue
        key = pregnancy_period(rule, cand) if rule.anchor in ("hpht", "delivery") else due.period_key
        if key is None or (period is not None and key != period):
            continue
        return due, key
    return None


def service_done(rule: ReminderRule, cand: Candidate, due_on: date, given: Iterable[date]) -> bool:
    """Did the posyandu record this reminder's service (for this period)?"""
    given = list(given)
    if not given:
        return False
    if rule.anchor == "hpht":
        return cand.hpht is not None and any(g >= cand.hpht for g in given)
    if rule.anchor == "delivery":
        return cand.delivered_on is not None and any(g >= cand.delivered_on for g in given)
    if rule.every == "once" and rule.occurrence == "once":
        return True  # a dose given once is given
    if rule.every == "once":  # a named occurrence: the blue vitamin A capsule, Hb at 12 / 15 years
        if rule.anchor == "calendar":
            lo = cand.birth_date + timedelta(days=rule.min_age_days or 0)
            hi = cand.birth_date + timedelta(days=(rule.max_age_days or 36500) + 1)
        else:
            lo, hi = due_on - timedelta(days=182), due_on + timedelta(days=rule.window_days)
        return any(lo <= g < hi for g in given)
    if rule.anchor == "calendar":
        lo = due_on - timedelta(days=rule.offset_days)  # the period's first day
        hi = period_end(rule, lo)
    elif rule.anchor == "session":
        session_day = due_on - timedelta(days=rule.offset_days)
        lo, hi = session_day.replace(day=1), add_months(session_day.replace(day=1), 1)
    else:  # yearly from birth: this anniversary's year
        lo = due_on - timedelta(days=rule.offset_days)
        hi = add_months(lo, 12)
    return any(lo <= g < hi for g in given)


# -- the SQL superset --------------------------------------------------------------------
def _person_bounds(rule: ReminderRule, first: date, last: date) -> tuple[str | None, Range]:
    """Sex and birth-date range of anyone the rule can be due for between first and last."""
    sex = rule.sex or ("P" if rule.life_stage in PREGNANCY_STAGES else None)
    lows: list[date] = []
    highs: list[date] = [last]
    if rule.min_age_days is not None:
        highs.append(last - timedelta(days=rule.min_age_days))
    if rule.max_age_days is not None:
        lows.append(first - timedelta(days=rule.max_age_days))
    for code, low, high in AGE_BANDS_MONTHS:
        if rule.life_stage is not None and rule.life_stage.value == code:
            highs.append(add_months(last, -low) + SLACK)
            if high is not None:
                lows.append(add_months(first, -(high + 1)) - SLACK)
    return sex, (max(lows) if lows else None, min(highs))


def _narrow(birth: Range, low: date | None, high: date | None) -> Range:
    return (max(x for x in (birth[0], low) if x is not None) if (birth[0] or low) else None,
            min(x for x in (birth[1], high) if x is not None) if (birth[1] or high) else None)


def _days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _anniversary_codes(first: date, last: date) -> dict[int, set[int]]:
    """month*100+day of every birthday whose anniversary falls between first and last, by year."""
    by_year: dict[int, set[int]] = defaultdict(set)
    for day in _days_between(first, last):
        by_year[day.year].add(day.month * 100 + day.day)
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            by_year[day.year].add(229)  # 29 Feb birthdays are kept on 28 Feb
    return by_year


def probes(rule: ReminderRule, days: Sequence[date],
           sessions: Sequence[tuple[int, int, date]] = ()) -> list[Probe]:
    """The queries that find everyone the rule may be due for on some day in `days`.

    `sessions` are (session id, posyandu id, local date) of scheduled sessions.
    """
    d0, d1 = days[0], days[-1]
    off, win = rule.offset_days, rule.window_days
    earliest = d0 - timedelta(days=off + win - 1)  # an anchor this old is still due on d0
    latest = d1 - timedelta(days=off)
    sex, birth = _person_bounds(rule, d0, d1)
    if rule in IMMUNISATION_SET:
        return [_dose_probe(rule, d0, d1, sex, _narrow(birth, earliest, latest))]
    if rule.anchor == "birth" and rule.every == "once":
        return [Probe(rule, rule.occurrence, sex, _narrow(birth, earliest, latest))]
    if rule.anchor == "birth" and rule.every == "yearly":
        return [Probe(rule, f"{year:04d}", sex, birth, month_days=tuple(sorted(codes)))
                for year, codes in sorted(_anniversary_codes(earliest, latest).items())]
    if rule.anchor in ("hpht", "delivery"):
        column = "hpht" if rule.anchor == "hpht" else "delivered_on"
        return [Probe(rule, None, sex, birth, pregnancy=column, anchor=(earliest, latest))]
    if rule.anchor == "calendar":
        found: list[Probe] = []
        starts = sorted({period_start(rule, d) for d in days if not rule.months or d.month in rule.months})
        for start in starts:
            due = start + timedelta(days=off)
            end = min(due + timedelta(days=win), period_end(rule, start))
            due_days = [d for d in days if due <= d < end]
            if not due_days:
                continue
            psex, pbirth = _person_bounds(rule, due_days[0], due_days[-1])
            probe = Probe(rule, period_key(rule, due_days[0], start), psex, pbirth)
            if rule.life_stage is LifeStage.IBU_HAMIL:
                probe.pregnancy = "start"
                probe.anchor = (due_days[0] - timedelta(days=MAX_HPHT_AGE_DAYS), due_days[-1])
            found.append(probe)
        return found
    if rule.anchor == "session":
        by_month: dict[str, list[int]] = defaultdict(list)
        for session_id, _posyandu_id, local_day in sessions:
            if earliest <= local_day <= latest:
                by_month[f"{local_day:%Y-%m}"].append(session_id)
        return [Probe(rule, month, sex, birth, session_ids=ids) for month, ids in sorted(by_month.items())]
    raise ValueError(f"{rule.rule_id}: unknown anchor {rule.anchor}")


def _dose_probe(rule: ReminderRule, d0: date, d1: date, sex: str | None, by_schedule: Range) -> Probe:
    """A dose is due from the later of its schedule day and the previous dose's day + the minimum interval
    (health.immunisation), for its window: members born in the schedule's range, or whose previous dose
    falls where its interval ends in the days planned; never past the series' last age."""
    dose = DOSES_BY_CODE[rule.code]
    still_given = (d0 - timedelta(days=last_age_days(dose.series)), d1 - timedelta(days=rule.offset_days))
    doses = SERIES[dose.series]
    index = doses.index(dose)
    if index == 0:
        return Probe(rule, rule.occurrence, sex, _narrow(by_schedule, *still_given))
    interval = MIN_INTERVAL_DAYS.get(rule.code, WEEK4)
    days = (d0 - timedelta(days=interval + rule.window_days - 1), d1 - timedelta(days=interval))
    return Probe(rule, rule.occurrence, sex, by_schedule, previous=(doses[index - 1].code, days, still_given))


def probe_statement(probe: Probe, scope: Sequence[Any]) -> Select[Any]:
    """SQL for one probe over the members in `scope` (e.g. a zone's posyandu with reachable chats)."""
    rule = probe.rule
    cols: list[Any] = [Member.id, Member.household_id, Member.posyandu_id, Member.birth_date, Member.sex]
    if probe.pregnancy:
        cols += [Pregnancy.hpht, Pregnancy.delivered_on, Pregnancy.ended_on, Pregnancy.reported_on]
    stmt = select(*cols)
    if probe.pregnancy:
        stmt = stmt.join(Pregnancy, Pregnancy.member_id == Member.id)
    if probe.session_ids:
        stmt = stmt.join(PosyanduSession, PosyanduSession.posyandu_id == Member.posyandu_id)
    stmt = stmt.where(*scope, *probe.where())
    planned = exists().where(PlannedReminder.member_id == Member.id, PlannedReminder.code == rule.code)
    if probe.period is not None:
        planned = planned.where(PlannedReminder.period == probe.period)
    else:
        anchor = Pregnancy.hpht if rule.anchor == "hpht" else Pregnancy.delivered_on
        planned = planned.where(PlannedReminder.due_on >= anchor)  # this pregnancy's, not an earlier one's
    return stmt.where(~planned).order_by(Member.id)


def reachable_scope(posyandu_ids: Any) -> list[ColumnElement[bool]]:
    """Members of these posyandu (ids or a subquery) whose household has a chat we may message."""
    has_chat = exists().where(Contact.household_id == Member.household_id, reachable_clause())
    return [Member.household_id.is_not(None), Member.posyandu_id.in_(posyandu_ids), has_chat]


def _services(session: Session, code: str, member_ids: Iterable[int]) -> dict[int, list[date]]:
    ids = sorted(set(member_ids))
    found: dict[int, list[date]] = defaultdict(list)
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        for member_id, given_on in session.execute(select(ServiceGiven.member_id, ServiceGiven.given_on).where(
                ServiceGiven.code == code, ServiceGiven.member_id.in_(chunk))):
            found[member_id].append(given_on)
    return found


def dose_history(session: Session, member_ids: Iterable[int]) -> dict[int, dict[str, date]]:
    """Each member's immunisation doses recorded (code -> first day), wherever given (the posyandu, or the
    history: storage.services), in chunks of ids: what `health.immunisation` reads."""
    ids = sorted(set(member_ids))
    found: dict[int, dict[str, date]] = defaultdict(dict)
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        for member_id, code, given_on in session.execute(
                select(ServiceGiven.member_id, ServiceGiven.code, ServiceGiven.given_on).where(
                    ServiceGiven.member_id.in_(chunk), ServiceGiven.code.in_(sorted(DOSE_CODES)))):
            days = found[member_id]
            if code not in days or given_on < days[code]:
                days[code] = given_on
    return found


def scope_ranges(session: Session, scope: Sequence[Any]) -> tuple[Range, dict[str, Range]]:
    """Birth dates and pregnancy dates present in scope: two aggregate queries that let the planner skip
    every rule nobody in scope can be due for (a village of young families never asks about lansia)."""
    births = tuple(session.execute(select(func.min(Member.birth_date), func.max(Member.birth_date))
                                   .where(*scope)).one())
    start = pregnancy_column("start")
    anchors = session.execute(select(func.min(Pregnancy.hpht), func.max(Pregnancy.hpht),
                                     func.min(Pregnancy.delivered_on), func.max(Pregnancy.delivered_on),
                                     func.min(start), func.max(start))
                              .join(Member, Member.id == Pregnancy.member_id).where(*scope)).one()
    return births, {"hpht": (anchors[0], anchors[1]), "delivered_on": (anchors[2], anchors[3]),  # type: ignore[return-value]
                    "start": (anchors[4], anchors[5])}


def find_due(session: Session, days: Sequence[date], scope: Sequence[Any], *, je_endemic: bool = False,
             sessions: Sequence[tuple[int, int, date]] = (), rules: Sequence[ReminderRule] = RULES) -> list[DueItem]:
    """Everything due on some day in `days` (oldest first) for members in `scope`, not yet planned, not done.

    One query per rule and due period (none when nobody in scope can match); the result is unique per
    (member, code, period), the first rule in table order wins.
    """
    births, anchors = scope_ranges(session, scope)
    session_dates: dict[int, list[date]] = defaultdict(list)
    for _sid, posyandu_id, local_day in sessions:
        session_dates[posyandu_id].append(local_day)
    items: dict[tuple[int, str, str], DueItem] = {}
    for rule in rules:
        if rule.setting == "je_endemic" and not je_endemic:
            continue
        found: list[tuple[Candidate, Due, str]] = []
        for probe in probes(rule, days, sessions):
            if not probe.possible(births, anchors):
                continue
            rows = [Candidate(*row) if probe.pregnancy else Candidate(*row[:5])
                    for row in session.execute(probe_statement(probe, scope))]
            doses = dose_history(session, [c.member_id for c in rows]) if rule in IMMUNISATION_SET else {}
            for cand in rows:
                settings = {"je_endemic": je_endemic, "session_dates": session_dates.get(cand.posyandu_id, ())}
                hit = first_due(rule, cand, days, settings, probe.period, doses.get(cand.member_id))
                if hit is not None:
                    found.append((cand, hit[0], hit[1]))
        if not found:
            continue
        given = _services(session, rule.code, (c.member_id for c, _, _ in found))
        for cand, due, period in found:
            key = (cand.member_id, rule.code, period)
            if key in items or service_done(rule, cand, due.due_on, given.get(cand.member_id, ())):
                continue
            items[key] = DueItem(cand.member_id, cand.household_id, cand.posyandu_id, rule.rule_id, rule.code,
                                 period, due.due_on)
    return sorted(items.values(), key=lambda i: (i.household_id or 0, i.member_id, i.code, i.period))


# -- what is coming (operators, and residents' `keluarga`) --------------------------------
@dataclass(frozen=True)
class Upcoming:
    member_id: int
    name: str
    birth_date: date
    due_on: date
    code: str
    group: str
    label_id: str
    label_en: str
    # the day of the service itself: the posyandu day for a reminder sent the day before it (TIMBANG,
    # LANSIA), else the due day; what a family is told (issue 16: "14 Des" where the day is 15 Des)
    service_on: date | None = None

    def label(self, lang: str | None) -> str:
        return self.label_en if lang == "en" else self.label_id

    @property
    def day(self) -> date:
        return self.service_on or self.due_on


def session_days(session: Session, posyandu_id: int, timezone: str, first: date, last: date) -> list[date]:
    """Local days from `first` to `last` (inclusive) on which the posyandu has a scheduled session.

    What `upcoming(session_days=...)` needs for the rules anchored on a posyandu day.
    """
    tz = zone_info(timezone)
    lo = datetime.combine(first, time(0), tz)
    hi = datetime.combine(last + timedelta(days=1), time(0), tz)
    return [at.astimezone(tz).date() for at in session.scalars(select(PosyanduSession.starts_at).where(
        PosyanduSession.posyandu_id == posyandu_id, PosyanduSession.status == "scheduled",
        PosyanduSession.starts_at >= lo, PosyanduSession.starts_at < hi))]


def upcoming(session: Session, start: date, days: int, *, posyandu_id: int | None = None,
             member_ids: Sequence[int] | None = None, je_endemic: bool = False,
             session_days: Mapping[int, Sequence[date]] | None = None) -> list[Upcoming]:
    """Every reminder due on some day of [start, start + days) for these members, not done, by due date.

    Pure reference semantics (no reachability, nothing about what was planned):
    what a kader or the family should expect.
    """
    stmt = select(Member)
    if member_ids is not None:
        stmt = stmt.where(Member.id.in_(list(member_ids)))
    if posyandu_id is not None:
        stmt = stmt.where(Member.posyandu_id == posyandu_id)
    members = list(session.scalars(stmt.order_by(Member.name, Member.id)))
    if not members:
        return []
    pregnancies, given = member_facts(session, [m.id for m in members])
    return _upcoming_of(members, pregnancies, given, start, days, je_endemic, session_days)


def member_facts(session: Session, ids: Sequence[int], codes: Iterable[str] | None = None,
                 ) -> tuple[dict[int, Pregnancy], dict[tuple[int, str], list[date]]]:
    """For these members, in two queries: each one's latest pregnancy, and the dates each service was given
    (only `codes` when given): what the due and overdue rules are read against."""
    pregnancies: dict[int, Pregnancy] = {}
    rows = session.scalars(select(Pregnancy).where(Pregnancy.member_id.in_(list(ids))))
    for p in sorted(rows, key=lambda p: (pregnancy_start(p), p.id)):
        pregnancies[p.member_id] = p  # the latest
    stmt = select(ServiceGiven.member_id, ServiceGiven.code, ServiceGiven.given_on).where(
        ServiceGiven.member_id.in_(list(ids)))
    if codes is not None:
        stmt = stmt.where(ServiceGiven.code.in_(list(codes)))
    given: dict[tuple[int, str], list[date]] = defaultdict(list)
    for member_id, code, given_on in session.execute(stmt):
        given[(member_id, code)].append(given_on)
    return pregnancies, given


def upcoming_unrecorded(people: Sequence[tuple[MemberRecord, PregnancyRecord | None]], start: date, days: int, *,
                        je_endemic: bool = False,
                        session_days: Mapping[int, Sequence[date]] | None = None) -> list[Upcoming]:
    """Like `upcoming`, for people known only by what a resident typed (not stored members): nothing given yet."""
    pregnancies = {m.id: p for m, p in people if p is not None}
    return _upcoming_of([m for m, _ in people], pregnancies, {}, start, days, je_endemic, session_days)


def _upcoming_of(members: Sequence[MemberRecord], pregnancies: Mapping[int, PregnancyRecord],
                 given: Mapping[tuple[int, str], Sequence[date]], start: date, days: int, je_endemic: bool,
                 session_days: Mapping[int, Sequence[date]] | None) -> list[Upcoming]:
    window = _days_between(start, start + timedelta(days=max(days, 1) - 1))
    rows: list[Upcoming] = []
    for m in members:
        p = pregnancies.get(m.id)
        cand = Candidate(m.id, m.household_id, m.posyandu_id, m.birth_date, m.sex,
                         p.hpht if p else None, p.delivered_on if p else None, p.ended_on if p else None,
                         pregnancy_since(p))
        settings = {"je_endemic": je_endemic, "session_dates": tuple((session_days or {}).get(m.posyandu_id, ()))}
        seen: set[tuple[str, str]] = set()
        doses = {code: min(days) for (member_id, code), days in given.items()
                 if member_id == m.id and code in DOSE_CODES and days}
        for day in window:
            for due in dues_on_day(cand, day, settings, doses=doses):
                rule = due.rule
                period = pregnancy_period(rule, cand) if rule.anchor in ("hpht", "delivery") else due.period_key
                if period is None or (rule.code, period) in seen:
                    continue
                seen.add((rule.code, period))
                if service_done(rule, cand, due.due_on, given.get((m.id, rule.code), ())):
                    continue
                group = rule.life_stage.value if rule.life_stage is not None else primary_stage(
                    m.birth_date, m.sex, due.due_on).value
                service_on = due.due_on - timedelta(days=rule.offset_days) if rule.anchor == "session" else None
                rows.append(Upcoming(m.id, m.name, m.birth_date, due.due_on, rule.code, group,
                                     rule.label_id, rule.label_en, service_on))
    return sorted(rows, key=lambda r: (r.due_on, r.name, r.member_id, r.code))
