"""Files the bot serves itself, for Teams: an unguessable link that works for `LIFETIME`.

The bytes are in the database, so any replica serves a link another replica made. Whoever holds
the link can open the file while it lives: the token is the only secret, as with a shared link.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import SharedFile
from storage.store import Store

LIFETIME = timedelta(days=7)


def share(
    store: Store, workspace_id: int, filename: str, mime: str, content: bytes, now: datetime
) -> str:
    """Keep the file; its token, the link's secret part."""
    token = secrets.token_urlsafe(32)
    with Session(store.engine) as session, session.begin():
        session.add(
            SharedFile(
                token=token,
                workspace_id=workspace_id,
                filename=filename,
                mime=mime,
                content=content,
                created_at=now,
                expires_at=now + LIFETIME,
            )
        )
    return token


def shared(store: Store, token: str, filename: str, now: datetime) -> SharedFile | None:
    """The file behind a link, or None when the token or its filename is unknown, or expired."""
    query = select(SharedFile).where(
        SharedFile.token == token, SharedFile.filename == filename, SharedFile.expires_at > now
    )
    with Session(store.engine) as session:
        return session.scalar(query)


def forget_expired(store: Store, now: datetime) -> int:
    """Delete the files whose links have expired (each scheduler tick); how many."""
    with Session(store.engine) as session, session.begin():
        result = session.execute(delete(SharedFile).where(SharedFile.expires_at <= now))
    return int(result.rowcount)  # type: ignore[attr-defined]
