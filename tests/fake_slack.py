"""A local stand-in for Slack's Web API and response_urls: it records calls and fails on cue.

Like Slack, it keeps each channel's messages with their metadata, so a bot that lost an answer
can look its message up again; and like Slack, an answer that comes too late was still stored.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
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
    token: str = ""
    """The bearer token the bot called with."""


@dataclass(frozen=True)
class SharedFile:
    """A file the bot uploaded and shared, with its bytes as they arrived."""

    id: str
    filename: str
    title: str
    content: bytes
    channel: str


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
    shared: set[str] = field(default_factory=set)
    """Channels shared with another organisation (Slack Connect), as `conversations.info` says."""
    files: list[SharedFile] = field(default_factory=list)
    """Files shared through files.completeUploadExternal, in order."""
    _uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    _file_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    admins: set[str] = field(default_factory=set)
    """The workspace's admins, whom `users.info` marks `is_admin`."""
    home_teams: dict[str, str] = field(default_factory=dict)
    """Each user's own team as `users.info` tells it; T0KAM when not set (Slack Connect guests
    come from another)."""
    timezones: dict[str, str] = field(default_factory=dict)
    """Each user's `tz` as `users.info` tells it; Europe/Stockholm when not set."""
    _failures: dict[str, deque[Failure]] = field(default_factory=dict)
    _random: dict[str, RandomFailures] = field(default_factory=dict)
    _timestamps: itertools.count[int] = field(default_factory=lambda: itertools.count(100))
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _socket: web.WebSocketResponse | None = None
    _socket_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    _envelopes: itertools.count[int] = field(default_factory=itertools.count)
    tokens: dict[str, str] = field(default_factory=lambda: {"xoxb-kam-test": "T0KAM"})
    """Each valid bot token and its team; any other token is refused with `invalid_auth`."""
    apps: dict[str, str] = field(default_factory=dict)
    """Client id → secret of the apps that may exchange codes (`oauth.v2.access`)."""
    _codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    clicked: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    """Each click's response_url (by its key): the channel and the message clicked in, so an
    answer with `replace_original` replaces that message, as Slack does."""
    replaced: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Messages replaced through a response_url, as they read after it, in order: also the
    ephemeral ones, which no history holds."""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._web_api)
        app.router.add_get("/api/{method}", self._web_api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
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

    def approve(self, team: str, name: str, enterprise: str = "") -> str:
        """A person approved the install on Slack's page (in a workspace of an Enterprise Grid
        org, if given): the one-time code Slack redirects with."""
        code = f"code-{team}-{next(self._envelopes)}"
        self._codes[code] = (team, name, enterprise)
        return code

    def revoke(self, team: str) -> None:
        """The workspace uninstalled the app: its tokens stop working."""
        self.tokens = {token: owner for token, owner in self.tokens.items() if owner != team}

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
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        failure = self._next_failure(method)
        if failure is not None and not failure.delay:
            self._record(Call(method, body, accepted=False, token=token))
            return _failed(failure)
        if method == "oauth.v2.access":
            answer = self._exchange(request.headers.get("Authorization", ""), body)
        elif method == "apps.connections.open":
            answer = {"ok": True, "url": str(request.url.with_scheme("ws").with_path("/socket"))}
        elif token not in self.tokens:
            answer = {"ok": False, "error": "invalid_auth" if token else "not_authed"}
        else:
            answer = self._answer(method, body, self.tokens[token])
        if method == "files.getUploadURLExternal" and answer["ok"]:
            url = request.url.with_path(f"/upload/{answer['file_id']}").with_query(None)
            answer["upload_url"] = str(url)
        self._record(Call(method, body, accepted=answer["ok"], token=token))
        if failure is not None:
            await asyncio.sleep(failure.delay)
        return web.json_response(answer)

    def _answer(self, method: str, body: dict[str, Any], team: str) -> dict[str, Any]:
        """Slack's answer; posted messages are kept, so the history can be read back."""
        if method == "auth.test":
            return _auth_test(team)
        if method == "chat.postMessage":
            return self._store(body)
        if method == "conversations.history":
            return self._history(body)
        if method == "chat.getPermalink":
            return self._permalink(body, team)
        if method == "users.info":
            return self._user(body)
        if method == "conversations.info":
            channel = str(body.get("channel") or "")
            return {"ok": True, "channel": {"id": channel, "is_ext_shared": channel in self.shared}}
        if method == "files.getUploadURLExternal":
            return self._upload_url(body)
        if method == "files.completeUploadExternal":
            return self._complete_upload(body)
        return _answer(method, body)

    def _exchange(self, authorization: str, body: dict[str, Any]) -> dict[str, Any]:
        """A one-time code for a bot token, for an app that proves its client id and secret
        with HTTP Basic auth, as slack-sdk sends them."""
        try:
            client_id, _, secret = (
                base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
            )
        except ValueError:
            return {"ok": False, "error": "invalid_client_id"}
        if self.apps.get(client_id) != secret:
            return {"ok": False, "error": "invalid_client_id" if secret else "bad_client_secret"}
        found = self._codes.pop(str(body.get("code") or ""), None)
        if found is None:
            return {"ok": False, "error": "invalid_code"}
        team, name, enterprise = found
        token = f"xoxb-{team}-{next(self._envelopes)}"
        self.tokens[token] = team
        return {
            "ok": True,
            "app_id": "A0KAM",
            "authed_user": {"id": "U0INSTALLER"},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": "U0BOT",
            "team": {"id": team, "name": name},
            "enterprise": {"id": enterprise, "name": "Grid"} if enterprise else None,
            "is_enterprise_install": False,
        }

    def _upload_url(self, body: dict[str, Any]) -> dict[str, Any]:
        """Step one of an upload: a file id, and (filled in by the caller) where to send bytes."""
        if not body.get("filename") or not str(body.get("length") or "").isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._file_ids):04d}"
        self._uploads[file_id] = {"filename": body["filename"], "length": int(body["length"])}
        return {"ok": True, "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        """Step two: the bytes, which must be as long as announced."""
        pending = self._uploads.get(request.match_info["file_id"])
        content = await request.read()
        if pending is None or len(content) != pending["length"]:
            return web.Response(status=400, text="invalid upload")
        pending["content"] = content
        return web.Response(text=f"OK - {len(content)}")

    def _complete_upload(self, body: dict[str, Any]) -> dict[str, Any]:
        """Step three: the uploaded files are shared into the channel (or kept private)."""
        listed = json.loads(str(body.get("files") or "[]"))
        if not listed or any("content" not in self._uploads.get(f["id"], {}) for f in listed):
            return {"ok": False, "error": "file_not_found"}
        channel = str(body.get("channel_id") or "")
        shared = []
        for item in listed:
            upload = self._uploads.pop(item["id"])
            title = str(item.get("title") or upload["filename"])
            self.files.append(
                SharedFile(item["id"], upload["filename"], title, upload["content"], channel)
            )
            shared.append({"id": item["id"], "name": upload["filename"], "title": title})
        return {"ok": True, "files": shared}

    def _user(self, body: dict[str, Any]) -> dict[str, Any]:
        """A user, with a locale only for those who ask for it, as Slack does."""
        user: dict[str, Any] = {"id": str(body.get("user") or "")}
        admin = user["id"] in self.admins
        user |= {"team_id": self.home_teams.get(user["id"], "T0KAM")}
        user |= {"is_admin": admin, "is_owner": False, "is_primary_owner": False}
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

    def _permalink(self, body: dict[str, Any], team: str) -> dict[str, Any]:
        """The address of a stored message, as Slack builds it; none for a message not there."""
        channel, ts = str(body.get("channel") or ""), str(body.get("message_ts") or "")
        if channel not in self.history:
            return {"ok": False, "error": "channel_not_found"}
        if all(stored["ts"] != ts for stored in self.history[channel]):
            return {"ok": False, "error": "message_not_found"}
        address = f"https://{team.lower()}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": address}

    def current(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The message of `ts` in `channel` as people see it now, after any replacement."""
        for where, stored in reversed(self.replaced):
            if where == channel and stored.get("ts") == ts:
                return stored
        return next((m for m in self.history.get(channel, []) if m["ts"] == ts), None)

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        failure = self._next_failure(RESPONSE_URL_METHOD)
        if failure is None and str(body.get("replace_original")).lower() == "true":
            self._replace(request.match_info["key"], body)
        self._record(Call(RESPONSE_URL_METHOD, body, failure is None))
        return _failed(failure) if failure is not None else web.Response(text="ok")

    def _replace(self, key: str, body: dict[str, Any]) -> None:
        """The clicked message takes the new text and blocks, keeping its place and ts."""
        if key not in self.clicked:
            return  # a payload a test built by hand, for no message
        channel, original = self.clicked[key]
        new = {"text": body.get("text", ""), "blocks": body.get("blocks", [])}
        history = self.history.get(channel, [])
        for n, stored in enumerate(history):
            if stored["ts"] == original.get("ts"):
                history[n] = {**stored, **new}
        self.replaced.append((channel, {**original, **new}))

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


def _auth_test(team: str) -> dict[str, Any]:
    """Who a token belongs to: the bot user in its team."""
    return {
        "ok": True,
        "url": f"https://{team.lower()}.slack.com/",
        "team": team,
        "user": "kam-bot",
        "team_id": team,
        "user_id": "U0BOT",
        "bot_id": "B0BOT",
    }


def _answer(method: str, body: dict[str, Any]) -> dict[str, Any]:
    """The parts of Slack's answers the bot reads."""
    if method == "conversations.open":
        return {"ok": True, "channel": {"id": "D" + str(body.get("users") or "").split(",")[0]}}
    if method == "chat.postEphemeral":
        return {"ok": True, "message_ts": "1764237600.000200"}
    if method in ("views.open", "views.update", "views.publish"):
        return {"ok": True, "view": {"id": "V0FORM", **(body.get("view") or {})}}
    return {"ok": False, "error": "unknown_method"}
