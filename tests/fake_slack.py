"""A local stand-in for Slack's Web API and response_urls: it records calls and fails on cue.

Like Slack, it keeps each channel's messages with their metadata, so a bot that lost an answer
can look its message up again; and like Slack, an answer that comes too late was still stored.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

RESPONSE_URL_METHOD = "response_url"
WAIT_LIMIT = 10.0


@dataclass(frozen=True)
class Call:
    """One request the bot made, and whether Slack accepted it."""

    method: str
    body: dict[str, Any]
    accepted: bool


@dataclass(frozen=True)
class Failure:
    """A refusal (HTTP status, Retry-After, Slack error code), or a correct answer `delay` late."""

    status: int = 200
    retry_after: int | None = None
    error: str = ""
    delay: float = 0.0


RATE_LIMITED = Failure(status=429, retry_after=2)
UNAVAILABLE = Failure(status=503)


def slow(seconds: float) -> Failure:
    """Slack does the work but answers after `seconds`: past a client's timeout, still stored."""
    return Failure(delay=seconds)


@dataclass(frozen=True)
class RandomFailures:
    """A seeded share of a method's calls fails, each in one of the given ways."""

    share: float
    ways: tuple[Failure, ...]
    dice: random.Random


@dataclass
class FakeSlack:
    """Answers like Slack; `fail_next` makes the next calls of a method fail as Slack would."""

    calls: list[Call] = field(default_factory=list)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    locales: dict[str, str] = field(default_factory=dict)
    """Each user's locale as `users.info` tells it; en-US when not set."""
    timezones: dict[str, str] = field(default_factory=dict)
    """Each user's `tz` as `users.info` tells it; Europe/Stockholm when not set."""
    _failures: dict[str, deque[Failure]] = field(default_factory=dict)
    _random: dict[str, RandomFailures] = field(default_factory=dict)
    _timestamps: itertools.count[int] = field(default_factory=lambda: itertools.count(100))
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _socket: web.WebSocketResponse | None = None
    _socket_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    _envelopes: itertools.count[int] = field(default_factory=itertools.count)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._web_api)
        app.router.add_get("/api/{method}", self._web_api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket_mode)
        app.on_shutdown.append(self._hang_up)
        return app

    async def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send an envelope over Socket Mode, as Slack does; the bot's answer to it."""
        envelope_id = f"envelope-{next(self._envelopes)}"
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload}
        async with asyncio.timeout(WAIT_LIMIT):
            while self._socket is None:
                self._arrived.clear()
                await self._arrived.wait()
            await self._socket.send_json({**envelope, "accepts_response_payload": True})
            while envelope_id not in self._socket_answers:
                self._arrived.clear()
                await self._arrived.wait()
        return self._socket_answers[envelope_id].get("payload") or {}

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 200,
        retry_after: int | None = None,
        error: str = "",
        delay: float = 0.0,
    ) -> None:
        """HTTP 429 with Retry-After, a 5xx, `{"ok": false, "error": …}`, or an answer `delay`
        seconds late, for the next `times` calls."""
        failure = Failure(status, retry_after, error, delay)
        self._failures.setdefault(method, deque()).extend([failure] * times)

    def fail_randomly(
        self, method: str, share: float, ways: tuple[Failure, ...], seed: int = 0
    ) -> None:
        """From now on, a seeded random `share` of the calls of `method` fail in one of `ways`."""
        self._random[method] = RandomFailures(share, ways, random.Random(seed))

    def recover(self) -> None:
        """Slack is healthy again: no more injected failures."""
        self._failures.clear()
        self._random.clear()

    def posted(self, channel: str) -> list[dict[str, Any]]:
        """The messages in a channel or DM, oldest first, as people see them."""
        return list(self.history.get(channel, []))

    def tagged(self) -> Counter[int]:
        """How many stored messages carry each outbox id in their metadata."""
        return Counter(
            outbox_id
            for messages in self.history.values()
            for stored in messages
            for outbox_id in ((stored.get("metadata") or {}).get("event_payload") or {}).get(
                "outbox_ids", []
            )
        )

    def delivered(self, method: str) -> list[dict[str, Any]]:
        """Bodies Slack accepted: what people actually got to see."""
        return [call.body for call in self.calls if call.method == method and call.accepted]

    def attempts(self, method: str) -> int:
        return sum(1 for call in self.calls if call.method == method)

    async def wait_for(self, method: str, count: int = 1) -> list[dict[str, Any]]:
        """The accepted calls of `method`, once there are `count` of them."""
        async with asyncio.timeout(WAIT_LIMIT):
            while len(self.delivered(method)) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return self.delivered(method)

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body.update(await request.json())
        elif request.method == "POST":
            body.update(await request.post())
        failure = self._next_failure(method)
        if failure is not None and not failure.delay:
            self._record(Call(method, body, accepted=False))
            return _failed(failure)
        answer = self._answer(method, body)
        if method == "apps.connections.open":
            answer = {"ok": True, "url": str(request.url.with_scheme("ws").with_path("/socket"))}
        self._record(Call(method, body, accepted=answer["ok"]))
        if failure is not None:
            await asyncio.sleep(failure.delay)
        return web.json_response(answer)

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        """Slack's answer; posted messages are kept, so the history can be read back."""
        if method == "chat.postMessage":
            return self._store(body)
        if method == "conversations.history":
            return self._history(body)
        if method == "users.info":
            return self._user(body)
        return _answer(method, body)

    def _user(self, body: dict[str, Any]) -> dict[str, Any]:
        """A user, with a locale only for those who ask for it, as Slack does."""
        user: dict[str, Any] = {"id": str(body.get("user") or "")}
        user["tz"] = self.timezones.get(user["id"], "Europe/Stockholm")
        if str(body.get("include_locale")).lower() in ("1", "true"):
            user["locale"] = self.locales.get(user["id"], "en-US")
        return {"ok": True, "user": user}

    def _store(self, body: dict[str, Any]) -> dict[str, Any]:
        channel = str(body.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        ts = f"1764237600.{next(self._timestamps):06d}"
        stored = {"type": "message", "ts": ts, "text": body.get("text", ""), "bot_id": "B0BOT"}
        stored |= {key: body[key] for key in ("blocks", "metadata") if key in body}
        self.history.setdefault(channel, []).append(stored)
        return {"ok": True, "channel": channel, "ts": ts, "message": stored}

    def _history(self, body: dict[str, Any]) -> dict[str, Any]:
        """Newest first, a page at a time; metadata only for those who ask for all of it."""
        channel = str(body.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        newest_first = self.history.get(channel, [])[::-1]
        start, limit = int(body.get("cursor") or 0), int(body.get("limit") or 100)
        page = newest_first[start : start + limit]
        if str(body.get("include_all_metadata")).lower() not in ("1", "true"):
            page = [{k: v for k, v in stored.items() if k != "metadata"} for stored in page]
        more = start + limit < len(newest_first)
        cursor = str(start + limit) if more else ""
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": cursor},
        }

    async def _response_url(self, request: web.Request) -> web.Response:
        failure = self._next_failure(RESPONSE_URL_METHOD)
        self._record(Call(RESPONSE_URL_METHOD, await request.json(), failure is None))
        return _failed(failure) if failure is not None else web.Response(text="ok")

    async def _socket_mode(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1})
        self._socket = socket
        self._arrived.set()
        async for frame in socket:
            answer = frame.json()
            self._socket_answers[answer["envelope_id"]] = answer
            self._arrived.set()
        return socket

    async def _hang_up(self, app: web.Application) -> None:
        """Close the Socket Mode connection, or the server would wait for it on shutdown."""
        if self._socket is not None:
            await self._socket.close()

    def _next_failure(self, method: str) -> Failure | None:
        queue = self._failures.get(method)
        if queue:
            return queue.popleft()
        chance = self._random.get(method)
        if chance is not None and chance.dice.random() < chance.share:
            return chance.dice.choice(chance.ways)
        return None

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._arrived.set()


def _failed(failure: Failure) -> web.Response:
    if failure.error:
        return web.json_response({"ok": False, "error": failure.error}, status=failure.status)
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
    error = "ratelimited" if failure.status == 429 else "service_unavailable"
    return web.json_response({"ok": False, "error": error}, status=failure.status, headers=headers)


def _answer(method: str, body: dict[str, Any]) -> dict[str, Any]:
    """The parts of Slack's answers the bot reads."""
    if method == "auth.test":
        return {
            "ok": True,
            "url": "https://kam.slack.com/",
            "team": "KAM",
            "user": "kam-bot",
            "team_id": "T0KAM",
            "user_id": "U0BOT",
            "bot_id": "B0BOT",
        }
    if method == "conversations.open":
        return {"ok": True, "channel": {"id": "D" + str(body.get("users") or "").split(",")[0]}}
    if method == "chat.postEphemeral":
        return {"ok": True, "message_ts": "1764237600.000200"}
    if method in ("views.open", "views.update"):
        return {"ok": True, "view": {"id": "V0FORM", **(body.get("view") or {})}}
    return {"ok": False, "error": "unknown_method"}
