"""The `world` fixture; test modules load it with `pytest_plugins = ("tests.reminder_fixtures",)`
and name their starting instant `START`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC

import pytest

from storage.store import Store
from tests.reminder_world import Clock, World, slack_deliverer
from tests.slack_fixtures import assert_within_limits
from tests.slack_harness import ClientFactory, ServerFactory, start_slack


@pytest.fixture
async def world(
    store: Store,
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    request: pytest.FixtureRequest,
) -> AsyncIterator[World]:
    """Starts at the instant a test module names as `START`."""
    clock = Clock(request.module.START.astimezone(UTC))
    slack = await start_slack(store, aiohttp_client, aiohttp_server, clock=clock)
    yield World(store, slack, clock, slack_deliverer(slack))
    assert_within_limits(slack)
