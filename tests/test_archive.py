"""`/kam account archive`: a customer who left hears no more, and nothing of theirs is lost."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.commands import handle
from handlers.model import Request
from storage.store import Store
from tests.conftest import NOW
from tests.conversation import ACME, ask, press, said
from tests.reminder_world import World
from tests.slack_harness import ALICE, BOB, seen

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2026, 11, 27, 20, 30, tzinfo=STOCKHOLM)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM)
FRIDAY = datetime(2026, 12, 4, 9, 0, tzinfo=STOCKHOLM)
WEEK = timedelta(weeks=1)


async def acme_in_stockholm(world: World) -> None:
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    await world.slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE)
    await world.slack.slash("/kam team add @bob sales", user=ALICE)
    await world.slack.slash("/kam log-meeting tactical yesterday Went through the budget", user=BOB)


async def test_archiving_stops_reminders_and_cancels_the_queued_ones(world: World) -> None:
    await acme_in_stockholm(world)
    world.slack.fake.fail_next("chat.postMessage", 3, status=429, retry_after=600)
    await world.tick(MONDAY)
    assert world.reminders() == []  # queued, waiting out Slack's rate limit

    answer = await world.slack.slash("/kam account archive", user=ALICE)
    assert answer["response_type"] == "in_channel"
    assert "Acme Group* is archived by <@U0ALICE>" in seen(answer)
    assert "3 queued ones cancelled" in seen(answer)
    for later in (MONDAY + timedelta(hours=1), MONDAY + WEEK, MONDAY + 5 * WEEK):
        await world.tick(later)
    assert world.reminders() == []


async def test_an_archived_account_says_so_and_keeps_its_history(world: World) -> None:
    await acme_in_stockholm(world)
    await world.slack.slash("/kam account archive", user=ALICE)

    refused = await world.slack.slash("/kam log-meeting strategic today Farewell", user=BOB)
    assert "*Acme Group* was archived on 2026-11-27 by <@U0ALICE>" in seen(refused)
    assert "`/kam account unarchive`" in seen(refused)
    assert "Went through the budget" in seen(await world.slack.slash("/kam meetings", user=BOB))
    assert "was archived" in seen(await world.slack.slash("/kam account", user=BOB))


async def test_only_the_kam_or_an_admin_archives(world: World) -> None:
    await acme_in_stockholm(world)
    refused = await world.slack.slash("/kam account archive", user=BOB)
    assert "Only the KAM of Acme Group, <@U0ALICE>, or a workspace admin" in seen(refused)
    assert "was archived" not in seen(await world.slack.slash("/kam account", user=BOB))


async def test_unarchiving_brings_the_reminders_back(world: World) -> None:
    await acme_in_stockholm(world)
    answer = await world.slack.slash("/kam account archive", user=ALICE)
    archived = {**answer, "ts": "1764237600.000100"}
    await world.tick(MONDAY)
    assert world.reminders() == []

    world.at(MONDAY + timedelta(hours=1))
    await world.slack.click(archived, "Unarchive", user=ALICE)
    said_again = (await world.slack.fake.wait_for("chat.postMessage"))[-1]
    assert "*Acme Group* is active again (<@U0ALICE>)" in said_again["text"]
    await world.tick(FRIDAY)
    assert len(world.reminders()) == 1
    assert "Farewell" not in seen(await world.slack.slash("/kam account", user=ALICE))


def test_a_workspace_admin_archives_and_the_kam_undoes_it(acme: Store) -> None:
    admin = Request("test", "T1", ACME, "it-admin", NOW, workspace_admin=True)
    archived = handle(replace(admin, text="account archive"), acme)
    assert "*Acme Group* is archived by <@it-admin>" in said(archived)
    assert "or a workspace admin can archive the account or bring it back" in said(
        press(acme, archived, "Unarchive", "alice")
    )
    assert "is active again (<@kam>)" in said(press(acme, archived, "Unarchive"))
    assert "is not archived" in said(ask(acme, "account unarchive"))
