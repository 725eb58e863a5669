"""The account plan's queries: its sections, its revisions with snapshots, its agreements."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from storage.models import Account, FrameworkAgreement, PlanRevision, PlanSection

Plan = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Revision:
    """A revision with its number in the account's history (the first is 1)."""

    number: int
    revised_by: str
    revised_at: datetime
    note: str
    snapshot: Plan


@dataclass(frozen=True)
class Expiring:
    """A framework agreement whose end is near, with what its reminder needs."""

    workspace_id: int
    account_id: int
    name: str
    ends_on: date


def current_plan(engine: Engine, account_id: int) -> Plan:
    """Every section's content as last saved; sections never edited are missing."""
    with Session(engine) as session:
        rows = session.scalars(select(PlanSection).filter_by(account_id=account_id))
        return {row.section: json.loads(row.content) for row in rows}


def save_section(
    engine: Engine,
    account_id: int,
    section: str,
    content: dict[str, str],
    by: str,
    at: datetime,
    agreements: list[tuple[str, date]] | None = None,
) -> None:
    """Replace one section; `agreements`, when given, replaces the account's agreement rows."""
    with Session(engine) as session, session.begin():
        row = session.scalar(select(PlanSection).filter_by(account_id=account_id, section=section))
        if row is None:
            row = PlanSection(account_id=account_id, section=section)
            session.add(row)
        row.content, row.updated_by, row.updated_at = json.dumps(content), by, at
        if agreements is not None:
            session.execute(delete(FrameworkAgreement).filter_by(account_id=account_id))
            session.add_all(
                FrameworkAgreement(account_id=account_id, name=name, ends_on=ends_on)
                for name, ends_on in agreements
            )


def record_revision(
    engine: Engine, account_id: int, by: str, at: datetime, note: str
) -> tuple[Revision, Revision | None]:
    """Record a revision holding the plan as it stands; returns it and the one before it."""
    before = revisions(engine, account_id)
    snapshot = current_plan(engine, account_id)
    with Session(engine) as session, session.begin():
        session.add(
            PlanRevision(
                account_id=account_id,
                revised_by=by,
                revised_at=at,
                note=note,
                snapshot=json.dumps(snapshot),
            )
        )
    revision = Revision(len(before) + 1, by, at, note, snapshot)
    return revision, before[-1] if before else None


def revisions(engine: Engine, account_id: int) -> list[Revision]:
    """The account's revisions, oldest first, numbered from 1."""
    query = (
        select(PlanRevision)
        .where(PlanRevision.account_id == account_id)
        .order_by(PlanRevision.revised_at, PlanRevision.id)
    )
    with Session(engine) as session:
        rows = session.scalars(query).all()
        return [
            Revision(n, row.revised_by, row.revised_at, row.note, json.loads(row.snapshot))
            for n, row in enumerate(rows, start=1)
        ]


def agreement_ends(engine: Engine, account_id: int, name: str, ends_on: date) -> bool:
    """Whether the plan still holds this agreement with this end date (a queued reminder of one
    removed or prolonged since is moot)."""
    query = select(FrameworkAgreement.id).filter_by(
        account_id=account_id, name=name, ends_on=ends_on
    )
    with Session(engine) as session:
        return session.scalar(query.limit(1)) is not None


def expiring(engine: Engine, since: date, until: date) -> list[Expiring]:
    """Agreements ending between `since` and `until`, for the expiry reminders."""
    query = (
        select(Account.workspace_id, FrameworkAgreement)
        .join(Account, Account.id == FrameworkAgreement.account_id)
        .where(FrameworkAgreement.ends_on.between(since, until), Account.paused_reason.is_(None))
        .order_by(FrameworkAgreement.ends_on, FrameworkAgreement.id)
    )
    with Session(engine) as session:
        return [
            Expiring(workspace_id, row.account_id, row.name, row.ends_on)
            for workspace_id, row in session.execute(query)
        ]
