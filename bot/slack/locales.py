"""Each person's Slack locale, so the core answers them in their own language."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

FALLBACK = "en-US"
ASK_WITHIN = 1.0
"""`users.info` must not eat into the 3 seconds Slack gives for an ack."""


@dataclass
class Locales:
    """`users.info` with `include_locale`, asked once per person and process."""

    known: dict[tuple[str, str], str] = field(default_factory=dict)

    async def of(self, client: AsyncWebClient, workspace: str, user: str) -> str:
        """The person's locale, e.g. `sv-SE`; English when Slack does not say in time."""
        key = (workspace, user)
        if key not in self.known:
            try:
                answer = await asyncio.wait_for(
                    client.users_info(user=user, include_locale=True), ASK_WITHIN
                )
            except Exception as error:
                log.warning("no locale for %s: %s", user, error)
                return FALLBACK
            self.known[key] = str((answer.get("user") or {}).get("locale") or FALLBACK)
        return self.known[key]
