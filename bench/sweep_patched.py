"""A proposed sweep, measured beside the committed one: the same rows from one INSERT … SELECT
that picks each item's latest step with a window function, instead of two INSERTs that each
run a correlated NOT EXISTS per candidate step. Not used by the bot; here to put numbers on the
proposal for `storage/schedule.py`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Engine,
    String,
    cast,
    exists,
    false,
    func,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.sql import Executable, Select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CTE

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


def bounded_sweep(engine: Engine, now: datetime, oldest: datetime) -> int:
    """The committed sweep with one more condition in its NOT EXISTS, `later.send_at > oldest`:
    equivalent (a later step is after this one, itself after `oldest`), but the database then
    looks for later steps in the window only, not among every step that ever passed."""
    original = schedule._latest_due_steps
    schedule._latest_due_steps = _bounded_latest_due_steps
    try:
        return schedule.sweep(engine, now, oldest)
    finally:
        schedule._latest_due_steps = original


def _bounded_latest_due_steps(now: datetime, oldest: datetime) -> list[ColumnElement[bool]]:
    """`storage.schedule._latest_due_steps` plus the proposed line."""
    later = aliased(ReminderStep)
    return [
        *schedule._passed(now, oldest),
        Account.paused_reason.is_(None),
        ~exists().where(
            later.account_id == ReminderStep.account_id,
            later.subject == ReminderStep.subject,
            later.due_on == ReminderStep.due_on,
            later.send_at > ReminderStep.send_at,
            later.send_at <= now,
            later.send_at > oldest,  # the proposed line
        ),
    ]


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
    both = union_all(to_channels, to_kams)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    # INSERT first, the CTE nested inside: Python's sqlite3 autocommits a statement that
    # starts with WITH, which would split the sweep's transaction.
    statement: Executable = (
        dialect.insert(OutboxMessage)
        .from_select(schedule._COLUMNS, select(both.subquery()).where(true()))
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    return statement


def _source(
    due: CTE,
    target: ColumnElement[str] | InstrumentedAttribute[str],
    prefix: str,
    to_user: bool,
    now: datetime,
) -> Select[Any]:
    c = due.c
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
