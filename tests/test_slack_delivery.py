"""Reminders reach Slack exactly once: through rate limits, outages, timeouts, crashes, a removed
channel, and two schedulers racing on one database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler import planning
from scheduler.delivery import render
from scheduler.jobs import tick
from storage import outbox, schedule
from storage.db import make_engine
from storage.models import OutboxMessage
from storage.store import Store
from tests.fake_slack import RATE_LIMITED, UNAVAILABLE, slow
from tests.reminder_world import (
    TIMEOUT,
    World,
    slack_deliverer,
)
from tests.slack_harness import ALICE, CHANNEL, seen

START = datetime(2026, 11, 27, 20, 30, tzinfo=UTC)
"""A Friday evening: accounts created now hear first on Monday at 09:00 (UTC)."""
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
CHANNELS = [f"C0CUST{n:02d}" for n in range(6)]


async def customers(world: World, channels: list[str] = CHANNELS) -> None:
    """One key account per channel, Alice the KAM of each."""
    for n, channel in enumerate(channels):
        await world.slack.slash(f"/kam account create Customer {n}", user=ALICE, channel=channel)


def states(store: Store) -> dict[int, str]:
    with Session(store.engine) as session:
        return {
            row: state
            for row, state in session.execute(select(OutboxMessage.id, OutboxMessage.state))
        }


def assert_each_sent_once(world: World) -> None:
    """Every outbox row was accepted by Slack, and exactly one message carries its id."""
    sent = states(world.store)
    assert set(sent.values()) == {"sent"}
    assert world.slack.fake.tagged() == dict.fromkeys(sent, 1)


async def test_rate_limits_outages_and_timeouts_still_deliver_each_reminder_once(
    world: World,
) -> None:
    await customers(world)
    world.deliverer = slack_deliverer(world.slack, TIMEOUT)
    world.slack.fake.fail_randomly(
        "chat.postMessage", 0.5, (RATE_LIMITED, UNAVAILABLE, slow(TIMEOUT * 2)), seed=7
    )
    for day in (MONDAY, FRIDAY, FRIDAY + timedelta(weeks=1)):
        for minute in range(0, 240, 5):
            await world.tick(day + timedelta(minutes=minute))

    assert world.slack.fake.attempts("chat.postMessage") > 3 * len(CHANNELS)
    assert world.slack.fake.attempts("conversations.history") > 0
    assert_each_sent_once(world)
    assert [len(world.reminders(channel)) for channel in CHANNELS] == [3] * len(CHANNELS)


async def test_a_message_posted_before_a_crash_is_found_not_posted_again(world: World) -> None:
    await customers(world, CHANNELS[:2])
    await asyncio.to_thread(planning.replan_due, world.store, MONDAY)
    schedule.sweep(world.store.engine, MONDAY, MONDAY - planning.WINDOW)
    claimed = outbox.claim(world.store.engine, MONDAY, 100)
    first = [row for row in claimed if row.target == CHANNELS[0]]
    reply = render(world.store, first, MONDAY)
    await world.deliverer.post(first[0].workspace, CHANNELS[0], reply, [row.id for row in first])
    # …and the process dies here, before recording anything.

    await world.tick(MONDAY + timedelta(minutes=1))
    assert [len(world.reminders(channel)) for channel in CHANNELS[:2]] == [1, 0]
    await world.tick(MONDAY + outbox.LEASE + timedelta(minutes=1))

    assert [len(world.reminders(channel)) for channel in CHANNELS[:2]] == [1, 1]
    assert_each_sent_once(world)


async def test_a_lost_channel_pauses_the_account_and_tells_the_kam(world: World) -> None:
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    world.slack.fake.fail_next("chat.postMessage", error="channel_not_found")
    report = await world.tick(MONDAY)
    await world.tick(MONDAY + timedelta(minutes=1))

    assert report.delivery.paused_accounts
    [notice] = world.direct_messages(ALICE)
    assert "I can't post reminders for *Acme Group* any more" in seen(notice)
    assert "`channel_not_found`" in seen(notice)
    assert "`/kam cadence resume`" in seen(notice)
    cadence = await world.slack.slash("/kam cadence", user=ALICE)
    assert "paused" in seen(cadence)


async def test_resume_brings_the_reminders_back(world: World) -> None:
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    world.slack.fake.fail_next("chat.postMessage", error="is_archived")
    await world.tick(MONDAY)
    await world.tick(FRIDAY)
    assert world.reminders() == []

    world.at(FRIDAY + timedelta(hours=1))
    answer = await world.slack.slash("/kam cadence resume", user=ALICE)
    assert "Reminders for Acme Group are back on" in seen(answer)
    await world.tick(FRIDAY + timedelta(weeks=1))
    [message] = world.reminders()
    assert "Strategic meeting overdue by 14 days" in seen(message)


async def test_two_schedulers_on_one_database_post_each_reminder_once(world: World) -> None:
    await customers(world)
    engine = make_engine(world.store.engine.url.render_as_string(hide_password=False))
    other = Store(engine)
    other_deliverer = slack_deliverer(world.slack)
    try:
        for moment in (MONDAY, MONDAY + timedelta(minutes=1), FRIDAY, FRIDAY):
            world.at(moment)
            await asyncio.gather(
                tick(world.store, {"slack": world.deliverer}, moment),
                tick(other, {"slack": other_deliverer}, moment),
            )
    finally:
        engine.dispose()

    assert_each_sent_once(world)
    assert [len(world.reminders(channel)) for channel in CHANNELS] == [2] * len(CHANNELS)


async def test_a_slow_answer_counts_as_posted_once_it_is_found(world: World) -> None:
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    world.deliverer = slack_deliverer(world.slack, TIMEOUT)
    world.slack.fake.fail_next("chat.postMessage", delay=TIMEOUT * 2)
    first = await world.tick(MONDAY)
    again = await world.tick(MONDAY + timedelta(minutes=5))

    assert (first.delivery.sent, first.delivery.retried) == (0, 4)
    assert again.delivery.sent == 4
    assert len(world.reminders(CHANNEL)) == 1
    assert_each_sent_once(world)


async def test_a_failed_lookup_does_not_post_twice(world: World) -> None:
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    world.deliverer = slack_deliverer(world.slack, TIMEOUT)
    world.slack.fake.fail_next("chat.postMessage", delay=TIMEOUT * 2)
    await world.tick(MONDAY)
    world.slack.fake.fail_next("conversations.history", status=503)
    for minutes in (5, 30, 60):
        await world.tick(MONDAY + timedelta(minutes=minutes))

    assert len(world.reminders(CHANNEL)) == 1
