"""A Slack workspace in a test: people type `/kam …` and fill modals; requests arrive signed."""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.server import build_app
from bot.settings import Settings
from bot.slack.listeners import Clock
from storage.store import Store
from tests.conftest import NOW
from tests.fake_slack import RESPONSE_URL_METHOD, FakeSlack

SECRET = "kam-test-signing-secret"
TEAM, CHANNEL, OTHER_CHANNEL = "T0KAM", "C0ACME", "C0RANDOM"
PATIENT = 60.0
"""How long the bot may take before it acks with "Working on it…": long, so that however loaded
the machine, an answer rides on the ack and a test's next step sees what the command changed.
Bolt waits three seconds for an ack unless it processes before responding, so patient tests
have it do that. `tests/test_slack_server.py` checks the late-answer path with a short wait."""
USERS = {"alice": "U0ALICE", "bob": "U0BOB", "carol": "U0CAROL"}
ALICE, BOB, CAROL = USERS["alice"], USERS["bob"], USERS["carol"]
NAME_MENTION = re.compile(r"@(\w+)")

ClientFactory = Callable[[web.Application], Awaitable[TestClient[web.Request, web.Application]]]
ServerFactory = Callable[[web.Application], Awaitable[TestServer]]


def sign(secret: str, timestamp: str, body: str) -> str:
    """Slack's v0 request signature."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def escaped(line: str) -> str:
    """What Slack sends for typed text with `should_escape`: `@bob` becomes `<@U0BOB|bob>`."""
    text = html.escape(line, quote=False)
    return NAME_MENTION.sub(lambda m: f"<@{USERS[m[1]]}|{m[1]}>" if m[1] in USERS else m[0], text)


@dataclass
class Slack:
    """The workspace as the bot sees it: what it answered (`acks`) and what it posted (`fake`)."""

    client: TestClient[web.Request, web.Application]
    fake: FakeSlack
    fake_server: TestServer
    socket_mode: bool = False
    team: str = TEAM
    """The workspace people type in; an app installed through OAuth may serve several."""
    enterprise: str = ""
    """The Enterprise Grid org of `team`, if it belongs to one."""
    acks: list[dict[str, Any]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    async def slash(self, line: str, user: str = ALICE, channel: str = CHANNEL) -> dict[str, Any]:
        """Type `/kam …` as `user` in `channel`; the bot's immediate answer ({} for a bare ack)."""
        return await self.deliver("slash_commands", self.command_fields(line, user, channel))

    def command(self, line: str, user: str = ALICE, channel: str = CHANNEL) -> str:
        """The form-encoded body Slack sends for a typed `/kam …`."""
        return urlencode(self.command_fields(line, user, channel))

    def command_fields(self, line: str, user: str, channel: str) -> dict[str, str]:
        n = next(self._ids)
        grid = {"enterprise_id": self.enterprise} if self.enterprise else {}
        return grid | {
            "token": "legacy-verification-token",
            "team_id": self.team,
            "team_domain": "kam",
            "channel_id": channel,
            "channel_name": "kam-acme",
            "user_id": user,
            "user_name": next(k for k, v in USERS.items() if v == user),
            "command": "/kam",
            "text": escaped(line.removeprefix("/kam").strip()),
            "api_app_id": "A0KAM",
            "response_url": str(self.fake_server.make_url(f"/response/{n}")),
            "trigger_id": f"trigger-{n}",
        }

    async def submit(
        self, view: dict[str, Any], user: str = ALICE, **answers: Any
    ) -> dict[str, Any]:
        """Fill `view` as a person would (untouched fields keep their initial values), submit it."""
        values = {block["block_id"]: _answer(block, answers) for block in view["blocks"]}
        payload = {
            "type": "view_submission",
            "team": {"id": self.team, "domain": "kam"},
            "user": {"id": user, "team_id": self.team},
            "api_app_id": "A0KAM",
            "trigger_id": f"trigger-{next(self._ids)}",
            "view": {**view, "id": "V0FORM", "team_id": self.team, "state": {"values": values}},
        }
        return await self.deliver("interactive", payload)

    async def click(
        self,
        posted: dict[str, Any],
        label: str,
        about: str = "",
        user: str = ALICE,
        channel: str = CHANNEL,
    ) -> dict[str, Any]:
        """Click the button labelled `label` (of the item `about`) in a message in `channel`."""
        buttons = [
            (block.get("block_id") or f"block-{n}", button)
            for n, block in enumerate(posted.get("blocks") or [])
            if block.get("type") == "actions"
            for button in block["elements"]
            if button["text"]["text"] == label and f"|{about}" in button.get("value", "")
        ]
        block_id, button = buttons[0]
        n = next(self._ids)
        self.fake.clicked[str(n)] = (channel, posted)
        clicked = {**button, "block_id": block_id, "action_ts": "1764237700.000100"}
        payload = {
            "type": "block_actions",
            "team": {"id": self.team, "domain": "kam"},
            "user": {"id": user, "team_id": self.team},
            "api_app_id": "A0KAM",
            "channel": {"id": channel, "name": "kam-acme"},
            "container": {"type": "message", "message_ts": posted["ts"]},
            "message": posted,
            "trigger_id": f"trigger-{n}",
            "response_url": str(self.fake_server.make_url(f"/response/{n}")),
            "actions": [clicked],
        }
        return await self.deliver("interactive", payload)

    async def open_home(self, user: str = ALICE) -> dict[str, Any]:
        """Open the bot's App Home as `user`; the home view the bot published for them."""
        event = {"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"}
        payload = {
            "type": "event_callback",
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "api_app_id": "A0KAM",
            "event": {**event, "event_ts": "1764237700.000100"},
            "event_id": f"Ev{next(self._ids)}",
            "event_time": 1764237700,
        }
        published = len(self.fake.delivered("views.publish"))
        if self.socket_mode:
            await self.fake.push("events_api", payload)
        else:
            response = await self.post(json.dumps(payload), content_type="application/json")
            assert response.status == 200, await response.text()
        answer = (await self.fake.wait_for("views.publish", published + 1))[-1]
        assert answer["user_id"] == user
        view: dict[str, Any] = answer["view"]
        return view

    async def event(self, event: dict[str, Any], event_id: str, retry: int = 0) -> ClientResponse:
        """Slack's Events API: an `event_callback` as JSON; `retry` > 0 is Slack trying again."""
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": self.team,
                "api_app_id": "A0KAM",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": 1764237600,
                "authorizations": [{"team_id": self.team, "user_id": "U0BOT", "is_bot": True}],
            }
        )
        retried = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        headers = {"Content-Type": "application/json", **(retried if retry else {})}
        return await self.post(body, headers=headers)

    async def deliver(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Over HTTP (signed) or Socket Mode: what the bot acknowledged with ({} for a bare ack)."""
        if self.socket_mode:
            answered = await self.fake.push(kind, payload)
        else:
            form = payload if kind == "slash_commands" else {"payload": json.dumps(payload)}
            response = await self.post(urlencode(form))
            assert response.status == 200, await response.text()
            text = await response.text()
            answered = json.loads(text) if text else {}
        self.acks.append(answered)
        return answered

    async def post(
        self,
        body: str,
        *,
        signed_at: float | None = None,
        signature: str = "",
        content_type: str = "application/x-www-form-urlencoded",
        headers: dict[str, str] | None = None,
    ) -> ClientResponse:
        """A POST to /slack/events signed at `signed_at` (now), or with a given signature."""
        timestamp = str(int(time.time() if signed_at is None else signed_at))
        sent = {
            "Content-Type": content_type,
            **(headers or {}),
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature or sign(SECRET, timestamp, body),
        }
        return await self.client.post("/slack/events", data=body, headers=sent)

    async def opened_form(self) -> dict[str, Any]:
        """The modal the bot opened last."""
        view: dict[str, Any] = (await self.fake.wait_for("views.open"))[-1]["view"]
        return view

    async def late_answer(self, count: int = 1) -> dict[str, Any]:
        """What the bot posted later to a slash command's response_url."""
        return (await self.fake.wait_for(RESPONSE_URL_METHOD, count))[-1]

    def payloads(self) -> list[dict[str, Any]]:
        """Every Block Kit payload the bot sent: acks, posts, modals and response_url posts."""
        sent = [ack.get("view") or ack for ack in self.acks]
        return sent + [call.body.get("view") or call.body for call in self.fake.calls]


def seen(answer: dict[str, Any]) -> str:
    """The text a person reads in a message: its blocks, or its fallback text."""
    parts = []
    for block in answer.get("blocks") or []:
        texts = [block.get("text"), *block.get("fields", []), *block.get("elements", [])]
        parts += [
            t["text"] for t in texts if isinstance(t, dict) and isinstance(t.get("text"), str)
        ]
    return "\n".join(parts) or answer.get("text", "")


def _answer(block: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    element, name = block["element"], block["block_id"]
    kind = element["type"]
    given = name in answers
    if kind == "static_select":
        value = answers[name] if given else (element.get("initial_option") or {}).get("value")
        option = {"text": {"type": "plain_text", "text": value}, "value": value} if value else None
        return {name: {"type": kind, "selected_option": option}}
    if kind == "datepicker":
        day: date | None = answers[name] if given else None
        picked = day.isoformat() if day else None
        return {
            name: {"type": kind, "selected_date": picked if given else element.get("initial_date")}
        }
    if kind == "multi_users_select":
        users = answers[name] if given else element.get("initial_users", [])
        return {name: {"type": kind, "selected_users": users}}
    return {name: {"type": kind, "value": answers[name] if given else element.get("initial_value")}}


async def start_slack(
    store: Store,
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    *,
    socket_mode: bool = False,
    clock: Clock = lambda: NOW,
    oauth: dict[str, str] | None = None,
    ack_within: float = PATIENT,
    process_before_response: bool = True,
    **app_options: Any,
) -> Slack:
    """The real app against a fresh fake Slack, over HTTP or Socket Mode, on `clock`'s time;
    with `oauth` settings (client id, secret, encryption key) it is installed from Slack
    instead of holding one bot token."""
    fake = FakeSlack()
    fake_server = await aiohttp_server(fake.app())
    settings = Settings(
        _env_file=None,
        slack_signing_secret=SECRET,
        slack_bot_token="" if oauth else "xoxb-kam-test",
        slack_app_token="xapp-kam-test" if socket_mode else "",
        slack_api_url=str(fake_server.make_url("/api/")),
        **(oauth or {}),
    )
    app = build_app(
        settings,
        store,
        clock=clock,
        ack_within=ack_within,
        process_before_response=process_before_response,
        **app_options,
    )
    return Slack(await aiohttp_client(app), fake, fake_server, socket_mode)
