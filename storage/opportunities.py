"""Opportunities at an account, and the stale ones: open without an update for 30 days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage import outbox
from storage.models import Account, ChannelBinding, Opportunity
from storage.store import Store

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


def add(store: Store, account_id: int, changes: Changes, by: str, now: datetime) -> Opportunity:
    """A new opportunity, stale 30 days from now unless updated."""
    row = Opportunity(
        account_id=account_id, created_by=by, created_at=now, stage=changes.stage or "lead"
    )
    _apply(row, changes, by, now)
    with Session(store.engine, expire_on_commit=False) as session, session.begin():
        session.add(row)
    return row


def change(
    store: Store, account_id: int, opportunity_id: int, changes: Changes, by: str, now: datetime
) -> tuple[Opportunity, Opportunity] | None:
    """Apply `changes`; the row before and after, or None when it is not the account's."""
    with Session(store.engine, expire_on_commit=False) as session, session.begin():
        row = session.scalar(
            select(Opportunity).filter_by(account_id=account_id, id=opportunity_id)
        )
        if row is None:
            return None
        before = Opportunity(**{c.key: getattr(row, c.key) for c in Opportunity.__table__.c})
        _apply(row, changes, by, now)
        return before, row


def _apply(row: Opportunity, changes: Changes, by: str, now: datetime) -> None:
    for name, value in vars(changes).items():
        if value is not None:
            setattr(row, name, value)
    row.updated_by, row.updated_at = by, now
    row.remind_at = None if row.stage in ("won", "lost") else now + STALE_AFTER


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


def get(store: Store, opportunity_id: int) -> tuple[Opportunity, Account] | None:
    query = (
        select(Opportunity, Account)
        .join(Account, Account.id == Opportunity.account_id)
        .where(Opportunity.id == opportunity_id)
    )
    with Session(store.engine) as session:
        found = session.execute(query).first()
    return None if found is None else (found[0], found[1])


def queue_stale(store: Store, now: datetime) -> int:
    """Queue a reminder in its account's channel for each opportunity gone stale by `now`.

    One indexed range query on `remind_at` finds them; each is queued under a key of the
    opportunity and its 30-day period, and moved to remind again 30 days later.
    """
    query = (
        select(
            Opportunity.id,
            Opportunity.remind_at,
            Account.workspace_id,
            Account.id,
            func.min(ChannelBinding.channel),
        )
        .join(Account, Account.id == Opportunity.account_id)
        .join(ChannelBinding, ChannelBinding.account_id == Account.id)
        .where(Opportunity.remind_at <= now, Account.paused_reason.is_(None))
        .group_by(Opportunity.id, Opportunity.remind_at, Account.workspace_id, Account.id)
    )
    with Session(store.engine) as session:
        due = session.execute(query).all()
    queued = 0
    for opportunity_id, remind_at, workspace_id, account_id, channel in due:
        assert remind_at is not None  # the query's condition
        queued += outbox.enqueue(
            store.engine,
            dedupe_key=f"{STALE_TOPIC}:{opportunity_id}:{remind_at.date().isoformat()}",
            workspace_id=workspace_id,
            account_id=account_id,
            target=channel,
            to_user=False,
            topic=STALE_TOPIC,
            body=str(opportunity_id),
            now=now,
        )
        with Session(store.engine) as session, session.begin():
            session.execute(
                update(Opportunity)
                .where(Opportunity.id == opportunity_id, Opportunity.remind_at == remind_at)
                .values(remind_at=now + STALE_AFTER)
            )
    return queued
