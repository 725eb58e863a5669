"""A reply's files, uploaded with slack-sdk's `files_upload_v2`: where the reply went, or the DM."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.messages import message
from handlers.i18n import _
from handlers.model import Reply, Section, Visibility

log = logging.getLogger(__name__)


async def upload(client: AsyncWebClient, channel: str, user: str, reply: Reply) -> None:
    """A channel reply's files go into the channel; a reply for one person's into their DM.

    A refused upload (the bot is not in the channel, say) is told to the person, not lost.
    """
    if not reply.files:
        return
    try:
        if reply.visibility is not Visibility.CHANNEL or not channel:
            opened = await client.conversations_open(users=user)
            channel = str((opened.get("channel") or {}).get("id") or user)
        await client.files_upload_v2(
            file_uploads=[
                {"content": file.content, "filename": file.filename, "title": file.title}
                for file in reply.files
            ],
            channel=channel,
        )
    except SlackApiError as refused:
        error = str(refused.response.get("error"))
        log.warning("files upload to %s failed: %s", channel, error)
        text = _("I couldn't upload {files} here (Slack said `{error}`).").format(
            files=", ".join(file.filename for file in reply.files), error=error
        )
        note = Reply(summary=text, blocks=(Section(text),))
        await client.chat_postEphemeral(channel=channel, user=user, **message(note))
