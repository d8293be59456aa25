"""The kader's visiting list: who in the posyandu needs a home visit now, most urgent first.

Why derived, not stored: every reason is a fact the register already holds (a dose not recorded,
a weighing missing, an open referral, a household no message reaches); the only new fact is the
visit itself (`home_visit`). A visit takes off the list what was known when it was made, for
`VISIT_QUIET_DAYS` at most; a reason that arises later puts the family back.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, NamedTuple
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from health.ages import add_months
from health.immunisation import CODES as DOSE_CODES
from health.immunisation import next_doses
from health.kms import is_2t, is_bgm
from health.priority import case_priority
from health.schedules import BALITA_MAX, RULES, SRC_IMM, ReminderRule, due_date
from storage.models import HomeVisit, Household, Measurement, Member, Posyandu, Referral
from storage.reach import UNREACHABLE, household_reach
from storage.records import ContactRecord, PosyanduRecord
from storage.referrals import first_visit_dates, opened_on
from storage.reminders import Candidate, member_facts, service_done

VISIT_QUIET_DAYS = 30  # a visit keeps its reasons off the list this long at most

# Most urgent first (the kader's order of the day). Sources: ilp-domain 3.2 (BGM, 2T), 4.1 (DOFU of
# doses), 4.5 and 4.7 (ANC, KF), §7 (referral follow-up); reach: docs/reminders.md.
REASONS = ("referral_today", "bgm", "2t", "referral", "kn_missed", "kf_missed", "anc_missed", "dose_overdue",
           "not_weighed", *UNREACHABLE)
RANK = {reason: n for n, reason in enumerate(REASONS)}


@dataclass(frozen=True)
class Reason:
    code: str  # one of REASONS
    since: date  # since when it is true (a due date, a weighing, a referral's day)
    detail: str = ""  # a reminder code (MR1, ANC2...) or a referral's reasons
    severity: int = 2  # a referral's: health.priority.severity_rank of its reasons (the more severe first)


@dataclass
class VisitEntry:
    """One family member (or a household with nobody to name) to visit, with every reason."""

    key: str  # 'm<member id>' or 'h<household id>'
    name: str
    birth_date: date | None
    household_id: int | None
    address: str | None
    phone: str | None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def rank(self) -> tuple[int, int, date]:
        top = min(self.reasons, key=reason_key)
        return RANK[top.code], top.severity, top.since


def reason_key(reason: Reason) -> tuple[int, int, date]:
    """Most urgent first; two referrals of one level by the severity of their findings (the order of the bidan's
    `rujukan`, health.priority.case_priority), then the oldest."""
    return RANK[reason.code], reason.severity, reason.since


def local_today(posyandu: Posyandu, now: datetime) -> date:
    return now.astimezone(ZoneInfo(posyandu.timezone)).date()


def visiting_list(session: Session, posyandu: PosyanduRecord, today: date, *, je_endemic: bool = False,
                  quiet_days: int = VISIT_QUIET_DAYS) -> list[VisitEntry]:
    """Who needs a home visit at this posyandu on `today`, most urgent first."""
    members = {m.id: m for m in session.scalars(select(Member).where(Member.posyandu_id == posyandu.id)
                                                .order_by(Member.id))}
    households = {h.id: h for h in session.scalars(select(Household).where(Household.posyandu_id == posyandu.id))}
    found: dict[str, VisitEntry] = {}

    def member_entry(member: Member) -> VisitEntry:
        key = f"m{member.id}"
        if key not in found:
            home = households.get(member.household_id) if member.household_id else None
            found[key] = VisitEntry(key, member.name, member.birth_date, member.household_id,
                                    home.address if home else None,
                                    (home.phone if home and home.phone else member.guardian_phone))
        return found[key]

    for reason, member_id in _overdue(session, list(members.values()), today, je_endemic):
        member_entry(members[member_id]).reasons.append(reason)
    for reason, member_id in _growth(session, list(members.values()), today):
        member_entry(members[member_id]).reasons.append(reason)
    referrals = list(session.scalars(select(Referral).where(Referral.posyandu_id == posyandu.id,
                                                            Referral.status == "open")))
    first_on = first_visit_dates(session, referrals)
    for referral in referrals:
        if referral.member_id in members:
            since = opened_on(referral, first_on.get(referral.id), posyandu.timezone)  # the visit's date
            code = "referral_today" if referral.urgency == "today" else "referral"
            # the detail is the problem (health.problems), which the chat names in words; the codes stay in the CSV
            member_entry(members[referral.member_id]).reasons.append(
                Reason(code, since, f"{referral.problem}: {', '.join(referral.reasons or [])}",
                       case_priority(referral.urgency, referral.reasons or [])[1]))
    _unreachable(session, posyandu, members, households, found, member_entry)

    last_home, last_member = _last_visits(session, posyandu.id, today - timedelta(days=quiet_days))
    entries = []
    for entry in found.values():
        # a visit settles what was known of that person; any visit to the home settles the household's reach
        person = last_member.get(int(entry.key[1:])) if entry.key[0] == "m" else None
        home = max(filter(None, (person, last_home.get(entry.household_id) if entry.household_id else None)),
                   default=None)
        entry.reasons = sorted((r for r in entry.reasons
                                if (seen := home if r.code in UNREACHABLE else person) is None or r.since > seen),
                               key=lambda r: (*reason_key(r), r.detail))
        if entry.reasons:
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.rank, e.name, e.key))


def _kind(rule: ReminderRule) -> str | None:
    """Which visiting reason a missed rule is (None: not a reason for a home visit)."""
    if rule.every != "once" or rule.anchor not in ("birth", "hpht", "delivery"):
        return None
    if rule.source.startswith(SRC_IMM):
        return "dose_overdue"
    return {"ANC": "anc_missed", "KF": "kf_missed", "KN": "kn_missed"}.get(rule.code[:3].rstrip("0123456789"))


OVERDUE_RULES = tuple((rule, kind) for rule in RULES if (kind := _kind(rule)) is not None)
NIFAS_DAYS = 42  # KF4 ends on day 42 (ilp-domain 4.7); a missed KF is followed up for two weeks after
FOLLOW_UP_DAYS = 14
NEONATAL_DAYS = 28  # KN3 ends on day 28 (ilp-domain 4.7)
PREGNANCY_MAX_DAYS = 42 * 7


def _overdue(session: Session, members: list[Member], today: date, je_endemic: bool) -> list[tuple[Reason, int]]:
    """Doses, ANC contacts, KF and KN visits whose window has passed without the service recorded (DOFU).

    A dose stays on the list while it may still be given (the rule's catch-up age, else the balita age);
    a birth dose without catch-up (HB0) never; an ANC contact while the pregnancy is ongoing; KF and KN
    visits until two weeks after the nifas / neonatal period.
    """
    if not members:
        return []
    pregnancies, given = member_facts(session, [m.id for m in members],
                                      {rule.code for rule, _ in OVERDUE_RULES} | DOSE_CODES)
    doses_of: dict[int, dict[str, date]] = defaultdict(dict)  # each member's first date of each dose, in one pass
    for (member_id, code), days in given.items():
        if code in DOSE_CODES and days:
            doses_of[member_id][code] = min(days)
    out = []
    for m in members:
        p = pregnancies.get(m.id)
        cand = Candidate(m.id, m.household_id, m.posyandu_id, m.birth_date, m.sex, p.hpht if p else None,
                         p.delivered_on if p else None, p.ended_on if p else None)
        age_days = (today - m.birth_date).days
        if age_days <= BALITA_MAX:  # doses: the one rule (health.immunisation), late = past its window
            for dose in next_doses(m.birth_date, doses_of.get(m.id, {}), today, {"je_endemic": je_endemic}):
                if dose.late:
                    out.append((Reason("dose_overdue", dose.earliest, dose.code), m.id))
        for rule, kind in OVERDUE_RULES:
            if kind == "dose_overdue":
                continue
            if (rule.sex and rule.sex != m.sex) or (rule.setting == "je_endemic" and not je_endemic):
                continue
            if rule.anchor == "birth":
                anchor = m.birth_date
                if kind == "dose_overdue" and (not rule.catch_up or age_days > (rule.catch_up_until_days or BALITA_MAX)):
                    continue
                if kind == "kn_missed" and age_days > NEONATAL_DAYS + FOLLOW_UP_DAYS:
                    continue
            elif rule.anchor == "hpht":
                if p is None or p.hpht is None or p.delivered_on is not None \
                        or (p.ended_on is not None and p.ended_on <= today) \
                        or (today - p.hpht).days > PREGNANCY_MAX_DAYS:  # an undated pregnancy has no ANC window
                    continue
                anchor = p.hpht
            else:
                if p is None or p.delivered_on is None or (today - p.delivered_on).days > NIFAS_DAYS + FOLLOW_UP_DAYS:
                    continue
                anchor = p.delivered_on
            due_on = due_date(rule, anchor)
            if due_on + timedelta(days=rule.window_days) > today:
                continue  # not due yet, or inside its window: the reminder is the answer, not a visit
            if service_done(rule, cand, due_on, given.get((m.id, rule.code), ())):
                continue
            out.append((Reason(kind, due_on, rule.code), m.id))
    return out


class Weighed(NamedTuple):
    """What the visit list reads of a weighing."""

    measured_on: date
    waz: float | None
    weight_gain: str | None


def _growth(session: Session, members: list[Member], today: date) -> list[tuple[Reason, int]]:
    """Balita not weighed this month or last (O), 2T and below the red line (BGM) at the latest weighing."""
    first_of_last = add_months(today.replace(day=1), -1)
    balita = [m for m in members if add_months(m.birth_date, 60) > today and m.birth_date < first_of_last]
    if not balita:
        return []
    weighings: dict[int, list[Weighed]] = defaultdict(list)
    for member_id, on, waz, gain in session.execute(select(  # plain columns: a year of weighings is 1,000 rows
            Measurement.member_id, Measurement.measured_on, Measurement.waz, Measurement.weight_gain).where(
            Measurement.member_id.in_([m.id for m in balita]), Measurement.weight_kg.is_not(None),
            Measurement.measured_on <= today).order_by(Measurement.measured_on)):
        weighings[member_id].append(Weighed(on, waz, gain))
    out = []
    for member in balita:
        rows = weighings.get(member.id, [])
        latest = rows[-1] if rows else None
        if latest is None or latest.measured_on < first_of_last:
            since = latest.measured_on if latest else member.created_at.date()
            out.append((Reason("not_weighed", since), member.id))
            continue
        if is_bgm(latest.waz):
            out.append((Reason("bgm", latest.measured_on), member.id))
        previous = rows[-2].weight_gain if len(rows) > 1 else None
        if is_2t(latest.weight_gain, previous):
            out.append((Reason("2t", latest.measured_on), member.id))
    return out


def _unreachable(session: Session, posyandu: PosyanduRecord, members: dict[int, Member],
                 households: dict[int, Household], found: dict[str, VisitEntry],
                 member_entry: Callable[[Member], VisitEntry]) -> None:
    """Households no message reaches (no phone, no consent, paused, not on WhatsApp, no chat yet), and members with no
    household and no phone: on the list under their eldest member (the household itself when it has nobody)."""
    reach = household_reach(session, posyandu.id)
    in_house: dict[int, list[Member]] = defaultdict(list)
    for member in members.values():
        if member.household_id is not None:
            in_house[member.household_id].append(member)
    for household_id, how in reach.items():
        if how not in UNREACHABLE or how == "stopped":
            continue  # a family that said BERHENTI chose so: its health reasons still list it, its silence does not
        home = households[household_id]
        since = home.created_at.date()
        people = in_house.get(household_id)
        if people:
            # the reason belongs to the household: put it on a member already listed, else on the eldest
            listed = next((found[f"m{m.id}"] for m in people if f"m{m.id}" in found), None)
            eldest = min(people, key=lambda m: (m.birth_date, m.id))
            (listed or member_entry(eldest)).reasons.append(Reason(how, since))
        else:
            found[f"h{household_id}"] = VisitEntry(f"h{household_id}", home.name or "-", None, household_id,
                                                   home.address, home.phone, [Reason(how, since)])
    for member in members.values():
        if member.household_id is None:
            reason = "no_phone" if not member.guardian_phone else "no_consent"
            member_entry(member).reasons.append(Reason(reason, member.created_at.date()))


def _last_visits(session: Session, posyandu_id: int, after: date) -> tuple[dict[int, date], dict[int, date]]:
    """The latest visit per household (any visit there) and per member."""
    homes: dict[int, date] = {}
    people: dict[int, date] = {}
    for household_id, member_id, on in session.execute(
            select(HomeVisit.household_id, HomeVisit.member_id, func.max(HomeVisit.visited_on))
            .where(HomeVisit.posyandu_id == posyandu_id, HomeVisit.visited_on >= after)
            .group_by(HomeVisit.household_id, HomeVisit.member_id)):
        if household_id is not None:
            homes[household_id] = max(on, homes.get(household_id, on))
        if member_id is not None:
            people[member_id] = max(on, people.get(member_id, on))
    return homes, people


def record_visit(session: Session, contact: ContactRecord, posyandu_id: int, key: str, outcome: str,
                 today: date, now: datetime) -> HomeVisit | None:
    """Write the kader's visit to the entry `key` ('m<id>' / 'h<id>') of this posyandu; None if it is not there."""
    member_id = household_id = None
    if key[:1] == "m" and key[1:].isdigit():
        member = session.get(Member, int(key[1:]))
        if member is None or member.posyandu_id != posyandu_id:
            return None
        member_id, household_id = member.id, member.household_id
    elif key[:1] == "h" and key[1:].isdigit():
        home = session.get(Household, int(key[1:]))
        if home is None or home.posyandu_id != posyandu_id:
            return None
        household_id = home.id
    else:
        return None
    visit = HomeVisit(posyandu_id=posyandu_id, member_id=member_id, household_id=household_id, visited_on=today,
                      outcome=outcome[:200], recorded_by_id=contact.id, created_at=now)
    session.add(visit)
    session.flush()
    return visit
