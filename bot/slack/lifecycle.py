"""An install resumes a workspace's reminders; an uninstall or revoked bot token deletes its
tokens and pauses them. Nothing else about the workspace is deleted."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_callback_options import AsyncSuccessArgs
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.incoming import PLATFORM
from bot.slack.listeners import Clock
from scheduler import planning
from storage import workspaces
from storage.store import Store

log = logging.getLogger(__name__)

UNINSTALLED = "the app was uninstalled from Slack"
REVOKED = "the bot's token was revoked"


@dataclass(frozen=True)
class Lifecycle:
    """`installations` is None in single-workspace token mode: then there are no tokens to
    delete, but the pause still applies."""

    store: Store
    clock: Clock
    installations: AsyncInstallationStore | None

    async def app_uninstalled(self, context: AsyncBoltContext) -> None:
        if self.installations is not None:
            await self.installations.async_delete_all(
                enterprise_id=context.enterprise_id, team_id=context.team_id
            )
        await self._pause(context, UNINSTALLED)

    async def tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        """Only the bot's token matters to us; the installer's user token is forgotten too."""
        tokens = event.get("tokens") or {}
        if self.installations is not None:
            for user_id in tokens.get("oauth") or []:
                await self.installations.async_delete_installation(
                    enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
                )
            if tokens.get("bot"):
                await self.installations.async_delete_bot(
                    enterprise_id=context.enterprise_id, team_id=context.team_id
                )
        if tokens.get("bot"):
            await self._pause(context, REVOKED)

    async def installed(self, args: AsyncSuccessArgs) -> BoltResponse:
        """The OAuth flow's success: reminders resume, then Slack's own page."""
        installation = args.installation
        await self._resume(installation.team_id or installation.enterprise_id or "")
        return await args.default.success(args)

    async def token_works(self, client: AsyncWebClient) -> None:
        """In token mode an install is invisible to us: the operator sets the new token and
        restarts, so a token that works at start resumes its workspace."""
        try:
            found = await client.auth_test()
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as failed:
            log.warning("SLACK_BOT_TOKEN does not work: %s", failed)
            return
        await self._resume(str(found["team_id"]))

    async def _resume(self, workspace: str) -> None:
        """Lift the pause and plan the accounts again: what fell due meanwhile comes next."""
        accounts = await asyncio.to_thread(
            workspaces.resume, self.store.engine, PLATFORM, workspace
        )
        now = self.clock()
        for account_id in accounts:
            await asyncio.to_thread(planning.replan, self.store, account_id, now)
        if accounts:
            log.info("installed in %s again: resumed %d account(s)", workspace, len(accounts))

    async def _pause(self, context: AsyncBoltContext, reason: str) -> None:
        workspace = context.team_id or context.enterprise_id or ""
        await asyncio.to_thread(workspaces.pause, self.store.engine, PLATFORM, workspace, reason)
        log.info("paused the reminders of %s: %s", workspace, reason)
