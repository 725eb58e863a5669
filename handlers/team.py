"""`/kam team`: who works the account, with which role; the KAM manages it."""

from __future__ import annotations

from handlers.access import bound_account
from handlers.errors import UsageError
from handlers.i18n import _, ngettext, speaking
from handlers.model import Reply, Request, Section, Visibility
from handlers.parsing import MENTION, mentioned_users
from handlers.permissions import Action, require
from handlers.wording import people
from storage.store import Store

ROLES = ("kam", "sales", "delivery", "service", "sponsor", "specialist")
DEFAULT_ROLE = "specialist"
ROLE_LIMIT = 32


def team(request: Request, store: Store, args: str) -> Reply:
    """`team` lists the team; `team add @who [role]` and `team remove @who` change it."""
    action, _sep, rest = args.partition(" ")
    if action == "add":
        return add_members(request, store, rest)
    if action == "remove":
        return remove_members(request, store, rest)
    if action:
        raise UsageError(
            _(
                "I don't know `team {action}`. Use `/kam team`, `/kam team add @alice sales` "
                "or `/kam team remove @alice`."
            ).format(action=action)
        )
    return list_team(request, store)


def list_team(request: Request, store: Store) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.VIEW)
    lines = "\n".join(f"• <@{member.user_id}> — {member.role}" for member in account.members)
    size = len(account.members)
    return Reply(
        summary=ngettext(
            "The {account} account team: {n} people.",
            "The {account} account team: {n} people.",
            size,
        ).format(account=account.name, n=size),
        blocks=(
            Section(_("*The {account} account team*").format(account=account.name) + "\n" + lines),
        ),
    )


def add_members(request: Request, store: Store, args: str) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.MANAGE_TEAM)
    users = _users_or_usage(
        args, _("Mention whom to add, e.g. {example}."), "`/kam team add @alice sales`"
    )
    role = _role(MENTION.sub(" ", args))
    if account.kam in users:
        raise UsageError(
            _("{kam} is the KAM of {account}; that role stays as it is.").format(
                kam=f"<@{account.kam}>", account=account.name
            )
        )
    added = [
        user
        for user in users
        if store.set_member(account.id, user, role, request.user, request.received_at)
    ]
    changed = [user for user in users if user not in added]
    with speaking(account.language):
        said = []
        if added:
            said.append(
                _("{people} joined the {account} account team as *{role}*.").format(
                    people=people(added), account=account.name, role=role
                )
            )
        if changed:
            said.append(
                _("{people} now has the role *{role}*.").format(people=people(changed), role=role)
            )
        text = " ".join(said)
        return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def remove_members(request: Request, store: Store, args: str) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.MANAGE_TEAM)
    users = _users_or_usage(
        args, _("Mention whom to remove, e.g. {example}."), "`/kam team remove @alice`"
    )
    if account.kam in users:
        raise UsageError(
            _("The KAM, {kam}, can't be removed from the team.").format(kam=f"<@{account.kam}>")
        )
    removed = [user for user in users if store.remove_member(account.id, user)]
    if not removed:
        raise UsageError(
            _("{people} isn't on the {account} account team.").format(
                people=people(users), account=account.name
            )
        )
    with speaking(account.language):
        text = _("{people} left the {account} account team.").format(
            people=people(removed), account=account.name
        )
        return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def _users_or_usage(args: str, message: str, example: str) -> list[str]:
    """The mentioned users; `message` (translated, with `{example}`) says whom to mention."""
    users = mentioned_users(args)
    if not users:
        raise UsageError(message.format(example=example))
    return users


def _role(words: str) -> str:
    role = " ".join(words.split()).lower() or DEFAULT_ROLE
    if role == "kam":
        raise UsageError(
            _("An account has one KAM, who created it. Pick another role, e.g. `sales`.")
        )
    if len(role) > ROLE_LIMIT or " " in role:
        raise UsageError(
            ngettext(
                "A role is one word of at most {limit} character, e.g. {roles}.",
                "A role is one word of at most {limit} characters, e.g. {roles}.",
                ROLE_LIMIT,
            ).format(limit=ROLE_LIMIT, roles=", ".join(ROLES[1:]))
        )
    return role
