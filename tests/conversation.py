"""Talking to the core as a person would: `/kam …` lines and form submissions, no platform."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.commands import handle
from handlers.model import Actions, Form, FormValue, Outcome, Reply, Request
from storage.models import Meeting
from storage.store import Store
from tests.conftest import NOW

ACME = "C-acme"
TODAY = date(2026, 11, 27)


def ask(
    store: Store, text: str, user: str = "kam", channel: str = ACME, admin: bool = False
) -> Outcome:
    """Type `/kam <text>` as `user` in `channel`; `admin`: the user is a workspace admin."""
    request = Request("test", "T1", channel, user, NOW, text=text, workspace_admin=admin)
    return handle(request, store)


def submit(store: Store, form: Form, user: str = "kam", **values: FormValue) -> Outcome:
    request = Request(
        "test", "T1", ACME, user, NOW, form_id=form.id, values=dict(values), state=form.state
    )
    return handle(request, store)


def press(store: Store, reply: Outcome, label: str, user: str = "kam") -> Outcome:
    """Click the button labelled `label` under `reply`, as `user`."""
    assert isinstance(reply, Reply), reply
    [button] = [
        button
        for block in reply.blocks
        if isinstance(block, Actions)
        for button in block.buttons
        if button.label == label
    ]
    request = Request(
        "test", "T1", ACME, user, NOW, action=button.action, action_value=button.value
    )
    return handle(request, store)


def said(outcome: Outcome) -> str:
    """Everything a person reads in a reply, as one string."""
    assert isinstance(outcome, Reply), outcome
    texts = [getattr(block, "text", "") for block in outcome.blocks]
    pairs = [f"{k}: {v}" for block in outcome.blocks for k, v in getattr(block, "pairs", ())]
    return "\n".join([outcome.summary, *texts, *pairs])


def logged(store: Store, kind: str | None = None) -> list[Meeting]:
    workspace = store.workspace_id("test", "T1", NOW)
    account = store.account_for_channel(workspace, ACME)
    assert account is not None
    return store.meetings(account.id, kind, 25)


def team_of(store: Store) -> dict[str, str]:
    workspace = store.workspace_id("test", "T1", NOW)
    account = store.account_for_channel(workspace, ACME)
    assert account is not None
    return {member.user_id: member.role for member in account.members}


@pytest.fixture
def acme(store: Store) -> Store:
    """Acme Group bound to #acme, run by `kam`, with alice in sales."""
    said(ask(store, "account create Acme Group"))
    said(ask(store, "team add <@alice> sales"))
    return store
