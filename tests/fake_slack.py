"""A local stand-in for Slack's Web API and response_urls: it records calls and fails on cue."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
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
    status: int = 200
    retry_after: int | None = None
    error: str = ""


@dataclass
class FakeSlack:
    """Answers like Slack; `fail_next` makes the next calls of a method fail as Slack would."""

    calls: list[Call] = field(default_factory=list)
    _failures: dict[str, deque[Failure]] = field(default_factory=dict)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _socket: web.WebSocketResponse | None = None
    _socket_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    _envelopes: itertools.count[int] = field(default_factory=itertools.count)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._web_api)
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
    ) -> None:
        """HTTP 429 with Retry-After, a 5xx, or `{"ok": false, "error": …}` for `times` calls."""
        failure = Failure(status, retry_after, error)
        self._failures.setdefault(method, deque()).extend([failure] * times)

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
        if request.content_type == "application/json":
            body = await request.json()
        else:
            body = dict(await request.post())
        failure = self._next_failure(method)
        if failure is not None:
            self._record(Call(method, body, accepted=False))
            return _failed(failure)
        answer = _answer(method, body)
        if method == "apps.connections.open":
            answer = {"ok": True, "url": str(request.url.with_scheme("ws").with_path("/socket"))}
        self._record(Call(method, body, accepted=answer["ok"]))
        return web.json_response(answer)

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
        return queue.popleft() if queue else None

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
    if method == "chat.postMessage":
        return {"ok": True, "channel": body.get("channel"), "ts": "1764237600.000100"}
    if method == "chat.postEphemeral":
        return {"ok": True, "message_ts": "1764237600.000200"}
    if method in ("views.open", "views.update"):
        return {"ok": True, "view": {"id": "V0FORM", **(body.get("view") or {})}}
    return {"ok": False, "error": "unknown_method"}
