"""The `slack` fixture; test modules load it with `pytest_plugins = ("tests.slack_fixtures",)`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.store import Store
from tests.block_kit import limit_violations
from tests.slack_harness import ClientFactory, ServerFactory, Slack, start_slack


def assert_within_limits(slack: Slack) -> None:
    for payload in slack.payloads():
        assert limit_violations(payload) == [], payload


@pytest.fixture
async def slack(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> AsyncIterator[Slack]:
    """A workspace on the `store` fixture (SQLite and PostgreSQL); every payload is checked."""
    workspace = await start_slack(store, aiohttp_client, aiohttp_server)
    yield workspace
    assert_within_limits(workspace)
