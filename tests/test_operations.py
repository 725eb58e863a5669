"""What operators see: liveness, readiness, Prometheus metrics and JSON logs."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text

from bot.logs import configure_logging
from bot.server import build_app
from bot.settings import Settings
from storage import migrate
from storage.db import make_engine
from storage.store import Store
from tests.slack_harness import ALICE, TEAM, ClientFactory, ServerFactory, Slack, start_slack
from tests.teams_harness import TeamsChannel

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FRIDAY_EVENING = datetime(2026, 11, 27, 20, 30, tzinfo=STOCKHOLM).astimezone(UTC)
MONDAY_MORNING = datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM).astimezone(UTC)
NO_SLACK = Settings(_env_file=None, slack_bot_token="")


def samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a /metrics answer, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


async def scrape(slack: Slack) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return samples(await (await slack.client.get("/metrics")).text())


def sample(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def break_the_plan_table(store: Store) -> None:
    """A database that lost a table: `/kam plan` then fails inside the core."""
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE plan_revision"))


async def test_alive_and_ready_while_the_database_answers(slack: Slack) -> None:
    assert (await slack.client.get("/healthz")).status == 200
    ready = await slack.client.get("/readyz")
    assert (ready.status, await ready.json()) == (200, {"ready": True})


async def test_alive_but_not_ready_without_a_database(aiohttp_client: ClientFactory) -> None:
    gone = Store(create_engine("sqlite:////nonexistent/folder/kam.sqlite3"))
    client = await aiohttp_client(build_app(NO_SLACK, gone))
    assert (await client.get("/healthz")).status == 200
    ready = await client.get("/readyz")
    assert ready.status == 503
    assert (await ready.json())["reason"] == "database unreachable"


async def test_not_ready_while_a_migration_is_pending(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0003")
    client = await aiohttp_client(build_app(NO_SLACK, Store(engine)))
    ready = await client.get("/readyz")
    assert ready.status == 503
    assert "migrations pending" in (await ready.json())["reason"]
    migrate.upgrade(engine)
    assert (await client.get("/readyz")).status == 200
    engine.dispose()


async def test_metrics_count_requests_by_command_and_errors(slack: Slack, store: Store) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam log-meeting tactical yesterday Went through the budget", user=ALICE)
    await slack.slash("/kam log-meeting internal yesterday Planned the quarter", user=ALICE)
    await slack.slash("/kam frobnicate the budget", user=ALICE)
    break_the_plan_table(store)
    await slack.slash("/kam plan", user=ALICE)

    response = await slack.client.get("/metrics")
    assert response.status == 200
    found = samples(await response.text())
    count = "kam_request_seconds_count"
    assert sample(found, count, command="account", platform="slack") == 1
    assert sample(found, count, command="log-meeting", platform="slack") == 2
    assert sample(found, count, command="unknown", platform="slack") == 1
    assert sample(found, "kam_request_errors_total", command="plan", platform="slack") == 1
    assert sample(found, "kam_slack_ack_seconds_count") == 5
    assert sample(found, "kam_outbox_depth", state="pending") == 0
    assert not any("budget" in value for _name, labels in found for _k, value in labels)


async def test_metrics_count_teams_requests_apart(teams: TeamsChannel) -> None:
    await teams.say("kam account create Acme Group")
    await teams.say("kam account")
    found = samples(await (await teams.client.get("/metrics")).text())
    assert sample(found, "kam_request_seconds_count", command="account", platform="teams") == 2
    assert sample(found, "kam_request_seconds_count", command="account", platform="slack") == 0


async def test_metrics_show_the_schedulers_sweeps_and_deliveries(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    friday = await start_slack(store, aiohttp_client, aiohttp_server, clock=lambda: FRIDAY_EVENING)
    await friday.slash("/kam account create Acme Group", user=ALICE)
    await friday.slash("/kam settings timezone Europe/Stockholm", user=ALICE)

    monday = await start_slack(
        store, aiohttp_client, aiohttp_server, clock=lambda: MONDAY_MORNING, run_scheduler=True
    )
    await monday.fake.wait_for("chat.postMessage")
    async with asyncio.timeout(5):
        while not sample(found := await scrape(monday), "kam_deliveries_total", result="sent"):
            await asyncio.sleep(0.05)  # the tick reports once its delivery pass is recorded
    four_kinds_in_one_message = 4
    assert sample(found, "kam_deliveries_total", result="sent") == four_kinds_in_one_message
    assert sample(found, "kam_outbox_depth", state="sent") == four_kinds_in_one_message
    assert sample(found, "kam_sweep_seconds_count") >= 1


@pytest.fixture
def log_output() -> io.StringIO:
    """The logging the CLI configures, at its most talkative, written to a buffer."""
    buffer = io.StringIO()
    configure_logging(logging.DEBUG, buffer)
    return buffer


async def test_logs_are_json_with_request_and_workspace_but_no_text_or_token(
    log_output: io.StringIO, slack: Slack, store: Store
) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam log-meeting tactical yesterday Confidential discount 42%", user=ALICE)
    slack.fake.fail_next("views.open", error="expired_trigger_id")
    await slack.slash("/kam log-meeting", user=ALICE)
    await slack.late_answer()
    break_the_plan_table(store)
    await slack.slash("/kam plan revised Secret budget of 9 MSEK", user=ALICE)

    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    [failure] = [line for line in lines if line["message"].startswith("request failed")]
    assert (failure["level"], failure["workspace"]) == ("ERROR", TEAM)
    [refused] = [line for line in lines if line["message"].startswith("views.open failed")]
    assert refused["workspace"] == TEAM
    assert failure["request_id"] and refused["request_id"]
    assert failure["request_id"] != refused["request_id"]
    written = log_output.getvalue()
    for secret in ("Confidential discount", "Secret budget", "9 MSEK", "xoxb-kam-test"):
        assert secret not in written
