"""The outbox's way into Slack: post tagged messages, find them again, name every failure.

Slack's `chat.postMessage` has no idempotency key, so every message carries its outbox ids in
message metadata; after an ambiguous failure the outbox asks `find` before posting again. The
client has no automatic retries: delivery owns them, with backoff and the lookup first. Earlier
messages a reply refers to become links through `chat.getPermalink`; a link Slack will not give
costs the message only its link, never its delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.slack.messages import message
from bot.slack.text import Links
from handlers.model import Posted, Reply
from scheduler.delivery import RateLimited, TransientFailure, Unreachable, retry_after

log = logging.getLogger(__name__)

EVENT_TYPE = "kam_outbox"
HISTORY_PAGES = 3
HISTORY_PAGE_SIZE = 200
DEFAULT_RETRY_AFTER = 30.0
USER_PREFIXES = ("U", "W")
GONE = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "restricted_action",
        "team_access_not_granted",
    }
)
"""Errors that say the target is gone until a person acts; retrying would not help."""


TokenSource = Callable[[str], Awaitable[str | None]]
"""The bot token of a workspace installed through OAuth; None when it is not installed."""


@dataclass
class SlackDeliverer:
    """The `Deliverer` for Slack: with the client's own token (single-workspace token mode), or
    each workspace's token from `tokens` (installed through OAuth)."""

    client: AsyncWebClient
    history_pages: int = HISTORY_PAGES
    tokens: TokenSource | None = None
    _dm_channels: dict[tuple[str, str], str] = field(default_factory=dict)

    async def post(self, workspace: str, target: str, reply: Reply, tag: list[int]) -> str:
        """Post into the channel (or the DM with a user), tagged with the outbox ids."""
        auth = await self._token(workspace)
        channel = await self._conversation(workspace, target, auth)
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"outbox_ids": tag}}
        links = await self._permalinks(workspace, reply.posted, auth)
        response = await _call(
            self.client.chat_postMessage,
            channel=channel,
            metadata=metadata,
            **auth,
            **message(reply, links),
        )
        return str(response["ts"])

    async def _permalinks(
        self, workspace: str, posted: tuple[Posted, ...], auth: dict[str, str]
    ) -> Links:
        """Slack's permalink of each earlier message; one it will not give is left out (the
        message then shows its label), so a missing link never holds a message back."""
        links = {}
        for earlier in dict.fromkeys(posted):
            try:
                channel = await self._conversation(workspace, earlier.target, auth)
                found = await self.client.chat_getPermalink(
                    channel=channel, message_ts=earlier.message_id, **auth
                )
            except Exception:
                log.warning(
                    "no permalink for message %s in %s; it shows as its label",
                    earlier.message_id,
                    earlier.target,
                    exc_info=True,
                )
                continue
            links[earlier.target, earlier.message_id] = str(found["permalink"])
        return links

    async def find(self, workspace: str, target: str, outbox_id: int) -> str | None:
        """Look through the latest pages of the conversation for a message with this tag."""
        auth = await self._token(workspace)
        channel = await self._conversation(workspace, target, auth)
        cursor = ""
        for _ in range(self.history_pages):
            page = await _call(
                self.client.conversations_history,
                **auth,
                channel=channel,
                include_all_metadata=True,
                limit=HISTORY_PAGE_SIZE,
                cursor=cursor or None,
            )
            for found in page.get("messages") or []:
                if outbox_id in _tags(found):
                    return str(found["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                return None
        return None

    async def _token(self, workspace: str) -> dict[str, str]:
        """The `token` argument for this workspace's calls; none in token mode."""
        if self.tokens is None:
            return {}
        token = await self.tokens(workspace)
        if token is None:
            raise TransientFailure(f"not installed in {workspace}", ambiguous=False)
        return {"token": token}

    async def _conversation(self, workspace: str, target: str, auth: dict[str, str]) -> str:
        """A channel id as it is; a user id becomes the id of the bot's DM with them."""
        if not target.startswith(USER_PREFIXES):
            return target
        if (workspace, target) not in self._dm_channels:
            opened = await _call(self.client.conversations_open, users=target, **auth)
            self._dm_channels[workspace, target] = str(opened["channel"]["id"])
        return self._dm_channels[workspace, target]


def _tags(found: dict[str, Any]) -> Iterator[int]:
    """The outbox ids a message carries; other apps' metadata is not ours to read."""
    metadata = found.get("metadata") or {}
    if metadata.get("event_type") != EVENT_TYPE:
        return
    for outbox_id in (metadata.get("event_payload") or {}).get("outbox_ids") or []:
        if isinstance(outbox_id, int):
            yield outbox_id


async def _call(
    method: Callable[..., Awaitable[AsyncSlackResponse]], **arguments: Any
) -> AsyncSlackResponse:
    """One Web API call, its failures translated into what the outbox does about them."""
    try:
        return await method(**arguments)
    except SlackApiError as refused:
        raise _refusal(refused.response) from refused
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as failed:
        raise TransientFailure(f"not sent: {failed!r}", ambiguous=False) from failed
    except (aiohttp.ClientError, TimeoutError) as failed:
        raise TransientFailure(f"no answer: {failed!r}", ambiguous=True) from failed


def _refusal(response: AsyncSlackResponse) -> Exception:
    """Slack answered, but not with ok: a rate limit, a gone target, or a failure to retry.

    Any other refusal (a bad token, a malformed message) is retried until the row is dead and
    visible in `kam-bot outbox`, rather than pausing an account whose channel is fine.
    """
    error = str(response.get("error") or f"HTTP {response.status_code}")
    if response.status_code == 429 or error == "ratelimited":
        return RateLimited(retry_after(response.headers, DEFAULT_RETRY_AFTER))
    if error in GONE:
        return Unreachable(error)
    if response.status_code >= 500 or error in ("internal_error", "fatal_error"):
        return TransientFailure(f"Slack said {error}", ambiguous=True)
    log.error("Slack refused a message: %s", error)
    return TransientFailure(f"Slack said {error}", ambiguous=False)
