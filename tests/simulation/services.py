"""Immunisations in the simulated village: the truth of the doses each child got, and how the kader types them.

Why here and not in population.py: the doses are drawn from their own `random.Random` (seeded from the run's
seed), so adding them leaves every other draw of a run, and thus every earlier seed's replay, unchanged.

The truth. A balita's doses follow the national schedule (the ages of `health.schedules.IMMUNISATION_RULES`,
Juknis ILP 06-imunisasi-rutin, and the minimum intervals and last ages of `health.immunisation`, read as
data): the next dose of a series is due from the later of its schedule age and the previous dose + its
interval, until the series' last age. A child brought on a posyandu day while a dose is due gets it with
probability `DOSE_GIVEN` (coverage, below); a dose missed one month is due (catch-up) the next.
Children already born at the start carry a history drawn the same way, month by month, imported as the
register's history (`flask services import`), as a puskesmas does when it starts.

The kader types the doses given today: in the one line (`lapor Siti bb 7,2 pb 65 polio2 dpt1`) or at the
report's question "Layanan yang diberikan hari ini?" (`polio 2, dpt 1 selesai`), as Buku KIA names them.
"""
from __future__ import annotations

import csv
import os
import random
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from health.immunisation import DOSES, LAST_AGE_DAYS, MIN_AGE_DAYS, MIN_INTERVAL_DAYS, SERIES, WEEK4, next_doses
from health.schedules import BALITA_MAX

if TYPE_CHECKING:
    from tests.simulation.population import Person
    from tests.simulation.world import PosyanduSim, Sim

# WHO/UNICEF estimates of national immunization coverage (WUENIC), Indonesia 2023: DTP1 ≈ 90 %, DTP3 ≈ 85 %,
# MCV1 ≈ 86 % (rounded ⚠). We draw each due dose, when the child is at the posyandu, with 0.85: a child who
# misses it gets it later (catch-up), so yearly coverage ends near the published one.
DOSE_GIVEN = 0.85
# HB0 is given at birth by the health worker who delivered the baby (Riskesdas 2018: HB0 < 24 h ≈ 80 %);
# a baby born in the village gets it (and BCG/OPV1 at the facility in the first month) outside the posyandu day.
HB0_AT_BIRTH = 0.80

# How kaders write a dose (Buku KIA names, `health`'s aliases in bot.flows.reporting_services.DOSE_ALIASES).
WORDS = {"HB0": "hb0", "BCG": "bcg", "OPV": "polio", "DPT-HB-HIB": "dpt", "PCV": "pcv", "RV": "rota", "IPV": "ipv",
         "MR": "campak"}


def doses_of(p: "Person") -> dict[str, date]:
    """The child's true doses: code -> day given."""
    found = getattr(p, "doses", None)
    if found is None:
        found = {}
        p.doses = found  # type: ignore[attr-defined]
    return found


def due(p: "Person", on: date) -> list[str]:
    """Doses the national schedule makes due for this child today, by the truth (JE: not endemic here)."""
    given = doses_of(p)
    out = []
    age = (on - p.birth).days
    for series, doses in SERIES.items():
        if series == "JE":
            continue
        done = [d for d in doses if d.code in given]
        position = len(done)
        if series == "PCV" and done:  # started late: fewer doses (WHO 2019)
            first_age = (given[doses[0].code] - p.birth).days
            length = 1 if first_age >= 730 else 2 if first_age >= 365 else 3
        else:
            length = len(doses)
        if position >= length:
            continue
        dose = doses[position]
        earliest = p.birth + timedelta(days=max(dose.age_days, MIN_AGE_DAYS.get(dose.code, 0)))
        if done:
            earliest = max(earliest, given[done[-1].code] + timedelta(days=MIN_INTERVAL_DAYS.get(dose.code, WEEK4)))
        if earliest <= on and age <= LAST_AGE_DAYS.get(series, BALITA_MAX):
            out.append(dose.code)
    return out


def spoken(code: str, rng: random.Random) -> str:
    """`OPV2` -> `polio2` or `polio 2` (PHRASES fold the space); single doses as they are."""
    for series, word in WORDS.items():
        if code == series:
            return word
        if code.startswith(series) and code[len(series):].isdigit():
            return f"{word}{'' if rng.random() < 0.5 else ' '}{code[len(series):]}"
    return code.lower()


class Immunisations:
    """The run's dose truth and its own RNG."""

    def __init__(self, sim: "Sim") -> None:
        self.sim = sim
        self.rng = random.Random(sim.seed * 7919 + 16)
        self.typed: list[tuple[str, "Person", date, list[str]]] = []  # (posyandu, child, day, codes typed)

    def history(self, place: "PosyanduSim", start: date) -> None:
        """Children born before the start: their doses until then, imported as the register's history."""
        rows = []
        for p in place.village.people():
            if not p.is_balita(start) or not p.registered:
                continue
            given = doses_of(p)
            if self.rng.random() < HB0_AT_BIRTH:
                given["HB0"] = p.birth
            day = p.birth + timedelta(days=self.rng.randint(5, 25))  # the monthly posyandu days of the past
            while day < start:
                for code in due(p, day):
                    if self.rng.random() < DOSE_GIVEN:
                        given[code] = day
                day += timedelta(days=self.rng.randint(27, 33))
            rows += [(p, code, on) for code, on in given.items()]
        if not rows:
            return
        path = os.path.join(self.sim.tmp, f"services-{place.code}.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["posyandu_code", "name", "birth_date", "service", "given_on"])
            order = {d.code: i for i, d in enumerate(DOSES)}
            for p, code, on in sorted(rows, key=lambda r: (r[0].name, r[0].birth, r[2], order[r[1]])):
                w.writerow([place.code, p.name, p.birth.isoformat(), code, f"{on:%d-%m-%Y}"])
        out = self.sim.run_cli("services", "import", path, "--quiet")
        if out is None or re.search(r"\b[1-9]\d* ditolak", out):
            self.sim.violation("immunisation history import", (out or "")[-600:])

    def born(self, p: "Person") -> None:
        """A baby born in the simulated year: HB0 at birth (the delivery's health worker), or none."""
        given = doses_of(p)
        if "HB0" not in given and self.rng.random() < HB0_AT_BIRTH:
            given["HB0"] = p.birth

    def today(self, place: "PosyanduSim", p: "Person", on: date) -> list[str]:
        """The doses this child gets at today's posyandu (the truth is updated): the kader will type them."""
        if not p.is_balita(on):
            return []
        given = doses_of(p)
        today = [code for code in due(p, on) if code != "HB0" and self.rng.random() < DOSE_GIVEN]
        for code in today:
            given[code] = on
        if today:
            self.typed.append((place.code, p, on, today))
        return today


def words_for(codes: list[str], rng: random.Random) -> str:
    return " ".join(spoken(c, rng) for c in codes)


def attach(m: Any, codes: list[str], rng: random.Random) -> None:
    """What the kader will type for these doses, carried with her measurements to the report."""
    m.doses = codes
    m.dose_words = words_for(codes, rng)


class DoseCheck:
    """After each posyandu day: every dose typed is stored once, the storage holds exactly the truth's doses,
    and the product's next-dose answer (health.immunisation.next_doses over the doses the chat reads,
    storage.reporting.given_codes) never offers a dose the truth says was given."""

    def __init__(self, sim: "Sim") -> None:
        self.sim = sim

    def __call__(self, sim: "Sim", day: date) -> None:
        for place in sim.places:
            if place.days.get((day.year, day.month)) == day:
                self.check(place, day)

    def check(self, place: "PosyanduSim", day: date) -> None:
        from sqlalchemy import func, select

        from storage.db import transaction
        from storage.models import Member, Posyandu, ServiceGiven
        from storage.reporting import given_codes

        codes = {d.code for d in DOSES}
        children = [p for p in place.village.people() if p.registered and p.is_balita(day)
                    and getattr(p, "doses", None) is not None]
        with transaction(self.sim.runtime.session_factory) as s:
            pid = s.scalar(select(Posyandu.id).where(Posyandu.code == place.code))
            ids = {(name, born): mid for mid, name, born in s.execute(
                select(Member.id, Member.name, Member.birth_date).where(Member.posyandu_id == pid))}
            for p in children:
                mid = ids.get((p.name, p.birth))
                if mid is None:
                    continue
                twice = s.execute(select(ServiceGiven.code, func.count())
                                  .where(ServiceGiven.member_id == mid, ServiceGiven.code.in_(codes))
                                  .group_by(ServiceGiven.code).having(func.count() > 1)).all()
                if twice:
                    self.sim.violation("a dose is stored once", f"a {p.age_months(day)}-month-old: {twice}")
                given = given_codes(s, mid)
                stored = {c: d for c, d in given.items() if c in codes}
                truth = doses_of(p)
                if set(stored) != set(truth):
                    self.sim.violation("doses typed are stored", f"a {p.age_months(day)}-month-old: typed or "
                                       f"imported {sorted(truth)}, stored {sorted(stored)} (missing "
                                       f"{sorted(set(truth) - set(stored))}, extra {sorted(set(stored) - set(truth))})")
                for typed_day, code in ((d, c) for c, d in truth.items() if d == day):
                    if stored.get(code) != typed_day:
                        self.sim.violation("doses typed are stored", f"{code} typed on {day}: stored on "
                                           f"{stored.get(code)}")
                offered = [n.code for n in next_doses(p.birth, given, day) if n.code in truth]
                if offered:
                    self.sim.violation("no dose given is offered again", f"a {p.age_months(day)}-month-old: the "
                                       f"product's next doses include {offered}, given on "
                                       f"{[str(truth[c]) for c in offered]}")
