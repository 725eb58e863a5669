"""Planned reminders: the rules' steps stored per account, and the sweep that queues due ones.

The sweep is two set-based statements in one transaction, whatever the number of accounts:
queue the latest due step of every open item into the outbox (its dedupe key makes a second sweep,
a second process or a restart harmless), then mark every passed step as queued, so steps missed
while the bot was down are skipped instead of sent as a burst.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Engine,
    String,
    and_,
    cast,
    delete,
    exists,
    false,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Account, ChannelBinding, OutboxMessage, ReminderStep


@dataclass(frozen=True)
class PlannedStep:
    """A step as the rules computed it: when, which number, and whether the KAM hears too."""

    on_day: date
    number: int
    send_at: datetime
    notify_kam: bool = False


def plan_item(
    engine: Engine, account_id: int, subject: str, due_on: date, steps: Iterable[PlannedStep]
) -> None:
    """Make `due_on` the open period of `subject` with exactly `steps` still to come.

    Steps of an earlier period that were never queued are dropped (logging the meeting resolved
    it), and so are that period's undelivered reminders; steps already queued stay as history.
    """
    steps = list(steps)
    with Session(engine) as session, session.begin():
        open_steps = (
            ReminderStep.account_id == account_id,
            ReminderStep.subject == subject,
            ReminderStep.queued.is_(False),
        )
        session.execute(delete(ReminderStep).where(*open_steps))
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.account_id == account_id,
                OutboxMessage.subject == subject,
                OutboxMessage.due_on != due_on,
                OutboxMessage.state == "pending",
            )
            .values(state="cancelled", last_error="resolved before delivery")
        )
        taken = set(
            session.scalars(
                select(ReminderStep.on_day).where(
                    ReminderStep.account_id == account_id,
                    ReminderStep.subject == subject,
                    ReminderStep.due_on == due_on,
                )
            )
        )
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
            for step in steps
            if step.on_day not in taken
        )


def drop_item(engine: Engine, account_id: int, subject: str) -> None:
    """Forget the open period of `subject` (its cadence was turned off)."""
    with Session(engine) as session, session.begin():
        session.execute(
            delete(ReminderStep).where(
                ReminderStep.account_id == account_id,
                ReminderStep.subject == subject,
                ReminderStep.queued.is_(False),
            )
        )
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.account_id == account_id,
                OutboxMessage.subject == subject,
                OutboxMessage.state == "pending",
            )
            .values(state="cancelled", last_error="turned off before delivery")
        )


def snooze(engine: Engine, account_id: int, subject: str, due_on: date, step: PlannedStep) -> bool:
    """Skip the item's steps before `step` and remind again at it; False if the item is closed."""
    with Session(engine) as session, session.begin():
        still_open = session.scalar(
            select(ReminderStep.id).where(
                ReminderStep.account_id == account_id,
                ReminderStep.subject == subject,
                ReminderStep.due_on == due_on,
            )
        )
        if still_open is None:
            return False
        session.execute(
            update(ReminderStep)
            .where(
                ReminderStep.account_id == account_id,
                ReminderStep.subject == subject,
                ReminderStep.due_on == due_on,
                ReminderStep.send_at < step.send_at,
                ReminderStep.queued.is_(False),
            )
            .values(queued=True)
        )
        exists_on_day = session.scalar(
            select(ReminderStep.id).where(
                ReminderStep.account_id == account_id,
                ReminderStep.subject == subject,
                ReminderStep.due_on == due_on,
                ReminderStep.on_day == step.on_day,
            )
        )
        if exists_on_day is None:
            session.add(
                ReminderStep(
                    account_id=account_id,
                    subject=subject,
                    due_on=due_on,
                    on_day=step.on_day,
                    number=step.number,
                    send_at=step.send_at,
                    notify_kam=step.notify_kam,
                )
            )
        return True


def sweep(engine: Engine, now: datetime) -> int:
    """Queue every due reminder once; returns how many outbox rows were added."""
    with Session(engine) as session, session.begin():
        added = 0
        for to_user in (False, True):
            added += len(session.execute(_queue_statement(engine, now, to_user=to_user)).all())
        session.execute(
            update(ReminderStep)
            .where(ReminderStep.queued.is_(False), ReminderStep.send_at <= now)
            .values(queued=True)
        )
        return added


def items_running_out(engine: Engine, now: datetime) -> list[tuple[int, str]]:
    """Open items whose planned steps are all passed, so the rules must plan more."""
    later = aliased(ReminderStep)
    query = (
        select(ReminderStep.account_id, ReminderStep.subject)
        .where(
            ~exists().where(
                later.account_id == ReminderStep.account_id,
                later.subject == ReminderStep.subject,
                later.queued.is_(False),
            )
        )
        .distinct()
    )
    with Session(engine) as session:
        return [(account, subject) for account, subject in session.execute(query)]


def _latest_due_steps(now: datetime) -> list[ColumnElement[bool]]:
    """Conditions for the latest passed, unqueued step of each open item of an active account."""
    later = aliased(ReminderStep)
    return [
        ReminderStep.queued.is_(False),
        ReminderStep.send_at <= now,
        Account.paused_reason.is_(None),
        ~exists().where(
            later.account_id == ReminderStep.account_id,
            later.subject == ReminderStep.subject,
            later.due_on == ReminderStep.due_on,
            later.send_at > ReminderStep.send_at,
            later.send_at <= now,
        ),
    ]


def _key(
    prefix: str, target: ColumnElement[str] | InstrumentedAttribute[str]
) -> ColumnElement[str]:
    return (
        literal(prefix)
        + cast(ReminderStep.account_id, String)
        + ":"
        + ReminderStep.subject
        + ":"
        + cast(ReminderStep.due_on, String)
        + ":"
        + cast(ReminderStep.on_day, String)
        + ":"
        + target
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


def _queue_statement(engine: Engine, now: datetime, *, to_user: bool) -> Executable:
    """INSERT … SELECT of due steps: to each bound channel, or to the KAM when a step says so."""
    target: InstrumentedAttribute[str] = Account.kam if to_user else ChannelBinding.channel
    source = (
        select(
            _key("k:" if to_user else "r:", target),
            Account.workspace_id,
            Account.id,
            target,
            literal(to_user),
            literal("reminder"),
            ReminderStep.subject,
            ReminderStep.due_on,
            ReminderStep.number,
            literal(""),
            literal("pending"),
            literal(0),
            false(),
            literal(now, type_=OutboxMessage.next_attempt_at.type),
            literal(now, type_=OutboxMessage.created_at.type),
        )
        .select_from(ReminderStep)
        .join(Account, Account.id == ReminderStep.account_id)
        .where(and_(true(), *_latest_due_steps(now)))
    )
    if to_user:
        source = source.where(ReminderStep.notify_kam.is_(True))
    else:
        source = source.join(ChannelBinding, ChannelBinding.account_id == Account.id)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement: Executable = (
        dialect.insert(OutboxMessage)
        .from_select(_COLUMNS, source)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    return statement
