"""Reminders in Slack over weeks of hand-set time: when they come, where, and what stops them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.reminder_world import World
from tests.slack_harness import ALICE, BOB, CAROL, CHANNEL, seen

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2026, 11, 27, 20, 30, tzinfo=STOCKHOLM)
"""A Friday evening: too late for a reminder today."""
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM)
FRIDAY = datetime(2026, 12, 4, 9, 0, tzinfo=STOCKHOLM)
"""A week after the due date: the first overdue reminder."""
MINUTE = timedelta(minutes=1)
WEEK = timedelta(weeks=1)
KINDS = ("Strategic", "Tactical", "Operational", "Internal")


async def acme_in_stockholm(world: World) -> None:
    """Acme Group's channel is #kam-acme in Stockholm; Alice is its KAM, Bob is in sales."""
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    await world.slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE)
    await world.slack.slash("/kam team add @bob sales", user=ALICE)


def headlines(message: dict[str, object]) -> list[str]:
    """The reminder's items, as the bold first line of each section."""
    return [line.strip("*") for line in seen(message).splitlines() if line.startswith("*")]


async def test_a_new_account_hears_once_at_nine_on_the_next_working_day(world: World) -> None:
    await acme_in_stockholm(world)
    await world.tick(START)
    await world.tick(MONDAY - MINUTE)
    assert world.reminders() == []

    await world.tick(MONDAY)
    await world.tick(MONDAY)
    [message] = world.reminders()
    assert headlines(message) == [f"{kind} meeting overdue by 3 days" for kind in KINDS]
    assert "No strategic meeting has been logged since the account was created" in seen(message)
    assert message["metadata"]["event_type"] == "kam_outbox"


async def test_posted_at_nine_local_time_whatever_utc_says(world: World) -> None:
    await acme_in_stockholm(world)
    await world.tick(MONDAY.astimezone(UTC) - MINUTE)
    assert world.reminders() == []
    await world.tick(MONDAY.astimezone(UTC))
    assert len(world.reminders()) == 1
    assert MONDAY.astimezone(UTC).hour == 8


async def test_logging_the_meeting_stops_that_kinds_reminders(world: World) -> None:
    await acme_in_stockholm(world)
    await world.tick(MONDAY)
    world.at(MONDAY + timedelta(hours=2))
    await world.slack.slash("/kam log-meeting operational today Reviewed the KPIs", user=BOB)

    await world.tick(FRIDAY)
    assert headlines(world.reminders()[-1]) == [
        f"{kind} meeting overdue by 7 days" for kind in ("Strategic", "Tactical", "Internal")
    ]


async def test_the_log_meeting_button_opens_the_form_with_the_kind_preset(world: World) -> None:
    await acme_in_stockholm(world)
    await world.tick(MONDAY)
    [message] = world.reminders()
    world.at(MONDAY + MINUTE)

    assert await world.slack.click(message, "Log meeting", about="tactical", user=BOB) == {}
    form = await world.slack.opened_form()
    kind = next(block for block in form["blocks"] if block["block_id"] == "kind")
    assert kind["element"]["initial_option"]["value"] == "tactical"


async def test_snooze_a_week_moves_only_that_reminder(world: World) -> None:
    await acme_in_stockholm(world)
    await world.tick(MONDAY)
    [message] = world.reminders()
    world.at(MONDAY + MINUTE)

    await world.slack.click(message, "Snooze a week", about="operational", user=BOB)
    said = (await world.slack.fake.wait_for("chat.postMessage", 2))[-1]
    assert "<@U0BOB> snoozed the operational meeting reminder" in said["text"]

    await world.tick(FRIDAY)
    assert "Operational" not in " ".join(headlines(world.reminders()[-1]))
    await world.tick(MONDAY + WEEK - MINUTE)
    assert len(world.reminders()) == 2
    await world.tick(MONDAY + WEEK)
    await world.tick(MONDAY + WEEK + timedelta(hours=1))
    assert headlines(world.reminders()[-1]) == ["Operational meeting overdue by 10 days"]
    assert len(world.reminders()) == 3


async def test_after_weeks_down_each_item_gets_one_catch_up_at_nine_not_at_night(
    world: World,
) -> None:
    await acme_in_stockholm(world)
    night = datetime(2027, 1, 13, 3, 0, tzinfo=STOCKHOLM)
    await world.tick(night)
    assert world.reminders() == []

    await world.tick(night.replace(hour=9))
    await world.tick(night.replace(hour=15))
    [message] = world.reminders()
    assert sorted(headlines(message)) == sorted(
        f"{kind} meeting overdue by 47 days" for kind in KINDS
    )


async def test_the_third_overdue_reminder_also_tells_the_kam_directly(world: World) -> None:
    await acme_in_stockholm(world)
    for moment in (MONDAY, FRIDAY, FRIDAY + WEEK):
        await world.tick(moment)
    assert world.direct_messages(ALICE) == []

    await world.tick(FRIDAY + 2 * WEEK)
    assert len(world.reminders(CHANNEL)) == 4
    [direct] = world.direct_messages(ALICE)
    assert "Sent to you as the KAM of Acme Group" in seen(direct)
    assert headlines(direct) == [f"{kind} meeting overdue by 21 days" for kind in KINDS]


async def test_a_click_from_outside_the_team_is_answered_privately(world: World) -> None:
    await acme_in_stockholm(world)
    await world.tick(MONDAY)
    [message] = world.reminders()

    await world.slack.click(message, "Snooze a week", about="tactical", user=CAROL)
    answer = await world.slack.late_answer()
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False
    assert "Ask the KAM, <@U0ALICE>, to add you" in seen(answer)
    assert len(world.slack.fake.delivered("chat.postMessage")) == 1
