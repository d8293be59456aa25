"""Reminder rules (ilp-domain §4 and §9 codes) as ONE data table.

Why: the scheduler turns each rule into one set-based SQL query, and
`health.due.due_reminders`, reading this table, is the reference implementation
the SQL planner is tested against, so the semantics below must be exact and simple.

Rule semantics
--------------
* Eligibility is judged on the reminder date `on`: `life_stage` (None = any)
  must be one of the person's `life_stages`, `sex` ('L'/'P', None = both)
  must match, age in days must be within [min_age_days, max_age_days]
  (inclusive, None = open) and the `setting` flag (e.g. 'je_endemic') must
  be true in the Posyandu's settings.
* Anchor dates:
  - 'birth' / 'hpht' / 'delivery': the person's date. every='once' gives a
    single period; every='yearly' repeats on each anniversary of the anchor
    (29 Feb -> 28 Feb), e.g. PTM on each birthday from 15 years.
  - 'calendar': the start of the calendar period containing `on` (1st of the
    month for 'monthly'/'yearly'/'once' rules with `months`, Monday for
    'weekly', 1 Jan for 'yearly' without months); `months` (1-12) limits the
    months in which the rule can be due (empty = every month).
  - 'session': each Posyandu session date (settings['session_dates']).
* due_on = anchor + offset_days. The rule is due while
  due_on <= on < due_on + window_days; calendar periods are also cut at the
  end of their month/week/year.
* period_key identifies one due period for de-duplication: rule.occurrence
  for 'once' rules ('once' for vaccine doses, 'blue' for the blue vitamin A
  capsule, '12y'/'15y' for HB-REMAJA), 'YYYY-MM' for monthly, ISO 'YYYY-Www'
  for weekly, 'YYYY' for yearly.
* done: a reminder is done when done_codes contains (code, period_key), or
  the bare code for rules whose occurrence is 'once' (a vaccine dose). A
  done reminder is never due.
* Ages in days: a month is 30.4375 days and a year 365.25 days (WHO);
  a lower bound "from n months" is ceil(n*30.4375) days, an upper bound
  "under n months" is ceil(n*30.4375) - 1 days (60 months -> 1826, as WHO).
* After a dose window closes the child is a DOFU case for kader home visits,
  not for automatic reminders.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .ages import add_months
from .life_stage import LifeStage
from .pregnancy import ANC_WINDOWS, HPL_DAYS

ANCHORS = ("birth", "hpht", "delivery", "calendar", "session")
EVERY = ("once", "weekly", "monthly", "yearly")


def months_days(n: float) -> int:
    """First age in days at which the age is >= n months (WHO 30.4375-day months)."""
    return math.ceil(n * 30.4375)


def years_days(n: float) -> int:
    """First age in days at which the age is >= n years (365.25-day years)."""
    return math.ceil(n * 365.25)


@dataclass(frozen=True, slots=True)
class ReminderRule:
    """One reminder rule; see the module docstring for the semantics."""

    rule_id: str  # unique row id (several rows may share a code)
    code: str  # reminder code from ilp-domain §9
    life_stage: LifeStage | None
    anchor: str  # 'birth' | 'hpht' | 'delivery' | 'calendar' | 'session'
    offset_days: int
    window_days: int
    every: str  # 'once' | 'weekly' | 'monthly' | 'yearly'
    source: str
    label_id: str
    label_en: str
    sex: str | None = None  # 'L' | 'P' | None
    min_age_days: int | None = None
    max_age_days: int | None = None
    months: tuple[int, ...] = ()
    setting: str | None = None  # e.g. 'je_endemic'
    occurrence: str = "once"  # period key of 'once' rules
    catch_up: bool = True  # a late dose still counts (offered after its window); False: never past it
    catch_up_until_days: int | None = None  # a late dose only up to this age (None: the rule's life stage)


@dataclass(frozen=True, slots=True)
class Due:
    """A reminder due on a date for one period."""

    code: str
    due_on: date
    period_key: str
    rule: ReminderRule


SRC_IMM = "Juknis ILP 06-imunisasi-rutin [S1]; ilp-domain 4.1, §9"
SRC_IMM_WINDOW = "; window ⚠ project choice (one month, then DOFU)"
SRC_VITA = "Juknis ILP 07-vitamin-a [S1][S51][S53]; ilp-domain 4.3 (⚠ rounds can shift [S54])"
SRC_CACING = "Juknis ILP 07-vitamin-a (obat cacing Agustus) [S1]; ilp-domain 4.4"
SRC_TIMBANG = "Penimbangan bulanan balita [S2][S34]; ilp-domain 4.8"
SRC_NIFAS = "Juknis ILP 05-pelayanan-nifas, 01-neonatal [S1][S61]; ilp-domain 4.7"
SRC_TTD_REMAJA = "Juknis ILP 02-pemberian-ttd (rematri 1 tablet/minggu) [S1][S56]; ilp-domain 4.6"
SRC_TTD_BUMIL = "TTD/MMS harian ibu hamil [S56][S58][S59]; weekly digest ⚠ project choice"
SRC_HB_REMAJA = "Juknis ILP 01-skrining-anemia (kelas 7 dan 10) [S1]; ilp-domain 3.8"
SRC_PTM = "Juknis ILP skrining PTM >= 15 th, 1x/tahun [S1][S11]; ilp-domain 4.10"
SRC_LANSIA = "Juknis ILP lansia, pemantauan bulanan [S1][S36]; ilp-domain 4.10"
SRC_HPL = "HPL = HPHT + 280 hari [S62][S63]; reminder 2 weeks before, ilp-domain §9"

BALITA_MAX = months_days(60) - 1  # 1826 days


# WHO rotavirus position paper (2021): not recommended after 24 months (the disease is a young child's).
RV_CATCH_UP_DAYS = months_days(24) - 1


def _dose(code: str, months: float, label_id: str, label_en: str, window: int = 30,
          setting: str | None = None, catch_up_until: int | None = None) -> ReminderRule:
    return ReminderRule(
        rule_id=code, code=code, life_stage=LifeStage.BAYI_BALITA, anchor="birth",
        offset_days=months_days(months), window_days=window, every="once",
        source=SRC_IMM + SRC_IMM_WINDOW, label_id=label_id, label_en=label_en,
        setting=setting, catch_up_until_days=catch_up_until)


def _postnatal(code: str, stage: LifeStage, anchor: str, first_day: int, last_day: int,
               label_id: str, label_en: str) -> ReminderRule:
    return ReminderRule(
        rule_id=code, code=code, life_stage=stage, anchor=anchor, offset_days=first_day,
        window_days=last_day - first_day + 1, every="once", source=SRC_NIFAS,
        label_id=label_id, label_en=label_en)


def _anc(code: str) -> ReminderRule:
    first, last, who = ANC_WINDOWS[code]
    k = code[-1]
    who_en = "doctor" if who == "dokter" else "midwife"
    return ReminderRule(
        rule_id=code, code=code, life_stage=LifeStage.IBU_HAMIL, anchor="hpht",
        offset_days=first * 7, window_days=(last - first + 1) * 7, every="once",
        source="Juknis ILP 01-anc-terpadu [S1][S55]; weeks ⚠ project choice (health.pregnancy)",
        label_id=f"Pemeriksaan kehamilan K{k} (minggu {first}-{last}, {who})",
        label_en=f"Antenatal contact K{k} (weeks {first}-{last}, {who_en})")


RULES: tuple[ReminderRule, ...] = (
    # Routine immunisation (ilp-domain 4.1). HB0: < 24 h; window 7 days ⚠.
    # A birth dose has no catch-up after its window: the infant series (DPT-HB-Hib) covers hepatitis B.
    ReminderRule("HB0", "HB0", LifeStage.BAYI_BALITA, "birth", 0, 7, "once",
                 SRC_IMM + "; window ⚠ 7 days (catch-up) project choice; no catch-up after it",
                 "Imunisasi Hepatitis B (HB0), < 24 jam", "Hepatitis B birth dose (HB0)",
                 catch_up=False),
    ReminderRule("BCG", "BCG", LifeStage.BAYI_BALITA, "birth", 0, months_days(1), "once",
                 SRC_IMM + "; catch-up to 12 months ⚠ (GK: older children need a tuberculin test first)",
                 "Imunisasi BCG (usia < 1 bulan)", "BCG vaccine (before 1 month)",
                 catch_up_until_days=months_days(12) - 1),
    ReminderRule("OPV1", "OPV1", LifeStage.BAYI_BALITA, "birth", 0, months_days(1), "once",
                 SRC_IMM, "Imunisasi polio tetes 1 (usia < 1 bulan)", "Oral polio dose 1"),
    _dose("DPT-HB-HIB1", 2, "Imunisasi DPT-HB-Hib 1 (usia 2 bulan)", "DTP-HepB-Hib dose 1"),
    _dose("OPV2", 2, "Imunisasi polio tetes 2 (usia 2 bulan)", "Oral polio dose 2"),
    _dose("PCV1", 2, "Imunisasi PCV 1 (usia 2 bulan)", "Pneumococcal dose 1"),
    _dose("RV1", 2, "Imunisasi rotavirus 1 (usia 2 bulan)", "Rotavirus dose 1",
          catch_up_until=RV_CATCH_UP_DAYS),
    _dose("DPT-HB-HIB2", 3, "Imunisasi DPT-HB-Hib 2 (usia 3 bulan)", "DTP-HepB-Hib dose 2"),
    _dose("OPV3", 3, "Imunisasi polio tetes 3 (usia 3 bulan)", "Oral polio dose 3"),
    _dose("PCV2", 3, "Imunisasi PCV 2 (usia 3 bulan)", "Pneumococcal dose 2"),
    _dose("RV2", 3, "Imunisasi rotavirus 2 (usia 3 bulan)", "Rotavirus dose 2",
          catch_up_until=RV_CATCH_UP_DAYS),
    _dose("DPT-HB-HIB3", 4, "Imunisasi DPT-HB-Hib 3 (usia 4 bulan)", "DTP-HepB-Hib dose 3"),
    _dose("OPV4", 4, "Imunisasi polio tetes 4 (usia 4 bulan)", "Oral polio dose 4"),
    _dose("IPV1", 4, "Imunisasi polio suntik (IPV) 1 (usia 4 bulan)", "Inactivated polio dose 1"),
    _dose("RV3", 4, "Imunisasi rotavirus 3 (usia 4 bulan)", "Rotavirus dose 3",
          catch_up_until=RV_CATCH_UP_DAYS),
    _dose("MR1", 9, "Imunisasi campak-rubela (MR) 1 (usia 9 bulan)", "Measles-rubella dose 1"),
    _dose("IPV2", 9, "Imunisasi polio suntik (IPV) 2 (usia 9 bulan)", "Inactivated polio dose 2"),
    _dose("JE", 10, "Imunisasi Japanese Encephalitis (usia 10 bulan, daerah endemis)",
          "Japanese encephalitis vaccine (endemic areas)", setting="je_endemic"),
    _dose("PCV3", 12, "Imunisasi PCV 3 (usia 12 bulan)", "Pneumococcal dose 3"),
    # Baduta boosters: 18-23 months, due until 24 months.
    _dose("DPT-HB-HIB4", 18, "Imunisasi lanjutan DPT-HB-Hib 4 (usia 18 bulan)",
          "DTP-HepB-Hib booster (18 months)", window=months_days(24) - months_days(18)),
    _dose("MR2", 18, "Imunisasi lanjutan MR 2 (usia 18 bulan)", "Measles-rubella booster",
          window=months_days(24) - months_days(18)),
    # Vitamin A: blue once at 6-11 months, red each Feb and Aug at 12-59 months.
    ReminderRule("VITA-BLUE", "VITA", LifeStage.BAYI_BALITA, "calendar", 0, 31, "once",
                 SRC_VITA, "Vitamin A kapsul biru (100.000 IU), usia 6-11 bulan",
                 "Vitamin A blue capsule (100,000 IU), 6-11 months",
                 min_age_days=months_days(6), max_age_days=months_days(12) - 1,
                 months=(2, 8), occurrence="blue"),
    ReminderRule("VITA-RED", "VITA", LifeStage.BAYI_BALITA, "calendar", 0, 31, "monthly",
                 SRC_VITA, "Vitamin A kapsul merah (200.000 IU), usia 12-59 bulan",
                 "Vitamin A red capsule (200,000 IU), 12-59 months",
                 min_age_days=months_days(12), max_age_days=BALITA_MAX, months=(2, 8)),
    ReminderRule("CACING", "CACING", LifeStage.BAYI_BALITA, "calendar", 0, 31, "yearly",
                 SRC_CACING, "Obat cacing balita (Agustus)", "Deworming (August)",
                 min_age_days=months_days(12), max_age_days=BALITA_MAX, months=(8,)),
    # Monthly weighing: the day before and the day of each Posyandu session.
    ReminderRule("TIMBANG", "TIMBANG", LifeStage.BAYI_BALITA, "session", -1, 2, "monthly",
                 SRC_TIMBANG, "Penimbangan bulanan di Posyandu", "Monthly weighing at the Posyandu",
                 max_age_days=BALITA_MAX),
    # Pregnancy.
    *(_anc(f"ANC{k}") for k in range(1, 7)),
    ReminderRule("HPL", "HPL", LifeStage.IBU_HAMIL, "hpht", HPL_DAYS - 14, 14, "once",
                 SRC_HPL, "Hari perkiraan lahir 2 minggu lagi", "Due date in 2 weeks"),
    ReminderRule("TTD-BUMIL", "TTD", LifeStage.IBU_HAMIL, "calendar", 0, 7, "weekly",
                 SRC_TTD_BUMIL, "Minum TTD/MMS setiap hari", "Take the iron/MMS tablet daily"),
    # Postnatal (mother) and neonatal (baby; anchored on the baby's birth = delivery date).
    _postnatal("KF1", LifeStage.IBU_NIFAS, "delivery", 0, 2, "Kunjungan nifas KF1 (6 jam-2 hari)",
               "Postnatal visit KF1 (6 h-2 days)"),
    _postnatal("KF2", LifeStage.IBU_NIFAS, "delivery", 3, 7, "Kunjungan nifas KF2 (3-7 hari)",
               "Postnatal visit KF2 (3-7 days)"),
    _postnatal("KF3", LifeStage.IBU_NIFAS, "delivery", 8, 28, "Kunjungan nifas KF3 (8-28 hari)",
               "Postnatal visit KF3 (8-28 days)"),
    _postnatal("KF4", LifeStage.IBU_NIFAS, "delivery", 29, 42, "Kunjungan nifas KF4 (29-42 hari)",
               "Postnatal visit KF4 (29-42 days)"),
    _postnatal("KN1", LifeStage.BAYI_BALITA, "birth", 0, 2, "Kunjungan neonatal KN1 (6-48 jam)",
               "Neonatal visit KN1 (6-48 h)"),
    _postnatal("KN2", LifeStage.BAYI_BALITA, "birth", 3, 7, "Kunjungan neonatal KN2 (3-7 hari)",
               "Neonatal visit KN2 (3-7 days)"),
    _postnatal("KN3", LifeStage.BAYI_BALITA, "birth", 8, 28, "Kunjungan neonatal KN3 (8-28 hari)",
               "Neonatal visit KN3 (8-28 days)"),
    # Adolescents, adults, elderly.
    ReminderRule("TTD-REMAJA", "TTD", LifeStage.REMAJA, "calendar", 0, 7, "weekly",
                 SRC_TTD_REMAJA, "Minum Tablet Tambah Darah minggu ini",
                 "Take this week's iron tablet", sex="P", min_age_days=years_days(12)),
    ReminderRule("HB-REMAJA-12", "HB-REMAJA", LifeStage.REMAJA, "birth", years_days(12), 365,
                 "once", SRC_HB_REMAJA, "Cek Hb remaja putri (kelas 7, ~12 tahun)",
                 "Hb test for girls (grade 7, ~12 years)", sex="P", occurrence="12y"),
    ReminderRule("HB-REMAJA-15", "HB-REMAJA", LifeStage.REMAJA, "birth", years_days(15), 365,
                 "once", SRC_HB_REMAJA, "Cek Hb remaja putri (kelas 10, ~15 tahun)",
                 "Hb test for girls (grade 10, ~15 years)", sex="P", occurrence="15y"),
    ReminderRule("PTM", "PTM", None, "birth", 0, 90, "yearly", SRC_PTM,
                 "Skrining PTM tahunan (TD, IMT, lingkar perut; gula darah mulai 40 th)",
                 "Yearly NCD screening (BP, BMI, waist; glucose from 40)",
                 min_age_days=years_days(15)),
    ReminderRule("LANSIA", "LANSIA", LifeStage.LANSIA, "session", -1, 2, "monthly",
                 SRC_LANSIA, "Pemeriksaan bulanan lansia di Posyandu",
                 "Monthly check for older people at the Posyandu"),
)
def series_of(code: str) -> str:
    """`DPT-HB-HIB4` -> `DPT-HB-HIB`: doses of one vaccine, given in order."""
    return code.rstrip("0123456789")


# Names as kaders and families say them (Buku KIA), never the codes: ONE renderer of a dose for every
# message (reminders, `keluarga`, the report, the visit list, the import's errors).
SERIES_NAMES: dict[str, tuple[str, str]] = {
    "HB0": ("Hepatitis B saat lahir (HB0)", "Hepatitis B birth dose (HB0)"),
    "BCG": ("BCG", "BCG"),
    "OPV": ("Polio tetes", "Oral polio"),
    "DPT-HB-HIB": ("DPT-HB-Hib", "DTP-HepB-Hib"),
    "PCV": ("PCV", "PCV"),
    "RV": ("Rotavirus", "Rotavirus"),
    "IPV": ("Polio suntik (IPV)", "Inactivated polio (IPV)"),
    "MR": ("Campak-Rubela (MR)", "Measles-rubella (MR)"),
    "JE": ("Japanese Encephalitis (JE)", "Japanese encephalitis (JE)"),
}
SINGLE_DOSES = frozenset({"HB0", "BCG", "JE"})
BOOSTERS = frozenset({"DPT-HB-HIB4", "MR2"})


def dose_name(code: str, lang: str | None = "id") -> str:
    """`OPV1` -> "Polio tetes ke-1" / "Oral polio dose 1"; the baduta boosters say so; never the code."""
    if code in SINGLE_DOSES:
        return SERIES_NAMES[code][1 if lang == "en" else 0]
    series = series_of(code)
    if series not in SERIES_NAMES or series == code:
        return code
    name_id, name_en = SERIES_NAMES[series]
    number = code[len(series):]
    if lang == "en":
        return f"{name_en} dose {number}" + (" (booster)" if code in BOOSTERS else "")
    return f"{name_id} ke-{number}" + (" (lanjutan)" if code in BOOSTERS else "")


def _named(rule: ReminderRule) -> ReminderRule:
    """A dose's reminder label from the one renderer (no schedule age: a late dose is given later)."""
    if rule.life_stage is not LifeStage.BAYI_BALITA or rule.anchor != "birth" or rule.every != "once" \
            or rule.code.startswith("KN"):
        return rule
    return replace(rule, label_id=f"Imunisasi {dose_name(rule.code, 'id')}",
                   label_en=f"Immunisation: {dose_name(rule.code, 'en')}")


RULES = tuple(_named(r) for r in RULES)
RULES_BY_ID: dict[str, ReminderRule] = {r.rule_id: r for r in RULES}
# A balita's once-only immunisation doses by age (not the neonatal visits).
IMMUNISATION_RULES: tuple[ReminderRule, ...] = tuple(
    r for r in RULES if r.life_stage is LifeStage.BAYI_BALITA and r.anchor == "birth" and r.every == "once"
    and not r.code.startswith("KN"))
IMMUNISATION_SET = frozenset(IMMUNISATION_RULES)
BALITA_LAST_DAY = BALITA_MAX


def due_date(rule: ReminderRule, anchor_date: date) -> date:
    """Due date for the period whose anchor is `anchor_date` (anchor + offset)."""
    return anchor_date + timedelta(days=rule.offset_days)


def _anniversary(anchor: date, year: int) -> date:
    last = calendar.monthrange(year, anchor.month)[1]
    return date(year, anchor.month, min(anchor.day, last))


def period_start(rule: ReminderRule, on: date) -> date:
    """First day of the calendar period (week from Monday, month, or year) that contains `on`."""
    if rule.every == "weekly":
        return on - timedelta(days=on.weekday())
    if rule.every == "yearly" and not rule.months:
        return date(on.year, 1, 1)
    return on.replace(day=1)


def period_end(rule: ReminderRule, start: date) -> date:
    """Exclusive end of a calendar period."""
    if rule.every == "weekly":
        return start + timedelta(days=7)
    if rule.every == "yearly" and not rule.months:
        return date(start.year + 1, 1, 1)
    return add_months(start, 1)


def _key(every: str, d: date) -> str:
    if every == "weekly":
        iso = d.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if every == "monthly":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def period_key(rule: ReminderRule, on: date, anchor_date: date) -> str:
    """Stable key of the due period containing `on` (see module docstring)."""
    if rule.every == "once":
        return rule.occurrence
    if rule.anchor == "calendar":
        return _key(rule.every, on)
    if rule.anchor == "session":
        return _key(rule.every, anchor_date)
    return _key(rule.every, _last_anniversary(rule, on, anchor_date))


def _last_anniversary(rule: ReminderRule, on: date, anchor: date) -> date:
    """Latest yearly anniversary whose due date is on or before `on`."""
    ann = _anniversary(anchor, on.year)
    if due_date(rule, ann) > on:
        ann = _anniversary(anchor, on.year - 1)
    return ann


def anchors(rule: ReminderRule, on: date, birth: date, hpht: date | None,
             delivered_on: date | None, sessions: Iterable[date]) -> list[tuple[date, date]]:
    """(anchor, exclusive end) candidates for the period that could contain `on`."""
    if rule.anchor in ("birth", "hpht", "delivery"):
        base = {"birth": birth, "hpht": hpht, "delivery": delivered_on}[rule.anchor]
        if base is None:
            return []
        if rule.every == "yearly":
            base = _last_anniversary(rule, on, base)
        elif rule.every != "once":
            raise ValueError(f"{rule.rule_id}: person anchors support once/yearly only")
        start = due_date(rule, base)
        return [(base, start + timedelta(days=rule.window_days))]
    if rule.anchor == "calendar":
        if rule.months and on.month not in rule.months:
            return []
        start = period_start(rule, on)
        end = min(due_date(rule, start) + timedelta(days=rule.window_days),
                  period_end(rule, start))
        return [(start, end)]
    if rule.anchor == "session":
        return [(s, due_date(rule, s) + timedelta(days=rule.window_days))
                for s in sorted(sessions)]
    raise ValueError(f"unknown anchor {rule.anchor!r}")
