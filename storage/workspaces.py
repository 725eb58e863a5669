"""A workspace's whole reminders paused while the bot is uninstalled, and resumed on install."""

from __future__ import annotations

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from storage.models import Account, Workspace


def pause(engine: Engine, platform: str, external_id: str, reason: str) -> bool:
    """Stop queuing and delivering the workspace's reminders; nothing is deleted. False when the
    bot never served that workspace."""
    with Session(engine) as session, session.begin():
        result = session.execute(
            update(Workspace)
            .where(Workspace.platform == platform, Workspace.external_id == external_id)
            .values(paused_reason=reason)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def resume(engine: Engine, platform: str, external_id: str) -> list[int]:
    """Lift the pause; the ids of the accounts whose reminders need planning again."""
    with Session(engine) as session, session.begin():
        workspace = session.scalar(
            select(Workspace).filter_by(platform=platform, external_id=external_id)
        )
        if workspace is None or workspace.paused_reason is None:
            return []
        workspace.paused_reason = None
        return list(session.scalars(select(Account.id).filter_by(workspace_id=workspace.id)))


def paused_reason(engine: Engine, platform: str, external_id: str) -> str | None:
    with Session(engine) as session:
        return session.scalar(
            select(Workspace.paused_reason).filter_by(platform=platform, external_id=external_id)
        )
