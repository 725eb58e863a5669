"""The Bolt app for kam-bot: one visible place where Slack's listeners are registered."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse

from bot.settings import Settings
from bot.slack.channels import SharedChannels
from bot.slack.clients import delivery_client, web_client
from bot.slack.delivery import SlackDeliverer
from bot.slack.installations import EncryptedInstallationStore, StateStore
from bot.slack.lifecycle import Lifecycle
from bot.slack.listeners import Clock, Listeners
from bot.slack.replays import ReplayGuard
from bot.slack.users import Users
from handlers.commands import Observer
from handlers.log_context import WORKSPACE
from storage.secrets import required
from storage.store import Store

log = logging.getLogger(__name__)

ACK_WITHIN = 2.0
ANY_FORM = re.compile(".+")
ANY_BUTTON = re.compile(".+")
STATE_EXPIRES = 600


def utc_now() -> datetime:
    return datetime.now(UTC)


def slack_app(
    settings: Settings,
    store: Store,
    *,
    clock: Clock = utc_now,
    ack_within: float = ACK_WITHIN,
    process_before_response: bool = False,
    observe: Observer | None = None,
) -> AsyncApp:
    """Requests are verified with the signing secret; every Web API call goes to SLACK_API_URL,
    with SLACK_BOT_TOKEN or, installed through OAuth, the token of the request's workspace.

    `process_before_response` is Bolt's: the HTTP answer waits for the whole listener, not just
    its ack (hosts that stop a process once it has answered; tests that look at everything a
    request did once it returns). Bolt otherwise waits three seconds at most for the ack."""
    installations = installation_store(settings, store) if settings.has_oauth else None
    lifecycle = Lifecycle(store, clock, installations)
    client = web_client(settings)
    oauth, authorize = None, None
    if installations is not None:
        oauth = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=settings.slack_scopes.split(","),
            user_scopes=[],
            redirect_uri=settings.slack_redirect_uri or None,
            authorization_url=settings.slack_authorization_url,
            installation_store=installations,
            installation_store_bot_only=True,
            state_store=StateStore(store.engine, STATE_EXPIRES),
            state_expiration_seconds=STATE_EXPIRES,
            callback_options=AsyncCallbackOptions(success=lifecycle.installed, failure=_failed),
        )
        # Bolt's own, but with each token's auth.test remembered instead of asked per request
        authorize = AsyncInstallationStoreAuthorize(
            logger=log,
            installation_store=installations,
            bot_only=True,
            cache_enabled=True,
            client=client,
        )
    app = AsyncApp(
        name="kam-bot",
        signing_secret=settings.slack_signing_secret,
        client=client,
        authorize=authorize,  # type: ignore[arg-type]  # typed as a plain function; Bolt takes its own
        oauth_settings=oauth,
        process_before_response=process_before_response,
    )
    app.use(ReplayGuard(store.engine, clock))
    app.use(_log_workspace)
    lookups_within = ack_within / 2  # who the person is and where, before the core's turn
    listeners = Listeners(
        store,
        clock,
        ack_within,
        Users(lookups_within),
        SharedChannels(lookups_within),
        observe=observe,
    )
    app.command("/kam")(listeners.command)
    app.view(ANY_FORM)(listeners.submission)
    app.action(ANY_BUTTON)(listeners.action)
    app.event("app_home_opened")(listeners.home_opened)
    app.event("app_uninstalled")(lifecycle.app_uninstalled)
    app.event("tokens_revoked")(lifecycle.tokens_revoked)
    return app


async def resume_if_reinstalled(settings: Settings, store: Store, clock: Clock = utc_now) -> None:
    """At start in token mode: the workspace whose token works is installed (again)."""
    if settings.slack_bot_token and not settings.has_oauth:
        await Lifecycle(store, clock, None).token_works(web_client(settings))


def installation_store(settings: Settings, store: Store) -> EncryptedInstallationStore:
    """Tokens from OAuth installs live in our database, never in plaintext: a key is required."""
    keys = required(settings.kam_encryption_key)
    return EncryptedInstallationStore(settings.slack_client_id, store.engine, keys)


def slack_deliverer(settings: Settings, store: Store) -> SlackDeliverer:
    """The scheduler's way into Slack, with each installed workspace's own token under OAuth."""
    client = delivery_client(settings)
    if not settings.has_oauth:
        return SlackDeliverer(client)
    installations = installation_store(settings, store)

    async def bot_token(team: str) -> str | None:
        bot = await installations.async_find_team_bot(team)
        return None if bot is None else bot.bot_token

    return SlackDeliverer(client, tokens=bot_token)


async def _failed(args: AsyncFailureArgs) -> BoltResponse:
    """Slack's own failure page; the reason goes to the log, where an operator looks."""
    args.settings.logger.warning("a Slack install failed: %s", args.reason)
    return await args.default.failure(args)


async def _log_workspace(
    context: AsyncBoltContext, next: Callable[[], Awaitable[BoltResponse]]
) -> None:
    """Every log line of the request names its workspace, also in the listener Bolt starts
    after the middleware returned (so it is set, not scoped; the server's middleware resets it)."""
    WORKSPACE.set(context.team_id or context.enterprise_id or "")
    await next()
