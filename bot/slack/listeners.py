"""The Slack listeners: ack within Slack's 3 seconds, then deliver what the core decided."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from aiohttp import ClientError
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.channels import SharedChannels
from bot.slack.clients import webhook_client
from bot.slack.files import upload
from bot.slack.incoming import action_request, home_request, slash_request, submission_request
from bot.slack.messages import home_view, message, response_type
from bot.slack.modals import modal
from bot.slack.users import Users
from handlers.commands import Observer, handle
from handlers.i18n import _, language_of, speaking
from handlers.model import FieldErrors, Form, Outcome, Reply, Request, Section, Visibility
from storage.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Listeners:
    """Runs the core off the event loop; what it has not answered within `ack_within` follows."""

    store: Store
    clock: Clock
    ack_within: float
    users: Users
    shared: SharedChannels
    observe: Observer | None = None

    async def command(self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        """`/kam …`: a reply rides on the ack; a form opens from the trigger_id."""
        deadline = time.monotonic() + self.ack_within
        request = await self._in_their_language(slash_request(command, self.clock()), client)
        work = self._start(request)
        outcome = await _within(work, deadline)
        if isinstance(outcome, Reply | FieldErrors):
            reply = _as_reply(outcome)
            await ack(response_type=response_type(reply), **message(reply))
            await upload(client, request.channel, request.user, reply)
            return
        if outcome is None:
            with speaking(language_of(request.locale)):
                await ack(response_type="ephemeral", text=_("Working on it…"))
            outcome = await work
        else:
            await ack()
        with speaking(language_of(request.locale)):
            if isinstance(outcome, Form):
                again = _("Please run `/kam {command}` again.").format(command=request.text)
                await _open(client, command["trigger_id"], command["response_url"], outcome, again)
            else:
                reply = _as_reply(outcome)
                await _respond(command["response_url"], reply)
                await upload(client, request.channel, request.user, reply)

    async def submission(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """A submitted modal: field errors and a next form answer in the ack, the rest is posted."""
        deadline = time.monotonic() + self.ack_within
        request = await self._in_their_language(submission_request(body, self.clock()), client)
        work = self._start(request)
        outcome = await _within(work, deadline)
        if isinstance(outcome, FieldErrors):
            await ack(response_action="errors", errors=outcome.errors)
            return
        if isinstance(outcome, Form):
            await ack(response_action="update", view=modal(outcome))
            return
        await ack()
        with speaking(language_of(request.locale)):
            reply = _as_reply(outcome or await work)
        channel = request.state.get("channel", "")
        await _post(client, channel, request.user, reply)
        await upload(client, channel, request.user, reply)

    async def action(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """A clicked button: acked at once; a form opens, the clicked message is replaced by its
        new version, a reply goes where the click was."""
        await ack()
        request = await self._in_their_language(action_request(body, self.clock()), client)
        outcome = await self._start(request)
        response_url = body.get("response_url", "")
        with speaking(language_of(request.locale)):
            if isinstance(outcome, Form):
                again = _("Please click again or use `/kam log-meeting`.")
                await _open(client, body["trigger_id"], response_url, outcome, again)
                return
            reply = _as_reply(outcome)
        if reply.source is not None:
            await _replace(response_url, reply.source)
        if reply.visibility is Visibility.CHANNEL and request.channel:
            await client.chat_postMessage(channel=request.channel, **message(reply))
        elif not await _respond(response_url, reply, replace_original=False):
            await _post(client, request.channel, request.user, reply)
        await upload(client, request.channel, request.user, reply)

    async def home_opened(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        """The home tab, built by the core each time it is opened, in the person's language."""
        if body["event"].get("tab", "home") != "home":
            return
        request = await self._in_their_language(home_request(body, self.clock()), client)
        reply = _as_reply(await self._start(request))
        await client.views_publish(user_id=request.user, view=home_view(reply))

    async def _in_their_language(self, request: Request, client: AsyncWebClient) -> Request:
        """The request with the person's Slack locale, which picks the language of replies, their
        time zone, whether they administer the workspace, and whether its channel has people from
        outside the company."""
        channel = request.channel or request.state.get("channel", "")
        person, external = await asyncio.gather(
            self.users.of(client, request.workspace, request.user),
            self.shared.external(client, request.workspace, channel),
        )
        return replace(
            request,
            locale=person.locale,
            timezone=person.timezone,
            workspace_admin=person.admin,
            external=external,
        )

    def _start(self, request: Request) -> asyncio.Task[Outcome]:
        """The handler's thread runs to the end even when the ack has to go first."""
        return asyncio.ensure_future(asyncio.to_thread(handle, request, self.store, self.observe))


async def _within(work: asyncio.Task[Outcome], deadline: float) -> Outcome | None:
    """The outcome if it is ready by `deadline` (monotonic), which counts the person lookups
    before the work started too: Slack's three seconds began when the request arrived."""
    done, _ = await asyncio.wait({work}, timeout=max(0.0, deadline - time.monotonic()))
    return work.result() if done else None


def _as_reply(outcome: Outcome) -> Reply:
    """What to say where the outcome can no longer be shown in its own way."""
    if isinstance(outcome, Reply):
        return outcome
    if isinstance(outcome, FieldErrors):
        text = "\n".join(f"*{name}*: {error}" for name, error in outcome.errors.items())
    else:
        text = _("That needs a form, and Slack allows no new one here. Run the command again.")
    return Reply(summary=text, blocks=(Section(text),))


async def _open(
    client: AsyncWebClient, trigger_id: str, response_url: str, form: Form, again: str
) -> None:
    """Open the modal; if Slack refuses (an expired trigger_id), say what to do instead."""
    try:
        await client.views_open(trigger_id=trigger_id, view=modal(form))
    except SlackApiError as refused:
        log.warning("views.open failed for %s: %s", form.id, refused.response.get("error"))
        text = _("I couldn't open the form in time. {what_to_do}").format(what_to_do=again)
        reply = Reply(summary=text, blocks=(Section(text),))
        await _respond(response_url, reply, replace_original=False)


async def _respond(response_url: str, reply: Reply, **options: bool) -> bool:
    """A late answer through the response_url Slack gave with a command or a click; whether
    Slack took it."""
    body = {"response_type": response_type(reply), **message(reply), **options}
    response = await webhook_client(response_url).send_dict(body)
    if response.status_code != 200:
        log.error("response_url refused a reply: %s %s", response.status_code, response.body)
    return response.status_code == 200


async def _replace(response_url: str, source: Reply) -> None:
    """Put the clicked message's new version in its place, for everyone who sees it: Slack's
    `replace_original` through the click's response_url works for the bot's channel, DM and
    ephemeral messages alike, and keeps the message's visibility. A refusal (the URL expired
    after 30 minutes or 5 uses) leaves the old message as it was."""
    if not response_url:
        log.warning("no response_url to update the clicked message with")
        return
    body = {"replace_original": True, **message(source)}
    try:
        response = await webhook_client(response_url).send_dict(body)
    except (ClientError, TimeoutError) as failed:
        log.warning("could not update the clicked message: %r", failed)
        return
    if response.status_code != 200:
        log.warning(
            "response_url refused to update the clicked message: %s %s",
            response.status_code,
            response.body,
        )


async def _post(client: AsyncWebClient, channel: str, user: str, reply: Reply) -> None:
    """A channel reply goes to the channel, a personal one to the caller only."""
    if reply.visibility is Visibility.CHANNEL or not channel:
        await client.chat_postMessage(channel=channel or user, **message(reply))
        return
    try:
        await client.chat_postEphemeral(channel=channel, user=user, **message(reply))
    except SlackApiError as refused:
        log.warning("ephemeral refused in %s: %s", channel, refused.response.get("error"))
        await client.chat_postMessage(channel=user, **message(reply))
