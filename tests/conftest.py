"""Shared fixtures: a migrated database on SQLite and (where it answers) PostgreSQL, a fixed clock,
a runtime with recording senders, and the Flask app.

Every test that uses `database` runs once per backend: the storage code is
the same on both, and PostgreSQL is what production runs.
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from bot.config import Settings
from bot.messages import Channel, Outbound
from bot.ports import FixedClock, Sent, SendResult
from storage.db import Base, make_engine
from storage.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc)  # Sunday 08:00 WIB


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-transcripts", action="store_true",
                     help="rewrite tests/transcripts/*.txt with what the bot says now (after an intended change; "
                          "read the git diff before committing)")


def _postgres_answers() -> bool:
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


POSTGRES = _postgres_answers()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated database for this test session, per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        upgrade(url)
        yield url
        return
    if not POSTGRES:
        pytest.skip("PostgreSQL does not answer at " + PG_URL)
    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    upgrade(url)
    yield url
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def shared_engine(database_url: str) -> Iterator[sa.engine.Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_engine(shared_engine: sa.engine.Engine) -> Iterator[sa.engine.Engine]:
    """The session's engine, emptied after each test (all tables, children first)."""
    yield shared_engine
    with shared_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, telegram_webhook_secret="s3cret-token",
                    twilio_auth_token="twilio-auth-token", twilio_account_sid="AC" + "0" * 32,
                    twilio_whatsapp_from="+14155238886", public_url="https://posyandu.example.org",
                    send_now=False, telegram_messages_per_second=0, twilio_messages_per_second=0,
                    telegram_per_chat_per_second=0)


class RecordingSender:
    """Remembers every message instead of sending it (the default for flow tests)."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.sent: list[Outbound] = []
        self.results: list[SendResult] = []  # scripted outcomes, then Sent

    def send(self, message: Outbound) -> SendResult:
        result = self.results.pop(0) if self.results else Sent(f"{self.channel.value}-{message.id}")
        if isinstance(result, Sent):
            self.sent.append(message)
        return result

    def texts(self, address: str | None = None) -> list[str]:
        return [m.text for m in self.sent if address is None or m.address == address]


@pytest.fixture
def senders() -> dict[Channel, RecordingSender]:
    return {c: RecordingSender(c) for c in Channel}


@pytest.fixture
def runtime(settings: Settings, clock: FixedClock, senders: dict, db_engine: sa.engine.Engine):  # type: ignore[no-untyped-def]
    from app.runtime import build_runtime

    rt = build_runtime(settings, clock=clock, senders=senders, engine=db_engine)
    # settings have no rate limits here: nothing waits; fairness tests inject their own clock
    yield rt
    rt.send_now.shutdown()
    rt.dispatcher.close()


@pytest.fixture
def session(runtime):  # type: ignore[no-untyped-def]
    """A session for looking at (and arranging) the database between steps.

    It runs in autocommit mode, so it never holds a lock or a stale snapshot
    while the code under test runs; call `expire_all()` to see fresh values.
    """
    from sqlalchemy.orm import Session

    s = Session(bind=runtime.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
    yield s
    s.close()


@pytest.fixture
def app(runtime):  # type: ignore[no-untyped-def]
    from app.wsgi import create_app

    flask_app = create_app(runtime=runtime)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def demo(runtime, clock):  # type: ignore[no-untyped-def]
    """The demo kabupaten (3 posyandu, a bidan, kaders, households)."""
    from storage.db import transaction
    from storage.seed import seed_demo

    with transaction(runtime.session_factory) as s:
        return seed_demo(s, clock.now())


ROOT = Path(__file__).resolve().parent.parent
