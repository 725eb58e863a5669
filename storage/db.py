"""Engines and sessions: one place that knows how SQLite and PostgreSQL differ."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session


def make_engine(url: str) -> Engine:
    """Build the engine; SQLite gets WAL, foreign keys and a busy timeout for concurrent writers.

    `hide_parameters` keeps what people wrote (bound values) out of error messages and logs.
    """
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Leave transactions to SQLAlchemy: pysqlite's own BEGIN handling breaks savepoints."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Take the write lock at the start: a deferred transaction that reads, then writes after
    another connection committed, fails at once with "database is locked" (its WAL snapshot is
    stale), whatever the busy timeout; an immediate one waits its turn instead."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def database_url(url: str) -> str:
    """Accept the common `postgresql://` spelling and use psycopg 3 for it."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def take_turn(session: Session, lock: int) -> None:
    """Wait until no other transaction across processes holds `lock`, and hold it until this one
    ends; SQLite's write lock, taken at BEGIN, already serialises every writer."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(lock)))
