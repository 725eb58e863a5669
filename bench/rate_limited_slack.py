"""A Slack Web API stand-in that pushes back: one message per second per channel, and 10% of
posts refused at random with 429 + Retry-After. It records every message it accepted, with the
outbox ids from its metadata, so duplicates and losses can be counted afterwards.

Its clock is injected: the delivery run drives a simulated clock, and the channel limit must be
measured in the same seconds as the Retry-After the deliverer honours.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

CHANNEL_INTERVAL = 1.0
RANDOM_429 = 0.10
RETRY_AFTER = (1, 30)


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str
    outbox_ids: tuple[int, ...]
    text: str
    metadata: dict[str, Any]


@dataclass
class RateLimitedSlack:
    clock: Callable[[], datetime]
    seed: int = 3
    posted: list[Posted] = field(default_factory=list)
    random_429: int = 0
    channel_429: int = 0
    _last_post: dict[str, datetime] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/chat.postMessage", self._post_message)
        app.router.add_post("/api/conversations.history", self._history)
        app.router.add_post("/api/{method}", self._unknown)
        return app

    async def _post_message(self, request: web.Request) -> web.Response:
        body = await _body(request)
        channel = str(body.get("channel", ""))
        now = self.clock()
        last = self._last_post.get(channel)
        if last is not None and (now - last).total_seconds() < CHANNEL_INTERVAL:
            self.channel_429 += 1
            return _rate_limited(1)
        if self._random.random() < RANDOM_429:
            self.random_429 += 1
            return _rate_limited(self._random.randint(*RETRY_AFTER))
        self._last_post[channel] = now
        ts = f"{int(now.timestamp())}.{next(self._ts):06d}"
        metadata = body.get("metadata") or {}
        ids = tuple((metadata.get("event_payload") or {}).get("outbox_ids") or ())
        self.posted.append(Posted(channel, ts, ids, str(body.get("text", "")), metadata))
        return web.json_response({"ok": True, "channel": channel, "ts": ts})

    async def _history(self, request: web.Request) -> web.Response:
        """Newest first, with metadata: what the deliverer reads to find a tagged message."""
        channel = str((await _body(request)).get("channel", ""))
        messages = [
            {"ts": p.ts, "text": p.text, "metadata": p.metadata}
            for p in reversed(self.posted)
            if p.channel == channel
        ]
        return web.json_response({"ok": True, "messages": messages, "has_more": False})

    async def _unknown(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error": "unknown_method"})


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return dict(await request.json())
    return dict(await request.post())


def _rate_limited(retry_after: int) -> web.Response:
    return web.json_response(
        {"ok": False, "error": "ratelimited"},
        status=429,
        headers={"Retry-After": str(retry_after)},
    )
