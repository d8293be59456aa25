"""ONE immunisation rule: the next dose of each series, when it may be given, and whether it is late.

Why one function: the kader's report summary, the family's `keluarga`, the kader's visit list
(`kunjungan`), the reminders and the register import all ask "which dose now?"; when each computed
its own (by age alone), one child got three answers (issue 16). Every caller asks `next_doses`
and says the answer with `dose_name` / `doses_text`.

The rule (data in `SERIES`, sources beside each number)
-------------------------------------------------------
* A series' doses are given in order: the next dose is the one after the highest dose recorded
  (a recorded "Polio 3" means doses 1-2 were given, perhaps unrecorded).
* Earliest day of the next dose = the later of
  - birth + its age in the national schedule (ilp-domain 4.1, Juknis ILP 06-imunisasi-rutin [S1];
    the programme does not give a dose before its schedule age), and
  - the previous dose's day + the minimum interval (ilp-domain 4.1: 1 month between OPV, DPT-HB-Hib,
    RV and PCV doses, PCV3 >= 8 weeks after PCV2, DPT-HB-Hib 4 >= 12 months after dose 3, MR2 >= 6
    months after MR1; IPV2 >= 4 months after IPV1, WHO polio position paper 2022 ⚠).
* Due (reminder) from that day for the dose's window (one month; the baduta boosters until 24 months;
  HB0 7 days); after the window the dose is LATE: still given (catch-up, "imunisasi kejar",
  Permenkes 12/2017) up to the series' last age, the child is a home visit (DOFU) for the kader.
* Last age: HB0 only in its first 7 days (the infant DPT-HB-Hib series covers hepatitis B); BCG under
  12 months ⚠ (older children need a tuberculin test first: IDAI); rotavirus under 24 months (WHO
  rotavirus position paper 2021); every other dose while a balita (under 60 months) ⚠ project choice.
* PCV started late needs fewer doses (WHO pneumococcal position paper 2019, IDAI catch-up): first dose
  at 12-23 months -> 2 doses 8 weeks apart; at 24 months or older -> 1 dose.
* JE only where the kabupaten is endemic (setting `je_endemic`).

Dates of doses given elsewhere whose day is unknown (a register's "08/2024") are stored as the month's
last day (storage.services), so the next dose is never earlier than the true minimum interval.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .schedules import BALITA_MAX, SERIES_NAMES, dose_name, IMMUNISATION_RULES, RV_CATCH_UP_DAYS, ReminderRule, months_days, series_of

SRC_INTERVAL = "ilp-domain 4.1 (Juknis ILP 06-imunisasi-rutin [S1]): minimum intervals"
WEEK4 = 28  # "1 month" minimum interval, as WHO's 4 weeks (ilp-domain 4.1; WHO position papers)

# Minimum interval from the previous dose of the series, by dose code (first doses: none).
MIN_INTERVAL_DAYS: dict[str, int] = {
    "OPV2": WEEK4, "OPV3": WEEK4, "OPV4": WEEK4,
    "DPT-HB-HIB2": WEEK4, "DPT-HB-HIB3": WEEK4, "DPT-HB-HIB4": months_days(12),
    "PCV2": WEEK4, "PCV3": 56,
    "RV2": WEEK4, "RV3": WEEK4,
    "IPV2": months_days(4),  # ⚠ WHO polio position paper 2022 (2 IPV doses >= 4 months apart)
    "MR2": months_days(6),
}
# The last age (days) at which a dose of the series is still given.
LAST_AGE_DAYS: dict[str, int] = {
    "HB0": 6,  # < 7 days: no catch-up after its window (health.schedules HB0 rule)
    "BCG": months_days(12) - 1,
    "RV": RV_CATCH_UP_DAYS,
}
# Youngest age (days) at which a dose counts when a register says it was given (WHO summary tables of routine
# immunisation, minimum age of the first dose: 6 weeks for DTP, PCV, RV and IPV; measles-containing vaccine
# from 6 months, which counts only as an extra dose before 9 months ⚠; PCV booster from 9 months; the DTP
# booster from 12 months): a dose given younger is refused (it would not count and must be given again).
MIN_AGE_DAYS: dict[str, int] = {
    "DPT-HB-HIB1": 42, "PCV1": 42, "RV1": 42, "IPV1": 42, "MR1": months_days(6), "PCV3": months_days(9),
    "DPT-HB-HIB4": months_days(12), "JE": months_days(8),
}
# PCV started late: (age at the first dose from which, doses in the whole series).
PCV_LATE_START = ((months_days(24), 1), (months_days(12), 2))

from .schedules import SINGLE_DOSES as SINGLE  # noqa: E402


@dataclass(frozen=True)
class Dose:
    """One dose of the national schedule."""

    code: str  # the reminder code (ilp-domain §9): OPV1, DPT-HB-HIB4, MR2
    series: str
    number: int  # 1.. (0 for a single dose)
    rule: ReminderRule  # its schedule age and window

    @property
    def age_days(self) -> int:
        return self.rule.offset_days

    @property
    def window_days(self) -> int:
        return self.rule.window_days


def _dose(rule: ReminderRule) -> Dose:
    series = rule.code if rule.code in SINGLE else series_of(rule.code)
    number = 0 if rule.code in SINGLE else int(rule.code[len(series):])
    return Dose(rule.code, series, number, rule)


DOSES: tuple[Dose, ...] = tuple(_dose(r) for r in IMMUNISATION_RULES)
DOSES_BY_CODE: dict[str, Dose] = {d.code: d for d in DOSES}
SERIES: dict[str, tuple[Dose, ...]] = {}
for _d in DOSES:
    SERIES.setdefault(_d.series, ())
    SERIES[_d.series] += (_d,)
CODES: frozenset[str] = frozenset(DOSES_BY_CODE)


@dataclass(frozen=True)
class NextDose:
    """The next dose of one series for one child on one day."""

    dose: Dose
    earliest: date  # first day it may be given
    last_day: date  # last day it may still be given
    late: bool  # past its window on the day asked (catch-up; a home visit)

    @property
    def code(self) -> str:
        return self.dose.code

    def due_on(self, on: date) -> bool:
        """May be given on `on` (due now or late)."""
        return self.earliest <= on <= self.last_day

    def in_window(self, on: date) -> bool:
        """Due now and not yet late: what a reminder announces."""
        return self.earliest <= on < self.earliest + timedelta(days=self.dose.window_days) and on <= self.last_day


def last_age_days(series: str) -> int:
    return LAST_AGE_DAYS.get(series, BALITA_MAX)


def _series_length(series: str, doses: tuple[Dose, ...], first_given_age: int | None) -> int:
    if series == "PCV" and first_given_age is not None:
        for from_age, count in PCV_LATE_START:
            if first_given_age >= from_age:
                return count
    return len(doses)


def next_doses(birth: date, given: Mapping[str, date | None], on: date,
               settings: Mapping[str, object] | None = None) -> list[NextDose]:
    """The next dose of every series still worth giving, earliest first (then schedule order).

    given: dose code -> day given (None: given, day unknown; counted as given on its schedule day).
    Includes doses not yet due (earliest > on); callers pick with `due_on` / `in_window` / `late`.
    """
    settings = settings or {}
    out: list[NextDose] = []
    for series, doses in SERIES.items():
        if any(d.rule.setting and not settings.get(d.rule.setting) for d in doses):
            continue
        numbers = [d for d in doses if d.code in given]
        previous = max(numbers, key=lambda d: d.number) if numbers else None
        first = next((d for d in doses if d.code in given), None)
        first_age = None
        if first is not None:
            first_day = given[first.code] or birth + timedelta(days=first.age_days)
            first_age = (first_day - birth).days
        length = _series_length(series, doses, first_age)
        position = doses.index(previous) + 1 if previous is not None else 0
        if position >= length:
            continue  # series complete
        dose = doses[position]
        earliest = birth + timedelta(days=dose.age_days)
        if previous is not None:
            previous_day = given[previous.code] or birth + timedelta(days=previous.age_days)
            earliest = max(earliest, previous_day + timedelta(days=MIN_INTERVAL_DAYS.get(dose.code, WEEK4)))
        last_day = birth + timedelta(days=last_age_days(series))
        if earliest > last_day or on > last_day:
            continue  # no longer given
        late = on >= earliest + timedelta(days=dose.window_days)
        out.append(NextDose(dose, earliest, last_day, late))
    order = {d.code: n for n, d in enumerate(DOSES)}
    return sorted(out, key=lambda n: (n.earliest, order[n.code]))


def due_now(birth: date, given: Mapping[str, date | None], on: date,
            settings: Mapping[str, object] | None = None) -> list[NextDose]:
    """The doses to give on `on`: due in their window first, then late ones (catch-up), schedule order."""
    found = [n for n in next_doses(birth, given, on, settings) if n.due_on(on)]
    order = {d.code: i for i, d in enumerate(DOSES)}
    return sorted(found, key=lambda n: (n.late, order[n.code]))


# -- checking a dose recorded for a day (chat and import: the same checks) ------------------------------
@dataclass(frozen=True)
class DoseProblem:
    """Why a dose cannot be recorded as given on that day: a key of `bot/i18n` `dose.problem.*`."""

    key: str
    code: str
    detail: str = ""  # a dose code or a date, for the message


def check_dose(birth: date, given: Mapping[str, date | None], code: str, on: date,
               today: date | None = None) -> DoseProblem | None:
    """Whether `code` may be recorded as given on `on` after the doses in `given` (and before the later ones).

    Refused: before birth or in the future; a dose before its series' previous dose was recorded, or too
    soon after it (the minimum interval); a dose given past the series' last age or younger than the age
    from which it counts (MIN_AGE_DAYS, WHO); a dose already recorded. Not refused: a dose given before its
    schedule age but from that minimum age is still a dose (registers record what was given).
    """
    dose = DOSES_BY_CODE.get(code)
    if dose is None:
        return None
    if on < birth:
        return DoseProblem("before_birth", code)
    if today is not None and on > today:
        return DoseProblem("future", code)
    if code in given:
        return DoseProblem("already", code, (given[code] or on).isoformat())
    doses = SERIES[dose.series]
    index = doses.index(dose)
    if index > 0:
        previous = doses[index - 1]
        if previous.code not in given:
            later = [d for d in doses[index + 1:] if d.code in given]
            if not later:
                return DoseProblem("previous_missing", code, previous.code)
        else:
            previous_day = given[previous.code]
            if previous_day is not None:
                if on < previous_day:
                    return DoseProblem("before_previous", code, previous.code)
                if (on - previous_day).days < MIN_INTERVAL_DAYS.get(code, WEEK4):
                    return DoseProblem("too_soon", code, previous.code)
    following = [(d.code, day) for d in doses[index + 1:] if (day := given.get(d.code)) is not None]
    if following and on > following[0][1]:
        return DoseProblem("after_next", code, following[0][0])
    if (on - birth).days > last_age_days(dose.series):
        return DoseProblem("too_old", code)
    if (on - birth).days < MIN_AGE_DAYS.get(code, 0):
        return DoseProblem("too_young", code)
    return None


# -- words (the one renderer lives beside the rule table: health.schedules.dose_name) ---------------------
def doses_text(codes: Iterable[str], lang: str | None = "id") -> str:
    """Several doses in words, in schedule order: "Polio tetes ke-1, DPT-HB-Hib ke-1"."""
    order = {d.code: n for n, d in enumerate(DOSES)}
    return ", ".join(dose_name(c, lang) for c in sorted(set(codes), key=lambda c: order.get(c, 99)))
