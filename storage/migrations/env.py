"""Alembic environment: the models' metadata, batch mode for SQLite's ALTER TABLE."""
from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

import storage.models  # noqa: F401  (registers the tables)
from storage.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _pragma(connection: Connection, statement: str) -> list[tuple[Any, ...]]:
    """Run a pragma on the raw SQLite connection, outside any transaction (our engine BEGINs IMMEDIATE)."""
    raw = connection.connection.driver_connection
    assert raw is not None, "a live SQLite connection"
    cursor = raw.cursor()
    try:
        rows: list[tuple[Any, ...]] = cursor.execute(statement).fetchall()
        return rows
    finally:
        cursor.close()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Batch mode rebuilds a table (copy, DROP, rename); with foreign keys on, SQLite refuses to drop a
            # table other rows point at, so an upgrade of a database that holds data would fail. The pragma only
            # takes effect outside a transaction; the check below proves no reference was broken.
            _pragma(connection, "PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = _pragma(connection, "PRAGMA foreign_key_check")
            _pragma(connection, "PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"migration left {len(broken)} broken references: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
