"""The outbox's way into Teams: a proactive card through a stored conversation reference."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import ConversationReference
from botframework.connector.models import ErrorResponseException
from msrest.exceptions import ClientRequestError

from bot.teams.files import FileLinks, served
from bot.teams.incoming import PLATFORM
from bot.teams.outgoing import reply_activity
from handlers.model import Reply
from scheduler.delivery import RateLimited, TransientFailure, Unreachable, retry_after
from storage import conversations
from storage.store import Store

log = logging.getLogger(__name__)

TIMEOUT = 10.0
DEFAULT_RETRY_AFTER = 30.0
GONE = frozenset({403, 404})
"""403: the bot was removed or blocked; 404: the conversation no longer exists."""


@dataclass
class TeamsDeliverer:
    """The `Deliverer` for Teams, sharing the server's adapter (or its own, in `kam-bot tick`)."""

    adapter: Any
    store: Store
    app_id: str = ""
    files: FileLinks | None = None
    timeout: float = TIMEOUT

    async def post(self, workspace: str, target: str, reply: Reply, tag: list[int]) -> str:
        """Continue the target's conversation with a card; the Bot Connector has no message
        metadata, so `tag` is not sent."""
        reference = await self._reference(workspace, target)
        links = await served(self.files, workspace, reply.files)
        sent: list[str] = []
        failed: list[Exception] = []

        async def send(turn_context: TurnContext) -> None:
            """Failures are kept, not raised: the turn-error handler would swallow them."""
            turn_context.activity.id = None  # a new post, not a reply to the continuation event
            connector = turn_context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
            if connector is not None:
                connector.config.connection.timeout = self.timeout
            try:
                response = await turn_context.send_activity(reply_activity(reply, links))
            except Exception as error:
                failed.append(error)
                return
            sent.append(str(getattr(response, "id", "") or ""))

        await self.adapter.continue_conversation(reference, send, self.app_id or None)
        if failed:
            raise _failure(failed[0]) from failed[0]
        return sent[0] if sent else ""

    async def find(self, workspace: str, target: str, outbox_id: int) -> str | None:
        """Always None: the Bot Connector offers bots no history to look a message up in, so
        after an ambiguous failure the outbox posts again (a rare duplicate, never a loss)."""
        return None

    async def _reference(self, workspace: str, target: str) -> ConversationReference:
        raw = await asyncio.to_thread(
            conversations.reference_for, self.store, PLATFORM, workspace, target
        )
        if raw is None:
            raise Unreachable("the bot was never added to this conversation in Teams")
        return ConversationReference().deserialize(json.loads(raw))


def _failure(error: Exception) -> Exception:
    """What the outbox does about a failed post: refusals by status, no answer is ambiguous."""
    if isinstance(error, ErrorResponseException):
        return _refusal(error)
    if isinstance(error, ClientRequestError):
        return TransientFailure(f"no answer from Teams: {error!r}", ambiguous=True)
    return error


def _refusal(refused: ErrorResponseException) -> Exception:
    """Teams answered with an error status: gone, rate limited, or a failure to retry."""
    response = refused.response
    status = int(getattr(response, "status_code", 0) or 0)
    if status == 429:
        return RateLimited(retry_after(getattr(response, "headers", None), DEFAULT_RETRY_AFTER))
    if status in GONE:
        return Unreachable(f"Teams said {status}: the bot cannot post in this conversation")
    if status >= 500:
        return TransientFailure(f"Teams said {status}", ambiguous=True)
    log.error("Teams refused a message: %s %s", status, refused)
    return TransientFailure(f"Teams said {status}", ambiguous=False)
