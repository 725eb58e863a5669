"""Teams activities as neutral requests: a typed message, a submitted card, a clicked button."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount

from bot.teams.cards import read_submit
from handlers.model import Request

PLATFORM = "teams"
KAM_WORD = re.compile(r"^/?kam\b[\s:,]*", re.IGNORECASE)
SPACES = re.compile(r"[ \t\u00a0]+")
PERSONAL = "personal"


def workspace(activity: Activity) -> str:
    """The tenant: Teams puts it in channelData and the conversation; the emulator in neither."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant")
    conversation = activity.conversation
    extra = getattr(conversation, "additional_properties", None) or {}
    found = (
        (tenant.get("id") if isinstance(tenant, dict) else None)
        or getattr(conversation, "tenant_id", None)
        or extra.get("tenantId")
        or activity.channel_id
    )
    return str(found or "")


def conversation(activity: Activity) -> str:
    """A channel's id without the `;messageid=` of the thread the message was typed in."""
    return str(activity.conversation.id or "").partition(";")[0]


def person(account: ChannelAccount | None) -> str:
    """People are their AAD object id where Teams gives one; the emulator has only an id."""
    if account is None:
        return ""
    return str(account.aad_object_id or account.id or "")


def personal_chat_of(activity: Activity) -> str | None:
    """The person a personal chat is with, so a message to them can find it again."""
    if activity.conversation.conversation_type != PERSONAL:
        return None
    return person(activity.from_property) or None


def mentioned(activity: Activity) -> dict[str, dict[str, Any]]:
    """Everyone @mentioned except the bot, by Teams id: the mention's `text` and `mentioned`."""
    bot = activity.recipient.id if activity.recipient else None
    found: dict[str, dict[str, Any]] = {}
    for mention in TurnContext.get_mentions(activity):
        extra = getattr(mention, "additional_properties", None) or {}
        who = extra.get("mentioned") or {}
        if isinstance(who, dict) and who.get("id") and who["id"] != bot:
            found[str(who["id"])] = extra
    return found


def message_request(activity: Activity, now: datetime, people: Mapping[str, str]) -> Request:
    """A typed command, or a card's `Action.Submit` when the activity carries a value.

    `people` maps the Teams id of each mentioned person to their user id, for `<@ID>` mentions.
    """
    submitted = read_submit(activity.value) if isinstance(activity.value, dict) else None
    base = Request(
        platform=PLATFORM,
        workspace=workspace(activity),
        channel=conversation(activity),
        user=person(activity.from_property),
        received_at=now,
        locale=activity.locale or "en",
        timezone=activity.local_timezone or "",
    )
    if submitted is not None and (submitted.form_id or submitted.action):
        return replace(
            base,
            form_id=submitted.form_id,
            values=submitted.values,
            state=submitted.state,
            action=submitted.action,
            action_value=submitted.action_value,
        )
    return replace(base, text=typed_text(activity, people))


def typed_text(activity: Activity, people: Mapping[str, str]) -> str:
    """The text without the bot's mention and a leading `kam`; other mentions as `<@ID>`."""
    text = activity.text or ""
    if activity.recipient is not None and activity.entities:
        text = TurnContext.remove_recipient_mention(activity) or ""
    for teams_id, mention in mentioned(activity).items():
        tag = str(mention.get("text") or "")
        if tag:
            text = text.replace(tag, f"<@{people.get(teams_id, teams_id)}>")
    text = SPACES.sub(" ", html.unescape(text)).strip()
    return KAM_WORD.sub("", text, count=1).strip()
