"""A database of the released schema that holds data upgrades to the newest one, nothing lost.

The tests elsewhere migrate an empty database; a district's or a laptop's has
households, members, visits and referrals that every later table points at.
SQLite's batch mode rebuilds tables, which it refuses while foreign keys are
enforced (storage/migrations/env.py turns them off for the upgrade and checks
every reference afterwards).
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from storage.migrate import upgrade
from tests.conftest import PG_URL, POSTGRES

ROWS = [
    "INSERT INTO region (id, level, name) VALUES (1, 'desa', 'Banyumeneng')",
    "INSERT INTO puskesmas (id, name, region_id) VALUES (1, 'Puskesmas Mranggen 3', 1)",
    "INSERT INTO posyandu (id, code, name, desa_id, timezone) VALUES (1, 'MAWAR7', 'Posyandu Mawar 7', 1, "
    "'Asia/Jakarta')",
    "INSERT INTO household (id, posyandu_id, opted_in, created_at) VALUES (1, 1, true, '2026-11-01 01:00:00')",
    "INSERT INTO contact (id, channel, address, role, opted_in, created_at, household_id) VALUES "
    "(1, 'terminal', 'ibu', 'resident', true, '2026-11-01 01:00:00', 1)",
    "INSERT INTO member (id, posyandu_id, household_id, name, name_key, sex, birth_date, created_at) VALUES "
    "(1, 1, 1, 'Aisyah Putri', 'aisyah putri', 'P', '2026-02-04', '2026-11-01 01:00:00')",
    "INSERT INTO measurement (id, member_id, posyandu_id, measured_on, source, statuses, flags, created_at, "
    "weight_kg, height_cm) VALUES (1, 1, 1, '2026-11-20', 'chat', '{}', '[\"lila_balita:muac_severe\"]', "
    "'2026-11-20 01:00:00', 7.4, 69.0)",
    "INSERT INTO referral (id, member_id, measurement_id, posyandu_id, reasons, status, created_at) VALUES "
    "(1, 1, 1, 1, '[\"lila_balita:muac_severe\"]', 'open', '2026-11-20 01:00:00')",
]


def _released_database(backend: str, tmp_path) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'released.sqlite3'}", None
    if not POSTGRES:
        pytest.skip("PostgreSQL does not answer at " + PG_URL)
    schema = f"m_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    return f"{PG_URL}?options=-csearch_path%3D{schema}", (admin, schema)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_released_database_with_data_upgrades_to_the_newest_schema(backend, tmp_path):
    url, cleanup = _released_database(backend, tmp_path)
    try:
        upgrade(url, "0001")
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            for statement in ROWS:
                conn.execute(sa.text(statement))
        engine.dispose()
        upgrade(url)  # every migration since the release, on a database that holds data
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name FROM member")).scalars().all() == ["Aisyah Putri"]
            assert float(conn.execute(sa.text("SELECT weight_kg FROM measurement")).scalar()) == pytest.approx(7.4)
            assert conn.execute(sa.text("SELECT count(*) FROM referral WHERE status = 'open'")).scalar() == 1
            assert conn.execute(sa.text("SELECT household_id FROM contact")).scalar() == 1
            if backend == "sqlite":
                assert conn.execute(sa.text("PRAGMA foreign_key_check")).fetchall() == []
        engine.dispose()
    finally:
        if cleanup is not None:
            admin, schema = cleanup  # type: ignore[misc]
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
