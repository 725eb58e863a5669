"""What a person's App Home lists: their accounts and the action items they own."""

from __future__ import annotations

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from storage.models import Account, ActionItem, Meeting, TeamMember


def accounts_of(engine: Engine, workspace_id: int, user: str) -> list[int]:
    """The ids of the accounts where `user` is the KAM or on the team, by name."""
    query = (
        select(Account.id)
        .outerjoin(TeamMember, TeamMember.account_id == Account.id)
        .where(
            Account.workspace_id == workspace_id,
            or_(Account.kam == user, TeamMember.user_id == user),
        )
        .group_by(Account.id, Account.name)
        .order_by(Account.name)
    )
    with Session(engine) as session:
        return list(session.scalars(query))


def open_action_items(engine: Engine, account_id: int) -> list[ActionItem]:
    """Action items of the account's meetings not yet done, the earliest due first."""
    query = (
        select(ActionItem)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .where(Meeting.account_id == account_id, ActionItem.done.is_(False))
        .order_by(ActionItem.due.is_(None), ActionItem.due, ActionItem.id)
    )
    with Session(engine) as session:
        return list(session.scalars(query))
