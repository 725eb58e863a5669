"""A kam-bot installable from Slack: the `installable` fixture and the browser's part of an
install."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from aiohttp import ClientResponse
from cryptography.fernet import Fernet

from bot.settings import Settings
from bot.slack.app import slack_deliverer
from storage import workspaces
from storage.store import Store
from tests.reminder_world import Clock, World
from tests.slack_fixtures import assert_within_limits
from tests.slack_harness import ALICE, ClientFactory, ServerFactory, Slack, start_slack

CLIENT_ID, CLIENT_SECRET = "1234.5678", "kam-client-secret"
NEW_TEAM = "T0NEW"
UNINSTALLED = {"type": "app_uninstalled"}
START = datetime(2026, 11, 27, 20, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
"""When the `installed` world begins: a Friday evening."""
KEY = Fernet.generate_key().decode()
STATE_COOKIE = "slack-app-oauth-state"


def oauth_settings(key: str = KEY) -> dict[str, str]:
    return {
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "kam_encryption_key": key,
    }


@pytest.fixture
async def installable(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> AsyncIterator[Slack]:
    """kam-bot with Slack client credentials and no bot token, on both databases."""
    slack = await start_slack(store, aiohttp_client, aiohttp_server, oauth=oauth_settings())
    slack.fake.apps[CLIENT_ID] = CLIENT_SECRET
    yield slack
    assert_within_limits(slack)


async def install(slack: Slack, team: str, name: str, enterprise: str = "") -> ClientResponse:
    """Open the install page, follow *Add to Slack*, approve as `team`, come back with the code."""
    page = await slack.client.get("/slack/install")
    assert page.status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', await page.text())
    assert link is not None
    state = parse_qs(urlparse(link[1].replace("&amp;", "&")).query)["state"][0]
    cookie = SimpleCookie(page.headers["Set-Cookie"])[STATE_COOKIE].value
    code = slack.fake.approve(team, name, enterprise)
    return await slack.client.get(
        "/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers={"Cookie": f"{STATE_COOKIE}={cookie}"},
    )


def token_of(slack: Slack, team: str) -> str:
    """The bot token Slack issued to `team` (the newest, if it installed more than once)."""
    return [token for token, owner in slack.fake.tokens.items() if owner == team][-1]


async def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Slack events are acknowledged before they are handled: wait for the handling."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


@pytest.fixture
async def installed(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> AsyncIterator[World]:
    """kam-bot installed from Slack in T0NEW, where Acme Group's channel is in Stockholm."""
    clock = Clock(START.astimezone(UTC))
    slack = await start_slack(
        store,
        aiohttp_client,
        aiohttp_server,
        clock=clock,
        oauth=oauth_settings(),
    )
    slack.fake.apps[CLIENT_ID] = CLIENT_SECRET
    slack.team = NEW_TEAM
    await install(slack, NEW_TEAM, "New Co")
    settings = Settings(
        _env_file=None,
        slack_api_url=str(slack.fake_server.make_url("/api/")),
        **oauth_settings(),
    )
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE)
    yield World(store, slack, clock, slack_deliverer(settings, store))
    assert_within_limits(slack)


def paused(store: Store, team: str) -> bool:
    return workspaces.paused_reason(store.engine, "slack", team) is not None
