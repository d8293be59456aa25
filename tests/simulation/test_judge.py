"""The simulator's own judge of urgency (invariants.urgency) keeps its documented margin: a value on a
published line (within 0.05 SD) is not judged either way, even when it is a hair under it. Found by
bench/village.py --posyandu 20 --seed 1 (2027-05-10): a girl of 2 years at BB/TB z -3.00 was called
urgent by the simulator while the project, rounding to two decimals, rightly did not decide it."""
from __future__ import annotations

from datetime import date

from tests.simulation.invariants import urgency
from tests.simulation.kader import Typed
from tests.simulation.population import Household, Person, whz_of

ON = date(2027, 5, 10)


def girl(birth: date) -> Person:
    return Person(key=1, name="Ayu Lestari", sex="P", birth=birth, household=Household(key=1, phone="+6281200000001"))


def test_a_child_on_the_minus_3_line_is_not_judged_and_one_clearly_under_it_is_urgent():
    child = girl(date(2025, 4, 1))  # 769 days: weight-for-height
    on_line = next(w / 100 for w in range(800, 1400) if whz_of("P", child.age_days(ON), 93.7, w / 100) > -3.04)
    assert -3.04 < whz_of("P", child.age_days(ON), 93.7, on_line) < -3  # a hair under the line
    assert urgency(child, Typed(child, ON, {"weight_kg": on_line, "height_cm": 93.7}))[0] is None
    assert urgency(child, Typed(child, ON, {"weight_kg": 8.5, "height_cm": 93.7}))[0] is True
    assert urgency(child, Typed(child, ON, {"weight_kg": 14.0, "height_cm": 93.7}))[0] is False
