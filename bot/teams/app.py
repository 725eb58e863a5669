"""The Teams bot: one `on_turn` that botbuilder's CloudAdapter (HTTP) and TestAdapter both drive.

Everything botbuilder-specific stays under `bot/teams/`, so moving to the Microsoft 365 Agents SDK
replaces this adapter and leaves the core alone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from aiohttp import ClientError, web
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ActivityTypes, ErrorResponseException

from bot.settings import Settings
from bot.teams import incoming
from bot.teams.cards import Served
from bot.teams.delivery import TeamsDeliverer
from bot.teams.files import FileLinks, served
from bot.teams.guests import Guests, members_changed
from bot.teams.incoming import PLATFORM
from bot.teams.outgoing import (
    FormKey,
    OpenForms,
    errors_reply,
    form_activity,
    refilled,
    reply_activity,
)
from handlers.commands import Observer, handle
from handlers.i18n import _, language_of, speaking
from handlers.model import (
    Block,
    Context,
    FieldErrors,
    Form,
    Outcome,
    Reply,
    Request,
    Section,
    Visibility,
)
from scheduler.delivery import Unreachable
from storage import conversations
from storage.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
INSTALLED = ("add", "add-upgrade")


@dataclass
class KamBot:
    """Messages and submitted cards go to the core; installs and first words keep a reference."""

    store: Store
    clock: Clock
    app_id: str = ""
    admins: frozenset[str] = frozenset()
    """AAD object ids of the workspace admins (`KAM_TEAMS_ADMINS`): Teams says nothing of it."""
    files: FileLinks | None = None
    """Where replies' files are served from; None: inline, for want of `KAM_PUBLIC_URL`."""
    forms: OpenForms = field(default_factory=OpenForms)
    guests: Guests = field(default_factory=Guests)
    observe: Observer | None = None
    _remembered: set[tuple[str, str]] = field(default_factory=set)

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity: Activity = turn_context.activity
        if activity.type == ActivityTypes.message:
            await self._remember(activity)
            await self._answer(turn_context)
            return
        if members_changed(activity):
            self.guests.forget(activity)
        if _installed(activity):
            await self._remember(activity, again=True)

    async def _answer(self, turn_context: TurnContext) -> None:
        activity: Activity = turn_context.activity
        people = await _people(turn_context)
        request = incoming.message_request(activity, self.clock(), people)
        if not (request.text or request.form_id or request.action or activity.text):
            return  # an empty card submission that is not ours
        request = replace(
            request,
            external=await self.guests.external(turn_context),
            workspace_admin=request.user in self.admins,
        )
        outcome = await asyncio.to_thread(handle, request, self.store, self.observe)
        updated = False
        if isinstance(outcome, Reply) and outcome.source is not None:
            updated = await _update_clicked(turn_context, request, outcome.source)
        if (
            isinstance(outcome, Reply)
            and outcome.visibility is Visibility.ONLY_YOU
            and not incoming.personal_chat_of(activity)
        ):
            said = await self._privately(turn_context, request, outcome, quietly=updated)
            if said is None:
                return
            outcome = said
        files = outcome.files if isinstance(outcome, Reply) else ()
        links = await served(self.files, request.workspace, files)
        with speaking(language_of(request.locale)):
            answer = self._activity(request, outcome, links)
        await turn_context.send_activity(answer)

    async def _privately(
        self, turn_context: TurnContext, request: Request, reply: Reply, *, quietly: bool = False
    ) -> Reply | None:
        """Teams has no message only one person sees: an only-you reply goes to the caller's
        personal chat with the bot, and the conversation hears only that it did (nothing at all,
        `quietly`, when the clicked card was updated and so shows what happened); without such a
        chat, the reply stays here and says how to open one, unless outsiders would read it."""
        deliverer = TeamsDeliverer(turn_context.adapter, self.store, self.app_id, self.files)
        with speaking(language_of(request.locale)):
            try:
                await deliverer.post(request.workspace, request.user, reply, [])
            except Exception as error:
                if not isinstance(error, Unreachable):  # Unreachable: no personal chat known
                    log.warning("could not answer %s privately", request.user, exc_info=True)
                if request.external:
                    withheld = _withheld()
                    return Reply(summary=withheld, blocks=(Section(withheld),))
                return replace(reply, blocks=(*_shown(reply), Context(_open_chat())))
            if quietly:
                return None
            note = _("I've sent you the details privately, in your chat with kam-bot.")
            return Reply(summary=note, blocks=(Section(note),))

    def _activity(
        self, request: Request, outcome: Outcome, links: tuple[Served, ...] | None
    ) -> Activity:
        """A form is kept for its errors; errors re-render the form the person filled in."""
        key: FormKey = (request.channel, request.user, request.form_id)
        if isinstance(outcome, Form):
            self.forms.keep((request.channel, request.user, outcome.id), outcome)
            return form_activity(outcome)
        if isinstance(outcome, FieldErrors):
            form = self.forms.last(key)
            if form is None:
                return reply_activity(errors_reply(outcome))
            form = refilled(form, request.values)
            self.forms.keep(key, form)
            return form_activity(form, outcome.errors)
        return reply_activity(outcome, links)

    async def _remember(self, activity: Activity, *, again: bool = False) -> None:
        """Store the conversation's reference once per process, or again after an install."""
        where = (incoming.workspace(activity), incoming.conversation(activity))
        if where in self._remembered and not again:
            return
        reference = TurnContext.get_conversation_reference(activity)
        reference.conversation.id = where[1]
        reference.conversation.tenant_id = where[0]
        reference.activity_id = None
        await asyncio.to_thread(
            conversations.remember,
            self.store,
            PLATFORM,
            where[0],
            where[1],
            json.dumps(reference.serialize()),
            self.clock(),
            user=incoming.personal_chat_of(activity),
        )
        self._remembered.add(where)


async def _update_clicked(turn_context: TurnContext, request: Request, source: Reply) -> bool:
    """Replace the card whose button was clicked (the submit activity's `reply_to_id`) with its
    new version; a refusal (the card was deleted, the bot removed) leaves it as it was."""
    clicked = turn_context.activity.reply_to_id
    if not clicked:
        log.warning("a clicked card without reply_to_id cannot be updated")
        return False
    with speaking(language_of(request.locale)):
        updated = reply_activity(source)
    updated.id = clicked
    try:
        await turn_context.update_activity(updated)
    except (ErrorResponseException, ClientError) as refused:
        log.warning("Teams refused to update the clicked card: %r", refused)
        return False
    return True


def _open_chat() -> str:
    return _(
        "Only you needed to see this. To get such answers privately, open a chat with kam-bot: "
        "select its name and choose Chat, then say hello."
    )


def _withheld() -> str:
    return _(
        "This conversation has people from outside the company, so the answer is for you only. "
        "To get it, open a chat with kam-bot: select its name and choose Chat, say hello, "
        "then ask again."
    )


def _shown(reply: Reply) -> tuple[Block, ...]:
    """The blocks a card shows: a reply without any shows its summary."""
    return reply.blocks or (Section(reply.summary),)


def _installed(activity: Activity) -> bool:
    """The bot was added to a team or chat, or installed for a person."""
    if activity.type == ActivityTypes.installation_update:
        return activity.action in INSTALLED
    bot = activity.recipient.id if activity.recipient else None
    added = activity.members_added or []
    return activity.type == ActivityTypes.conversation_update and any(m.id == bot for m in added)


async def _people(turn_context: TurnContext) -> dict[str, str]:
    """Each mentioned person's AAD object id: from the mention, else asked of Teams."""
    people = {}
    for teams_id, mention in incoming.mentioned(turn_context.activity).items():
        known = (mention.get("mentioned") or {}).get("aadObjectId")
        people[teams_id] = str(known or await _aad_id(turn_context, teams_id))
    return people


async def _aad_id(turn_context: TurnContext, teams_id: str) -> str:
    """Teams mentions carry only the Teams id; the roster knows the AAD object id."""
    try:
        member = await TeamsInfo.get_member(turn_context, teams_id)
    except Exception:
        log.warning("could not look up the mentioned member %s", teams_id, exc_info=True)
        return teams_id
    return str(getattr(member, "aad_object_id", None) or teams_id)


@dataclass(frozen=True)
class Teams:
    """The adapter and the bot, built once per server; the deliverer shares the adapter."""

    adapter: Any
    bot: KamBot
    app_id: str


def teams_app(
    settings: Settings, store: Store, clock: Clock, observe: Observer | None = None
) -> Teams:
    """botbuilder's CloudAdapter; an empty MicrosoftAppId is the emulator's mode, without auth."""
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_configuration(settings)))
    adapter.on_turn_error = _on_turn_error
    files = FileLinks(store, settings.kam_public_url, clock) if settings.kam_public_url else None
    bot = KamBot(
        store,
        clock,
        settings.microsoftappid,
        admins=settings.teams_admins,
        files=files,
        observe=observe,
    )
    return Teams(adapter, bot, settings.microsoftappid)


def _configuration(settings: Settings) -> SimpleNamespace:
    """The attribute names botbuilder's configuration classes read."""
    return SimpleNamespace(
        APP_ID=settings.microsoftappid,
        APP_PASSWORD=settings.microsoftapppassword,
        APP_TYPE=settings.microsoftapptype or "MultiTenant",
        APP_TENANTID=settings.microsoftapptenantid,
    )


async def _on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """The core answers its own errors; what lands here is Teams refusing our reply."""
    log.error("Teams turn failed: %r", error, exc_info=error)


async def messages(request: web.Request, teams: Teams) -> web.StreamResponse:
    """`POST /api/messages`: botbuilder authenticates the request (unless in emulator mode)."""
    response: web.StreamResponse | None = await teams.adapter.process(request, teams.bot)
    return response or web.Response(status=201)
