"""What Slack's `users.info` says about each caller: their locale, time zone (for check-in
deadlines in their own working day) and whether they are an admin."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

FALLBACK = "en-US"
ASK_AGAIN_AFTER = 300.0
"""After a failed lookup, English for a while rather than a Web API call with every command."""
KEEP_FOR = 600.0
"""A person's admin rights can be taken away: ask again after ten minutes."""
ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")
GRID_ADMIN_FLAGS = ("is_admin", "is_owner")


@dataclass(frozen=True)
class Person:
    """The caller as the core needs to know them."""

    locale: str
    admin: bool
    timezone: str = ""
    """IANA name, e.g. `Europe/Stockholm`; "" when Slack does not say."""


UNKNOWN = Person(FALLBACK, admin=False)
"""When Slack does not answer: English, no admin rights, no time zone."""


@dataclass
class Users:
    """`users.info` with `include_locale`, asked at most every ten minutes per person, waiting
    `ask_within` seconds at most: the lookup must not eat the time Slack gives for an ack."""

    ask_within: float
    known: dict[tuple[str, str], tuple[Person, float]] = field(default_factory=dict)

    async def of(self, client: AsyncWebClient, workspace: str, user: str) -> Person:
        """The person's locale (e.g. `sv-SE`) and admin rights; `UNKNOWN` when Slack is slow."""
        key = (workspace, user)
        person, until = self.known.get(key, (UNKNOWN, 0.0))
        if time.monotonic() < until:
            return person
        try:
            answer = await asyncio.wait_for(
                client.users_info(user=user, include_locale=True), self.ask_within
            )
        except Exception as error:
            log.warning("no users.info for %s: %s", user, error)
            self.known[key] = (UNKNOWN, time.monotonic() + ASK_AGAIN_AFTER)
            return UNKNOWN
        found = answer.get("user") or {}
        person = Person(
            str(found.get("locale") or FALLBACK),
            _administers(found, workspace),
            str(found.get("tz") or ""),
        )
        self.known[key] = (person, time.monotonic() + KEEP_FOR)
        return person


def _administers(user: dict[str, Any], workspace: str) -> bool:
    """Admin of this workspace (or of the enterprise, for an org-wide install); a Slack Connect
    guest who administers their own company's workspace is no admin here."""
    if user.get("team_id") == workspace:
        return any(user.get(flag) is True for flag in ADMIN_FLAGS)
    grid = user.get("enterprise_user") or {}
    in_org = grid.get("enterprise_id") == workspace
    return in_org and any(grid.get(flag) is True for flag in GRID_ADMIN_FLAGS)
