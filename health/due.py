"""What is due for one person on a day: the reminder table (`health.schedules`) read with the one dose rule
(`health.immunisation`) for the immunisations.

Apart from both because it reads both: the dose rule reads the table, and what is due reads the dose rule.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from .growth import Sex
from .immunisation import due_now, next_doses
from .life_stage import LifeStage, life_stages
from .schedules import (
    IMMUNISATION_SET, RULES, Due, ReminderRule, anchors, due_date, period_key,
)

__all__ = ["doses_due", "due_reminders", "is_done"]


def doses_due(age_days: int, given: Iterable[str] | Mapping[str, date | None],
              settings: Mapping[str, object] | None = None, birth: date | None = None,
              ) -> tuple[list[ReminderRule], list[ReminderRule]]:
    """The immunisation doses to give at this age: (window open now, late catch-up), schedule order.

    A thin view of `health.immunisation.next_doses` (the one dose rule): the next dose of each series,
    from the previous dose's day + the minimum interval; `given` without days counts each dose as
    given on its schedule day.
    """
    birth = birth or date(2000, 1, 1)
    days = given if isinstance(given, Mapping) else {code: None for code in given}
    found = due_now(birth, days, birth + timedelta(days=age_days), settings)
    return [n.dose.rule for n in found if not n.late], [n.dose.rule for n in found if n.late]


def _eligible(rule: ReminderRule, stages: frozenset[LifeStage], sex: Sex, age_days: int,
              settings: Mapping[str, object]) -> bool:
    if rule.life_stage is not None and rule.life_stage not in stages:
        return False
    if rule.sex is not None and Sex.parse(rule.sex) is not sex:
        return False
    if rule.min_age_days is not None and age_days < rule.min_age_days:
        return False
    if rule.max_age_days is not None and age_days > rule.max_age_days:
        return False
    return rule.setting is None or bool(settings.get(rule.setting, False))


def is_done(rule: ReminderRule, key: str, done_codes: frozenset[str | tuple[str, str]]) -> bool:
    """Done when (code, key) was recorded, or the bare code for 'once' doses."""
    if (rule.code, key) in done_codes:
        return True
    return rule.occurrence == "once" and rule.every == "once" and rule.code in done_codes


def due_reminders(
    birth_date: date,
    sex: Sex | int | str,
    on: date,
    hpht: date | None = None,
    delivered_on: date | None = None,
    done_codes: frozenset[str | tuple[str, str]] = frozenset(),
    settings: Mapping[str, object] | None = None,
    rules: Iterable[ReminderRule] = RULES,
    pregnant_since: date | None = None,
    given: Mapping[str, date | None] | None = None,
) -> list[Due]:
    """Reminders due for one person on `on` (reference for the SQL planner).

    `pregnant_since`: pregnant with an unknown HPHT (health.life_stage.is_pregnant): the pregnancy's
    calendar rules (TTD/MMS) are due; those anchored on the HPHT (ANC windows, HPL) cannot be dated.

    settings: {'je_endemic': bool, 'session_dates': iterable of dates}.
    given: immunisation dose code -> day given (else the bare dose codes of `done_codes`, day unknown).
    A dose is due as `health.immunisation` says (series-aware: the next dose of its series, from the
    previous dose's day + the minimum interval), for its window; a late dose is a home visit, not a reminder.
    Several rules sharing a code and period (TTD for a pregnant adolescent)
    yield one Due, from the first rule in table order.
    """
    settings = settings or {}
    sx = Sex.parse(sex)
    if on < birth_date:
        return []
    stages = life_stages(birth_date, sx, on, hpht, delivered_on, pregnant_since)
    age_days = (on - birth_date).days
    raw_sessions = settings.get("session_dates") or ()
    if not isinstance(raw_sessions, Iterable):
        raise TypeError("settings['session_dates'] is not an iterable of dates")
    sessions: tuple[date, ...] = tuple(raw_sessions)
    out: list[Due] = []
    seen: set[tuple[str, str]] = set()
    doses = None
    for rule in rules:
        if not _eligible(rule, stages, sx, age_days, settings):
            continue
        if rule in IMMUNISATION_SET:
            if doses is None:
                bare = (c if isinstance(c, str) else c[0] for c in done_codes)
                doses = {n.code: n for n in next_doses(
                    birth_date, given if given is not None else dict.fromkeys(bare), on, settings)}
            nxt = doses.get(rule.code)
            if nxt is not None and nxt.in_window(on):
                seen.add((rule.code, rule.occurrence))
                out.append(Due(rule.code, nxt.earliest, rule.occurrence, rule))
            continue
        for anchor, end in anchors(rule, on, birth_date, hpht, delivered_on, sessions):
            start = due_date(rule, anchor)
            if not start <= on < end:
                continue
            key = period_key(rule, on, anchor)
            if (rule.code, key) in seen or is_done(rule, key, done_codes):
                break
            seen.add((rule.code, key))
            out.append(Due(rule.code, start, key, rule))
            break
    return sorted(out, key=lambda d: (d.due_on, d.code))
