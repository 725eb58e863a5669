"""`/kam account`: bind a channel to a key account and show what the team knows of it."""

from __future__ import annotations

from datetime import date

from handlers.access import bound_account, local_today, workspace_id
from handlers.errors import UsageError
from handlers.i18n import _, ngettext, speaking
from handlers.linking import channel_lines, link_account, unlink_account
from handlers.model import Fields, Header, Reply, Request, Section, Visibility
from handlers.parsing import check_length
from handlers.wording import kind_title, people, relative_day
from scheduler import planning
from storage.models import MeetingKind
from storage.store import AlreadyExists, Store

NAME_LIMIT = 80


def account(request: Request, store: Store, args: str) -> Reply:
    """`account` shows the channel's account; `account create <name>` binds a new one."""
    action, _sep, rest = args.partition(" ")
    if action == "create":
        return create_account(request, store, rest.strip())
    if action == "link":
        return link_account(request, store, rest.strip())
    if action == "unlink":
        return unlink_account(request, store)
    if action:
        raise UsageError(
            _(
                "I don't know `account {action}`. Use `/kam account` to see this channel's "
                "account, `/kam account create Acme Group` to create one, or "
                "`/kam account link` to run it from a Slack and a Teams channel."
            ).format(action=action)
        )
    return show_account(request, store)


def create_account(request: Request, store: Store, name: str) -> Reply:
    if not name:
        raise UsageError(_("Name the customer: `/kam account create Acme Group`."))
    check_length(_("An account name"), name, NAME_LIMIT)
    workspace = workspace_id(request, store)
    existing = store.account_for_channel(workspace, request.channel)
    if existing is not None:
        raise UsageError(
            _(
                "This channel already belongs to *{account}* (KAM {kam}). "
                "Use a new channel for another key account."
            ).format(account=existing.name, kam=f"<@{existing.kam}>")
        )
    if store.account_named(workspace, name) is not None:
        raise UsageError(
            _("There is already a key account named *{name}*. Pick another name.").format(name=name)
        )
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
        raise UsageError(
            _("*{name}* or this channel was just taken by someone else.").format(name=name)
        ) from None
    planning.replan(store, created.id, request.received_at)
    with speaking(created.language):
        return Reply(
            summary=_("{account} is now a key account, run from this channel.").format(
                account=created.name
            ),
            blocks=(
                Section(
                    _(
                        "*{account}* is now a key account, run from this channel. {kam} is its KAM."
                    ).format(account=created.name, kam=f"<@{request.user}>")
                ),
                Section(
                    _(
                        "Next: add the account team with `/kam team add @alice sales`, "
                        "then log meetings with `/kam log-meeting`."
                    )
                ),
            ),
            visibility=Visibility.CHANNEL,
        )


def show_account(request: Request, store: Store) -> Reply:
    workspace, found = bound_account(request, store)
    today = local_today(found, request.received_at)
    last = store.last_held(found.id)
    meetings = tuple((kind_title(kind), _held(last.get(kind.value), today)) for kind in MeetingKind)
    team = "\n".join(f"• <@{member.user_id}> — {member.role}" for member in found.members)
    size = len(found.members)
    return Reply(
        summary=ngettext(
            "{account}: KAM {kam}, {n} on the team.",
            "{account}: KAM {kam}, {n} on the team.",
            size,
        ).format(account=found.name, kam=f"<@{found.kam}>", n=size),
        blocks=(
            Header(found.name),
            Fields(((_("KAM"), people([found.kam])), (_("Time zone"), found.timezone))),
            Section(_("*Account team*") + "\n" + team),
            Section(_("*Last meeting of each kind*")),
            Fields(meetings),
            *_linked(store, found.id, (workspace, request.channel)),
        ),
    )


def _linked(store: Store, account_id: int, here: tuple[int, str]) -> tuple[Section, ...]:
    """The channels, once the account has more than one (on one platform or two)."""
    lines = channel_lines(store, account_id, here)
    return (Section(_("*Linked channels*") + "\n" + lines),) if "\n" in lines else ()


def _held(day: date | None, today: date) -> str:
    if day is None:
        return _("never")
    return f"{day.isoformat()} ({relative_day(day, today)})"
