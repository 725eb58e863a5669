"""Shared fixtures: a migrated database on SQLite and on the real PostgreSQL, and a fixed clock."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, create_engine, text

from storage import migrate
from storage.db import database_url, make_engine
from storage.store import Store

pytest_plugins = (
    "tests.conversation",
    "tests.slack_fixtures",
    "tests.reminder_fixtures",
    "tests.teams_harness",
    "tests.slack_install",
)

POSTGRES_URL = os.environ.get("KAM_TEST_POSTGRES_URL", "")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """A test that runs `kam-bot …` configures the root logger; the next test gets it back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _postgres_database() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    if not POSTGRES_URL:
        reason = "no PostgreSQL: KAM_TEST_POSTGRES_URL is unset (no binaries on this machine)"
        if os.environ.get("KAM_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"kam_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = database_url(POSTGRES_URL).rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """An empty database URL, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/kam.sqlite3"
    else:
        yield from _postgres_database()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> Store:
    return Store(engine)


@pytest.fixture
def sqlite_store(tmp_path: object) -> Iterator[Store]:
    """A migrated SQLite store, for tests about behaviour rather than the database."""
    engine = make_engine(f"sqlite:///{tmp_path}/kam.sqlite3")
    migrate.upgrade(engine)
    yield Store(engine)
    engine.dispose()
