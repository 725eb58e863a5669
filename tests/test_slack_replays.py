"""Slack delivering the same thing twice: a retried event or a double click acts once.

Slack's listeners acknowledge first and act afterwards, so each test ends with a different
request whose answer comes after any answer to the replay would have. A form submitted twice is
in `test_slack_modal.py`: its submission key logs one meeting.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.reminder_world import World
from tests.slack_harness import ALICE, BOB, CAROL, seen
from tests.slack_install import NEW_TEAM, UNINSTALLED, eventually, install, paused, token_of

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2026, 11, 27, 20, 30, tzinfo=STOCKHOLM)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM)
MINUTE = timedelta(minutes=1)


async def reminded(world: World) -> dict[str, object]:
    """Acme Group in Stockholm, Bob in its team, and Monday's reminder in its channel."""
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    await world.slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE)
    await world.slack.slash("/kam team add @bob sales", user=ALICE)
    await world.tick(MONDAY)
    world.at(MONDAY + MINUTE)
    [message] = world.reminders()
    return message


def kind_of(form: dict[str, Any]) -> str:
    kind = next(block for block in form["blocks"] if block["block_id"] == "kind")
    return str(kind["element"]["initial_option"]["value"])


async def test_a_double_click_on_snooze_snoozes_once(world: World) -> None:
    message = await reminded(world)
    await world.slack.click(message, "Snooze a week", about="operational", user=BOB)
    await world.slack.click(message, "Snooze a week", about="operational", user=BOB)
    await world.slack.fake.wait_for("chat.postMessage", 2)
    await world.slack.click(message, "Snooze a week", about="tactical", user=CAROL)
    await world.slack.late_answer()  # Carol, who is not in the team, is told so
    said = [seen(posted) for posted in world.slack.fake.delivered("chat.postMessage")]
    assert sum("snoozed the operational meeting reminder" in text for text in said) == 1


async def test_a_double_click_on_log_meeting_opens_one_form(world: World) -> None:
    message = await reminded(world)
    await world.slack.click(message, "Log meeting", about="tactical", user=BOB)
    await world.slack.click(message, "Log meeting", about="tactical", user=BOB)
    await world.slack.fake.wait_for("views.open")
    await world.slack.click(message, "Log meeting", about="internal", user=ALICE)
    opened = await world.slack.fake.wait_for("views.open", 2)
    assert sorted(kind_of(call["view"]) for call in opened) == ["internal", "tactical"]


async def test_the_same_click_later_is_a_new_click(world: World) -> None:
    message = await reminded(world)
    await world.slack.click(message, "Log meeting", about="tactical", user=BOB)
    world.at(MONDAY + 2 * MINUTE)
    await world.slack.click(message, "Log meeting", about="tactical", user=BOB)
    assert len(await world.slack.fake.wait_for("views.open", 2)) == 2


async def test_a_double_click_on_undo_removes_once_and_says_nothing_more(world: World) -> None:
    await reminded(world)
    answer = await world.slack.slash("/kam log-meeting tactical today Wrong account", user=BOB)
    confirmation = {**answer, "ts": "1764237600.000100"}
    await world.slack.click(confirmation, "Undo", user=BOB)
    await world.slack.click(confirmation, "Undo", user=BOB)
    await world.slack.fake.wait_for("response_url", 2)  # the confirmation replaced, Bob told
    await world.slack.click(confirmation, "Undo", user=CAROL)
    late = (await world.slack.fake.wait_for("response_url", 4))[-1]
    assert "no longer in Acme Group's record" in seen(late)  # Bob's second click said nothing
    answers = world.slack.fake.delivered("response_url")
    assert sum("You removed the tactical meeting" in seen(answer) for answer in answers) == 1
    assert len(answers) == 4  # each real click: the message replaced, the clicker told


async def test_a_retried_uninstall_after_a_new_install_changes_nothing(
    installed: World,
) -> None:
    slack, store = installed.slack, installed.store
    slack.fake.revoke(NEW_TEAM)
    await slack.event(UNINSTALLED, "Ev0UNINSTALL")
    await eventually(lambda: paused(store, NEW_TEAM))
    await install(slack, NEW_TEAM, "New Co")

    assert (await slack.event(UNINSTALLED, "Ev0UNINSTALL", retry=1)).status == 200
    store.workspace_id("slack", "T0OTHER", MONDAY)
    slack.team = "T0OTHER"
    await slack.event(UNINSTALLED, "Ev0OTHER")
    await eventually(lambda: paused(store, "T0OTHER"))
    assert not paused(store, NEW_TEAM)
    slack.team = NEW_TEAM
    assert "Acme Group" in seen(await slack.slash("/kam account", user=ALICE))
    assert slack.fake.calls[-1].token == token_of(slack, NEW_TEAM)
