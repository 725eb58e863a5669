"""Whether a Slack channel is shared with other organisations (Slack Connect).

The core never shows confidential account facts in such a channel; `conversations.info` says
`is_ext_shared`. Asked once per channel every few minutes, since sharing rarely changes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

KEEP_FOR = 300.0
KEEP_FAILURE_FOR = 60.0
"""When Slack does not say, the channel counts as shared for a minute: better private than
leaked."""


@dataclass
class SharedChannels:
    """`conversations.info`'s `is_ext_shared`, per workspace and channel, for `KEEP_FOR`; asked
    for `ask_within` seconds at most, like `Users`."""

    ask_within: float
    known: dict[tuple[str, str], tuple[bool, float]] = field(default_factory=dict)

    async def external(self, client: AsyncWebClient, workspace: str, channel: str) -> bool:
        if not channel:
            return False
        key = (workspace, channel)
        shared, until = self.known.get(key, (False, 0.0))
        if time.monotonic() < until:
            return shared
        try:
            answer = await asyncio.wait_for(
                client.conversations_info(channel=channel), self.ask_within
            )
        except Exception as error:
            log.warning("no sharing status for %s: %s", channel, error)
            self.known[key] = (True, time.monotonic() + KEEP_FAILURE_FOR)
            return True
        shared = bool((answer.get("channel") or {}).get("is_ext_shared"))
        self.known[key] = (shared, time.monotonic() + KEEP_FOR)
        return shared
