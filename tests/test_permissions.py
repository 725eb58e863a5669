"""Who may do what: every cell of the README's table, tried through the handlers.

The README's table is the specification: each role tries each action as a person would, and
either it happens or they are told who can, with nothing changed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from handlers.commands import handle
from handlers.errors import UsageError
from handlers.meetings import UNDO
from handlers.model import Outcome, Reply, Request
from handlers.permissions import Action, Role, markdown_table, require
from handlers.reminders import SNOOZE
from storage import schedule
from storage.models import Account, Base
from storage.store import Store
from tests.conftest import NOW
from tests.conversation import ACME, ask, said

README = Path(__file__).parent.parent / "README.md"
PERSON = {Role.ADMIN: "root", Role.KAM: "kam", Role.MEMBER: "alice", Role.ANYONE: "zed"}
LOGGER = "bob"
"""A team member who logged the meeting that `DELETE` tries to remove: none of the four above."""

Exercise = Callable[[Store, Request], Outcome]


def typed(text: str) -> Exercise:
    return lambda store, request: handle(replace(request, text=text), store)


def undo(store: Store, request: Request) -> Outcome:
    [meeting] = store.meetings(_acme(store).id, None, 25)
    return handle(replace(request, action=UNDO, action_value=f"{ACME}|{meeting.id}"), store)


def snooze(store: Store, request: Request) -> Outcome:
    due = schedule.open_due_on(store.engine, _acme(store).id, "tactical")
    assert due is not None
    value = f"{ACME}|tactical|{due.isoformat()}"
    return handle(replace(request, action=SNOOZE, action_value=value), store)


EXERCISES: dict[Action, Exercise] = {
    Action.VIEW: typed("account"),
    Action.LOG_MEETING: typed("log-meeting tactical yesterday Reviewed delivery KPIs"),
    Action.EDIT_PLAN: typed("plan revised Updated budget"),
    Action.SNOOZE: snooze,
    Action.SET_CADENCE: typed("cadence set tactical every 2 months"),
    Action.MANAGE_TEAM: typed("team add <@carol> delivery"),
    Action.CHANGE_SETTINGS: typed("settings timezone Europe/Stockholm"),
    Action.SET_BUDGET_MONTH: typed("settings budget-month october"),
    Action.DELETE: undo,
    Action.EXPORT: typed("export"),
    Action.ARCHIVE: typed("account archive"),
    Action.RUN_WORKSHOP: typed("workshop start"),
    Action.LINK_CHANNELS: typed("account link"),
    Action.SET_CHECKINS: typed("checkin schedule weekly monday 09:00"),
}
BUILT_ELSEWHERE = {
    Action.ANSWER_CHECKIN,
    Action.SEE_CONFIDENTIAL,
}
"""Tried on `require` itself: seeing confidential fields leaves them out rather than refusing
(`test_account_plan.py` shows what each sees), and a check-in is answered only by whom its round
asked (`test_checkins_slack.py`)."""
READ_ONLY = {Action.VIEW, Action.EXPORT}


def readme_table() -> dict[Action, set[Role]]:
    """The README's "Who may do what" table, read as a person reads it."""
    text = README.read_text()
    section = text[text.index("## Who may do what") :]
    lines = section.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("|"))
    rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    roles = [Role(name) for name in header[1:]]
    table = {}
    for row in rows[2:]:
        action, *marks = (cell.strip() for cell in row.strip("|").split("|"))
        table[Action(action)] = {
            role for role, mark in zip(roles, marks, strict=True) if mark == "✓"
        }
    return table


SPEC = readme_table()


def test_the_readme_shows_the_table_the_code_applies() -> None:
    assert markdown_table() in README.read_text()
    assert set(SPEC) == set(Action)


def test_every_action_is_tried() -> None:
    assert set(EXERCISES) | BUILT_ELSEWHERE == set(Action)
    assert not set(EXERCISES) & BUILT_ELSEWHERE


def _acme(store: Store) -> Account:
    account = store.account_for_channel(store.workspace_id("test", "T1", NOW), ACME)
    assert account is not None
    return account


def _world(store: Store) -> Store:
    """Acme, run by `kam`, with alice and bob on the team and a meeting bob logged."""
    said(ask(store, "account create Acme Group"))
    said(ask(store, "team add <@alice> sales"))
    said(ask(store, f"team add <@{LOGGER}> delivery"))
    said(ask(store, "log-meeting operational yesterday Weekly call", user=LOGGER))
    return store


def _request(role: Role) -> Request:
    return Request("test", "T1", ACME, PERSON[role], NOW, workspace_admin=role is Role.ADMIN)


def _everything(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what a refusal must leave as it was."""
    with store.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


CELLS = [(action, role) for action in Action for role in Role]


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a.name}-{r.name}" for a, r in CELLS])
def test_each_role_may_do_what_the_table_says(
    sqlite_store: Store, action: Action, role: Role
) -> None:
    store = _world(sqlite_store)
    may = role in SPEC[action]
    request = _request(role)
    if action in BUILT_ELSEWHERE:
        try:
            require(request, _acme(store), action)
        except UsageError as refused:
            assert not may and refused.message.startswith("Only ")
        else:
            assert may
        return
    before = _everything(store)
    text = said(EXERCISES[action](store, request))
    if may:
        assert not text.startswith("Only "), text
        assert action in READ_ONLY or _everything(store) != before
        assert action is not Action.VIEW or "Acme Group" in text
    else:
        assert text.startswith("Only "), text
        assert ("<@kam>" in text) == (Role.KAM in SPEC[action]), text
        assert _everything(store) == before


@pytest.mark.parametrize(
    ("action", "who"),
    [
        (Action.SET_CADENCE, "Only the KAM of Acme Group, <@kam>, or a workspace admin can"),
        (Action.LOG_MEETING, "Only the Acme Group account team can log meetings. Ask the KAM"),
        (Action.DELETE, f"Only <@{LOGGER}>, who added it, the KAM of Acme Group, <@kam>, or a"),
        (Action.SET_BUDGET_MONTH, "Only a workspace admin can change the budget month: it sets"),
    ],
)
def test_a_refusal_says_who_can(sqlite_store: Store, action: Action, who: str) -> None:
    store = _world(sqlite_store)
    assert who in said(EXERCISES[action](store, _request(Role.ANYONE)))


def test_whoever_logged_a_meeting_may_remove_it(sqlite_store: Store) -> None:
    store = _world(sqlite_store)
    reply = undo(store, replace(_request(Role.MEMBER), user=LOGGER))
    assert isinstance(reply, Reply) and reply.source is not None
    text = said(reply.source)
    assert re.search(r"<@bob> removed the operational meeting of \S+ from Acme Group", text)
    assert store.meetings(_acme(store).id, None, 25) == []
