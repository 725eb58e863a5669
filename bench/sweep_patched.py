"""A proposed sweep, measured beside the committed one: the same rows from one INSERT … SELECT
that picks each item's latest step with a window function, instead of two INSERTs that each
run a correlated NOT EXISTS per candidate step. Not used by the bot; here to put numbers on the
proposal for `storage/schedule.py`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    Engine,
    String,
    cast,
    false,
    func,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnElement

from storage import schedule
from storage.models import Account, ChannelBinding, OutboxMessage, ReminderStep

STAMP = DateTime(timezone=True)


def sweep(engine: Engine, now: datetime, oldest: datetime) -> int:
    """Same contract as `storage.schedule.sweep`."""
    with Session(engine) as session, session.begin():
        schedule._lock_sweep(session)
        added = len(session.execute(_queue_statement(engine, now, oldest)).all())
        passed = schedule._passed(now, oldest)
        session.execute(update(ReminderStep).where(*passed).values(queued=True))
        return added


def _queue_statement(engine: Engine, now: datetime, oldest: datetime) -> Executable:
    step = ReminderStep
    latest = func.row_number().over(
        partition_by=(step.account_id, step.subject, step.due_on), order_by=step.send_at.desc()
    )
    in_window = (
        select(
            step.account_id,
            step.subject,
            step.due_on,
            step.on_day,
            step.number,
            step.notify_kam,
            step.queued,
            latest.label("latest"),
        )
        .where(step.send_at <= now, step.send_at > oldest)
        .subquery("in_window")
    )
    due = (
        select(in_window, Account.workspace_id, Account.kam)
        .join(Account, Account.id == in_window.c.account_id)
        .where(
            in_window.c.latest == 1,
            in_window.c.queued.is_(False),
            Account.paused_reason.is_(None),
        )
        .cte("due", nesting=True)
    )
    to_channels = (
        _source(due, ChannelBinding.channel, "r:", False, now)
        .join(ChannelBinding, ChannelBinding.account_id == due.c.account_id)
        .where(true())
    )
    to_kams = _source(due, due.c.kam, "k:", True, now).where(due.c.notify_kam.is_(True))
    both = union_all(to_channels, to_kams)  # type: ignore[arg-type]
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    # INSERT first, the CTE nested inside: Python's sqlite3 autocommits a statement that
    # starts with WITH, which would split the sweep's transaction.
    return (
        dialect.insert(OutboxMessage)
        .from_select(schedule._COLUMNS, select(both.subquery()).where(true()))
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )


def _source(
    due: object, target: ColumnElement[str] | object, prefix: str, to_user: bool, now: datetime
) -> object:
    c = due.c  # type: ignore[attr-defined]
    key = (
        literal(prefix)
        + cast(c.account_id, String)
        + ":"
        + c.subject
        + ":"
        + cast(c.due_on, String)
        + ":"
        + cast(c.on_day, String)
        + ":"
        + target
    )
    return select(
        key,
        c.workspace_id,
        c.account_id,
        target,
        literal(to_user),
        literal("reminder"),
        c.subject,
        c.due_on,
        c.number,
        literal(""),
        literal("pending"),
        literal(0),
        false(),
        literal(now, type_=STAMP),
        literal(now, type_=STAMP),
    ).select_from(due)
