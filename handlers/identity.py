"""A channel linked to an account run on another platform: people cross between the two ids.

The account knows its KAM and team by the ids of its own platform. A request from a linked
channel elsewhere is turned into those ids on the way in (the caller, `<@ID>` mentions, picked
people), and the outcome back into the ids of the caller's platform on the way out, for everyone
who linked their two identities with `/kam link-me`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from handlers.access import same_person, workspace_id
from handlers.errors import UsageError
from handlers.model import (
    Block,
    Context,
    Fields,
    Form,
    FormValue,
    Header,
    Outcome,
    Reply,
    Request,
    Section,
    UsersField,
)
from handlers.parsing import MENTION, mentioned_users
from storage import links
from storage.models import Account
from storage.store import Store


@dataclass(frozen=True)
class Crossing:
    """From the request's workspace (`here`) to the account's own (`home`)."""

    here: int
    home: int


def across(request: Request, store: Store, run: Callable[[Request], Outcome]) -> Outcome:
    """Run a handler with the account's ids; its outcome comes back in the caller's."""
    here = workspace_id(request, store)
    account = store.account_for_channel(here, request.channel) if request.channel else None
    if account is None or account.workspace_id == here:
        return run(request)
    crossing = Crossing(here, account.workspace_id)
    try:
        outcome = run(_inward(store, crossing, account, request))
    except UsageError as refused:
        message = Reply(summary=refused.message, source=refused.source)
        said = _reply_outward(store, crossing, message)
        raise UsageError(said.summary, said.source) from None
    return _outward(store, crossing, outcome)


def _inward(store: Store, crossing: Crossing, account: Account, request: Request) -> Request:
    users = mentioned_users(request.text) + [
        user for value in request.values.values() if isinstance(value, list) for user in value
    ]
    ids = links.linked_ids(store, crossing.here, users, crossing.home)
    values: dict[str, FormValue] = {
        name: [ids.get(user, user) for user in value] if isinstance(value, list) else value
        for name, value in request.values.items()
    }
    return replace(
        request,
        user=same_person(store, account, crossing.here, request.user),
        text=_mentions(request.text, ids),
        values=values,
    )


def _outward(store: Store, crossing: Crossing, outcome: Outcome) -> Outcome:
    if isinstance(outcome, Reply):
        return _reply_outward(store, crossing, outcome)
    if isinstance(outcome, Form):
        people = [u for f in outcome.fields if isinstance(f, UsersField) for u in f.initial]
        ids = links.linked_ids(store, crossing.home, people, crossing.here)
        fields = tuple(
            replace(f, initial=tuple(ids.get(u, u) for u in f.initial))
            if isinstance(f, UsersField)
            else f
            for f in outcome.fields
        )
        return replace(outcome, fields=fields)
    return outcome


def _reply_outward(store: Store, crossing: Crossing, reply: Reply) -> Reply:
    """The reply, and the new version of a clicked message it carries, in the caller's ids."""
    source = _reply_outward(store, crossing, reply.source) if reply.source else None
    shown = [reply.summary, *(text for block in reply.blocks for text in _texts(block))]
    users = [user for text in shown for user in mentioned_users(text)]
    ids = links.linked_ids(store, crossing.home, users, crossing.here)
    blocks = tuple(_block(block, ids) for block in reply.blocks)
    return replace(reply, summary=_mentions(reply.summary, ids), blocks=blocks, source=source)


def _texts(block: Block) -> tuple[str, ...]:
    if isinstance(block, Header | Section | Context):
        return (block.text,)
    if isinstance(block, Fields):
        return tuple(text for pair in block.pairs for text in pair)
    return ()


def _block(block: Block, ids: dict[str, str]) -> Block:
    if isinstance(block, Header | Section | Context):
        return replace(block, text=_mentions(block.text, ids))
    if isinstance(block, Fields):
        pairs = tuple((_mentions(k, ids), _mentions(v, ids)) for k, v in block.pairs)
        return replace(block, pairs=pairs)
    return block


def _mentions(text: str, ids: dict[str, str]) -> str:
    return MENTION.sub(lambda found: f"<@{ids.get(found[1], found[1])}>", text)
