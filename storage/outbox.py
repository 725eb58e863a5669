"""The outbox: what the bot will post on its own, claimed by one deliverer at a time.

A row is `pending` until claimed, `sending` while a deliverer holds it (a lease that expires, so a
crash loses nothing), then `sent`, `dead` after too many attempts, or `cancelled` (the reminder was
resolved or its account paused before delivery).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from storage.db import take_turn
from storage.models import Account, OutboxMessage, Workspace

LEASE = timedelta(minutes=5)
OPEN_STATES = ("pending", "sending")
CLAIM_LOCK = 0x6B616E  # one advisory lock id for every claimer, beside the sweep's


@dataclass(frozen=True)
class Claimed:
    """A claimed row with what delivery needs to route it."""

    id: int
    platform: str
    workspace: str
    account_id: int | None
    target: str
    to_user: bool
    topic: str
    subject: str
    due_on: date | None
    step: int
    body: str
    attempts: int
    maybe_sent: bool
    language: str = "en"
    """The account's language, for what an adapter adds to the message itself."""


def enqueue(
    engine: Engine,
    *,
    dedupe_key: str,
    workspace_id: int,
    account_id: int | None,
    target: str,
    to_user: bool,
    topic: str,
    body: str,
    now: datetime,
) -> bool:
    """Add a free-form message once per key; False when the key was already there."""
    with Session(engine) as session, session.begin():
        if session.scalar(select(OutboxMessage.id).filter_by(dedupe_key=dedupe_key)) is not None:
            return False
        session.add(
            OutboxMessage(
                dedupe_key=dedupe_key,
                workspace_id=workspace_id,
                account_id=account_id,
                target=target,
                to_user=to_user,
                topic=topic,
                body=body,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return True


def claim(engine: Engine, now: datetime, targets: int) -> list[Claimed]:
    """Take every due row of up to `targets` targets; an expired lease is taken over as
    `maybe_sent`, since its deliverer may have posted before it died. Rows of a paused
    (uninstalled) workspace wait until it is installed again.

    Claimers take turns and take whole targets: rows claimed apart would reach one channel as
    several messages where one was meant, when replicas claim at the same moment.
    """
    token = uuid.uuid4().hex
    paused = select(Workspace.id).where(Workspace.paused_reason.is_not(None))
    due = (
        or_(
            (OutboxMessage.state == "pending") & (OutboxMessage.next_attempt_at <= now),
            (OutboxMessage.state == "sending") & (OutboxMessage.claimed_at < now - LEASE),
        ),
        OutboxMessage.workspace_id.not_in(paused),
    )
    target = tuple_(OutboxMessage.workspace_id, OutboxMessage.target)
    first_targets = (
        select(OutboxMessage.workspace_id, OutboxMessage.target)
        .where(*due)
        .group_by(OutboxMessage.workspace_id, OutboxMessage.target)
        .order_by(func.min(OutboxMessage.id))
        .limit(targets)
    )
    with Session(engine) as session, session.begin():
        take_turn(session, CLAIM_LOCK)
        session.execute(
            update(OutboxMessage)
            .where(*due, target.in_(first_targets))
            .values(
                state="sending",
                claimed_at=now,
                claim_token=token,
                attempts=OutboxMessage.attempts + 1,
                maybe_sent=OutboxMessage.maybe_sent | (OutboxMessage.state == "sending"),
            )
            .execution_options(synchronize_session=False)
        )
        rows = session.execute(
            select(OutboxMessage, Workspace.platform, Workspace.external_id, Account.language)
            .join(Workspace, Workspace.id == OutboxMessage.workspace_id)
            .outerjoin(Account, Account.id == OutboxMessage.account_id)
            .where(OutboxMessage.claim_token == token)
            .order_by(OutboxMessage.id)
        ).all()
        return [_claimed(*found) for found in rows]


def _claimed(row: OutboxMessage, platform: str, workspace: str, language: str | None) -> Claimed:
    return Claimed(
        id=row.id,
        platform=platform,
        workspace=workspace,
        account_id=row.account_id,
        target=row.target,
        to_user=row.to_user,
        topic=row.topic,
        subject=row.subject,
        due_on=row.due_on,
        step=row.step,
        body=row.body,
        attempts=row.attempts,
        maybe_sent=row.maybe_sent,
        language=language or "en",
    )


def mark_sent(engine: Engine, ids: list[int], message_id: str, now: datetime) -> None:
    _set(engine, ids, state="sent", message_id=message_id, sent_at=now, last_error=None)


def retry_later(
    engine: Engine, ids: list[int], at: datetime, error: str, *, maybe_sent: bool = False
) -> None:
    """Give rows back for a later attempt; `maybe_sent` asks the next attempt to look first."""
    _set(
        engine,
        ids,
        state="pending",
        next_attempt_at=at,
        last_error=error,
        maybe_sent=maybe_sent,
        claim_token=None,
    )


def mark_dead(engine: Engine, ids: list[int], error: str) -> None:
    _set(engine, ids, state="dead", last_error=error, claim_token=None)


def cancel(engine: Engine, ids: list[int], reason: str) -> None:
    """Drop claimed rows that have nothing left to say."""
    _set(engine, ids, state="cancelled", last_error=reason, claim_token=None)


def cancel_for_account(engine: Engine, account_id: int, reason: str) -> int:
    """Cancel an account's undelivered rows (e.g. its channel is gone); returns how many."""
    with Session(engine) as session, session.begin():
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.account_id == account_id,
                OutboxMessage.state == "pending",
                OutboxMessage.to_user.is_(False),
            )
            .values(state="cancelled", last_error=reason)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def pause_account(engine: Engine, account_id: int, reason: str) -> Account | None:
    """Stop an account's reminders until someone fixes its channel; returns the account."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        account = session.get(Account, account_id)
        if account is not None:
            account.paused_reason = reason
        return account


def problems(engine: Engine, limit: int = 50) -> list[OutboxMessage]:
    """Rows not yet delivered or given up on, for `kam-bot outbox`."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.state.in_(("pending", "sending", "dead")))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    with Session(engine) as session:
        return list(session.scalars(query))


def depth(engine: Engine) -> dict[str, int]:
    """How many rows are in each state."""
    query = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    with Session(engine) as session:
        return {state: n for state, n in session.execute(query)}


def _set(engine: Engine, ids: list[int], **values: object) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**values))
