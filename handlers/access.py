"""Which account a request is about, and whether the caller may act on it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.errors import UsageError
from handlers.i18n import _
from handlers.model import Request
from storage import links
from storage.models import Account
from storage.store import Store


def workspace_id(request: Request, store: Store) -> int:
    return store.workspace_id(request.platform, request.workspace, request.received_at)


def bound_account(request: Request, store: Store) -> tuple[int, Account]:
    """The workspace id and the account bound to the request's channel, or how to bind one."""
    workspace = workspace_id(request, store)
    account = store.account_for_channel(workspace, request.channel)
    if account is None:
        raise UsageError(
            _(
                "This channel isn't bound to a key account yet. "
                "Create one here with `/kam account create <customer name>`, "
                "e.g. `/kam account create Acme Group`."
            )
        )
    return workspace, account


def same_person(store: Store, account: Account, workspace: int, user: str) -> str:
    """The id by which the account knows `user` of `workspace`: their own on the account's
    platform, else the one they joined to it with `/kam link-me` (or their own, unknown there).

    Every permission check compares this id with the KAM and the team."""
    if workspace == account.workspace_id:
        return user
    return links.linked_ids(store, workspace, [user], account.workspace_id).get(user, user)


def is_member(account: Account, user: str) -> bool:
    return any(member.user_id == user for member in account.members)


def require_member(account: Account, user: str, action: str) -> None:
    """Only the account team may act on the account; others are told whom to ask.

    `action` is already translated, a verb phrase such as `_("log meetings")`.
    """
    if not is_member(account, user):
        raise UsageError(
            _(
                "Only the {account} account team can {action}. "
                "Ask the KAM, {kam}, to add you with `/kam team add @you <role>`."
            ).format(account=account.name, action=action, kam=f"<@{account.kam}>")
        )


def require_kam(account: Account, user: str, action: str) -> None:
    """Only the KAM may; `action` is already translated, e.g. `_("change the account team")`."""
    if user != account.kam:
        raise UsageError(
            _("Only the KAM of {account}, {kam}, can {action}.").format(
                account=account.name, kam=f"<@{account.kam}>", action=action
            )
        )


def local_today(account: Account, now: datetime) -> date:
    """Today's date where the account lives."""
    return now.astimezone(ZoneInfo(account.timezone)).date()
