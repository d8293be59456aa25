"""Pregnancy dating from HPHT: HPL, gestational age, trimester, ANC windows.

Why: ANC reminders, the HPL reminder and the post-term alert all hang on
the same date arithmetic, which must be date-based (never month-based) and
reject impossible HPHTs before anything is scheduled.

Conventions:
* HPL = HPHT + 280 days (Naegele as date arithmetic) [S62][S63].
* Gestational age = days since HPHT as (completed weeks, days).
* Trimester by Juknis ILP boundaries on completed weeks: TM1 0-12,
  TM2 13-24 (> 12-24), TM3 >= 25 (> 24) [S1 01-anc-terpadu].
* Valid HPHT: not after `on`, and not more than 44 weeks (308 days) before
  it (ilp-domain 2.3).
* Post-term alert from 42 completed weeks (294 days) ⚠: the domain note
  says "> 42"; we use WHO ICD's "42 completed weeks or more".
* ANC windows K1..K6 in completed weeks (⚠ our choice inside the Juknis
  trimesters: 1 contact in TM1, 2 in TM2, 3 in TM3; K1 and K5 with doctor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .ages import age_in_years
from .growth import Sex

SRC_HPL = "Naegele: HPHT + 280 days [S62][S63]; ilp-domain 4.9"
SRC_TRIMESTER = "Juknis ILP 01-anc-terpadu (TM1 0-12, TM2 >12-24, TM3 >24 weeks) [S1]"
SRC_ANC = (
    "Juknis ILP 01-anc-terpadu, minimum 6 contacts 1-2-3 by trimester [S1][S55]; "
    "week windows inside each trimester ⚠ project choice (docs/health.md)"
)
HPL_DAYS = 280
MAX_HPHT_AGE_DAYS = 44 * 7  # ilp-domain 2.3: HPHT within the last 44 weeks
POST_TERM_DAYS = 42 * 7  # ⚠ WHO ICD: >= 42 completed weeks
PREGNANCY_AGE_YEARS = (10, 55)  # ask "hamil?" only where it can be (ilp-domain 1.4, WUS widened)
TRIMESTER_LAST_WEEK = (12, 24)  # TM1 <= 12, TM2 <= 24, TM3 after

# code -> (first completed week, last completed week, who)
ANC_WINDOWS: dict[str, tuple[int, int, str]] = {
    "ANC1": (0, 12, "dokter"),  # K1 in TM1, doctor + USG + labs
    "ANC2": (13, 18, "bidan"),
    "ANC3": (19, 24, "bidan"),  # GDS at K3
    "ANC4": (25, 30, "bidan"),
    "ANC5": (31, 35, "dokter"),  # K5 doctor + USG
    "ANC6": (36, 40, "bidan"),
}


def hpl(hpht: date) -> date:
    """Estimated due date (hari perkiraan lahir)."""
    return hpht + timedelta(days=HPL_DAYS)


def may_be_pregnant(sex: Sex | int | str, birth: date, on: date) -> bool:
    """Whether to ask if this person is pregnant: a woman of 10-55 completed years on `on`."""
    low, high = PREGNANCY_AGE_YEARS
    return Sex.parse(sex) is Sex.FEMALE and low <= age_in_years(birth, on) <= high


# ⚠ Project choice: a kader asks "hamil?" at each visit only from 15 years (ilp-domain 1.4:
# remaja 10-18). A pregnancy of a younger girl stays valid data (PREGNANCY_AGE_YEARS) but
# is not asked about every month; under 18 the question is asked about "her", not "the mother".
ASK_PREGNANT_FROM_YEARS = 15
ADULT_YEARS = 18


def pregnancy_question(sex: Sex | int | str, birth: date, on: date) -> str | None:
    """Whether and how a kader asks "is she pregnant?": 'adult', 'minor' (15-17, gentle wording) or None."""
    if not may_be_pregnant(sex, birth, on):
        return None
    years = age_in_years(birth, on)
    if years < ASK_PREGNANT_FROM_YEARS:
        return None
    return "minor" if years < ADULT_YEARS else "adult"


# An HPHT estimated when the mother does not know it (⚠ project choice, docs/health.md; the bidan confirms
# by fundal height or USG): from the HPL in her KIA book (HPHT = HPL - 280 days, Naegele), from the weeks
# of pregnancy she was told, or from "hamil 5 bulan" read as completed months of 30.4375 days since HPHT.
ESTIMATE_KINDS = ("hpl", "weeks", "months")
DAYS_PER_PREGNANCY_MONTH = 30.4375
MAX_PREGNANCY_MONTHS = 10


def estimated_hpht(on: date, *, weeks: int | None = None, months: int | None = None,
                   due: date | None = None) -> tuple[date, str] | None:
    """(HPHT, how it was estimated) from the gestational age or the HPL; None when it cannot be a pregnancy."""
    if due is not None:
        hpht, kind = due - timedelta(days=HPL_DAYS), "hpl"
    elif weeks is not None:
        hpht, kind = on - timedelta(weeks=weeks), "weeks"
    elif months is not None and 0 < months <= MAX_PREGNANCY_MONTHS:
        hpht, kind = on - timedelta(days=round(months * DAYS_PER_PREGNANCY_MONTH)), "months"
    else:
        return None
    return (hpht, kind) if hpht_problem(hpht, on) is None else None


def hpht_problem(hpht: date, on: date) -> str | None:
    """Why an HPHT is invalid on `on`: 'hpht_in_future', 'hpht_too_old', or None."""
    days = (on - hpht).days
    if days < 0:
        return "hpht_in_future"
    if days > MAX_HPHT_AGE_DAYS:
        return "hpht_too_old"
    return None


def gestational_age(hpht: date, on: date) -> tuple[int, int]:
    """(completed weeks, days) since HPHT; ValueError if HPHT is after `on`."""
    days = (on - hpht).days
    if days < 0:
        raise ValueError(f"HPHT {hpht} is after {on}")
    return divmod(days, 7)


def trimester(weeks: int) -> int:
    """Trimester 1-3 from completed weeks (Juknis boundaries)."""
    tm1, tm2 = TRIMESTER_LAST_WEEK
    if weeks <= tm1:
        return 1
    return 2 if weeks <= tm2 else 3


def anc_contact_due(weeks: int) -> str | None:
    """The ANC contact whose window contains this completed week, if any."""
    for code, (first, last, _) in ANC_WINDOWS.items():
        if first <= weeks <= last:
            return code
    return None


@dataclass(frozen=True, slots=True)
class PregnancyStatus:
    """Everything the bot shows about a pregnancy on one date."""

    hpht: date
    on: date
    problem: str | None  # None when valid
    weeks: int | None
    days: int | None
    trimester: int | None
    hpl: date
    post_term: bool
    anc_window: str | None

    @property
    def valid(self) -> bool:
        return self.problem is None


def pregnancy_status(hpht: date, on: date) -> PregnancyStatus:
    """Validity, gestational age, trimester, HPL and alerts on `on`."""
    problem = hpht_problem(hpht, on)
    if problem is not None:
        return PregnancyStatus(hpht, on, problem, None, None, None, hpl(hpht), False, None)
    weeks, days = gestational_age(hpht, on)
    return PregnancyStatus(
        hpht, on, None, weeks, days, trimester(weeks), hpl(hpht),
        (on - hpht).days >= POST_TERM_DAYS, anc_contact_due(weeks),
    )
