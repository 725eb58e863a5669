"""Who may do what: one table of roles by actions, and the one check every handler calls.

The README's "Who may do what" table is rendered from `TABLE` (a test keeps them equal), so the
rules people read are the rules the bot applies.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from handlers.access import is_member
from handlers.errors import UsageError
from handlers.i18n import _
from handlers.model import Request
from storage.models import Account


class Role(Enum):
    """What a person is to one account; everyone in the workspace is at least `ANYONE`."""

    ADMIN = "workspace admin"
    KAM = "the account's KAM"
    MEMBER = "account-team member"
    ANYONE = "everyone else"


class Action(Enum):
    """What a person may want to do to an account; the value is the README's wording."""

    VIEW = "view the account, its meetings and plan overview"
    LOG_MEETING = "log a meeting"
    EDIT_PLAN = "edit the plan, KPIs, opportunities and key persons; record a revision"
    SNOOZE = "snooze a reminder"
    ANSWER_CHECKIN = "answer a check-in"
    SEE_CONFIDENTIAL = "see confidential plan fields and check-in answers"
    EXPORT = "export the account"
    SET_CADENCE = "change the cadence, resume reminders"
    SET_CHECKINS = "change the check-in schedule"
    RUN_WORKSHOP = "start and close a workshop, pick its ideas"
    MANAGE_TEAM = "manage the account team"
    LINK_CHANNELS = "link or unlink the account's channels"
    CHANGE_SETTINGS = "change settings"
    SET_BUDGET_MONTH = "change the workspace's budget month (every account's plan revisions)"
    ARCHIVE = "archive the account, bring it back"
    DELETE = "delete a meeting or the account"


EVERYONE = frozenset(Role)
TEAM = frozenset({Role.KAM, Role.MEMBER})
STEWARDS = frozenset({Role.KAM, Role.ADMIN})
"""Those who answer for the account: its KAM, and a workspace admin when the KAM is away."""
ADMINS = frozenset({Role.ADMIN})
"""For what changes every account of the workspace at once."""

TABLE: dict[Action, frozenset[Role]] = {
    Action.VIEW: EVERYONE,
    Action.LOG_MEETING: TEAM,
    Action.EDIT_PLAN: TEAM,
    Action.SNOOZE: TEAM,
    Action.ANSWER_CHECKIN: TEAM,
    Action.SEE_CONFIDENTIAL: TEAM,
    Action.EXPORT: TEAM,
    Action.SET_CADENCE: STEWARDS,
    Action.SET_CHECKINS: STEWARDS,
    Action.RUN_WORKSHOP: STEWARDS,
    Action.MANAGE_TEAM: STEWARDS,
    Action.LINK_CHANNELS: STEWARDS,
    Action.CHANGE_SETTINGS: STEWARDS,
    Action.SET_BUDGET_MONTH: ADMINS,
    Action.ARCHIVE: STEWARDS,
    Action.DELETE: STEWARDS,
}
"""Which roles may take each action; the whole authorisation policy of the bot."""


def roles(request: Request, account: Account) -> frozenset[Role]:
    """Every role the caller holds on the account."""
    held = {Role.ANYONE}
    if request.workspace_admin:
        held.add(Role.ADMIN)
    if request.user == account.kam:
        held.add(Role.KAM)
    if is_member(account, request.user):
        held.add(Role.MEMBER)
    return frozenset(held)


def allowed(request: Request, account: Account, action: Action) -> bool:
    """Whether the caller may take `action` on the account, e.g. to leave out hidden fields."""
    return bool(TABLE[action] & roles(request, account))


def require(request: Request, account: Account, action: Action, *, author: str = "") -> None:
    """Refuse unless the table allows it; the refusal says who can.

    `author`, who added the thing acted on (a meeting's logger), may also remove it; the
    refusal then names them beside the KAM and admins, so use it with `STEWARDS` actions.
    """
    if author and request.user == author:
        return
    if not allowed(request, account, action):
        raise UsageError(denial(account, action, author))


def denial(account: Account, action: Action, author: str = "") -> str:
    """`Only the KAM of Acme, @kam, or a workspace admin can change the cadence.`"""
    names = {"account": account.name, "kam": f"<@{account.kam}>", "action": _DOING[action]()}
    if author and author != account.kam:
        text = _(
            "Only {author}, who added it, the KAM of {account}, {kam}, or a workspace admin "
            "can remove it."
        )
        return text.format(author=f"<@{author}>", **names)
    if TABLE[action] == ADMINS:
        return _("Only a workspace admin can {action}.").format(**names)
    if TABLE[action] == STEWARDS:
        text = _("Only the KAM of {account}, {kam}, or a workspace admin can {action}.")
        return text.format(**names)
    text = _(
        "Only the {account} account team can {action}. "
        "Ask the KAM, {kam}, to add you with `/kam team add @you <role>`."
    )
    return text.format(**names)


_DOING: dict[Action, Callable[[], str]] = {
    Action.VIEW: lambda: _("see this account"),
    Action.LOG_MEETING: lambda: _("log meetings"),
    Action.EDIT_PLAN: lambda: _("edit the account plan"),
    Action.SNOOZE: lambda: _("snooze its reminders"),
    Action.ANSWER_CHECKIN: lambda: _("answer its check-ins"),
    Action.SEE_CONFIDENTIAL: lambda: _("see the confidential parts of the plan and the check-ins"),
    Action.EXPORT: lambda: _("export the account"),
    Action.SET_CADENCE: lambda: _("change the cadence"),
    Action.SET_CHECKINS: lambda: _("change the check-in schedule"),
    Action.RUN_WORKSHOP: lambda: _("run the account's workshops"),
    Action.MANAGE_TEAM: lambda: _("change the account team"),
    Action.LINK_CHANNELS: lambda: _("link or unlink the account's channels"),
    Action.CHANGE_SETTINGS: lambda: _("change the account's settings"),
    Action.SET_BUDGET_MONTH: lambda: _(
        "change the budget month: it sets when every account in the workspace revises its plan"
    ),
    Action.ARCHIVE: lambda: _("archive the account or bring it back"),
    Action.DELETE: lambda: _("delete meetings or the account"),
}
"""Each action as the verb phrase of a refusal, translated when the refusal is made."""


def markdown_table() -> str:
    """The README's table: one row per action, one column per role."""
    columns = list(Role)
    lines = [
        "| action | " + " | ".join(role.value for role in columns) + " |",
        "| --- |" + " :-: |" * len(columns),
    ]
    for action, who in TABLE.items():
        marks = " | ".join("✓" if role in who else "—" for role in columns)
        lines.append(f"| {action.value} | {marks} |")
    return "\n".join(lines)
