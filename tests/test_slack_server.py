"""The server around the Slack adapter: health, slow answers, and running without Slack."""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import Engine

from bot.server import SCHEDULER, build_app
from bot.settings import Settings
from storage.models import Account
from storage.store import Store
from tests.slack_harness import ALICE, ClientFactory, ServerFactory, Slack, seen, start_slack


class HeldStore(Store):
    """A database that answers only once the test lets it, as a slow one would."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.go = threading.Event()

    def account_for_channel(self, workspace_id: int, channel: str) -> Account | None:
        self.go.wait(timeout=10)
        return super().account_for_channel(workspace_id, channel)


async def test_without_slack_credentials_only_health_is_served(
    aiohttp_client: ClientFactory, store: Store
) -> None:
    client = await aiohttp_client(build_app(Settings(_env_file=None, slack_bot_token=""), store))
    assert (await client.get("/healthz")).status == 200
    assert (await client.post("/slack/events", data="")).status == 404


async def test_a_slow_answer_is_acknowledged_first_and_follows(
    slack: Slack, store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    held = HeldStore(store.engine)
    slow = await start_slack(
        held, aiohttp_client, aiohttp_server, ack_within=0.05, process_before_response=False
    )
    answer = await slow.slash("/kam account", user=ALICE)
    assert answer == {"response_type": "ephemeral", "text": "Working on it…"}
    held.go.set()
    late = await slow.late_answer()
    assert late["response_type"] == "ephemeral"
    assert "Acme Group" in seen(late)


async def test_socket_mode_carries_commands_and_forms_with_health_on_http(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    slack = await start_slack(store, aiohttp_client, aiohttp_server, socket_mode=True)
    assert (await slack.client.get("/healthz")).status == 200
    assert (await slack.client.post("/slack/events", data="")).status == 404
    created = await slack.slash("/kam account create Acme Group", user=ALICE)
    assert "*Acme Group* is now a key account" in seen(created)
    await slack.slash("/kam log-meeting strategic", user=ALICE)
    await slack.submit(await slack.opened_form(), user=ALICE, notes="Signed the framework")
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert "*Strategic meeting* with Acme Group on 2026-11-27" in seen(posted)


async def test_serve_runs_the_scheduler_for_the_servers_lifetime(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    slack = await start_slack(store, aiohttp_client, aiohttp_server, run_scheduler=True)
    scheduler = slack.client.app[SCHEDULER].scheduler
    assert scheduler.running
    assert len(scheduler.get_jobs()) == 1
    await slack.client.close()
    await asyncio.sleep(0)  # AsyncIOScheduler.shutdown takes effect on the loop's next turn
    assert not scheduler.running


async def test_tests_that_tick_by_hand_run_no_scheduler(slack: Slack) -> None:
    assert SCHEDULER not in slack.client.app
