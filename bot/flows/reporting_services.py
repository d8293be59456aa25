"""Services given at the visit, offered as choices that fit the member (ilp-domain 2.2 and 9).

Why: a recorded dose or capsule silences its reminder, so the codes are the
reminder codes of §9 (`MR1`, `VITA`, `CACING`, `TTD`...). Immunisation doses
come from `health.schedules.RULES`: the doses due now and not yet recorded
first, then overdue ones (a catch-up dose is real; HB0 has none). PMT and KONSELING (counselling) are recorded
for the register; they have no reminder.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.service_names import label_for, spoken_code  # noqa: F401  (re-exported to the report's flows)
from bot.texts import render
from health.feeding import pmt_for_balita
from health.life_stage import LifeStage
from health.pregnancy import anc_contact_due
from health.due import doses_due, due_reminders
from health.schedules import IMMUNISATION_RULES, RULES, ReminderRule, series_of

MAX_DOSES = 6  # more than this on one screen is unreadable on a phone
CAMPAIGNS = ("VITA", "CACING")
# Ibu nifas: two red capsules (200.000 IU), one after delivery and one >= 24 h later (ilp-domain 4.3 [S53],
# ⚠ Depkes 2005 guidance) - recorded as one service of this delivery.
VITA_NIFAS = "VITA-NIFAS"  # offered in their months only; typed by code (`vita`) any time



@dataclass(frozen=True)
class Service:
    """One choice: the stored code, and the label (a text key, or a schedule rule's own label)."""

    code: str
    label_key: str | None = None
    label_id: str | None = None
    label_en: str | None = None
    late: bool = False  # a dose past its schedule (catch-up): perhaps given elsewhere, see `riwayat`

    def label(self, lang: str) -> str:
        if self.label_key:
            return render(lang, self.label_key, code=spoken_code(self.code))
        return (self.label_en if lang == "en" else self.label_id) or self.code


def _in_age(rule: ReminderRule, age_days: int) -> bool:
    return (rule.min_age_days is None or age_days >= rule.min_age_days) and \
        (rule.max_age_days is None or age_days <= rule.max_age_days)


def _scheduled(code: str, age_days: int, sex: str, on: date | None) -> bool:
    """Whether the reminder rules make `code` due for this child today (`health.schedules` decides:
    its ages, its months - Vitamin A in February and August, deworming in August - and its windows).

    Without a date only the ages are known (a caller that has no session date)."""
    rules = [rule for rule in RULES if rule.code == code]
    if on is None:
        return any(_in_age(rule, age_days) for rule in rules)
    return bool(due_reminders(on - timedelta(days=age_days), sex, on, rules=rules))


def _dose_rules() -> list[ReminderRule]:
    """Immunisation rules: a balita's once-only doses by age, excluding neonatal visits."""
    return list(IMMUNISATION_RULES)


def due_doses(age_days: int, given: Mapping[str, date | None] | set[str], je_endemic: bool = False,
              on: date | None = None) -> list[Service]:
    """The doses to give today, as `health.immunisation` says (the next dose of each series, from the previous
    dose's day + the minimum interval): due now first, then late ones (catch-up); at most MAX_DOSES (more can be
    typed by name). `given`: code -> day given (a set: days unknown)."""
    days = given if isinstance(given, Mapping) else dict.fromkeys(given)
    birth = on - timedelta(days=age_days) if on is not None else None
    now, late = doses_due(age_days, days, {"je_endemic": je_endemic}, birth=birth)
    return [Service(rule.code, label_id=rule.label_id, label_en=rule.label_en, late=rule in late)
            for rule in now + late][:MAX_DOSES]


def postnatal_visit_due(days_postpartum: int) -> str | None:
    """The KF visit whose window (health.schedules, Juknis ILP 05-pelayanan-nifas) holds this day."""
    for rule in RULES:
        if rule.life_stage is LifeStage.IBU_NIFAS and rule.anchor == "delivery" and \
                rule.offset_days <= days_postpartum < rule.offset_days + rule.window_days:
            return rule.code
    return None


def options(stage: LifeStage, age_days: int, sex: str, given: Mapping[str, date | None] | set[str],
            gestational_weeks: int | None = None, je_endemic: bool = False,
            on: date | None = None, days_postpartum: int | None = None) -> list[Service]:
    """The services to offer for this member on `on` (the session date).

    Ibu nifas (`given`: this delivery's services): the KF visit due now and the postpartum vitamin A
    (ilp-domain 4.3, 4.7)."""
    found: list[Service] = []
    if stage is LifeStage.BAYI_BALITA:
        found += due_doses(age_days, given, je_endemic, on)
        for code in CAMPAIGNS:  # ages and months from the reminder rules (capsule colours, deworming)
            if _scheduled(code, age_days, sex, on):
                found.append(Service(code, f"report.service.{code}"))
        if pmt_for_balita(age_days):
            found.append(Service("PMT", "report.service.PMT"))
        else:  # under 6 months: ASI eksklusif, no PMT; counselling on breastfeeding (health.feeding)
            found.append(Service("KONSELING", "report.service.KONSELING_ASI"))
            return found
    elif stage is LifeStage.IBU_HAMIL:
        anc = anc_contact_due(gestational_weeks) if gestational_weeks is not None else None
        if anc is not None and anc not in given:
            found.append(Service(anc, "report.service.ANC"))
        found += [Service("TTD", "report.service.TTD_BUMIL"), Service("PMT", "report.service.PMT")]
    elif stage is LifeStage.IBU_NIFAS:
        kf = postnatal_visit_due(days_postpartum) if days_postpartum is not None else None
        if kf is not None and kf not in given:
            found.append(Service(kf, "report.service.KF"))
        if VITA_NIFAS not in given:
            found.append(Service(VITA_NIFAS, "report.service.VITA-NIFAS"))
        found.append(Service("TTD", "report.service.TTD"))
    elif stage is LifeStage.REMAJA and sex == "P":
        found.append(Service("TTD", "report.service.TTD"))
    elif stage is LifeStage.LANSIA:
        found.append(Service("PMT", "report.service.PMT"))
    found.append(Service("KONSELING", "report.service.KONSELING"))
    return found


def words(services: list[Service], stage: LifeStage | None = None) -> dict[str, str]:
    """Words understood for these services: `vita`, `pmt`, `mms`, and for a balita any dose code (`mr1`)."""
    found = {s.code.lower(): s.code for s in services}
    if stage is LifeStage.BAYI_BALITA:
        found |= dose_words(services) | {c.lower(): c for c in CAMPAIGNS}
    if stage is LifeStage.IBU_NIFAS:
        found |= {"vita": VITA_NIFAS, "kf": next((s.code for s in services if s.code.startswith("KF")), "KF")}
    return found | {"mms": "TTD", "konseling": "KONSELING", "penyuluhan": "KONSELING"}


# Names kaders write for a vaccine (Buku KIA): `dpt4` for DPT-HB-Hib 4, `polio2`, `rota1`, `campak` for MR.
DOSE_ALIASES = {"DPT-HB-HIB": ("dpt", "pentabio", "penta"), "OPV": ("polio", "bopv"), "RV": ("rota",),
                "MR": ("campak",), "IPV": ("ipv",), "PCV": ("pcv",)}


def dose_words(services: list[Service]) -> dict[str, str]:
    """Every dose code (`mr2`, `dpt-hb-hib4`) and its usual names (`dpt4`, `polio2`); a bare series name
    (`campak`, `dpt`) is the dose of that series offered now, else its first dose."""
    found: dict[str, str] = {}
    offered = {series_of(s.code): s.code for s in services}
    for rule in _dose_rules():
        series = series_of(rule.code)
        number = rule.code[len(series):]
        found[rule.code.lower()] = rule.code
        for alias in DOSE_ALIASES.get(series, ()):
            found[f"{alias}{number}"] = rule.code
            found.setdefault(alias, offered.get(series, series + "1" if number else rule.code))
    return found


# Names of more than one word, as kaders write them, folded into the one word `words` knows.
PHRASES = ((re.compile(r"\b(polio|opv|bopv|ipv|dpt|pentabio|penta|pcv|rv|rota|mr|campak)\s*(?:-|ke-?)?\s*([1-4])\b",
                       re.I), r"\1\2"),  # `polio 1`, `dpt-1`, `mr ke-2` as registers write them
            (re.compile(r"\b(?:kapsul\s+)?vit(?:amin)?\.?\s*a\b", re.I), "vita"),
           (re.compile(r"\bobat\s+cacing\b", re.I), "cacing"),
           (re.compile(r"\bmakanan\s+tambahan\b", re.I), "pmt"),
           (re.compile(r"\btablet\s+tambah\s+darah\b", re.I), "ttd"),
           # the same services as an English reader names them
           (re.compile(r"\bdeworm(?:ing)?(?:\s+(?:tablets?|medicine))?\b", re.I), "cacing"),
           (re.compile(r"\bsupplementary\s+food(?:ing)?\b", re.I), "pmt"),
           (re.compile(r"\biron(?:\s+(?:tablets?|supplements?))?\b", re.I), "ttd"),
           (re.compile(r"\bcounsell?ing\b", re.I), "konseling"))


def fold_phrases(text: str) -> str:
    """`vit a, obat cacing` -> `vita, cacing`."""
    for pattern, word in PHRASES:
        text = pattern.sub(word, text)
    return text


def parse_selection(text: str, services: list[Service], stage: LifeStage | None = None) -> list[str] | None:
    """`1 3`, `1,3`, `vita pmt`, `vit a, obat cacing`, or a mix (`4 5 6 rv1`) -> codes; None when a part
    names no service."""
    vocabulary = words(services, stage)
    picked = []
    for word in re.split(r"[\s,;]+", fold_phrases(text).strip().lower()):
        if not word:
            continue
        if word.isdigit():
            index = int(word)
            if not 1 <= index <= len(services):
                return None
            picked.append(services[index - 1].code)
            continue
        code = vocabulary.get(word)
        if code is None:
            return None
        picked.append(code)
    return list(dict.fromkeys(picked)) or None
