"""Bugs the simulator found that issue 16 did not list, each pinned by a test that failed before its fix."""
from __future__ import annotations

import sqlalchemy as sa


def test_a_nik_is_looked_up_by_index_not_by_scanning_every_member(shared_engine):  # type: ignore[no-untyped-def]
    """bench/village.py: importing a kabupaten's register (125,000 members) spent 10 ms a row scanning `member`
    for the row's NIK (storage.identity.nik_holder), quadratic in the register's size."""
    indexes = sa.inspect(shared_engine).get_indexes("member")
    assert any(ix["column_names"][:1] == ["nik"] for ix in indexes), indexes
