"""The conversation fuzzer in `make test`: a few hundred random inputs from every role through the webhooks.

Deterministic (hypothesis `derandomize=True`, no example database); the same engine runs 10,000 inputs in
`bench/fuzz.py`. Properties: no 5xx and no error apology after any input, `batal` + `menu` always reach the
menu, no family chat told another household's member's name (docs/simulation.md).
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.simulation.fuzz import ROLES, Fuzzer
from tests.simulation.known_open import known

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@pytest.fixture
def fuzzer(database_url, shared_engine, db_engine):  # type: ignore[no-untyped-def]
    fz = Fuzzer.build(database_url, seed=3, engine=db_engine)
    yield fz
    fz.sim.close()


def test_random_conversations_never_crash_trap_or_leak(fuzzer):  # type: ignore[no-untyped-def]
    @settings(derandomize=True, max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=10))
    def conversation(rng, length):  # type: ignore[no-untyped-def]
        before = len(fuzzer.sim.violations)
        fuzzer.run(rng, length)
        fuzzer.check_exits(ROLES)
        fresh = [v for v in fuzzer.sim.violations[before:] if known(v.invariant, v.detail) is None]
        assert not fresh, fuzzer.sim.report(fresh)

    conversation()
    assert fuzzer.inputs >= EXAMPLES  # a few hundred messages with the exits
