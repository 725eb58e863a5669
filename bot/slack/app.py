"""The Bolt app for kam-bot: one visible place where Slack's listeners are registered."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from slack_bolt.async_app import AsyncApp

from bot.settings import Settings
from bot.slack.clients import web_client
from bot.slack.listeners import Clock, Listeners
from handlers.commands import Observer
from storage.store import Store

ACK_WITHIN = 2.0
ANY_FORM = re.compile(".+")
ANY_BUTTON = re.compile(".+")


def utc_now() -> datetime:
    return datetime.now(UTC)


def slack_app(
    settings: Settings,
    store: Store,
    *,
    clock: Clock = utc_now,
    ack_within: float = ACK_WITHIN,
    observe: Observer | None = None,
) -> AsyncApp:
    """Requests are verified with the signing secret; every Web API call goes to SLACK_API_URL."""
    app = AsyncApp(
        name="kam-bot", signing_secret=settings.slack_signing_secret, client=web_client(settings)
    )
    listeners = Listeners(store, clock, ack_within, observe=observe)
    app.command("/kam")(listeners.command)
    app.view(ANY_FORM)(listeners.submission)
    app.action(ANY_BUTTON)(listeners.action)
    return app
