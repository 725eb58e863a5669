"""`/kam account`: bind a channel to a key account and show what the team knows of it."""

from __future__ import annotations

from datetime import date

from handlers.access import bound_account, local_today, workspace_id
from handlers.errors import UsageError
from handlers.model import Fields, Header, Reply, Request, Section, Visibility
from handlers.parsing import check_length
from handlers.wording import people, relative_day
from scheduler import planning
from storage.models import MeetingKind
from storage.store import AlreadyExists, Store

NAME_LIMIT = 80


def account(request: Request, store: Store, args: str) -> Reply:
    """`account` shows the channel's account; `account create <name>` binds a new one."""
    action, _, rest = args.partition(" ")
    if action == "create":
        return create_account(request, store, rest.strip())
    if action:
        raise UsageError(
            f"I don't know `account {action}`. Use `/kam account` to see this channel's account "
            "or `/kam account create Acme Group` to create one."
        )
    return show_account(request, store)


def create_account(request: Request, store: Store, name: str) -> Reply:
    if not name:
        raise UsageError("Name the customer: `/kam account create Acme Group`.")
    check_length("An account name", name, NAME_LIMIT)
    workspace = workspace_id(request, store)
    existing = store.account_for_channel(workspace, request.channel)
    if existing is not None:
        raise UsageError(
            f"This channel already belongs to *{existing.name}* (KAM <@{existing.kam}>). "
            "Use a new channel for another key account."
        )
    if store.account_named(workspace, name) is not None:
        raise UsageError(f"There is already a key account named *{name}*. Pick another name.")
    zone, language = store.workspace_defaults(workspace)
    try:
        created = store.create_account(
            workspace,
            request.channel,
            name,
            request.user,
            zone or "UTC",
            request.received_at,
            language or "en",
        )
    except AlreadyExists:
        raise UsageError(f"*{name}* or this channel was just taken by someone else.") from None
    planning.replan(store, created.id, request.received_at)
    return Reply(
        summary=f"{created.name} is now a key account, run from this channel.",
        blocks=(
            Section(
                f"*{created.name}* is now a key account, run from this channel. "
                f"<@{request.user}> is its KAM."
            ),
            Section(
                "Next: add the account team with `/kam team add @alice sales`, "
                "then log meetings with `/kam log-meeting`."
            ),
        ),
        visibility=Visibility.CHANNEL,
    )


def show_account(request: Request, store: Store) -> Reply:
    _, found = bound_account(request, store)
    today = local_today(found, request.received_at)
    last = store.last_held(found.id)
    meetings = tuple(
        (kind.value.capitalize(), _held(last.get(kind.value), today)) for kind in MeetingKind
    )
    team = "\n".join(f"• <@{member.user_id}> — {member.role}" for member in found.members)
    return Reply(
        summary=f"{found.name}: KAM <@{found.kam}>, {len(found.members)} on the team.",
        blocks=(
            Header(found.name),
            Fields((("KAM", people([found.kam])), ("Time zone", found.timezone))),
            Section(f"*Account team*\n{team}"),
            Section("*Last meeting of each kind*"),
            Fields(meetings),
        ),
    )


def _held(day: date | None, today: date) -> str:
    return "never" if day is None else f"{day.isoformat()} ({relative_day(day, today)})"
