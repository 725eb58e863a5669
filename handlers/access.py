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


def same_person(store: Store, account: Account, workspace: int, user: str) -> str:
    """The id by which the account knows `user` of `workspace`: their own on the account's
    platform, else the one they joined to it with `/kam link-me` (or their own, unknown there).

    Every permission check compares this id with the KAM and the team."""
    if workspace == account.workspace_id:
        return user
    return links.linked_ids(store, workspace, [user], account.workspace_id).get(user, user)


def is_member(account: Account, user: str) -> bool:
    return any(member.user_id == user for member in account.members)


def named_account(request: Request, store: Store, channel: str) -> tuple[int, Account]:
    """The account a button's value or a form's hidden state names by its channel.

    Both come back from the platform, so they are checked like typed input: the channel must be
    bound in the caller's workspace, and a button is clicked in its account's channel or in a
    direct message, never in another account's channel. Anything else changes nothing.
    """
    workspace = workspace_id(request, store)
    account = store.account_for_channel(workspace, channel)
    here = store.account_for_channel(workspace, request.channel)
    if account is None:
        raise UsageError(_("That button or form is for no key account here; nothing was changed."))
    if here is not None and here.id != account.id:
        raise UsageError(
            _("That button belongs to another account's message; nothing was changed.")
        )
    return workspace, account


def local_today(account: Account, now: datetime) -> date:
    """Today's date where the account lives."""
    return now.astimezone(ZoneInfo(account.timezone)).date()
