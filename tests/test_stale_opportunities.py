"""An opportunity without an update for 30 days is reminded in its channel, once per 30 days."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import OutboxMessage
from storage.opportunities import STALE_TOPIC
from tests.reminder_world import World
from tests.slack_harness import ALICE, seen

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2026, 11, 2, 13, 0, tzinfo=STOCKHOLM)
DUE = datetime(2026, 12, 2, 9, 0, tzinfo=STOCKHOLM)
"""30 days after the last update, at nine in the morning where the account is."""
AGAIN = datetime(2027, 1, 1, 9, 0, tzinfo=STOCKHOLM)
DAY, MINUTE = timedelta(days=1), timedelta(minutes=1)
STALE = "*Fleet rollout* (#1) at Acme Group has had no update for"


def stale_reminders(world: World) -> list[str]:
    """The stale-opportunity reminders among what the scheduler posted in the channel."""
    return [seen(posted) for posted in world.reminders() if STALE in seen(posted)]


async def acme_with_an_opportunity(world: World) -> None:
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    await world.slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE)
    await world.slack.slash(
        '/kam opp add "Fleet rollout" value 400k close 2027-03-31 competitors Foo', user=ALICE
    )


async def test_a_stale_opportunity_is_reminded_once_then_again_thirty_days_later(
    world: World,
) -> None:
    await acme_with_an_opportunity(world)
    await world.tick(DUE - MINUTE)
    assert stale_reminders(world) == []

    await world.tick(DUE)
    await world.tick(DUE + MINUTE)
    await world.tick(DUE + 15 * DAY)
    [reminder] = stale_reminders(world)
    assert "has had no update for 30 days" in reminder
    assert "*Value*\n400K" in reminder
    assert "Foo" not in reminder

    await world.tick(AGAIN - MINUTE)
    assert len(stale_reminders(world)) == 1
    await world.tick(AGAIN)
    assert len(stale_reminders(world)) == 2


async def test_an_update_or_a_close_puts_the_reminder_off(world: World) -> None:
    await acme_with_an_opportunity(world)
    world.at(START + 20 * DAY)
    await world.slack.slash("/kam opp update 1")
    form = await world.slack.opened_form()
    await world.slack.submit(form, stage="proposal")
    await world.tick(START + 31 * DAY)
    assert stale_reminders(world) == []

    world.at(START + 40 * DAY)
    await world.slack.slash("/kam opp won 1 Best total cost", user=ALICE)
    await world.tick(START + 90 * DAY)
    assert stale_reminders(world) == []


async def test_a_queued_reminder_made_moot_by_an_update_is_dropped_quietly(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await acme_with_an_opportunity(world)
    world.slack.fake.fail_next("chat.postMessage", status=429, retry_after=300)
    await world.tick(DUE)
    world.at(DUE + MINUTE)
    await world.slack.slash("/kam opp update 1")
    await world.slack.submit(await world.slack.opened_form(), stage="proposal")

    for minute in range(2, 60):
        await world.tick(DUE + minute * MINUTE)
    assert stale_reminders(world) == []
    with Session(world.store.engine) as session:
        states = session.scalars(select(OutboxMessage.state).filter_by(topic=STALE_TOPIC)).all()
    assert states == ["cancelled"]
    assert [r.message for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_the_reminder_button_opens_the_update_form(world: World) -> None:
    await acme_with_an_opportunity(world)
    await world.tick(DUE)
    [posted] = [p for p in world.reminders() if STALE in seen(p)]
    await world.slack.click(posted, "Update", about="1")
    form = await world.slack.opened_form()
    assert form["callback_id"] == "opportunity"
