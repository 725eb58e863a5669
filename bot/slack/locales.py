"""Each person's Slack locale, so the core answers them in their own language."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

FALLBACK = "en-US"
ASK_WITHIN = 1.0
"""`users.info` must not eat into the 3 seconds Slack gives for an ack."""
ASK_AGAIN_AFTER = 300.0
"""After a failed lookup, English for a while rather than a Web API call with every command."""


@dataclass
class Locales:
    """`users.info` with `include_locale`, asked once per person and process."""

    known: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)

    async def of(self, client: AsyncWebClient, workspace: str, user: str) -> str:
        """The person's locale, e.g. `sv-SE`; English when Slack does not say in time."""
        key = (workspace, user)
        locale, until = self.known.get(key, ("", 0.0))
        if time.monotonic() < until:
            return locale
        try:
            answer = await asyncio.wait_for(
                client.users_info(user=user, include_locale=True), ASK_WITHIN
            )
        except Exception as error:
            log.warning("no locale for %s: %s", user, error)
            self.known[key] = (FALLBACK, time.monotonic() + ASK_AGAIN_AFTER)
            return FALLBACK
        locale = str((answer.get("user") or {}).get("locale") or FALLBACK)
        self.known[key] = (locale, math.inf)
        return locale
