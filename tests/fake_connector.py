"""A local stand-in for the Bot Connector service: it records what the bot posts, fails on cue.

The bot reaches it through the `serviceUrl` of the activities it receives, as it would reach
Teams; the routes are the Connector API's (`ConnectorAPI.swagger.json` in the shared conformance
data): new activities, replies to an activity, an update of one (`PUT`, a card replaced in
place), one member of a conversation, and its roster (all at once, or a page at a time as Teams
pages it).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

WAIT_LIMIT = 10.0
PAGE_SIZES = (50, 500)
"""Teams treats a suggested page size below 50 as 50 and caps it at 500."""


@dataclass(frozen=True)
class Posted:
    """One activity the bot sent: its conversation, what it replied to, and whether it landed."""

    conversation: str
    reply_to: str
    activity: dict[str, Any]
    accepted: bool


@dataclass(frozen=True)
class Updated:
    """One update the bot asked for: the activity it replaces, the new version, and whether
    Teams took it."""

    conversation: str
    activity_id: str
    activity: dict[str, Any]
    accepted: bool


@dataclass(frozen=True)
class Refusal:
    status: int
    retry_after: int | None = None


@dataclass
class FakeConnector:
    """Answers like the Bot Connector; `fail_next` refuses the next posts with a status."""

    posts: list[Posted] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Conversation members by their Teams id, as `GET …/members/{id}` returns them."""
    rosters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Each conversation's (or team's) members; one not set here has all of `members`."""
    roster_reads: int = 0
    updates: list[Updated] = field(default_factory=list)
    _update_refusals: deque[int] = field(default_factory=deque)
    _refusals: deque[Refusal] = field(default_factory=deque)
    _roster_refusals: deque[int] = field(default_factory=deque)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._activity)
        app.router.add_post(
            "/v3/conversations/{conversation}/activities/{reply_to}", self._activity
        )
        app.router.add_put(
            "/v3/conversations/{conversation}/activities/{activity_id}", self._update
        )
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        app.router.add_get("/v3/conversations/{conversation}/members", self._members)
        app.router.add_get("/v3/conversations/{conversation}/pagedmembers", self._paged_members)
        return app

    def roster(self, conversation: str, *members: dict[str, Any]) -> None:
        """Who is in a conversation or team from now on, as Teams lists them."""
        self.rosters[conversation] = list(members)

    def fail_roster(self, status: int, times: int = 1) -> None:
        """A 5xx, say: for the next `times` roster reads."""
        self._roster_refusals.extend([status] * times)

    def fail_next(self, status: int, times: int = 1, *, retry_after: int | None = None) -> None:
        """403 (bot removed), 429 with Retry-After, a 5xx: for the next `times` posts."""
        self._refusals.extend([Refusal(status, retry_after)] * times)

    def fail_update(self, status: int, times: int = 1) -> None:
        """403 (bot removed), 404 (message deleted): for the next `times` updates."""
        self._update_refusals.extend([status] * times)

    def current(self, activity_id: str) -> dict[str, Any]:
        """The activity of that id as people see it now, after any update; each accepted one
        carries the `id` Teams gave it."""
        [found] = [post.activity for post in self.posts if post.activity.get("id") == activity_id]
        return found

    async def wait_for_update(self, count: int) -> list[Updated]:
        """The updates asked for, accepted or not, once there are `count` of them."""
        async with asyncio.timeout(WAIT_LIMIT):
            while len(self.updates) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return self.updates

    def delivered(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """Activities accepted, oldest first, in one conversation or all of them."""
        return [
            post.activity
            for post in self.posts
            if post.accepted and conversation in (None, post.conversation)
        ]

    def attempts(self) -> int:
        return len(self.posts)

    async def wait_for(self, count: int, conversation: str | None = None) -> list[dict[str, Any]]:
        async with asyncio.timeout(WAIT_LIMIT):
            while len(self.delivered(conversation)) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return self.delivered(conversation)

    async def _activity(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        reply_to = request.match_info.get("reply_to", "")
        activity = await request.json()
        refusal = self._refusals.popleft() if self._refusals else None
        if refusal is not None:
            self.posts.append(Posted(conversation, reply_to, activity, accepted=False))
            self._arrived.set()
            headers = (
                {} if refusal.retry_after is None else {"Retry-After": str(refusal.retry_after)}
            )
            error = {"error": {"code": f"HTTP{refusal.status}", "message": "refused on cue"}}
            return web.json_response(error, status=refusal.status, headers=headers)
        activity_id = f"activity-{next(self._ids)}"
        self.posts.append(Posted(conversation, reply_to, {**activity, "id": activity_id}, True))
        self._arrived.set()
        return web.json_response({"id": activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        """`PUT …/activities/{activityId}`: the activity replaced in place, keeping its id; 404
        for one not in that conversation, as Teams answers."""
        conversation = request.match_info["conversation"].partition(";")[0]
        activity_id = request.match_info["activity_id"]
        activity = await request.json()
        found = [
            n
            for n, post in enumerate(self.posts)
            if post.accepted
            and post.activity.get("id") == activity_id
            and post.conversation.partition(";")[0] == conversation
        ]
        status = self._update_refusals.popleft() if self._update_refusals else None
        status = status or (None if found else 404)
        self.updates.append(Updated(conversation, activity_id, activity, status is None))
        if status is None:
            replaced = {**activity, "id": activity_id}
            self.posts[found[0]] = replace(self.posts[found[0]], activity=replaced)
        self._arrived.set()
        if status is not None:
            error = {"error": {"code": f"HTTP{status}", "message": "refused"}}
            return web.json_response(error, status=status)
        return web.json_response({"id": activity_id})

    def _roster(self, request: web.Request) -> list[dict[str, Any]] | web.Response:
        """The conversation's members, or the refusal set on cue."""
        self.roster_reads += 1
        if self._roster_refusals:
            status = self._roster_refusals.popleft()
            error = {"error": {"code": f"HTTP{status}", "message": "refused on cue"}}
            return web.json_response(error, status=status)
        conversation = request.match_info["conversation"].partition(";")[0]
        return self.rosters.get(conversation, list(self.members.values()))

    async def _members(self, request: web.Request) -> web.Response:
        roster = self._roster(request)
        return roster if isinstance(roster, web.Response) else web.json_response(roster)

    async def _paged_members(self, request: web.Request) -> web.Response:
        """A page from `continuationToken` (an offset here; opaque to the bot) on."""
        roster = self._roster(request)
        if isinstance(roster, web.Response):
            return roster
        low, high = PAGE_SIZES
        size = min(max(int(request.query.get("pageSize", high)), low), high)
        start = int(request.query.get("continuationToken", 0))
        page: dict[str, Any] = {"members": roster[start : start + size]}
        if start + size < len(roster):
            page["continuationToken"] = str(start + size)
        return web.json_response(page)

    async def _member(self, request: web.Request) -> web.Response:
        member = self.members.get(request.match_info["member"])
        if member is None:
            error = {"error": {"code": "MemberNotFoundInConversation", "message": "no such member"}}
            return web.json_response(error, status=404)
        return web.json_response(member)
