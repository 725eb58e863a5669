"""The yardstick for the sweep: one hand-written INSERT … SELECT doing its work, and the tools to
time, compare and explain both on the same database without changing its state."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Engine, bindparam, event, text
from sqlalchemy.engine import Connection

HAND_SQL = """
INSERT INTO outbox (dedupe_key, workspace_id, account_id, target, to_user, topic, subject, due_on,
                    step, body, state, attempts, maybe_sent, next_attempt_at, created_at)
WITH window_steps AS (
    SELECT account_id, subject, due_on, on_day, number, notify_kam, queued,
           row_number() OVER (
               PARTITION BY account_id, subject, due_on ORDER BY send_at DESC
           ) AS latest
    FROM reminder_step
    WHERE send_at <= :now AND send_at > :oldest
), due AS (
    SELECT w.*, a.workspace_id, a.kam
    FROM window_steps w JOIN account a ON a.id = w.account_id
    WHERE w.latest = 1 AND NOT w.queued AND a.paused_reason IS NULL
)
SELECT 'r:' || d.account_id || ':' || d.subject || ':' || d.due_on || ':' || d.on_day || ':'
           || b.channel,
       d.workspace_id, d.account_id, b.channel, false, 'reminder', d.subject, d.due_on,
       d.number, '', 'pending', 0, false, :now, :now
FROM due d JOIN channel_binding b ON b.account_id = d.account_id
WHERE true
UNION ALL
SELECT 'k:' || d.account_id || ':' || d.subject || ':' || d.due_on || ':' || d.on_day || ':'
           || d.kam,
       d.workspace_id, d.account_id, d.kam, true, 'reminder', d.subject, d.due_on,
       d.number, '', 'pending', 0, false, :now, :now
FROM due d
WHERE d.notify_kam
ON CONFLICT (dedupe_key) DO NOTHING
"""
"""Latest step per item by a window function instead of NOT EXISTS, both targets in one pass.
It starts with INSERT, not WITH: Python's sqlite3 opens its implicit transaction only for
statements that start with INSERT, UPDATE or DELETE, and would autocommit a leading WITH."""

MARK_SQL = """
UPDATE reminder_step SET queued = true
WHERE NOT queued AND send_at <= :now AND send_at > :oldest
"""
"""The sweep's second half, timed on its own so the comparison can include it."""


UNMARK_SQL = """
UPDATE reminder_step SET queued = false WHERE send_at > :oldest AND send_at <= :now
"""


def _bound(sql: str) -> Any:
    """Bind times through SQLAlchemy's types, so SQLite compares the same text the ORM stored."""
    stamp = DateTime(timezone=True)
    return text(sql).bindparams(bindparam("now", type_=stamp), bindparam("oldest", type_=stamp))


@dataclass
class HandRun:
    insert_seconds: float
    mark_seconds: float
    keys: set[str]


def hand_written(engine: Engine, now: datetime, oldest: datetime) -> HandRun:
    """Run and commit the hand-written sweep, as the real one commits; `reset` undoes it."""
    times = {"now": now, "oldest": oldest}
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(_bound(HAND_SQL), times)
    inserted = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(_bound(MARK_SQL), times)
    marked = time.perf_counter()
    return HandRun(inserted - started, marked - inserted, outbox_keys(engine))


def outbox_keys(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(text("SELECT dedupe_key FROM outbox")))


def reset(engine: Engine, now: datetime, after: datetime) -> None:
    """Undo a committed sweep: empty the outbox, unmark the steps it marked (those after
    `after`, the population's last sweep), and clean up so the next round starts alike."""
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outbox"))
        connection.execute(
            _bound(UNMARK_SQL),
            {"now": now, "oldest": after},
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE outbox, reminder_step"))


@dataclass
class Statement:
    sql: str
    parameters: Any
    seconds: float = 0.0


@dataclass
class Recorder:
    """The statements an engine ran, with their driver-level SQL, parameters and duration."""

    statements: list[Statement] = field(default_factory=list)

    def before(self, _conn: Connection, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        self.statements.append(Statement(sql, params, -time.perf_counter()))

    def after(self, *_: Any) -> None:
        self.statements[-1].seconds += time.perf_counter()


@contextmanager
def recording(engine: Engine) -> Iterator[Recorder]:
    recorder = Recorder()
    event.listen(engine, "before_cursor_execute", recorder.before)
    event.listen(engine, "after_cursor_execute", recorder.after)
    try:
        yield recorder
    finally:
        event.remove(engine, "before_cursor_execute", recorder.before)
        event.remove(engine, "after_cursor_execute", recorder.after)


def explain(engine: Engine, statement: Statement) -> str:
    """A recorded statement's plan; PostgreSQL runs it (ANALYZE) in a rolled-back transaction."""
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection, connection.begin() as transaction:
        rows = connection.exec_driver_sql(prefix + statement.sql, statement.parameters).all()
        transaction.rollback()
    if postgres:
        return "\n".join(row[0] for row in rows)
    return "\n".join(f"{row[1]:>4} {row[2]:>4} {row[3]}" for row in rows)
