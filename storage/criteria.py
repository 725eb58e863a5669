"""Key-account criteria per workspace, the evidence accounts were classified on, and the
yearly re-qualification reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from storage import outbox
from storage.models import Account, ChannelBinding, Classification, Criterion
from storage.submissions import add_once

YEAR = timedelta(days=365)
REQUALIFY = "requalify"


@dataclass(frozen=True)
class Rule:
    """A criterion is met when the evidence reaches `threshold`; met criteria add `weight`."""

    threshold: int
    weight: int


DEFAULTS: dict[str, Rule] = {
    "current-revenue": Rule(1_000_000, 3),
    "potential-revenue": Rule(5_000_000, 3),
    "group-companies": Rule(3, 2),
    "product-lines": Rule(2, 2),
}
"""The method's criteria: current and potential revenue with us, the organisation's complexity
(companies in the group) and how many of our product or service lines it needs."""


def rules(engine: Engine, workspace_id: int) -> dict[str, Rule]:
    """The workspace's criteria: its own where set, the defaults elsewhere, in a fixed order."""
    query = select(Criterion).where(Criterion.workspace_id == workspace_id)
    with Session(engine) as session:
        own = {row.key: Rule(row.threshold, row.weight) for row in session.scalars(query)}
    return {key: own.get(key, default) for key, default in DEFAULTS.items()}


def set_rule(
    engine: Engine, workspace_id: int, key: str, rule: Rule, by: str, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        row = session.scalar(select(Criterion).filter_by(workspace_id=workspace_id, key=key))
        if row is None:
            row = Criterion(workspace_id=workspace_id, key=key)
            session.add(row)
        row.threshold, row.weight, row.changed_by, row.changed_at = (
            rule.threshold,
            rule.weight,
            by,
            now,
        )


def is_kam(engine: Engine, workspace_id: int, user: str) -> bool:
    """Whether `user` is the KAM of any account in the workspace."""
    query = select(Account.id).where(Account.workspace_id == workspace_id, Account.kam == user)
    with Session(engine) as session:
        return session.scalar(query.limit(1)) is not None


def record(engine: Engine, classification: Classification) -> tuple[Classification, bool]:
    """Store it, or find the one its form stored before; whether it is new."""
    return add_once(engine, classification, {"account_id": classification.account_id})


def latest(engine: Engine, account_id: int) -> Classification | None:
    query = (
        select(Classification)
        .where(Classification.account_id == account_id)
        .order_by(Classification.classified_at.desc(), Classification.id.desc())
        .limit(1)
    )
    with Session(engine) as session:
        return session.scalar(query)


def queue_requalifications(engine: Engine, now: datetime) -> int:
    """Each year after its latest classification, an account's channel is asked to classify it
    again; the dedupe key (account and anniversary year) makes it once a year."""
    last = func.max(Classification.classified_at)
    channel = (
        select(func.min(ChannelBinding.channel))
        .where(ChannelBinding.account_id == Classification.account_id)
        .scalar_subquery()
    )
    query = (
        select(Classification.account_id, Account.workspace_id, last, channel)
        .join(Account, Account.id == Classification.account_id)
        .where(Account.paused_reason.is_(None))
        .group_by(Classification.account_id, Account.workspace_id)
        .having(last <= now - YEAR)
    )
    with Session(engine) as session:
        due = session.execute(query).all()
    queued = 0
    for account_id, workspace_id, classified_at, target in due:
        if target is None:
            continue
        years = (now - classified_at) // YEAR
        queued += outbox.enqueue(
            engine,
            dedupe_key=f"{REQUALIFY}:{account_id}:{classified_at.year + years}",
            workspace_id=workspace_id,
            account_id=account_id,
            target=target,
            to_user=False,
            topic=REQUALIFY,
            body="",
            now=now,
        )
    return queued
