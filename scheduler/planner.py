"""Plan a day's reminders for one time zone: due items -> planned_reminder rows -> one message per household.

What the clock runs at `settings.reminder_local_hour` in each zone (WIB,
WITA, WIT), and what `flask reminders plan --at` runs by hand.

* Catch-up: the day's run looks back `settings.reminder_catchup_days` days,
  so what fell due while the clock was down (or before a back-dated
  registration) is still planned, once. Older misses are left to the kaders'
  home visits (DOFU), not to chat reminders.
* Idempotent: `planned_reminder` is unique per (member, code, period) and
  rows are inserted with ON CONFLICT DO NOTHING ... RETURNING; only the rows
  this run inserted turn into messages. A rerun, a catch-up or a second
  planner at the same time therefore writes nothing twice. Households are
  written in id order, in chunks, each chunk one transaction, so two
  planners on PostgreSQL lock in the same order and never deadlock.
* One message per household per local day of SENDING (per linked chat): every
  member's new reminders plus the posyandu day (the eve and the morning of a
  session the household is expected at), dedupe key
  `reminder:h{household}:{date}:c{contact}`. A run held to a later morning (a
  catch-up at night or before the hour) is that morning's run; what a later run
  finds new is folded into the day's message while it is pending, else into the
  next day's.
* The day after a session with no measurement recorded, the posyandu's
  kaders get a nudge.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Sequence, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.i18n.resident import fmt_date, fmt_when
from bot.notices import INTRODUCTION, KADER_NUDGE, REMINDER, Told, tell, tell_many
from bot.texts import render
from health.schedules import RULES_BY_ID
from bot.isolation import log_failure
from storage.db import rowcount, table_of, transaction
from storage import access
from storage.households import audience, one_line, reachable_chats, reachable_clause
from storage.outbox_keys import IntroKey, NudgeKey, ReminderKey
from storage.models import Contact, Measurement, Member, OutboxMessage, PlannedReminder, Posyandu, PosyanduSession
from storage.outbox_types import OutboxStatus
from storage.places import zone_info, zone_label
from storage.introductions import introduce
from storage.reach import reachable_since
from storage.reminders import DueItem, find_due, reachable_scope
from storage.db import _insert

log = logging.getLogger(__name__)

ZONES: dict[str, tuple[str, ...]] = {
    "Asia/Jakarta": ("Asia/Jakarta", "Asia/Pontianak"),  # WIB
    "Asia/Makassar": ("Asia/Makassar",),  # WITA
    "Asia/Jayapura": ("Asia/Jayapura",),  # WIT
}
QUIET_FROM_HOUR = 21  # nothing bulk between 21:00 and the reminder hour, local time
HOUSEHOLD_CHUNK = 1000
T = TypeVar("T")


def zone_of(tz: str | None, at: datetime | None = None) -> str:
    """Which planning zone a posyandu's time zone belongs to (by name, else by UTC offset, else WIB)."""
    if not tz:
        return "Asia/Jakarta"
    for zone, members in ZONES.items():
        if tz in members:
            return zone
    at = at or datetime.now(timezone.utc)
    try:
        offset = at.astimezone(ZoneInfo(tz)).utcoffset()
    except Exception:  # an unknown zone name: plan it with WIB rather than never
        return "Asia/Jakarta"
    for zone in ZONES:
        if at.astimezone(ZoneInfo(zone)).utcoffset() == offset:
            return zone
    return "Asia/Jakarta"


def firing_day(instant: datetime, zone: str, hour: int) -> date:
    """The local day whose run the clock did last at `instant` (today after the hour, else yesterday)."""
    local = instant.astimezone(ZoneInfo(zone))
    return local.date() if local.hour >= hour else local.date() - timedelta(days=1)


def send_from(now: datetime, zone: str, hour: int) -> datetime:
    """Bulk messages wait for daytime: planned at night (a catch-up), they go at the next reminder hour."""
    local = now.astimezone(ZoneInfo(zone))
    if hour <= local.hour < QUIET_FROM_HOUR:
        return now
    start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if local.hour >= QUIET_FROM_HOUR:
        start += timedelta(days=1)
    return start.astimezone(timezone.utc)


@dataclass
class PlanStats:
    zone: str
    day: date
    due: int = 0
    planned: int = 0
    messages: int = 0
    households: int = 0
    session_notices: int = 0
    nudges: int = 0
    failed: int = 0  # households (and posyandu days) whose writing failed: logged, planned again next run
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        return (f"{zone_label(self.zone)} {self.day}: due {self.due}, planned {self.planned}, "
                f"messages {self.messages} to {self.households} households, session notices "
                f"{self.session_notices}, kader nudges {self.nudges}"
                + (f", {self.failed} failed" if self.failed else "") + f" ({self.seconds:.2f} s)")


@dataclass(frozen=True)
class SessionInfo:
    id: int
    posyandu_id: int
    local_day: date
    starts_at: datetime
    place: str | None
    groups: tuple[str, ...]


@dataclass
class HouseholdPlan:
    posyandu_id: int
    items: list[DueItem] = field(default_factory=list)
    sessions: list[tuple[str, SessionInfo]] = field(default_factory=list)  # ("eve" | "day", session)


def _retry(work: Callable[[], T], attempts: int = 4) -> T:
    """Run a transaction again on a deadlock / serialisation failure (safe: every write is idempotent)."""
    for attempt in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            code = getattr(getattr(exc, "orig", None), "sqlstate", None)
            if code not in ("40P01", "40001") or attempt == attempts - 1:
                raise
            log.warning("planner transaction retried after %s", code)
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _zone_posyandu(session: Session, zone: str, at: datetime) -> dict[int, Posyandu]:
    zones = [tz for tz in session.scalars(select(Posyandu.timezone).distinct()) if zone_of(tz, at) == zone]
    if not zones:
        return {}
    return {p.id: p for p in session.scalars(select(Posyandu).where(Posyandu.timezone.in_(zones)))}


def _sessions(session: Session, posyandu: dict[int, Posyandu], first: date, last: date) -> list[SessionInfo]:
    """Scheduled sessions of these posyandu whose local day is between first and last."""
    if not posyandu:
        return []
    lo = datetime.combine(first - timedelta(days=1), datetime.min.time(), timezone.utc)
    hi = datetime.combine(last + timedelta(days=2), datetime.min.time(), timezone.utc)
    found = []
    for sid, pid, starts_at, place, groups in session.execute(select(
            PosyanduSession.id, PosyanduSession.posyandu_id, PosyanduSession.starts_at, PosyanduSession.place,
            PosyanduSession.groups).where(
            PosyanduSession.status == "scheduled", PosyanduSession.starts_at >= lo, PosyanduSession.starts_at < hi,
            PosyanduSession.posyandu_id.in_(list(posyandu))).order_by(PosyanduSession.id)):
        local_day = starts_at.astimezone(zone_info(posyandu[pid].timezone)).date()
        if first <= local_day <= last:
            found.append(SessionInfo(sid, pid, local_day, starts_at, place, tuple(groups or ())))
    return found


def plan_zone(factory: sessionmaker[Session], settings: Settings, zone: str, day: date,
              now: datetime) -> PlanStats:
    """Plan everything due in `zone` on local `day` (and the look-back days) and write the messages."""
    started = time.perf_counter()
    lookback = max(0, settings.reminder_catchup_days)
    first_day = day - timedelta(days=lookback)
    not_before = send_from(now, zone, settings.reminder_local_hour)
    # A late run (a catch-up before the hour, or at night) is sent on a later local day: its message is that
    # day's one message (header, dedupe key, eve/morning notices), and it already plans what falls due by then,
    # so the regular run of that day finds nothing new and never sends a second message the same morning.
    day = max(day, not_before.astimezone(ZoneInfo(zone)).date())
    stats = PlanStats(zone, day)
    try:  # the day's WhatsApp introductions failing must not cost the zone its reminders
        _retry(lambda: introduce_register(factory, settings, zone, now, not_before))
    except Exception as exc:
        log_failure(log, "register introductions of zone", zone_label(zone), exc, private=False)
    days = [first_day + timedelta(days=i) for i in range((day - first_day).days + 1)]
    with transaction(factory) as session:
        posyandu = _zone_posyandu(session, zone, now)
        if not posyandu:
            stats.seconds = time.perf_counter() - started
            return stats
        sessions = _sessions(session, posyandu, days[0] - timedelta(days=1), day + timedelta(days=1))
        scope_ids = select(Posyandu.id).where(Posyandu.timezone.in_({p.timezone for p in posyandu.values()}))
        t0 = time.perf_counter()
        items = find_due(session, days, reachable_scope(scope_ids), je_endemic=settings.je_endemic,
                         sessions=[(s.id, s.posyandu_id, s.local_day) for s in sessions])
        items = _after_resume(session, items, posyandu)
        stats.timings["find_due"] = time.perf_counter() - t0
        plans: dict[int, HouseholdPlan] = {}
        for item in items:
            if item.household_id is not None:
                plans.setdefault(item.household_id, HouseholdPlan(item.posyandu_id)).items.append(item)
        for info in sessions:
            kind = "eve" if info.local_day == day + timedelta(days=1) else "day" if info.local_day == day else None
            if kind is None:
                continue
            for household_id in audience(session, info.posyandu_id, info.groups, info.local_day):
                plans.setdefault(household_id, HouseholdPlan(info.posyandu_id)).sessions.append((kind, info))
    stats.due = len(items)
    households = sorted(plans)
    t0 = time.perf_counter()
    for start in range(0, len(households), HOUSEHOLD_CHUNK):
        chunk = households[start:start + HOUSEHOLD_CHUNK]

        def write(chunk: list[int] = chunk) -> tuple[int, int, int, int]:
            with transaction(factory) as session:
                return _write_chunk(session, chunk, plans, posyandu, day, now, not_before,
                                    settings.reminder_local_hour)

        try:
            planned, messages, reached, notices = _retry(write)
        except Exception as exc:  # one household's data must not cost the chunk: write them one by one
            log_failure(log, "reminder chunk starting at household", chunk[0], exc)
            planned, messages, reached, notices = _one_by_one(factory, chunk, plans, posyandu, day, now, not_before,
                                                              settings.reminder_local_hour, stats)
        stats.planned += planned
        stats.messages += messages
        stats.households += reached
        stats.session_notices += notices
    stats.timings["write"] = time.perf_counter() - t0
    try:
        stats.nudges = _retry(lambda: _nudge_kaders(factory, posyandu, sessions, day, now, not_before))
    except Exception as exc:  # the reminders are written; the nudges are tried again at the next run
        log_failure(log, "kader nudges of zone", zone_label(zone), exc, private=False)
    stats.seconds = time.perf_counter() - started
    log.info("reminders %s", stats.line())
    return stats


def _one_by_one(factory: sessionmaker[Session], chunk: Sequence[int], plans: dict[int, HouseholdPlan],
                posyandu: dict[int, Posyandu], day: date, now: datetime, not_before: datetime, hour: int,
                stats: PlanStats) -> tuple[int, int, int, int]:
    """A failed chunk again, each household in its own transaction: the one that fails is logged (pseudonym)
    and counted, nothing of it is written, and the next run plans it again (its reminders stay due)."""
    totals = [0, 0, 0, 0]
    for household_id in chunk:
        try:
            with transaction(factory) as session:
                done = _write_chunk(session, [household_id], plans, posyandu, day, now, not_before, hour)
        except Exception as exc:
            stats.failed += 1
            log_failure(log, "reminders of household", household_id, exc)
            continue
        totals = [a + b for a, b in zip(totals, done)]
    return totals[0], totals[1], totals[2], totals[3]


def introduce_register(factory: sessionmaker[Session], settings: Settings, zone: str, now: datetime,
                       not_before: datetime) -> int:
    """Open WhatsApp chats for the register's consented families, within the day's new-contact budget, each with
    a first message (who writes, why, how to stop); they join this run's reminders. Logged, with who still waits."""
    if not (settings.whatsapp_enabled and settings.twilio_content_sid_intro):
        return 0  # said once at start-up: nothing would reach them outside the 24-hour window
    with transaction(factory) as session:
        posyandu = _zone_posyandu(session, zone, now)
        done, left = introduce(session, list(posyandu), now, settings.whatsapp_new_contacts_per_day,
                               settings.default_language)
        lang = settings.default_language
        tell_many(session, [INTRODUCTION.to(new.contact_id, IntroKey(new.household_id, new.contact_id),
                                            render(lang, "intro.text", posyandu=new.posyandu, desa=new.desa),
                                            template_vars={"1": new.posyandu, "2": new.desa}, not_before=not_before)
                            for new in done], now)
    if done or left:
        log.info("register %s: introduced %d households on WhatsApp, %d wait for the next days "
                 "(WHATSAPP_NEW_CONTACTS_PER_DAY=%d)", zone, len(done), left, settings.whatsapp_new_contacts_per_day)
    return len(done)


def _after_resume(session: Session, items: list[DueItem], posyandu: dict[int, Posyandu]) -> list[DueItem]:
    """Drop what fell due before a household's chats came back (`mulai` after `berhenti`): no burst on return."""
    since = reachable_since(session, {i.household_id for i in items if i.household_id is not None})
    if not since:
        return items
    return [i for i in items if i.household_id not in since
            or i.due_on >= since[i.household_id].astimezone(zone_info(posyandu[i.posyandu_id].timezone)).date()]


def plan_at(factory: sessionmaker[Session], settings: Settings, instant: datetime) -> list[PlanStats]:
    """Exactly what the clock would have done by `instant`: each zone's latest daily run."""
    out = []
    for zone in ZONES:  # one zone's failure does not stop the others
        try:
            out.append(plan_zone(factory, settings, zone, firing_day(instant, zone, settings.reminder_local_hour),
                                 instant))
        except Exception as exc:
            log_failure(log, "reminder planning of zone", zone_label(zone), exc, private=False)
    return out


# -- writing ---------------------------------------------------------------------------------
def _insert_planned(session: Session, rows: list[dict[str, Any]]) -> dict[tuple[int, str, str], int]:
    """Insert planned reminders; returns the ones this transaction inserted (the others existed)."""
    if not rows:
        return {}
    table = PlannedReminder.__table__
    stmt = _insert(session, table).on_conflict_do_nothing(index_elements=["member_id", "code", "period"]).returning(
        table.c.id, table.c.member_id, table.c.code, table.c.period)
    return {(member_id, code, period): row_id
            for row_id, member_id, code, period in session.connection().execute(stmt, rows)}


def _write_chunk(session: Session, households: Sequence[int], plans: dict[int, HouseholdPlan],
                 posyandu: dict[int, Posyandu], day: date, now: datetime,
                 not_before: datetime, hour: int = 7) -> tuple[int, int, int, int]:
    contacts = reachable_chats(session, households)
    rows = [dict(member_id=i.member_id, code=i.code, period=i.period, due_on=i.due_on, household_id=h,
                 planned_at=now)
            for h in households if contacts.get(h) for i in plans[h].items]
    won = _insert_planned(session, rows)
    member_ids = {m for (m, _c, _p) in won}
    names = {i: n for i, n in session.execute(select(Member.id, Member.name).where(Member.id.in_(member_ids)))}
    outbox: list[Told] = []
    first_key: dict[int, list[str]] = defaultdict(list)
    for h in households:
        plan = plans[h]
        fresh = [i for i in plan.items if i.key in won]
        if not contacts.get(h) or (not fresh and not plan.sessions):
            continue
        place = posyandu.get(plan.posyandu_id)
        for contact in contacts[h]:
            if not access.may_see_household(contact.household_id, h):  # the privacy rule, on plain rows
                continue
            text, variables = render_reminder(contact.language, place, day, plan.sessions, fresh, names)
            told = REMINDER.to(contact.id, ReminderKey(h, day, contact.id), text, template_vars=variables,
                               not_before=not_before)
            outbox.append(told)
            first_key[h].append(told.dedupe_key)
    written = tell_many(session, outbox, now)
    folded: dict[str, int] = {}
    for told in outbox:  # the day's message exists: fold what this run found new into it, never a second one
        key = told.dedupe_key
        h = ReminderKey.parse(key).household_id
        fresh = [i for i in plans[h].items if i.key in won]
        if key in written or not fresh:
            continue
        target = _fold(session, told, h, day, plans[h].sessions, fresh, posyandu.get(plans[h].posyandu_id), hour,
                       now)
        if target is not None:
            folded[key] = target
    merged = {**written, **folded}
    links = []
    reached = notices = 0
    for h in households:
        ids = [merged[k] for k in first_key.get(h, ()) if k in merged]
        if not ids:
            continue
        reached += 1
        notices += bool(plans[h].sessions)
        links += [{"pr_id": won[i.key], "pr_outbox": ids[0]} for i in plans[h].items if i.key in won]
    if links:
        table = table_of(PlannedReminder)
        session.connection().execute(update(table).where(table.c.id == bindparam("pr_id")).values(
            outbox_id=bindparam("pr_outbox")), links)
    return len(won), len(written), reached, notices


def reminder_key(household_id: int, day: date, contact_id: int) -> str:
    return ReminderKey(household_id, day, contact_id).format()


NOTICE_KEYS = ("reminder.session_eve", "reminder.session_day")


def notice_lines(text: str) -> list[str]:
    """The posyandu-day lines of a rendered reminder, recognised by how their texts begin in every
    language (derived from the texts themselves, so rewording or a new emoji keeps merging right)."""
    from bot.texts import LANGUAGES

    heads = {render(lang, key, when="\0", place="\0").split("\0")[0] for lang in LANGUAGES for key in NOTICE_KEYS}
    heads.discard("")
    return [line for line in text.split("\n") if any(line.startswith(h) for h in heads)]
FOLD_DAYS = 3  # how many following days a run's new reminders may be folded into (each day's message is one)


def _fold(session: Session, told: Told, household_id: int, day: date,
          sessions: Sequence[tuple[str, SessionInfo]], fresh: Sequence[DueItem],
          place: Posyandu | None, hour: int, now: datetime) -> int | None:
    """Put a later run's new reminders into the household's message of `day` for this chat.

    Still pending: the message is rendered again with what it already said plus the new reminders. Already
    sent (or being sent): they go into the next day's message instead (created, or folded into), so a chat
    never gets two reminder messages on one local day. Returns the outbox id that now carries them.
    """
    table = table_of(OutboxMessage)
    contact_id = told.contact_id
    for offset in range(FOLD_DAYS + 1):
        on = day + timedelta(days=offset)
        key = reminder_key(household_id, on, contact_id)
        notices = sessions if offset == 0 else ()
        existing = session.execute(select(table.c.id, table.c.status, table.c.text).where(
            table.c.dedupe_key == key)).first()
        if existing is None:
            tz = zone_info(place.timezone if place else None)
            start = datetime.combine(on, datetime.min.time().replace(hour=hour), tz).astimezone(timezone.utc)
            text, variables = render_reminder(_lang_of(session, contact_id), place, on, (), fresh,
                                              _names(session, fresh))
            assert told.not_before is not None
            written = tell_many(session, [REMINDER.to(contact_id, ReminderKey(household_id, on, contact_id), text,
                                                      template_vars=variables,
                                                      not_before=max(start, told.not_before))], now)
            if key in written:
                return written[key]
            continue
        if existing.status != OutboxStatus.PENDING:
            continue
        earlier = _linked_items(session, household_id, on, place)
        items = earlier + [i for i in fresh if i.key not in {e.key for e in earlier}]
        kept = () if offset == 0 else tuple(notice_lines(existing.text or ""))  # another day's: keep its own
        text, variables = render_reminder(_lang_of(session, contact_id), place, on, notices, items,
                                          _names(session, items), kept)
        done = session.execute(update(table).where(table.c.id == existing.id, table.c.status == OutboxStatus.PENDING).values(
            text=text, template_vars=variables))
        if rowcount(done):
            return existing.id
    log.warning("reminders for household %s not folded into a message within %s days", household_id, FOLD_DAYS)
    return None


def _lang_of(session: Session, contact_id: int) -> str | None:
    return session.scalar(select(Contact.language).where(Contact.id == contact_id))


def _names(session: Session, items: Sequence[DueItem]) -> dict[int, str]:
    ids = {i.member_id for i in items}
    return {i: n for i, n in session.execute(select(Member.id, Member.name).where(Member.id.in_(ids)))}


RULE_OF_CODE: dict[str, str] = {}
for _rule in RULES_BY_ID.values():
    RULE_OF_CODE.setdefault(_rule.code, _rule.rule_id)


def _linked_items(session: Session, household_id: int, on: date, place: Posyandu | None) -> list[DueItem]:
    """The reminders the household's messages of `on` already carry (planned rows linked to one of them)."""
    day_rows = select(OutboxMessage.id).where(OutboxMessage.dedupe_key.like(ReminderKey.day_prefix(household_id, on) + "%"))
    rows = session.execute(select(PlannedReminder.member_id, PlannedReminder.code, PlannedReminder.period,
                                  PlannedReminder.due_on).where(PlannedReminder.outbox_id.in_(day_rows))
                           .order_by(PlannedReminder.id)).all()
    return [DueItem(m, household_id, place.id if place else 0, RULE_OF_CODE.get(c, c), c, p, d)
            for m, c, p, d in rows]


def render_reminder(lang: str | None, posyandu: Posyandu | None, day: date,
                    sessions: Iterable[tuple[str, SessionInfo]], items: Sequence[DueItem],
                    names: dict[int, str], notice_lines: Sequence[str] = ()) -> tuple[str, dict[str, str]]:
    """The household's message of the day, and its parts as Content-template variables."""
    place_name = posyandu.name if posyandu else ""
    tz = posyandu.timezone if posyandu else "Asia/Jakarta"
    lines = [render(lang, "reminder.header", posyandu=place_name, date=fmt_date(lang, day))]
    summary: list[str] = []
    for line in notice_lines:
        lines += ["", line]
        summary.append(line)
    for kind, info in sessions:
        where = info.place or (posyandu.address if posyandu else None) or place_name
        line = render(lang, f"reminder.session_{kind}", when=fmt_when(lang, info.starts_at, tz), place=where)
        lines += ["", line]
        summary.append(line)
    by_member: dict[int, list[DueItem]] = defaultdict(list)
    for item in items:
        by_member[item.member_id].append(item)
    for member_id, member_items in by_member.items():
        name = names.get(member_id, "")
        latest: dict[str, DueItem] = {}  # a caught-up earlier period of the same reminder is said once
        for item in sorted(member_items, key=lambda i: (i.due_on, i.code)):
            latest[item.code] = item
        labels = []
        for item in sorted(latest.values(), key=lambda i: (i.due_on, i.code)):
            rule = RULES_BY_ID[item.rule_id]
            labels.append(rule.label_en if lang == "en" else rule.label_id)
        lines += ["", render(lang, "reminder.member", name=name)]
        lines += [render(lang, "reminder.item", label=label) for label in labels]
        summary.append(f"{name}: {', '.join(labels)}")
    lines += ["", render(lang, "reminder.footer")]
    variables = {"1": place_name, "2": fmt_date(lang, day), "3": one_line("; ".join(summary))}
    return "\n".join(lines), variables


# -- kader nudges -----------------------------------------------------------------------------
def _nudge_kaders(factory: sessionmaker[Session], posyandu: dict[int, Posyandu], sessions: Sequence[SessionInfo],
                  day: date, now: datetime, not_before: datetime) -> int:
    """The day after a session with no measurement recorded, tell the posyandu's kaders (once per session;
    sessions of the look-back days are caught up)."""
    sent = 0
    with transaction(factory) as session:
        for info in sessions:
            if info.local_day >= day:
                continue
            savepoint = session.begin_nested()  # one posyandu day's failure does not stop the others' nudges
            try:
                sent += _nudge_one(session, info, posyandu, day, now, not_before)
                savepoint.commit()
            except Exception as exc:
                savepoint.rollback()
                log_failure(log, "kader nudge of posyandu session", info.id, exc, private=False)
    return sent


def _nudge_one(session: Session, info: SessionInfo, posyandu: dict[int, Posyandu], day: date, now: datetime,
               not_before: datetime) -> int:
    sent = 0
    reported = session.scalar(select(exists().where(
        Measurement.posyandu_id == info.posyandu_id, Measurement.measured_on >= info.local_day,
        Measurement.measured_on <= day)))
    if reported:
        return 0
    kaders = session.scalars(select(Contact).where(
        Contact.role == "kader", Contact.posyandu_id == info.posyandu_id, reachable_clause()))
    for kader in kaders:
        text = render(kader.language, "reminder.nudge", date=fmt_date(kader.language, info.local_day),
                      posyandu=posyandu[info.posyandu_id].name)
        if tell(session, KADER_NUDGE.to(kader.id, NudgeKey(info.id, kader.id), text, not_before=not_before), now,
                kader):
            sent += 1
    return sent


__all__ = ["ZONES", "PlanStats", "firing_day", "plan_at", "plan_zone", "render_reminder", "send_from", "zone_of"]
