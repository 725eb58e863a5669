"""Opportunities at an account, and the stale ones: open without an update for 30 days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage import outbox
from storage.models import Account, ChannelBinding, Opportunity
from storage.store import Store
from storage.submissions import add_once

STALE_AFTER = timedelta(days=30)
STALE_TOPIC = "stale-opportunity"
OPEN_LIMIT = 50


@dataclass(frozen=True)
class Changes:
    """Fields a form or command sets; None leaves a field as it is."""

    name: str | None = None
    value: float | None = None
    product_line: str | None = None
    decision_on: date | None = None
    stage: str | None = None
    competitors: str | None = None
    next_step: str | None = None
    next_step_owner: str | None = None
    outcome_reason: str | None = None


def add(
    store: Store,
    account_id: int,
    changes: Changes,
    by: str,
    now: datetime,
    stale_at: datetime,
    key: str | None = None,
) -> tuple[Opportunity, bool]:
    """A new opportunity, reminded at `stale_at` unless updated before; or the one the form
    with submission `key` added before. Whether it is new."""
    row = new(account_id, changes, by, now, stale_at)
    row.submission_key = key
    return add_once(store.engine, row, {"account_id": account_id})


def new(
    account_id: int, changes: Changes, by: str, now: datetime, stale_at: datetime
) -> Opportunity:
    """The row of a new opportunity, not yet stored: `add` stores it, and a workshop stores it
    together with the idea it comes from."""
    row = Opportunity(
        account_id=account_id, created_by=by, created_at=now, stage=changes.stage or "lead"
    )
    _apply(row, changes, by, now, stale_at)
    return row


def change(
    store: Store,
    account_id: int,
    opportunity_id: int,
    changes: Changes,
    by: str,
    now: datetime,
    stale_at: datetime,
) -> tuple[Opportunity, Opportunity] | None:
    """Apply `changes`, reminded next at `stale_at`; the row before and after, or None when it
    is not the account's."""
    with Session(store.engine, expire_on_commit=False) as session, session.begin():
        row = session.scalar(
            select(Opportunity).filter_by(account_id=account_id, id=opportunity_id)
        )
        if row is None:
            return None
        before = Opportunity(**{c.key: getattr(row, c.key) for c in Opportunity.__table__.c})
        _apply(row, changes, by, now, stale_at)
        return before, row


def _apply(row: Opportunity, changes: Changes, by: str, now: datetime, stale_at: datetime) -> None:
    for name, value in vars(changes).items():
        if value is not None:
            setattr(row, name, value)
    row.updated_by, row.updated_at = by, now
    row.remind_at = None if row.stage in ("won", "lost") else stale_at


def find(store: Store, account_id: int, key: str) -> list[Opportunity]:
    """By id (`7` or `#7`), else by name: an exact name first, else every name containing it."""
    number = key.removeprefix("#")
    query = select(Opportunity).filter_by(account_id=account_id)
    with Session(store.engine) as session:
        if number.isdigit():
            return list(session.scalars(query.filter_by(id=int(number))))
        exact = list(session.scalars(query.where(func.lower(Opportunity.name) == key.lower())))
        if exact:
            return exact
        like = func.lower(Opportunity.name).contains(key.lower(), autoescape=True)
        return list(session.scalars(query.where(like).order_by(Opportunity.id)))


def open_ones(store: Store, account_id: int) -> list[Opportunity]:
    """Open opportunities, the next decision first."""
    query = (
        select(Opportunity)
        .where(Opportunity.account_id == account_id, Opportunity.stage.not_in(("won", "lost")))
        .order_by(Opportunity.decision_on.is_(None), Opportunity.decision_on, Opportunity.id)
        .limit(OPEN_LIMIT)
    )
    with Session(store.engine) as session:
        return list(session.scalars(query))


def every(store: Store, account_id: int) -> list[Opportunity]:
    """All the account's opportunities, open and closed, oldest first: for the export."""
    query = select(Opportunity).filter_by(account_id=account_id).order_by(Opportunity.id)
    with Session(store.engine) as session:
        return list(session.scalars(query))


def get(store: Store, opportunity_id: int) -> tuple[Opportunity, Account] | None:
    query = (
        select(Opportunity, Account)
        .join(Account, Account.id == Opportunity.account_id)
        .where(Opportunity.id == opportunity_id)
    )
    with Session(store.engine) as session:
        found = session.execute(query).first()
    return None if found is None else (found[0], found[1])


@dataclass(frozen=True)
class Stale:
    """An opportunity due a reminder, with where and when its account lives."""

    id: int
    remind_at: datetime
    workspace_id: int
    account_id: int
    channel: str
    timezone: str
    country: str | None


def stale(store: Store, now: datetime) -> list[Stale]:
    """Open opportunities whose `remind_at` has come: one indexed range query on it."""
    query = (
        select(
            Opportunity.id,
            Opportunity.remind_at,
            Account.workspace_id,
            Account.id,
            func.min(ChannelBinding.channel),
            Account.timezone,
            Account.country,
        )
        .join(Account, Account.id == Opportunity.account_id)
        .join(ChannelBinding, ChannelBinding.account_id == Account.id)
        .where(Opportunity.remind_at <= now, Account.paused_reason.is_(None))
        .group_by(Opportunity.id, Opportunity.remind_at, Account.id)
    )
    with Session(store.engine) as session:
        rows = session.execute(query).all()
    return [
        Stale(id_, at, workspace, account, channel, zone, country)
        for id_, at, workspace, account, channel, zone, country in rows
        if at is not None  # the query's condition
    ]


def remind(store: Store, due: Stale, now: datetime, next_at: datetime) -> bool:
    """Queue the reminder under a key of the opportunity and its stale period, then move the
    next one to `next_at`; False when it was already queued (a second process, a retry)."""
    queued = outbox.enqueue(
        store.engine,
        dedupe_key=f"{STALE_TOPIC}:{due.id}:{due.remind_at.date().isoformat()}",
        workspace_id=due.workspace_id,
        account_id=due.account_id,
        target=due.channel,
        to_user=False,
        topic=STALE_TOPIC,
        body=str(due.id),
        now=now,
    )
    with Session(store.engine) as session, session.begin():
        session.execute(
            update(Opportunity)
            .where(Opportunity.id == due.id, Opportunity.remind_at == due.remind_at)
            .values(remind_at=next_at)
        )
    return queued
