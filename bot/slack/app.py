"""The Bolt app for kam-bot: one visible place where Slack's listeners are registered."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.settings import Settings
from bot.slack.clients import web_client
from bot.slack.listeners import Clock, Listeners
from handlers.commands import Observer
from handlers.log_context import WORKSPACE
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
    app.use(_log_workspace)
    listeners = Listeners(store, clock, ack_within, observe=observe)
    app.command("/kam")(listeners.command)
    app.view(ANY_FORM)(listeners.submission)
    app.action(ANY_BUTTON)(listeners.action)
    return app


async def _log_workspace(
    context: AsyncBoltContext, next: Callable[[], Awaitable[BoltResponse]]
) -> None:
    """Every log line of the request names its workspace, also in the listener Bolt starts
    after the middleware returned (so it is set, not scoped; the server's middleware resets it)."""
    WORKSPACE.set(context.team_id or context.enterprise_id or "")
    await next()
