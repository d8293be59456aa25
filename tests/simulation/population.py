"""The village's TRUTH: who lives there and how each person's body and life change month by month.

Nothing here reads the project's answers. Growth follows WHO's LMS tables (the project's own copy in
`health/who_tables.py`, read as data): a child carries a true length-for-age z and weight-for-length z
that drift month by month, and what a kader measures is that truth plus the scale's and the board's error,
rounded as she writes it. Pregnancies run from the HPHT to a birth (37-41 weeks) or a miscarriage
(before 20 weeks); a birth adds a baby to the household. Everything is drawn from one `random.Random(seed)`.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterator

from health import who_tables as who
from health.growth import lms_value, lms_zscore
from tests.simulation import sources as src

FIRST_NAMES_F = ("Siti", "Dewi", "Sri", "Nur", "Ani", "Rina", "Wulan", "Ayu", "Lestari", "Fitri", "Indah",
                 "Yuni", "Ratna", "Sari", "Endang", "Tutik", "Nanik", "Putri", "Aisyah", "Nabila", "Zahra",
                 "Kirana", "Anisa", "Dian", "Rahma", "Wati", "Suminah", "Kasmirah", "Marni", "Tri")
FIRST_NAMES_M = ("Budi", "Agus", "Joko", "Slamet", "Bambang", "Hadi", "Eko", "Dwi", "Bagus", "Rizky",
                 "Fajar", "Arif", "Teguh", "Wahyu", "Yusuf", "Ilham", "Rafi", "Dimas", "Bima", "Adit",
                 "Sutrisno", "Suparman", "Karno", "Darto", "Gilang", "Hendra", "Iwan", "Rudi", "Tono", "Galih")
SECOND_NAMES = ("Rahayu", "Wahyuni", "Susanti", "Handayani", "Kurniawan", "Saputra", "Setiawan", "Pratama",
                "Hidayat", "Nugroho", "Santoso", "Wibowo", "Purnomo", "Maharani", "Anggraini", "Permata",
                "Safitri", "Ramadhan", "Firmansyah", "Lestari", "Utami", "Wijaya", "Hartono", "Kusuma",
                "Prasetyo", "Suryani", "Rohmah", "Fauziah", "Mulyani", "Yulianti", "Syahputra", "Aryani")


@dataclass
class Pregnancy:
    hpht: date
    hpht_known: bool
    ends_on: date
    miscarriage: bool
    hypertensive: bool = False  # develops BP >= 140/90 after 20 weeks
    registered: bool = False  # the kader has put it in the register (import) or the chat
    reported_end: bool = False

    def weeks(self, on: date) -> int:
        return (on - self.hpht).days // 7


@dataclass
class Person:
    key: int
    name: str
    sex: str  # L | P
    birth: date
    household: "Household"
    nik: str | None = None
    # children: true length-for-age z, its own weight-for-length baseline and the current value
    haz: float = 0.0
    whz_base: float = 0.0
    whz: float = 0.0
    # adults
    height_cm: float = 160.0
    bmi: float = 23.0
    hypertensive: bool = False
    diabetic: bool = False
    sbp: int = 120
    dbp: int = 78
    glucose: int = 110
    pregnancy: Pregnancy | None = None
    delivered_on: date | None = None
    pregnancies: list[Pregnancy] = field(default_factory=list)
    moved_away: date | None = None
    registered: bool = False  # known to the project (register import or the chat)

    def age_days(self, on: date) -> int:
        return (on - self.birth).days

    def age_months(self, on: date) -> int:
        months = (on.year - self.birth.year) * 12 + on.month - self.birth.month
        return months - (1 if on.day < self.birth.day else 0)

    def age_years(self, on: date) -> int:
        return self.age_months(on) // 12

    def is_balita(self, on: date) -> bool:
        return 0 <= self.age_months(on) < 60

    def pregnant_on(self, on: date) -> bool:
        return self.pregnancy is not None and self.pregnancy.hpht <= on < self.pregnancy.ends_on

    def nifas_on(self, on: date) -> bool:
        return self.delivered_on is not None and 0 <= (on - self.delivered_on).days <= 42

    @property
    def here(self) -> bool:
        return self.moved_away is None


@dataclass
class Household:
    key: int
    phone: str
    members: list[Person] = field(default_factory=list)
    address: str = ""
    subscribed: bool = False  # a family chat subscribed (truth: the family said yes)
    stopped: bool = False  # said BERHENTI
    stopped_at: object = None
    opted_in_paper: bool = True
    old_phones: list[str] = field(default_factory=list)

    @property
    def guardian(self) -> Person:
        adults = [m for m in self.members if m.age_years(date(2000, 1, 1) + timedelta(days=365 * 60)) >= 18]
        women = [m for m in adults if m.sex == "P"]
        return (women or adults or self.members)[0]


# -- WHO LMS, read as data -------------------------------------------------------------------------------
def _row(table: who.Table, sex: str, index: int) -> tuple[float, float, float] | None:
    rows = table[1 if sex == "L" else 2]
    return rows[index] if 0 <= index < len(rows) else None


def length_at(sex: str, age_days: int, haz: float) -> float:
    lms = _row(who.LHFA, sex, min(age_days, 1856))
    assert lms is not None
    return lms_value(*lms, haz)


def weight_at(sex: str, age_days: int, length_cm: float, whz: float) -> float:
    if age_days < 731:
        table, first = who.WFL, who.WFL_FIRST_TENTHS
    else:
        table, first = who.WFH, who.WFH_FIRST_TENTHS
    index = round(length_cm * 10) - first
    rows = table[1 if sex == "L" else 2]
    index = max(0, min(index, len(rows) - 1))
    lms = rows[index]
    assert lms is not None
    return lms_value(*lms, whz)


def muac_at(sex: str, age_days: int, z: float) -> float | None:
    lms = _row(who.ACFA, sex, min(age_days, 1856))
    return None if lms is None else lms_value(*lms, z)


def z_of(table: who.Table, sex: str, index: int, value: float) -> float | None:
    lms = _row(table, sex, index)
    return None if lms is None else lms_zscore(value, *lms, restricted=True)


def whz_of(sex: str, age_days: int, length_cm: float, weight_kg: float) -> float | None:
    """Weight-for-length (< 731 days) or -height z of what was typed (WHO 2006, restricted as WHO does)."""
    if age_days < 731:
        table, first, low, high = who.WFL, who.WFL_FIRST_TENTHS, 45.0, 110.0
    else:
        table, first, low, high = who.WFH, who.WFH_FIRST_TENTHS, 65.0, 120.0
    if not low <= length_cm <= high:
        return None
    # WHO interpolates between 0.1 cm rows; a typed length has one decimal, so the row is exact
    return z_of(table, sex, round(length_cm * 10) - first, weight_kg)


def waz_of(sex: str, age_days: int, weight_kg: float) -> float | None:
    return z_of(who.WFA, sex, age_days, weight_kg) if age_days <= 1856 else None


# -- making the village ----------------------------------------------------------------------------------
class Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def pick(self, sex: str) -> str:
        firsts = FIRST_NAMES_F if sex == "P" else FIRST_NAMES_M
        for _ in range(200):
            name = f"{self.rng.choice(firsts)} {self.rng.choice(SECOND_NAMES)}"
            if name not in self.used:
                self.used.add(name)
                return name
        while True:  # a third word when the pairs run out (a big kabupaten)
            name = f"{self.rng.choice(firsts)} {self.rng.choice(SECOND_NAMES)} {self.rng.choice(SECOND_NAMES)}"
            if name not in self.used and len(set(name.split())) == 3:
                self.used.add(name)
                return name


def _age_years(rng: random.Random) -> float:
    r = rng.random() * sum(w for _, _, w in src.AGE_BANDS)
    for low, high, weight in src.AGE_BANDS:
        if r < weight:
            return low + rng.random() * (high - low + 1)
        r -= weight
    return 30.0


_NIKS: set[str] = set()


def nik_for(rng: random.Random, sex: str, birth: date) -> str:
    """A NIK of Kabupaten Demak (33 21): kecamatan, birth date (+40 for a woman), serial; unique in the run."""
    day = birth.day + (40 if sex == "P" else 0)
    while True:
        nik = f"3321{rng.randint(1, 14):02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 9999):04d}"
        if nik not in _NIKS:
            _NIKS.add(nik)
            return nik


@dataclass
class Village:
    """One posyandu's catchment: households and their members, the truth the simulator checks against."""

    code: str
    households: list[Household]
    rng: random.Random
    names: Names
    start: date
    next_key: int = 0

    def people(self) -> Iterator[Person]:
        for h in self.households:
            yield from (m for m in h.members if m.here)

    def by_name(self, name: str) -> Person:
        return next(p for h in self.households for p in h.members if p.name == name)


def _init_child(p: Person, rng: random.Random) -> None:
    # SKI 2023: 21.5 % stunted, 8.5 % wasted: a normal HAZ of mean -0.95, sd 1.1, and WHZ -0.45, sd 1.05
    p.haz = max(-4.2, min(2.8, rng.gauss(-0.95, 1.1)))
    p.whz_base = max(-3.8, min(2.8, rng.gauss(-0.45, 1.05)))
    p.whz = p.whz_base


def _init_adult(p: Person, on: date, rng: random.Random) -> None:
    p.height_cm = rng.gauss(151 if p.sex == "P" else 163, 6)
    p.bmi = max(15.5, rng.gauss(24.5, 4.2))
    age = p.age_years(on)
    p.hypertensive = rng.random() < (src.HYPERTENSION * (0.5 if age < 35 else 1.0 if age < 55 else 1.7))
    p.diabetic = age >= 15 and rng.random() < src.DIABETES * (0.4 if age < 35 else 1.2 if age < 60 else 1.5)


def make_village(code: str, households: int, seed: int, start: date, phone_base: int) -> Village:
    rng = random.Random(seed)
    names = Names(rng)
    village = Village(code, [], rng, names, start)
    for hk in range(households):
        h = Household(hk, f"+62812{(phone_base + hk) % 10**8:08d}", address=f"RT {hk % 9 + 1:02d}/RW 0{hk % 4 + 1}")
        size = max(1, min(9, 1 + _poisson(rng, src.HOUSEHOLD_SIZE_MEAN - 1)))
        ages = sorted((_age_years(rng) for _ in range(size)), reverse=True)
        if ages[0] < 18:  # a household is headed by an adult
            ages[0] = 18 + rng.random() * 40
        for i, age in enumerate(ages):
            sex = "P" if (i == 1 or rng.random() < 0.5) else "L"
            if i == 0 and size > 1 and any(a < 15 for a in ages):
                sex = "P"  # the mother holds the Buku KIA and the phone
            birth = start - timedelta(days=int(age * 365.25))
            p = Person(village.next_key, names.pick(sex), sex, birth, h)
            village.next_key += 1
            if rng.random() < src.NIK_SHARE and p.age_days(start) > 60:
                p.nik = nik_for(rng, sex, birth)
            if p.age_years(start) < 5:
                _init_child(p, rng)
            if p.age_years(start) >= 15:
                _init_adult(p, start, rng)
            h.members.append(p)
        h.opted_in_paper = rng.random() < 0.9
        village.households.append(h)
    return village


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


# -- a month of life -----------------------------------------------------------------------------------
@dataclass
class Events:
    births: list[Person] = field(default_factory=list)
    miscarriages: list[Person] = field(default_factory=list)
    deliveries: list[Person] = field(default_factory=list)
    conceptions: list[Person] = field(default_factory=list)
    moved: list[Person] = field(default_factory=list)
    phone_changes: list[Household] = field(default_factory=list)


def new_pregnancy(rng: random.Random, hpht: date) -> Pregnancy:
    miscarriage = rng.random() < src.MISCARRIAGE_SHARE
    weeks = rng.randint(7, 18) if miscarriage else rng.randint(37, 41)
    return Pregnancy(hpht, rng.random() >= src.HPHT_UNKNOWN_SHARE, hpht + timedelta(weeks=weeks, days=rng.randint(0, 6)),
                     miscarriage, hypertensive=not miscarriage and rng.random() < 0.07)


def advance_month(village: Village, first: date, last: date) -> Events:
    """Move the truth from `first` to `last` (one calendar month): growth, pregnancies, births, moves."""
    rng = village.rng
    ev = Events()
    people = list(village.people())
    women = [p for p in people if p.sex == "P" and 15 <= p.age_years(first) <= 45 and p.pregnancy is None
             and (p.delivered_on is None or (first - p.delivered_on).days > 365)]
    # births a month = CBR x population / 12, conceptions raised by the miscarriage share
    expected = src.CRUDE_BIRTH_RATE * len(people) / 12 / (1 - src.MISCARRIAGE_SHARE)
    chance = min(0.2, expected / max(1, len(women)))
    for w in women:
        if rng.random() < chance:
            hpht = first - timedelta(days=rng.randint(14, 40))
            w.pregnancy = new_pregnancy(rng, hpht)
            w.pregnancies.append(w.pregnancy)
            ev.conceptions.append(w)
    for p in people:
        if p.is_balita(first) or p.age_days(first) < 0:
            p.haz = max(-4.3, min(2.9, p.haz + rng.gauss(-0.01, 0.06)))
            shock = -rng.uniform(0.8, 1.8) if rng.random() < 0.03 else 0.0  # an illness: diarrhoea, fever
            p.whz = max(-3.9, min(3.0, 0.7 * p.whz + 0.3 * p.whz_base + rng.gauss(0, 0.22) + shock))
        if p.age_years(first) >= 15:
            crisis = p.hypertensive and rng.random() < 0.03
            base_s, base_d = (152, 95) if p.hypertensive else (119, 77)
            p.sbp = int(rng.gauss(base_s, 9)) + (35 if crisis else 0)
            p.dbp = int(rng.gauss(base_d, 6)) + (18 if crisis else 0)
            p.glucose = int(max(60, rng.gauss(235 if p.diabetic else 108, 45 if p.diabetic else 15)))
        if p.pregnancy is not None and p.pregnancy.ends_on <= last:
            preg = p.pregnancy
            if preg.miscarriage:
                ev.miscarriages.append(p)
            else:
                p.delivered_on = preg.ends_on
                ev.deliveries.append(p)
                baby_sex = "L" if rng.random() < 0.51 else "P"
                baby = Person(village.next_key, village.names.pick(baby_sex), baby_sex, preg.ends_on, p.household)
                village.next_key += 1
                _init_child(baby, rng)
                baby.haz = max(-3.0, baby.haz * 0.6)
                p.household.members.append(baby)
                ev.births.append(baby)
            p.pregnancy = None
        if p.pregnancy is not None and p.pregnancy.hypertensive and p.pregnancy.weeks(last) >= 20:
            p.sbp, p.dbp = int(rng.gauss(150, 6)), int(rng.gauss(96, 4))
        if rng.random() < src.MOVE_AWAY_PER_MONTH and p.pregnancy is None:
            p.moved_away = first + timedelta(days=rng.randint(0, 27))
            ev.moved.append(p)
    for h in village.households:
        if rng.random() < src.PHONE_CHANGE_PER_MONTH:
            h.old_phones.append(h.phone)
            h.phone = "+62813" + h.phone[6:] if h.phone.startswith("+62812") else "+62838" + h.phone[6:]
            ev.phone_changes.append(h)
    return ev


# -- what a kader measures -------------------------------------------------------------------------------
@dataclass
class Measured:
    """Values as measured and rounded the way a kader writes them (one decimal; BP and glucose whole)."""

    weight_kg: float | None = None
    height_cm: float | None = None
    lying: bool | None = None
    muac_cm: float | None = None
    systolic: int | None = None
    diastolic: int | None = None
    glucose: int | None = None


def measure(p: Person, on: date, rng: random.Random) -> Measured:
    age = p.age_days(on)
    if p.is_balita(on):
        length = length_at(p.sex, age, p.haz)
        weight = weight_at(p.sex, age, length, p.whz)
        m = Measured(weight_kg=round(weight + rng.gauss(0, 0.04), 1), height_cm=round(length + rng.gauss(0, 0.25), 1),
                     lying=age < 731)
        if age >= 183:
            muac = muac_at(p.sex, age, p.whz * 0.85 + rng.gauss(0, 0.3))
            m.muac_cm = None if muac is None else round(muac, 1)
        return m
    m = Measured(weight_kg=round(p.bmi * (p.height_cm / 100) ** 2 + rng.gauss(0, 0.3), 1))
    if p.age_years(on) >= 15:
        m.systolic, m.diastolic = p.sbp + rng.randint(-3, 3), p.dbp + rng.randint(-2, 2)
        if m.diastolic >= m.systolic - 15:
            m.diastolic = m.systolic - 30
    if p.pregnant_on(on):
        m.muac_cm = round(rng.gauss(24.8, 2.0), 1)
    elif p.age_years(on) >= 40:
        m.glucose = p.glucose
    return m
