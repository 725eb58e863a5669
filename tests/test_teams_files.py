"""With a public address (`KAM_PUBLIC_URL`), a Teams reply's files are links the bot serves:
the chart shows in the card, each file downloads, and a link stops working after seven days."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from sqlalchemy import func, select

from storage.models import SharedFile
from storage.store import Store
from tests.slack_harness import ClientFactory, ServerFactory
from tests.teams_harness import ALICE, CHANNEL, GUEST, TeamsChannel, member, seen, tenant
from tests.test_teams_cards import SCHEMA, assert_valid

PUBLIC_URL = "https://kam.example.com"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEAMS_LIMIT = 28 * 1024
PERSONAL = "a:alice-personal"


@pytest.fixture
async def teams(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> TeamsChannel:
    return await tenant(store, aiohttp_client, aiohttp_server, public_url=PUBLIC_URL)


@pytest.fixture(scope="module")
def validator() -> Validator:
    schema = json.loads(SCHEMA.read_text())
    checker: Validator = validator_for(schema)(schema)
    return checker


def card(activity: dict[str, Any]) -> dict[str, Any]:
    """The activity's only attachment: its card (no file goes inline)."""
    [attachment] = activity["attachments"]
    content: dict[str, Any] = attachment["content"]
    return content


def images(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [element for element in content["body"] if element["type"] == "Image"]


def downloads(content: dict[str, Any]) -> dict[str, str]:
    """Each download button's title and link."""
    sets = [element["actions"] for element in content["body"] if element["type"] == "ActionSet"]
    return {
        action["title"]: action["url"]
        for found in sets
        for action in found
        if action["type"] == "Action.OpenUrl"
    }


async def fetch(teams: TeamsChannel, url: str) -> tuple[int, dict[str, str], bytes]:
    """What someone opening the link gets from the bot: the public address is the test server."""
    assert url.startswith(f"{PUBLIC_URL}/files/")
    response = await teams.client.get(urlsplit(url).path)
    return response.status, dict(response.headers), await response.read()


def shared_files(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(SharedFile)) or 0


async def chart(teams: TeamsChannel, **where: Any) -> dict[str, Any]:
    await teams.say("kam account create Acme Group")
    await teams.say("kam kpi set revenue 2026-Q3 1.2M target 1.5M")
    return await teams.say("kam kpi chart revenue", **where)


async def test_the_chart_shows_in_the_card_from_the_bots_own_link(
    teams: TeamsChannel, validator: Validator
) -> None:
    answer = await chart(teams)
    content = card(answer)
    assert "Revenue of Acme Group: 2026-Q3 to 2026-Q3." in seen(answer)
    [image] = images(content)
    assert image["url"].endswith("/revenue-trend.png")
    assert downloads(content) == {"Download revenue-trend.png": image["url"]}
    assert_valid(validator, content)
    assert len(json.dumps(answer).encode()) < TEAMS_LIMIT

    status, headers, body = await fetch(teams, image["url"])
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"].startswith("inline")
    assert headers["Cache-Control"] == "private"
    assert body.startswith(PNG_SIGNATURE)


async def test_the_export_downloads_as_markdown_and_csv(
    teams: TeamsChannel, validator: Validator
) -> None:
    await teams.say("kam account create Acme Group")
    await teams.say("kam log-meeting tactical yesterday reviewed the renewal")
    answer = await teams.say("kam export")
    content = card(answer)
    assert "The Acme Group account plan and its records, exported." in seen(answer)
    assert images(content) == []
    links = downloads(content)
    assert list(links) == [
        "Download acme-group-account-plan.md",
        "Download acme-group-meetings.csv",
        "Download acme-group-kpis.csv",
        "Download acme-group-opportunities.csv",
    ]
    assert_valid(validator, content)
    assert len(json.dumps(answer).encode()) < TEAMS_LIMIT

    status, headers, plan = await fetch(teams, links["Download acme-group-account-plan.md"])
    assert status == 200
    assert headers["Content-Type"].startswith("text/markdown")
    assert headers["Content-Disposition"] == 'attachment; filename="acme-group-account-plan.md"'
    assert plan.decode().startswith("# Account plan of Acme Group")

    status, headers, meetings = await fetch(teams, links["Download acme-group-meetings.csv"])
    assert headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(meetings.decode())))
    assert rows[0][:2] == ["Date", "Kind"]
    assert "reviewed the renewal" in rows[1]


async def test_with_a_guest_present_the_chart_is_linked_in_the_personal_chat(
    teams: TeamsChannel,
) -> None:
    teams.connector.roster(CHANNEL, member(ALICE), member(GUEST, role="guest"))
    await teams.post(teams.activity("installationUpdate", ALICE, PERSONAL, action="add"))
    await teams.say("kam account create Acme Group")
    await teams.say("kam kpi set profitability 2026-Q3 12% target 15%")
    in_channel = await teams.say("kam kpi chart profitability")
    assert images(card(in_channel)) == []
    privately = teams.connector.delivered(PERSONAL)[-1]
    [image] = images(card(privately))
    status, headers, body = await fetch(teams, image["url"])
    assert (status, headers["Content-Type"]) == (200, "image/png")
    assert body.startswith(PNG_SIGNATURE)


async def test_an_unknown_link_is_not_found_and_says_nothing_more(teams: TeamsChannel) -> None:
    [image] = images(card(await chart(teams)))
    token = urlsplit(image["url"]).path.split("/")[2]
    unknown = await fetch(teams, f"{PUBLIC_URL}/files/{'x' * 43}/revenue-trend.png")
    other_name = await fetch(teams, f"{PUBLIC_URL}/files/{token}/acme-group-kpis.csv")
    assert unknown[0] == other_name[0] == 404
    assert unknown[2] == other_name[2]


async def test_a_link_expires_after_seven_days_and_its_file_is_deleted(
    teams: TeamsChannel,
) -> None:
    [image] = images(card(await chart(teams)))
    teams.clock.now += timedelta(days=6, hours=23)
    assert (await fetch(teams, image["url"]))[0] == 200

    teams.clock.now += timedelta(hours=1)
    assert (await fetch(teams, image["url"]))[0] == 404
    assert shared_files(teams.store) == 1
    await teams.tick(teams.clock.now)
    assert shared_files(teams.store) == 0


async def test_without_a_public_address_files_go_inline_and_the_card_says_why(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    emulator = await tenant(store, aiohttp_client, aiohttp_server)
    await emulator.say("kam account create Acme Group")
    answer = await emulator.say("kam export")
    assert "Teams cannot show the attached files here" in seen(answer)
    assert [file["name"] for file in answer["attachments"][1:]] == [
        "acme-group-account-plan.md",
        "acme-group-meetings.csv",
        "acme-group-kpis.csv",
        "acme-group-opportunities.csv",
    ]
    assert downloads(answer["attachments"][0]["content"]) == {}
    assert shared_files(store) == 0
