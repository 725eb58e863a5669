"""Which account a request is about, and whether the caller may act on it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.errors import UsageError
from handlers.i18n import _
from handlers.model import Request
from storage.models import Account
from storage.store import Store


def workspace_id(request: Request, store: Store) -> int:
    return store.workspace_id(request.platform, request.workspace, request.received_at)


def bound_account(
    request: Request, store: Store, *, archived_ok: bool = False
) -> tuple[int, Account]:
    """The workspace id and the account bound to the request's channel, or how to bind one; an
    archived account only where `archived_ok` (showing it, its history, bringing it back)."""
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
    if account.archived_at is not None and not archived_ok:
        raise UsageError(archived_notice(account))
    return workspace, account


def archived_notice(account: Account) -> str:
    """What an archived account says when used: since when, by whom, and how to undo it."""
    assert account.archived_at is not None
    return _(
        "*{account}* was archived on {day} by {who}: no reminders, and nothing new is recorded. "
        "Its history is kept; `/kam meetings` shows it. The KAM or a workspace admin can bring "
        "it back with `/kam account unarchive`."
    ).format(
        account=account.name,
        day=local_today(account, account.archived_at).isoformat(),
        who=f"<@{account.archived_by}>",
    )


def require_kam_or_admin(request: Request, account: Account, action: str) -> None:
    """The KAM or a workspace admin; `action` is already translated, e.g. `_("archive it")`."""
    if request.user != account.kam and not request.workspace_admin:
        raise UsageError(
            _("Only the KAM of {account}, {kam}, or a workspace admin can {action}.").format(
                account=account.name, kam=f"<@{account.kam}>", action=action
            )
        )


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
