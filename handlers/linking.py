"""One account, one person, on Slack and Teams: link codes shown on one platform, typed on the
other. `/kam account link` and `/kam account unlink` join and part channels; `/kam link-me` joins
a person's two identities."""

from __future__ import annotations

from handlers.access import bound_account, workspace_id
from handlers.errors import UsageError
from handlers.i18n import _, speaking
from handlers.model import Reply, Request, Section, Visibility
from handlers.permissions import Action, require
from storage import links
from storage.models import Account
from storage.store import AlreadyExists, Store

PLATFORMS = {"slack": "Slack", "teams": "Teams", "console": "Console"}
MINUTES = int(links.CODE_LIFETIME.total_seconds() // 60)


def link_account(request: Request, store: Store, code: str) -> Reply:
    """Alone: the KAM gets a code; with a code: this channel joins that code's account."""
    if code:
        return _join_account(request, store, code)
    workspace, account = bound_account(request, store)
    require(request, account, Action.LINK_CHANNELS)
    issued = links.issue_code(store, workspace, request.user, account.id, request.received_at)
    text = _(
        "Your one-time code for *{account}*: `{code}`. In the Slack or Teams channel that should "
        "also speak for the account, type `/kam account link {code}` (in Teams: "
        "`kam account link {code}`) within {minutes} minutes. It works once."
    ).format(account=account.name, code=issued, minutes=MINUTES)
    return Reply(summary=text, blocks=(Section(text),))


def _join_account(request: Request, store: Store, code: str) -> Reply:
    workspace = workspace_id(request, store)
    existing = store.account_for_channel(workspace, request.channel)
    if existing is not None:
        raise UsageError(
            _(
                "This channel already belongs to *{account}*; a channel speaks for one account."
            ).format(account=existing.name)
        )
    redeemed = links.redeem_code(store, code, for_account=True, now=request.received_at)
    found = store.account(redeemed.account_id) if redeemed and redeemed.account_id else None
    if found is None:
        raise UsageError(
            _(
                "That code is unknown, used or expired, so nothing changed. Ask the KAM for a "
                "new one: `/kam account link` in the account's channel."
            )
        )
    try:
        store.bind_channel(found.id, workspace, request.channel)
    except AlreadyExists:
        raise UsageError(_("This channel was just linked by someone else.")) from None
    with speaking(found.language):
        text = _(
            "This channel now speaks for *{account}* too: one account, one rhythm, and its "
            "reminders come here as well as to its other channels. To undo it, type "
            "`/kam account unlink` here. Team members who use kam-bot elsewhere: type "
            "`/kam link-me` there to be known here as the same person."
        ).format(account=found.name)
        return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def unlink_account(request: Request, store: Store) -> Reply:
    """Part this channel from its account; the account's last channel stays."""
    workspace, account = bound_account(request, store)
    require(request, account, Action.LINK_CHANNELS)
    if not store.unbind_channel(account.id, workspace, request.channel):
        raise UsageError(
            _(
                "This is the only channel of *{account}*, so it stays linked. Link another "
                "channel first with `/kam account link`."
            ).format(account=account.name)
        )
    with speaking(account.language):
        text = _(
            "This channel no longer speaks for *{account}*; its reminders go to its other "
            "channels. To link it again, the KAM types `/kam account link` in one of them."
        ).format(account=account.name)
        return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def parted_notice(account: Account, platform: str, channel: str, reason: str) -> str:
    """Told to the KAM when one of several channels can no longer be reached."""
    return _(
        "I can't post in the {platform} channel `{channel}` of *{account}* any more "
        "(`{reason}`), so I unlinked it; its reminders go to the account's other channels. "
        "To link it again, add me back there and type `/kam account link` in the account's "
        "channel."
    ).format(
        platform=PLATFORMS.get(platform, platform),
        channel=channel,
        account=account.name,
        reason=reason,
    )


def channel_lines(store: Store, account_id: int, here: tuple[int, str]) -> str:
    """The account's channels, one per line with its platform, this one marked."""
    lines = []
    for platform, workspace, channel in store.account_channels(account_id):
        mark = _(" (this channel)") if (workspace, channel) == here else ""
        lines.append(f"• {PLATFORMS.get(platform, platform)}: `{channel}`{mark}")
    return "\n".join(lines)


def link_me(request: Request, store: Store, args: str) -> Reply:
    """Alone: a code for the caller; with a code from the other platform: one person on both."""
    workspace = workspace_id(request, store)
    code = args.strip()
    if not code:
        issued = links.issue_code(store, workspace, request.user, None, request.received_at)
        text = _(
            "Your one-time code: `{code}`. On your other platform, type `kam link-me {code}` in "
            "your personal chat with kam-bot (in Slack: `/kam link-me {code}`) within {minutes} "
            "minutes, and you will count as the same person on both."
        ).format(code=issued, minutes=MINUTES)
        return Reply(summary=text, blocks=(Section(text),))
    redeemed = links.redeem_code(
        store, code, for_account=False, now=request.received_at, not_from=workspace
    )
    if redeemed is None:
        raise UsageError(
            _(
                "That code is unknown, used, expired or from this platform, so nothing changed. "
                "Get a new one with `/kam link-me` on your other platform."
            )
        )
    links.link_people(
        store,
        redeemed.workspace_id,
        redeemed.user_id,
        workspace,
        request.user,
        request.received_at,
    )
    text = _(
        "Done: you are the same person on both platforms now, with the same place on every "
        "account team."
    )
    return Reply(summary=text, blocks=(Section(text),))
