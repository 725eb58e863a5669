"""A Slack workspace with a scheduler the test drives: `world.tick(at)` is one pass at `at`.

The bot's clock and the scheduler's `now` are the same hand-set instant, so tests travel in time
without sleeping. The `world` fixture is in `tests.reminder_fixtures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.settings import Settings
from bot.slack.clients import DELIVERY_TIMEOUT, delivery_client
from bot.slack.delivery import SlackDeliverer
from scheduler.jobs import TickReport, tick
from storage.store import Store
from tests.slack_harness import CHANNEL, Slack

TIMEOUT = 0.5
"""A hasty deliverer's client timeout, for tests of timeouts: a `slow` fake answer takes longer.
Every other test's deliverer waits as long as the bot's does, however loaded the machine."""


@dataclass
class Clock:
    """The time the bot believes it is; tests move it."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """The workspace, its clock, and the scheduler's Slack deliverer."""

    store: Store
    slack: Slack
    clock: Clock
    deliverer: SlackDeliverer

    def at(self, moment: datetime) -> None:
        """From now on people act at `moment`, in UTC as a real clock gives it (SQLite compares
        instants as text)."""
        self.clock.now = moment.astimezone(UTC)

    async def tick(self, moment: datetime) -> TickReport:
        """It is `moment`: one replan, sweep and delivery pass."""
        self.at(moment)
        return await tick(self.store, {"slack": self.deliverer}, self.clock.now)

    def reminders(self, channel: str = CHANNEL) -> list[dict[str, Any]]:
        """What the scheduler posted in a channel (or a DM), oldest first."""
        return [posted for posted in self.slack.fake.posted(channel) if posted.get("metadata")]

    def direct_messages(self, user: str) -> list[dict[str, Any]]:
        """What the scheduler sent `user` directly."""
        return self.reminders("D" + user)


def slack_deliverer(slack: Slack, timeout: float = DELIVERY_TIMEOUT) -> SlackDeliverer:
    """The scheduler's deliverer, on the same fake Slack."""
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-kam-test",
        slack_api_url=str(slack.fake_server.make_url("/api/")),
    )
    return SlackDeliverer(delivery_client(settings, timeout=timeout))
