"""Whether a Teams conversation has people from outside the company.

The core never shows confidential account facts in such a conversation. Teams marks guests and
anonymous meeting attendees by `userRole`, and people of another organisation (shared channels)
by their `tenantId`; the roster comes page by page from `TeamsInfo.get_paged_members`. Asked once
per conversation every few minutes, like Slack's `is_ext_shared`; a member added or removed
forgets the answer at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo, teams_get_team_info
from botbuilder.schema import Activity
from botbuilder.schema.teams import TeamsChannelAccount

from bot.teams.incoming import PERSONAL, conversation, workspace

log = logging.getLogger(__name__)

TEAMS = "msteams"
OUTSIDERS = frozenset({"guest", "anonymous"})
PAGE_SIZE = 500
"""The most Teams returns per page."""
ASK_WITHIN = 5.0
"""Teams waits about 15 seconds for an answer; the roster must leave room for the command."""
KEEP_FOR = 300.0
KEEP_FAILURE_FOR = 60.0
"""When Teams does not say, the conversation counts as external for a minute: better private
than leaked."""


@dataclass
class Guests:
    """Whether each conversation (a team's channels share the team's roster) has outsiders."""

    ask_within: float = ASK_WITHIN
    known: dict[tuple[str, str], tuple[bool, float]] = field(default_factory=dict)

    async def external(self, turn_context: TurnContext) -> bool:
        activity: Activity = turn_context.activity
        if activity.channel_id != TEAMS or activity.conversation.conversation_type == PERSONAL:
            return False  # only Teams has guests; a personal chat is the person and the bot
        key = _roster(activity)
        external, until = self.known.get(key, (False, 0.0))
        if time.monotonic() < until:
            return external
        try:
            external = await asyncio.wait_for(_outsiders(turn_context), self.ask_within)
        except Exception as error:
            log.warning("no roster for %s, so it counts as external: %r", key[1], error)
            self.known[key] = (True, time.monotonic() + KEEP_FAILURE_FOR)
            return True
        self.known[key] = (external, time.monotonic() + KEEP_FOR)
        return external

    def forget(self, activity: Activity) -> None:
        """Members came or went: the next message asks Teams again."""
        self.known.pop(_roster(activity), None)


def members_changed(activity: Activity) -> bool:
    """A conversationUpdate that adds or removes people (the bot included)."""
    return bool(activity.members_added or activity.members_removed)


def _roster(activity: Activity) -> tuple[str, str]:
    """The tenant and whose roster `get_paged_members` reads: the team's, else the chat's."""
    team = teams_get_team_info(activity)
    return workspace(activity), str(team.id) if team and team.id else conversation(activity)


async def _outsiders(turn_context: TurnContext) -> bool:
    """Whether any member, page by page, is a guest, anonymous or of another tenant."""
    tenant = workspace(turn_context.activity)
    token = None
    while True:
        page = await TeamsInfo.get_paged_members(turn_context, token, PAGE_SIZE)
        if any(_outsider(member, tenant) for member in page.members or []):
            return True
        token = page.continuation_token
        if not token:
            return False


def _outsider(member: TeamsChannelAccount, tenant: str) -> bool:
    """Teams gives every member a role and a tenant."""
    other_tenant = bool(member.tenant_id) and member.tenant_id != tenant
    return member.user_role in OUTSIDERS or other_tenant
