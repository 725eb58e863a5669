"""Uninstalling kam-bot deletes the workspace's tokens and pauses its reminders; nothing else is
lost, and installing it again brings the reminders back."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from storage import slack_tables
from storage.models import OutboxMessage
from storage.store import Store
from tests.reminder_world import World
from tests.slack_harness import ALICE, ClientFactory, ServerFactory, seen, start_slack
from tests.slack_install import (
    NEW_TEAM,
    UNINSTALLED,
    eventually,
    install,
    paused,
    token_of,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2026, 11, 27, 20, 30, tzinfo=STOCKHOLM)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM)
FRIDAY = datetime(2026, 12, 4, 9, 0, tzinfo=STOCKHOLM)
WEEK = timedelta(weeks=1)


def bots(store: Store, team: str) -> int:
    table = slack_tables.bots
    query = select(func.count()).select_from(table).where(table.c.team_id == team)
    with store.engine.connect() as connection:
        return int(connection.scalar(query) or 0)


def outbox_rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def test_reminders_go_out_with_the_workspaces_own_token(installed: World) -> None:
    await installed.tick(MONDAY)
    [posted] = installed.slack.fake.delivered("chat.postMessage")
    [call] = [c for c in installed.slack.fake.calls if c.method == "chat.postMessage"]
    assert call.token == token_of(installed.slack, NEW_TEAM)
    assert "Strategic meeting overdue" in seen(posted)


async def test_a_workspace_of_an_enterprise_grid_org_is_reminded_with_its_token(
    installed: World,
) -> None:
    slack = installed.slack
    slack.team, slack.enterprise = "T0GRID", "E0ORG"
    await install(slack, "T0GRID", "Grid Co", enterprise="E0ORG")
    await slack.slash("/kam account create Globex", user=ALICE, channel="C0GLOBEX")
    await slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE, channel="C0GLOBEX")
    await installed.tick(MONDAY)
    assert len(installed.reminders("C0GLOBEX")) == 1
    calls = [c for c in slack.fake.calls if c.body.get("channel") == "C0GLOBEX"]
    assert {c.token for c in calls} == {token_of(slack, "T0GRID")}


async def test_an_uninstall_deletes_the_tokens_and_pauses_the_reminders(
    installed: World,
) -> None:
    store = installed.store
    await installed.tick(MONDAY)
    installed.slack.fake.revoke(NEW_TEAM)
    assert (await installed.slack.event(UNINSTALLED, "Ev0UNINSTALL")).status == 200
    await eventually(lambda: paused(store, NEW_TEAM))
    assert bots(store, NEW_TEAM) == 0

    queued = outbox_rows(store)
    await installed.tick(FRIDAY)
    await installed.tick(FRIDAY + WEEK)
    assert len(installed.reminders()) == 1
    assert outbox_rows(store) == queued


async def test_installing_again_resumes_the_reminders_and_keeps_the_account(
    installed: World,
) -> None:
    await installed.tick(MONDAY)
    installed.slack.fake.revoke(NEW_TEAM)
    await installed.slack.event(UNINSTALLED, "Ev0UNINSTALL")
    await eventually(lambda: paused(installed.store, NEW_TEAM))
    await installed.tick(FRIDAY)

    installed.at(FRIDAY + timedelta(hours=1))
    await install(installed.slack, NEW_TEAM, "New Co")
    assert not paused(installed.store, NEW_TEAM)
    account = await installed.slack.slash("/kam account", user=ALICE)
    assert "Acme Group" in seen(account)
    await installed.tick(FRIDAY + WEEK)
    assert len(installed.reminders()) == 2
    assert installed.slack.fake.calls[-1].token == token_of(installed.slack, NEW_TEAM)


async def test_a_revoked_bot_token_pauses_too(installed: World) -> None:
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOT"]}}
    await installed.slack.event(revoked, "Ev0REVOKED")
    await eventually(lambda: paused(installed.store, NEW_TEAM))
    assert bots(installed.store, NEW_TEAM) == 0
    await installed.tick(MONDAY)
    assert installed.reminders() == []


async def acme_in_stockholm(world: World) -> None:
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    await world.slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE)


async def test_in_token_mode_an_uninstall_pauses_the_workspace(world: World) -> None:
    await acme_in_stockholm(world)
    await world.slack.event(UNINSTALLED, "Ev0UNINSTALL")
    await eventually(lambda: paused(world.store, world.slack.team))
    await world.tick(MONDAY)
    assert world.reminders() == []


async def test_a_reminder_waiting_for_a_retry_is_held_while_uninstalled(world: World) -> None:
    await acme_in_stockholm(world)
    world.slack.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    assert (await world.tick(MONDAY)).delivery.retried == 4  # the four meeting kinds
    await world.slack.event(UNINSTALLED, "Ev0UNINSTALL")
    await eventually(lambda: paused(world.store, world.slack.team))
    await world.tick(MONDAY + timedelta(hours=1))
    assert world.slack.fake.attempts("chat.postMessage") == 1
    assert world.reminders() == []


async def test_in_token_mode_a_restart_with_a_working_token_resumes(
    world: World, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    await acme_in_stockholm(world)
    await world.slack.event(UNINSTALLED, "Ev0UNINSTALL")
    await eventually(lambda: paused(world.store, world.slack.team))
    await world.tick(MONDAY)

    world.at(MONDAY + timedelta(hours=1))
    await start_slack(world.store, aiohttp_client, aiohttp_server, clock=world.clock)
    assert not paused(world.store, world.slack.team)
    await world.tick(FRIDAY)
    [reminder] = world.reminders()
    assert "overdue by 7 days" in seen(reminder)
