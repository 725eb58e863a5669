"""A kam-bot installable from Slack: the `installable` fixture and the browser's part of an
install."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlparse

import pytest
from aiohttp import ClientResponse
from cryptography.fernet import Fernet

from storage.store import Store
from tests.slack_fixtures import assert_within_limits
from tests.slack_harness import ClientFactory, ServerFactory, Slack, start_slack

CLIENT_ID, CLIENT_SECRET = "1234.5678", "kam-client-secret"
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


async def install(slack: Slack, team: str, name: str) -> ClientResponse:
    """Open the install page, follow *Add to Slack*, approve as `team`, come back with the code."""
    page = await slack.client.get("/slack/install")
    assert page.status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', await page.text())
    assert link is not None
    state = parse_qs(urlparse(link[1].replace("&amp;", "&")).query)["state"][0]
    cookie = SimpleCookie(page.headers["Set-Cookie"])[STATE_COOKIE].value
    code = slack.fake.approve(team, name)
    return await slack.client.get(
        "/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers={"Cookie": f"{STATE_COOKIE}={cookie}"},
    )


def token_of(slack: Slack, team: str) -> str:
    """The bot token Slack issued to `team` (the newest, if it installed more than once)."""
    return [token for token, owner in slack.fake.tokens.items() if owner == team][-1]
