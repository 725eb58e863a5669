"""Slack delivers some things twice: an event it retries (`X-Slack-Retry-Num`) because our ack
was late, or a click a person made twice. The second one is acknowledged and dropped, whichever
replica gets it. A form submitted twice is the core's business: its hidden submission key is
unique per workspace, and the second submission is told it was already logged."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy import Engine

from bot.slack.listeners import Clock
from storage.replays import first_time

log = logging.getLogger(__name__)

EVENT_WINDOW = timedelta(hours=1)
"""Slack retries an event three times within minutes, always with the same event_id."""
CLICK_WINDOW = timedelta(seconds=10)
"""The same button on the same message by the same person: a double click, not a new wish."""


@dataclass(frozen=True)
class ReplayGuard:
    """A global Bolt middleware, after signature verification and authorization."""

    engine: Engine
    clock: Clock

    async def __call__(
        self,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        body: dict[str, Any],
        next: Callable[[], Awaitable[None]],
    ) -> BoltResponse:
        seen = delivery_key(body)
        if seen is None or await asyncio.to_thread(
            first_time, self.engine, seen[0], self.clock(), seen[1]
        ):
            await next()
            return resp
        retry = (req.headers.get("x-slack-retry-num") or ["0"])[0]
        log.info("dropped a replayed Slack %s (retry %s)", body.get("type"), retry)
        return BoltResponse(status=200, body="")


def delivery_key(body: dict[str, Any]) -> tuple[str, timedelta] | None:
    """What makes a delivery the same as an earlier one, and for how long; None for the rest
    (a slash command is never retried by Slack, and typed twice it is meant twice)."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return _key("event", body.get("team_id"), body["event_id"]), EVENT_WINDOW
    if kind == "block_actions" and body.get("actions"):
        team = (body.get("team") or {}).get("id", "")
        user = (body.get("user") or {}).get("id", "")
        action = body["actions"][0]
        where = body.get("container") or {}
        place = where.get("message_ts") or where.get("view_id") or ""
        chosen = action.get("value") or action.get("selected_option") or ""
        what = (action.get("action_id"), action.get("block_id"), chosen)
        return _key("click", team, user, place, what), CLICK_WINDOW
    return None


def _key(kind: str, *parts: object) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"slack:{kind}:{digest}"
