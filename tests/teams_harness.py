"""A Teams tenant for tests: real Bot Framework activities into `/api/messages` of the real
aiohttp app, in emulator mode, answered through a fake Bot Connector."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
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
GUEST = {"id": "29:gunnar", "name": "Gunnar (Guest)", "aadObjectId": "aad-gunnar"}
PETRA = {"id": "29:petra", "name": "Petra (IT)", "aadObjectId": "aad-petra"}
"""The tenant's workspace admin, as the operator configured her in `KAM_TEAMS_ADMINS`."""


def member(who: dict[str, str], role: str = "user", tenant: str = TENANT) -> dict[str, str]:
    """Someone as the roster lists them: Teams adds their role and tenant."""
    return {**who, "userRole": role, "tenantId": tenant}


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

    async def click(
        self,
        card: dict[str, Any],
        label: str,
        who: dict[str, str] = ALICE,
        conversation: str = CHANNEL,
    ) -> dict[str, Any]:
        """Press the button labelled `label` on a card the bot sent: Teams sends its data as the
        activity's value, replying to the card; the bot's answer."""
        content = card["attachments"][0]["content"]
        [data] = [
            action["data"]
            for element in content["body"]
            if element["type"] == "ActionSet"
            for action in element["actions"]
            if action["title"] == label
        ]
        clicked = self.activity("message", who, conversation, value=data, replyToId=card["id"])
        before = len(self.connector.delivered())
        await self.post(clicked)
        return (await self.connector.wait_for(before + 1))[-1]

    def deliverer(self) -> TeamsDeliverer:
        teams = self.client.app[TEAMS]
        return TeamsDeliverer(teams.adapter, self.store, teams.app_id)

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
    return await tenant(store, aiohttp_client, aiohttp_server)


async def tenant(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, public_url: str = ""
) -> TeamsChannel:
    """The tenant and the bot; with `public_url` (`KAM_PUBLIC_URL`) the bot serves files."""
    connector = FakeConnector(members={"29:bob": member(BOB), "29:alice": member(ALICE)})
    server = await aiohttp_server(connector.app())
    clock = Clock(START)
    settings = Settings(
        _env_file=None,
        slack_bot_token="",
        kam_teams_admins=PETRA["aadObjectId"],
        kam_public_url=public_url,
    )
    app = build_app(settings, store, clock=clock)
    client = await aiohttp_client(app)
    return TeamsChannel(client, connector, str(server.make_url("/")), store, clock)
