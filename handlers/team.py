"""`/kam team`: who works the account, with which role; the KAM manages it."""

from __future__ import annotations

from handlers.access import bound_account, require_kam
from handlers.errors import UsageError
from handlers.model import Reply, Request, Section, Visibility
from handlers.parsing import MENTION, mentioned_users
from handlers.wording import people
from storage.store import Store

ROLES = ("kam", "sales", "delivery", "service", "sponsor", "specialist")
DEFAULT_ROLE = "specialist"
ROLE_LIMIT = 32


def team(request: Request, store: Store, args: str) -> Reply:
    """`team` lists the team; `team add @who [role]` and `team remove @who` change it."""
    action, _, rest = args.partition(" ")
    if action == "add":
        return add_members(request, store, rest)
    if action == "remove":
        return remove_members(request, store, rest)
    if action:
        raise UsageError(
            f"I don't know `team {action}`. Use `/kam team`, `/kam team add @alice sales` "
            "or `/kam team remove @alice`."
        )
    return list_team(request, store)


def list_team(request: Request, store: Store) -> Reply:
    _, account = bound_account(request, store)
    lines = "\n".join(f"• <@{member.user_id}> — {member.role}" for member in account.members)
    return Reply(
        summary=f"The {account.name} account team: {len(account.members)} people.",
        blocks=(Section(f"*The {account.name} account team*\n{lines}"),),
    )


def add_members(request: Request, store: Store, args: str) -> Reply:
    _, account = bound_account(request, store)
    require_kam(account, request.user, "change the account team")
    users = _users_or_usage(args, "add", "`/kam team add @alice sales`")
    role = _role(MENTION.sub(" ", args))
    if account.kam in users:
        raise UsageError(
            f"<@{account.kam}> is the KAM of {account.name}; that role stays as it is."
        )
    added = [
        user
        for user in users
        if store.set_member(account.id, user, role, request.user, request.received_at)
    ]
    changed = [user for user in users if user not in added]
    said = []
    if added:
        said.append(f"{people(added)} joined the {account.name} account team as *{role}*.")
    if changed:
        said.append(f"{people(changed)} now has the role *{role}*.")
    text = " ".join(said)
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def remove_members(request: Request, store: Store, args: str) -> Reply:
    _, account = bound_account(request, store)
    require_kam(account, request.user, "change the account team")
    users = _users_or_usage(args, "remove", "`/kam team remove @alice`")
    if account.kam in users:
        raise UsageError(f"The KAM, <@{account.kam}>, can't be removed from the team.")
    removed = [user for user in users if store.remove_member(account.id, user)]
    if not removed:
        raise UsageError(f"{people(users)} isn't on the {account.name} account team.")
    text = f"{people(removed)} left the {account.name} account team."
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def _users_or_usage(args: str, action: str, example: str) -> list[str]:
    users = mentioned_users(args)
    if not users:
        raise UsageError(f"Mention whom to {action}, e.g. {example}.")
    return users


def _role(words: str) -> str:
    role = " ".join(words.split()).lower() or DEFAULT_ROLE
    if role == "kam":
        raise UsageError("An account has one KAM, who created it. Pick another role, e.g. `sales`.")
    if len(role) > ROLE_LIMIT or " " in role:
        raise UsageError(
            f"A role is one word of at most {ROLE_LIMIT} characters, e.g. {', '.join(ROLES[1:])}."
        )
    return role
