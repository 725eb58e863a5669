"""Each person's Slack locale and time zone: the core answers them in their own language, and
their check-in deadlines fall in their own working day."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

FALLBACK = "en-US"
ASK_WITHIN = 1.0
"""`users.info` must not eat into the 3 seconds Slack gives for an ack."""
ASK_AGAIN_AFTER = 300.0
"""After a failed lookup, English for a while rather than a Web API call with every command."""


class Person(NamedTuple):
    """What `users.info` tells about someone: locale (e.g. `sv-SE`) and IANA `tz`, or ""."""

    locale: str
    timezone: str


@dataclass
class Locales:
    """`users.info` with `include_locale`, asked once per person and process."""

    known: dict[tuple[str, str], tuple[Person, float]] = field(default_factory=dict)

    async def of(self, client: AsyncWebClient, workspace: str, user: str) -> Person:
        """The person's locale and time zone; English and no zone when Slack does not say in
        time."""
        key = (workspace, user)
        person, until = self.known.get(key, (Person(FALLBACK, ""), 0.0))
        if time.monotonic() < until:
            return person
        try:
            answer = await asyncio.wait_for(
                client.users_info(user=user, include_locale=True), ASK_WITHIN
            )
        except Exception as error:
            log.warning("no locale for %s: %s", user, error)
            self.known[key] = (Person(FALLBACK, ""), time.monotonic() + ASK_AGAIN_AFTER)
            return Person(FALLBACK, "")
        found = answer.get("user") or {}
        person = Person(str(found.get("locale") or FALLBACK), str(found.get("tz") or ""))
        self.known[key] = (person, math.inf)
        return person
