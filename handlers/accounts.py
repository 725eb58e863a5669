"""`/kam account`: bind a channel to a key account and show what the team knows of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from handlers.access import (
    archived_notice,
    bound_account,
    local_today,
    workspace_id,
)
from handlers.errors import UsageError
from handlers.i18n import _, ngettext, speaking
from handlers.linking import channel_lines, link_account, unlink_account
from handlers.model import (
    Actions,
    Block,
    Button,
    Context,
    Fields,
    Header,
    Reply,
    Request,
    Section,
    Visibility,
)
from handlers.parsing import check_length
from handlers.permissions import Action, require
from handlers.wording import kind_title, people, relative_day
from scheduler import planning
from storage.models import Account, MeetingKind
from storage.store import AlreadyExists, Store

NAME_LIMIT = 80
UNARCHIVE = "account-unarchive"


def account(request: Request, store: Store, args: str) -> Reply:
    """`account` shows the channel's account; `account create <name>` binds a new one."""
    action, _sep, rest = args.partition(" ")
    if action == "create":
        return create_account(request, store, rest.strip())
    if action == "archive":
        return archive_account(request, store)
    if action == "unarchive":
        return unarchive_account(request, store)
    if action == "link":
        return link_account(request, store, rest.strip())
    if action == "unlink":
        return unlink_account(request, store)
    if action:
        raise UsageError(
            _(
                "I don't know `account {action}`. Use `/kam account` to see this channel's "
                "account, `/kam account create Acme Group` to create one, "
                "`/kam account link` to run it from a Slack and a Teams channel, or "
                "`/kam account archive` when the customer has left."
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


def archive_account(request: Request, store: Store) -> Reply:
    """The customer left: stop the reminders, cancel queued ones, keep every record."""
    _workspace, found = bound_account(request, store, archived_ok=True)
    require(request, found, Action.ARCHIVE)
    if found.archived_at is not None:
        raise UsageError(archived_notice(found))
    cancelled = store.archive_account(found.id, request.user, request.received_at)
    with speaking(found.language):
        text = ngettext(
            "*{account}* is archived by {who}: no more reminders ({n} queued one cancelled). "
            "Its meetings and plan history are kept.",
            "*{account}* is archived by {who}: no more reminders ({n} queued ones cancelled). "
            "Its meetings and plan history are kept.",
            cancelled,
        ).format(account=found.name, who=f"<@{request.user}>", n=cancelled)
        undo = _("Archived by mistake? `/kam account unarchive` or the button brings it back.")
        return Reply(
            summary=text,
            blocks=(
                Section(text),
                Context(undo),
                Actions((Button(_("Unarchive"), UNARCHIVE, f"{request.channel}|{found.id}"),)),
            ),
            visibility=Visibility.CHANNEL,
        )


def unarchive_account(request: Request, store: Store) -> Reply:
    """Undo an archive: reminders resume from the next one due; nothing missed is sent late."""
    _workspace, found = bound_account(request, store, archived_ok=True)
    require(request, found, Action.ARCHIVE)
    if found.archived_at is None:
        raise UsageError(_("*{account}* is not archived.").format(account=found.name))
    store.unarchive_account(found.id)
    planning.replan(store, found.id, request.received_at)
    with speaking(found.language):
        text = _("*{account}* is active again ({who}): reminders resume.").format(
            account=found.name, who=f"<@{request.user}>"
        )
        return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def unarchive_button(request: Request, store: Store) -> Reply:
    """The button under an archive's confirmation; its value is `channel|account id`."""
    channel = request.action_value.partition("|")[0] or request.channel
    return unarchive_account(replace(request, channel=channel), store)


def show_account(request: Request, store: Store) -> Reply:
    workspace, found = bound_account(request, store, archived_ok=True)
    require(request, found, Action.VIEW)
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
            *_archived(found),
            Fields(((_("KAM"), people([found.kam])), (_("Time zone"), found.timezone))),
            Section(_("*Account team*") + "\n" + team),
            Section(_("*Last meeting of each kind*")),
            Fields(meetings),
            *_linked(store, found.id, (workspace, request.channel)),
        ),
    )


def _archived(account: Account) -> tuple[Block, ...]:
    return (Section(archived_notice(account)),) if account.archived_at is not None else ()


def _linked(store: Store, account_id: int, here: tuple[int, str]) -> tuple[Section, ...]:
    """The channels, once the account has more than one (on one platform or two)."""
    lines = channel_lines(store, account_id, here)
    return (Section(_("*Linked channels*") + "\n" + lines),) if "\n" in lines else ()


def _held(day: date | None, today: date) -> str:
    if day is None:
        return _("never")
    return f"{day.isoformat()} ({relative_day(day, today)})"
