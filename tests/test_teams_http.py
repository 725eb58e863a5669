"""Teams end to end: real Bot Framework activities to `/api/messages` of the real aiohttp app, in
emulator mode, with the bot's replies and reminders landing in a fake Bot Connector."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.server import TEAMS, build_app
from bot.settings import Settings
from bot.teams.delivery import TeamsDeliverer
from scheduler.jobs import TickReport, tick
from storage.store import Store
from tests.fake_connector import FakeConnector
from tests.reminder_world import Clock
from tests.slack_harness import ClientFactory, ServerFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2026, 11, 27, 20, 30, tzinfo=STOCKHOLM)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM)
TENANT, BOT = "tenant-kam", "28:kam-bot"
CHANNEL = "19:acme@thread.tacv2"
ALICE = {"id": "29:alice", "name": "Alice", "aadObjectId": "aad-alice"}
BOB = {"id": "29:bob", "name": "Bob", "aadObjectId": "aad-bob"}


@dataclass
class TeamsChannel:
    """A Teams tenant as the bot sees it: people post activities, the bot answers through the
    fake connector."""

    client: Any
    connector: FakeConnector
    service_url: str
    store: Store
    clock: Clock
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def activity(self, kind: str, who: dict[str, str], conversation: str, **extra: Any) -> dict:
        scope = "personal" if conversation.startswith("a:") else "channel"
        return {
            "type": kind,
            "id": f"activity-in-{next(self._ids)}",
            "timestamp": self.clock.now.isoformat(),
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": who,
            "recipient": {"id": BOT, "name": "kam"},
            "conversation": {"id": conversation, "conversationType": scope, "tenantId": TENANT},
            "channelData": {"tenant": {"id": TENANT}},
            "locale": "en-US",
            **extra,
        }

    async def post(self, activity: dict[str, Any]) -> None:
        response = await self.client.post("/api/messages", json=activity)
        assert response.status in (200, 201), await response.text()

    async def say(
        self, text: str, who: dict[str, str] = ALICE, conversation: str = CHANNEL, **extra: Any
    ) -> dict[str, Any]:
        """Type `text` (`<at>…</at>` mentions need `entities`); the bot's reply."""
        before = len(self.connector.delivered())
        await self.post(self.activity("message", who, conversation, text=text, **extra))
        return (await self.connector.wait_for(before + 1))[-1]

    async def submit(
        self, card: dict[str, Any], who: dict[str, str] = ALICE, **answers: Any
    ) -> dict[str, Any]:
        """Fill a form card (untouched inputs keep their values) and press its submit button."""
        content = card["attachments"][0]["content"]
        inputs = {item["id"]: item.get("value", "") for item in content["body"] if "id" in item}
        value = {**content["actions"][0]["data"], **inputs, **answers}
        before = len(self.connector.delivered())
        await self.post(self.activity("message", who, CHANNEL, value=value))
        return (await self.connector.wait_for(before + 1))[-1]

    def deliverer(self) -> TeamsDeliverer:
        teams = self.client.app[TEAMS]
        return TeamsDeliverer(teams.adapter, self.store, teams.app_id, timeout=2.0)

    async def tick(self, moment: datetime) -> TickReport:
        self.clock.now = moment
        return await tick(self.store, {"teams": self.deliverer()}, moment)


def seen(activity: dict[str, Any]) -> str:
    """What a person reads in a card: its text blocks and facts."""
    content = activity["attachments"][0]["content"]
    parts = []
    for element in content["body"]:
        parts += [element.get("text", ""), element.get("label", "")]
        parts += [f"{f['title']}: {f['value']}" for f in element.get("facts", [])]
    return "\n".join(part for part in parts if part)


def mention(who: dict[str, str], aad: bool = False) -> dict[str, Any]:
    """A mention entity as Teams sends it: the Teams id and name, no AAD object id."""
    mentioned = {"id": who["id"], "name": who["name"]}
    if aad:
        mentioned["aadObjectId"] = who["aadObjectId"]
    return {"type": "mention", "text": f"<at>{who['name']}</at>", "mentioned": mentioned}


BOT_MENTION = {"type": "mention", "text": "<at>kam</at>", "mentioned": {"id": BOT, "name": "kam"}}


@pytest.fixture
async def teams(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> TeamsChannel:
    connector = FakeConnector(members={"29:bob": BOB, "29:alice": ALICE})
    server = await aiohttp_server(connector.app())
    clock = Clock(START)
    app = build_app(Settings(_env_file=None, slack_bot_token=""), store, clock=clock)
    client = await aiohttp_client(app)
    return TeamsChannel(client, connector, str(server.make_url("/")), store, clock)


async def test_account_create_replies_with_a_card_in_the_thread(teams: TeamsChannel) -> None:
    reply = await teams.say("kam account create Acme")
    assert "*Acme* is now a key account" in seen(reply).replace("**", "*")
    [post] = teams.connector.posts
    assert post.conversation == CHANNEL
    assert post.reply_to.startswith("activity-in-")
    assert reply["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert reply["summary"]


async def test_the_bot_mention_is_stripped_and_people_become_their_aad_ids(
    teams: TeamsChannel,
) -> None:
    await teams.say("<at>kam</at> account create Acme", entities=[BOT_MENTION])
    reply = await teams.say(
        "<at>kam</at> team add <at>Bob</at> sales", entities=[BOT_MENTION, mention(BOB)]
    )
    assert "aad-bob" in seen(reply)
    team = await teams.say("kam team")
    assert "aad-bob" in seen(team)


async def test_a_typed_meeting_is_logged(teams: TeamsChannel) -> None:
    await teams.say("kam account create Acme")
    reply = await teams.say("kam log-meeting tactical yesterday Reviewed delivery KPIs")
    assert "Tactical meeting" in seen(reply).replace("**", "")
    assert "2026-11-26" in seen(reply)


async def test_log_meeting_alone_opens_a_form_that_logs_when_submitted(
    teams: TeamsChannel,
) -> None:
    await teams.say("kam account create Acme")
    form = await teams.say("/kam log-meeting")
    assert form["attachments"][0]["content"]["actions"][0]["type"] == "Action.Submit"
    logged = await teams.submit(form, kind="strategic", notes="Signed the framework")
    assert "Strategic meeting" in seen(logged).replace("**", "")
    assert "Signed the framework" in seen(logged)


async def test_an_empty_form_comes_back_with_its_errors(teams: TeamsChannel) -> None:
    await teams.say("kam account create Acme")
    form = await teams.say("kam log-meeting")
    inputs = [item["id"] for item in form["attachments"][0]["content"]["body"] if "id" in item]
    again = await teams.submit(form, **dict.fromkeys(inputs, ""))
    body = again["attachments"][0]["content"]["body"]
    assert any(item.get("color") == "Attention" for item in body)
    assert again["attachments"][0]["content"]["actions"][0]["data"]["kam_form"]


async def test_reminders_arrive_in_the_channel_through_the_stored_reference(
    teams: TeamsChannel,
) -> None:
    await teams.post(
        teams.activity("conversationUpdate", ALICE, CHANNEL, membersAdded=[{"id": BOT}])
    )
    await teams.say("kam account create Acme")
    await teams.say("kam settings timezone Europe/Stockholm")
    report = await teams.tick(MONDAY)
    assert report.delivery.sent == 4
    reminder = teams.connector.delivered(CHANNEL)[-1]
    assert "Strategic meeting overdue by 3 days" in seen(reminder).replace("**", "")
    assert teams.connector.posts[-1].reply_to == ""


async def test_a_removed_bot_pauses_the_account_and_tells_the_kam_in_person(
    teams: TeamsChannel,
) -> None:
    personal = "a:alice-personal"
    await teams.post(teams.activity("installationUpdate", ALICE, personal, action="add"))
    await teams.say("kam account create Acme")
    await teams.say("kam settings timezone Europe/Stockholm")
    teams.connector.fail_next(403)
    report = await teams.tick(MONDAY)
    assert report.delivery.paused_accounts and report.delivery.sent == 0
    await teams.tick(MONDAY + timedelta(minutes=1))
    [notice] = teams.connector.delivered(personal)
    assert "paused" in seen(notice)


async def test_a_rate_limit_is_retried_after_retry_after(teams: TeamsChannel) -> None:
    await teams.say("kam account create Acme")
    await teams.say("kam settings timezone Europe/Stockholm")
    teams.connector.fail_next(429, retry_after=7)
    first = await teams.tick(MONDAY)
    assert (first.delivery.sent, first.delivery.retried) == (0, 4)
    assert (await teams.tick(MONDAY + timedelta(seconds=6))).delivery.sent == 0
    assert (await teams.tick(MONDAY + timedelta(seconds=7))).delivery.sent == 4
