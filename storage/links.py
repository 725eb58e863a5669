"""One account and one person on several platforms: one-time link codes and linked identities.

A code is shown once to the person who asked for it and kept only as a hash; it works once and
for `CODE_LIFETIME`. Redeeming it is one conditional UPDATE, so two people typing the same code
at once cannot both succeed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, true, update
from sqlalchemy.orm import Session

from storage.models import LinkCode, PersonLink
from storage.store import Store

CODE_LIFETIME = timedelta(minutes=10)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I: the code is read on one screen and typed on another."""
CODE_LENGTH = 8


@dataclass(frozen=True)
class Redeemed:
    """Who issued a redeemed code, where, and for which account (None: to link the person)."""

    workspace_id: int
    user_id: str
    account_id: int | None


def issue_code(
    store: Store, workspace_id: int, user: str, account_id: int | None, now: datetime
) -> str:
    """A fresh code; only its hash is stored."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    with Session(store.engine) as session, session.begin():
        session.add(
            LinkCode(
                code_hash=_hash(code),
                workspace_id=workspace_id,
                user_id=user,
                account_id=account_id,
                expires_at=now + CODE_LIFETIME,
            )
        )
    return code


def redeem_code(
    store: Store, code: str, *, for_account: bool, now: datetime, not_from: int | None = None
) -> Redeemed | None:
    """Use up a valid code of the right kind; None when it is unknown, used, expired, of the
    other kind or issued in workspace `not_from`, and then nothing changes."""
    kind = LinkCode.account_id.is_not(None) if for_account else LinkCode.account_id.is_(None)
    elsewhere = true() if not_from is None else LinkCode.workspace_id != not_from
    with Session(store.engine) as session, session.begin():
        used = session.execute(
            update(LinkCode)
            .where(
                LinkCode.code_hash == _hash(code),
                LinkCode.used_at.is_(None),
                LinkCode.expires_at > now,
                kind,
                elsewhere,
            )
            .values(used_at=now)
            .returning(LinkCode.workspace_id, LinkCode.user_id, LinkCode.account_id)
        ).first()
    return None if used is None else Redeemed(used[0], used[1], used[2])


def link_people(
    store: Store,
    workspace_id: int,
    user: str,
    other_workspace_id: int,
    other_user: str,
    now: datetime,
) -> None:
    """Make two ids one person, replacing any earlier link between these two workspaces."""
    with Session(store.engine) as session, session.begin():
        for here, who, there in (
            (workspace_id, user, other_workspace_id),
            (other_workspace_id, other_user, workspace_id),
        ):
            session.execute(
                delete(PersonLink).where(
                    PersonLink.workspace_id == here,
                    PersonLink.user_id == who,
                    PersonLink.other_workspace_id == there,
                )
            )
            session.execute(
                delete(PersonLink).where(
                    PersonLink.other_workspace_id == here,
                    PersonLink.other_user_id == who,
                    PersonLink.workspace_id == there,
                )
            )
        session.add_all(
            (
                PersonLink(
                    workspace_id=workspace_id,
                    user_id=user,
                    other_workspace_id=other_workspace_id,
                    other_user_id=other_user,
                    linked_at=now,
                ),
                PersonLink(
                    workspace_id=other_workspace_id,
                    user_id=other_user,
                    other_workspace_id=workspace_id,
                    other_user_id=user,
                    linked_at=now,
                ),
            )
        )


def linked_ids(
    store: Store, workspace_id: int, users: list[str], other_workspace_id: int
) -> dict[str, str]:
    """The ids in `other_workspace_id` of those `users` of `workspace_id` who linked theirs."""
    if not users:
        return {}
    query = select(PersonLink.user_id, PersonLink.other_user_id).where(
        PersonLink.workspace_id == workspace_id,
        PersonLink.other_workspace_id == other_workspace_id,
        PersonLink.user_id.in_(users),
    )
    with Session(store.engine) as session:
        return {user: other for user, other in session.execute(query)}


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()
