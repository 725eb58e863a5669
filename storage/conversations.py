"""Conversation references: where a platform lets the bot post on its own (Teams needs them).

A reference is kept per workspace and conversation, replaced whenever the bot hears from the
conversation again (its service URL may move); a personal chat also names its person, so a
message to a user finds their chat with the bot.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import ConversationReference, Workspace
from storage.store import Store


def remember(
    store: Store,
    platform: str,
    workspace: str,
    conversation: str,
    reference: str,
    now: datetime,
    *,
    user: str | None = None,
) -> None:
    """Store or refresh the reference of one conversation; a concurrent insert is a refresh."""
    workspace_id = store.workspace_id(platform, workspace, now)
    for _attempt in range(2):
        try:
            with Session(store.engine) as session, session.begin():
                _upsert(session, workspace_id, conversation, reference, user, now)
            return
        except IntegrityError:
            continue


def _upsert(
    session: Session,
    workspace_id: int,
    conversation: str,
    reference: str,
    user: str | None,
    now: datetime,
) -> None:
    row = session.scalar(
        select(ConversationReference).filter_by(
            workspace_id=workspace_id, conversation=conversation
        )
    )
    if row is None:
        row = ConversationReference(workspace_id=workspace_id, conversation=conversation)
        session.add(row)
    row.reference = reference
    row.updated_at = now
    if user is not None:
        row.user_id = user


def reference_for(store: Store, platform: str, workspace: str, target: str) -> str | None:
    """The reference of a conversation, or of a person's personal chat; None if never seen."""
    query = (
        select(ConversationReference.reference)
        .join(Workspace, Workspace.id == ConversationReference.workspace_id)
        .where(
            Workspace.platform == platform,
            Workspace.external_id == workspace,
            or_(
                ConversationReference.conversation == target,
                ConversationReference.user_id == target,
            ),
        )
        .order_by(
            (ConversationReference.conversation == target).desc(),
            ConversationReference.updated_at.desc(),
        )
        .limit(1)
    )
    with Session(store.engine) as session:
        return session.scalar(query)
