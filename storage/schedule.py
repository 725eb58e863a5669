"""Planned reminders: the rules' steps stored per account, and the sweep that queues due ones.

The sweep is three set-based statements in one transaction, whatever the number of accounts:
queue the latest due step of every open item into the outbox (its dedupe key makes a second sweep,
a second process or a restart harmless), ask for more steps where the last one is being swept,
then mark every passed step as queued, so steps missed while the bot was down are skipped instead
of sent as a burst.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Engine,
    String,
    bindparam,
    cast,
    delete,
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

from storage.db import take_turn
from storage.models import (
    Account,
    ChannelBinding,
    OutboxMessage,
    ReminderSnooze,
    ReminderStep,
    ReplanRequest,
    UtcDateTime,
    Workspace,
)

SWEEP_LOCK = 0x6B616D  # "kam": one advisory lock id for every planner and sweep


@dataclass(frozen=True)
class PlannedStep:
    """A step as the rules computed it: when, which number, and whether the KAM hears too."""

    on_day: date
    number: int
    send_at: datetime
    notify_kam: bool = False


StepChooser = Callable[[datetime | None, datetime | None], list[PlannedStep]]
"""Given when the item was last queued and any snooze, the steps still to come."""


def plan_item(
    engine: Engine, account_id: int, subject: str, due_on: date, choose: StepChooser
) -> None:
    """Make `due_on` the open period of `subject`, with the steps `choose` decides on.

    Runs in one transaction with the sweep lock held, so a sweep never sees half a plan. Steps
    of an earlier period that were never queued are dropped (logging the meeting resolved it), and
    so are that period's undelivered reminders; steps already queued stay as history.
    """
    with Session(engine) as session, session.begin():
        take_turn(session, SWEEP_LOCK)
        this_item = (ReminderStep.account_id == account_id, ReminderStep.subject == subject)
        session.execute(delete(ReminderStep).where(*this_item, ReminderStep.queued.is_(False)))
        _cancel_pending(session, account_id, subject, OutboxMessage.due_on != due_on)
        queued = session.execute(
            select(ReminderStep.on_day, ReminderStep.send_at).where(
                *this_item, ReminderStep.due_on == due_on
            )
        ).all()
        snoozed_until = session.scalar(
            select(ReminderSnooze.until).filter_by(
                account_id=account_id, subject=subject, due_on=due_on
            )
        )
        last_queued_at = max((at for _, at in queued), default=None)
        taken = {day for day, _ in queued}
        session.add_all(
            ReminderStep(
                account_id=account_id,
                subject=subject,
                due_on=due_on,
                on_day=step.on_day,
                number=step.number,
                send_at=step.send_at,
                notify_kam=step.notify_kam,
            )
            for step in choose(last_queued_at, snoozed_until)
            if step.on_day not in taken
        )


def drop_item(engine: Engine, account_id: int, subject: str) -> None:
    """Forget the open period of `subject` (its cadence was turned off)."""
    with Session(engine) as session, session.begin():
        take_turn(session, SWEEP_LOCK)
        session.execute(
            delete(ReminderStep).where(
                ReminderStep.account_id == account_id,
                ReminderStep.subject == subject,
                ReminderStep.queued.is_(False),
            )
        )
        _cancel_pending(session, account_id, subject, true())


def snooze(
    engine: Engine, account_id: int, subject: str, due_on: date, until: datetime, by: str
) -> None:
    """Record that `subject`'s reminder for `due_on` should come back at `until`."""
    with Session(engine) as session, session.begin():
        found = session.scalar(
            select(ReminderSnooze).filter_by(account_id=account_id, subject=subject, due_on=due_on)
        )
        if found is None:
            session.add(
                ReminderSnooze(
                    account_id=account_id, subject=subject, due_on=due_on, until=until, by=by
                )
            )
        else:
            found.until, found.by = until, by


def open_due_on(engine: Engine, account_id: int, subject: str) -> date | None:
    """The due date of the item's open period, if it has one planned."""
    query = select(func.max(ReminderStep.due_on)).where(
        ReminderStep.account_id == account_id, ReminderStep.subject == subject
    )
    with Session(engine) as session:
        return session.scalar(query)


def request_replan(session: Session, account_id: int, subject: str, now: datetime) -> None:
    """Ask the next tick to replan an item, inside the caller's transaction."""
    statement = _replan_upsert(session.get_bind().dialect.name)
    session.execute(statement, {"account_id": account_id, "subject": subject, "now": now})


@functools.cache
def _replan_upsert(dialect_name: str) -> Executable:
    """Built once per dialect: it runs with every logged meeting."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = dialect.insert(ReplanRequest).values(
        account_id=bindparam("account_id"),
        subject=bindparam("subject"),
        requested_at=bindparam("now", type_=UtcDateTime()),
    )
    statement: Executable = insert.on_conflict_do_update(
        index_elements=["account_id", "subject"],
        set_={"requested_at": insert.excluded.requested_at},
    )
    return statement


def replan_requests(engine: Engine) -> list[tuple[int, str, datetime]]:
    with Session(engine) as session:
        return [
            (row.account_id, row.subject, row.requested_at)
            for row in session.scalars(select(ReplanRequest))
        ]


def done_replanning(engine: Engine, account_id: int, subject: str, requested_at: datetime) -> None:
    """Forget a request once replanned, unless a newer one came in meanwhile."""
    with Session(engine) as session, session.begin():
        session.execute(
            delete(ReplanRequest).where(
                ReplanRequest.account_id == account_id,
                ReplanRequest.subject == subject,
                ReplanRequest.requested_at <= requested_at,
            )
        )


def sweep(engine: Engine, now: datetime, oldest: datetime) -> int:
    """Queue every reminder due in (oldest, now] once; returns how many outbox rows were added.

    Steps older than `oldest` are left for the planner to move to the next morning, so a bot
    that was down overnight catches up at 09:00, not at 03:00.
    """
    with Session(engine) as session, session.begin():
        take_turn(session, SWEEP_LOCK)
        added = len(session.execute(_queue_statement(engine, now, oldest)).all())
        session.execute(_replan_running_out(engine, now, oldest))
        session.execute(update(ReminderStep).where(*_passed(now, oldest)).values(queued=True))
        return added


def _replan_running_out(engine: Engine, now: datetime, oldest: datetime) -> Executable:
    """Ask for more steps for the items whose last planned step is being swept now."""
    later = aliased(ReminderStep)
    last_ones = (
        select(ReminderStep.account_id, ReminderStep.subject, literal(now, UtcDateTime()))
        .where(
            *_passed(now, oldest),
            ~exists().where(
                later.account_id == ReminderStep.account_id,
                later.subject == ReminderStep.subject,
                later.send_at > now,
            ),
        )
        .distinct()
    )
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement: Executable = (
        dialect.insert(ReplanRequest)
        .from_select(["account_id", "subject", "requested_at"], last_ones)
        .on_conflict_do_nothing(index_elements=["account_id", "subject"])
    )
    return statement


def stale_items(engine: Engine, oldest: datetime) -> list[tuple[int, str]]:
    """Items with a step missed while the bot was down, for the planner to move forward."""
    query = (
        select(ReminderStep.account_id, ReminderStep.subject)
        .where(ReminderStep.queued == false(), ReminderStep.send_at <= oldest)
        .distinct()
    )
    with Session(engine) as session:
        return [(account, subject) for account, subject in session.execute(query)]


def _passed(now: datetime, oldest: datetime) -> tuple[ColumnElement[bool], ...]:
    """Steps not yet queued, due in (oldest, now]; written to match the partial index."""
    return (
        ReminderStep.queued == false(),
        ReminderStep.send_at <= now,
        ReminderStep.send_at > oldest,
    )


def _cancel_pending(
    session: Session, account_id: int, subject: str, which: ColumnElement[bool]
) -> None:
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.account_id == account_id,
            OutboxMessage.subject == subject,
            OutboxMessage.state == "pending",
            which,
        )
        .values(state="cancelled", last_error="resolved before delivery")
    )


_COLUMNS = [
    "dedupe_key",
    "workspace_id",
    "account_id",
    "target",
    "to_user",
    "topic",
    "subject",
    "due_on",
    "step",
    "body",
    "state",
    "attempts",
    "maybe_sent",
    "next_attempt_at",
    "created_at",
]


def _queue_statement(engine: Engine, now: datetime, oldest: datetime) -> Executable:
    """Queue each open item's latest step due in (oldest, now], to every channel of its account
    (each through its own workspace and platform) and, when the step says so, to its KAM, in one
    INSERT … SELECT.

    Why: `row_number()` picks each item's latest step in one pass over the partial index of open
    steps, where a NOT EXISTS per candidate searched the table again, and UNION ALL serves both
    targets from that one pass. Ranking open steps only is exact: a step queued by an earlier
    sweep is never later than an open one (sweeps move forward; the planner adds steps only after
    the last queued). The CTE nests inside the INSERT so the statement starts with INSERT, as
    drivers that look at the first word (pysqlite) expect; `WHERE true` lets SQLite parse ON
    CONFLICT.
    """
    step = ReminderStep
    newest_first = func.row_number().over(
        partition_by=(step.account_id, step.subject, step.due_on), order_by=step.send_at.desc()
    )
    ranked = (
        select(
            step.account_id,
            step.subject,
            step.due_on,
            step.on_day,
            step.number,
            step.notify_kam,
            newest_first.label("newest_first"),
        )
        .where(*_passed(now, oldest))
        .subquery("ranked")
    )
    due = (
        select(ranked, Account.workspace_id, Account.kam)
        .join(Account, Account.id == ranked.c.account_id)
        .join(Workspace, Workspace.id == Account.workspace_id)
        .where(
            ranked.c.newest_first == 1,
            Account.paused_reason.is_(None),
            Account.archived_at.is_(None),
            Workspace.paused_reason.is_(None),
        )
        .cte("due", nesting=True)
    )
    to_channels = _outbox_rows(
        due, ChannelBinding.workspace_id, ChannelBinding.channel, now, to_user=False
    ).join(ChannelBinding, ChannelBinding.account_id == due.c.account_id)
    to_kams = _outbox_rows(due, due.c.workspace_id, due.c.kam, now, to_user=True).where(
        due.c.notify_kam.is_(True)
    )
    rows = union_all(to_channels, to_kams).subquery("outbox_rows")
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement: Executable = (
        dialect.insert(OutboxMessage)
        .from_select(_COLUMNS, select(rows).where(true()))
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    return statement


def _outbox_rows(
    due: CTE,
    workspace: ColumnElement[int] | InstrumentedAttribute[int],
    target: ColumnElement[str] | InstrumentedAttribute[str],
    now: datetime,
    *,
    to_user: bool,
) -> Select[Any]:
    """Outbox columns for the due steps, to `target` in `workspace`: a channel's own (a linked
    Teams channel of an account run from Slack is reached through Teams), the KAM's the
    account's. The key says which kind of target."""
    c = due.c
    key = (
        literal("k:" if to_user else "r:")
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
        workspace,
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
        literal(now, type_=OutboxMessage.next_attempt_at.type),
        literal(now, type_=OutboxMessage.created_at.type),
    ).select_from(due)
