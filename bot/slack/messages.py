"""A neutral `Reply` as a Slack message: Block Kit inside the limits Slack enforces."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.slack.text import NO_LINKS, Links, clip, mrkdwn
from handlers import model
from handlers.model import Reply, Visibility

MAX_BLOCKS = 50
TEXT_LIMIT = 3000
FIELD_LIMIT = 2000
MAX_FIELDS = 10
HEADER_LIMIT = 150
MAX_BUTTONS = 25
BUTTON_LABEL_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTION_ID_LIMIT = 255
BUTTON_STYLES = ("primary", "danger")


def message(reply: Reply, links: Links = NO_LINKS) -> dict[str, Any]:
    """`text` and `blocks` for chat.postMessage, chat.postEphemeral, an ack or a response_url;
    `links` has the permalinks of the earlier messages the reply refers to."""
    text = clip(mrkdwn(reply.summary), TEXT_LIMIT)
    blocks = [block for neutral in reply.blocks for block in _blocks(neutral, links)]
    if len(blocks) > MAX_BLOCKS:
        hidden = len(blocks) - MAX_BLOCKS + 1
        blocks = [*blocks[: MAX_BLOCKS - 1], _context(f"…and {hidden} more not shown.")]
    return {"text": text, "blocks": [block.to_dict() for block in blocks]}


def home_view(reply: Reply) -> dict[str, Any]:
    """The App Home tab for views.publish: the reply's blocks."""
    return {"type": "home", "blocks": message(reply)["blocks"]}


def response_type(reply: Reply) -> str:
    """Slack's name for who sees a slash command's answer."""
    return "in_channel" if reply.visibility is Visibility.CHANNEL else "ephemeral"


def _blocks(block: model.Block, links: Links) -> Iterator[Block]:
    if isinstance(block, model.Header):
        if block.text.strip():
            yield HeaderBlock(text=PlainTextObject(text=clip(block.text, HEADER_LIMIT)))
    elif isinstance(block, model.Section):
        if block.text.strip():
            yield SectionBlock(text=_mrkdwn(block.text, TEXT_LIMIT, links))
    elif isinstance(block, model.Fields):
        fields = [
            _mrkdwn(f"*{label}*\n{value}", FIELD_LIMIT, links) for label, value in block.pairs
        ]
        for start in range(0, len(fields), MAX_FIELDS):
            yield SectionBlock(fields=fields[start : start + MAX_FIELDS])
    elif isinstance(block, model.Actions):
        buttons = [_button(button, n) for n, button in enumerate(block.buttons)]
        for start in range(0, len(buttons), MAX_BUTTONS):
            yield ActionsBlock(elements=buttons[start : start + MAX_BUTTONS])
    elif block.text.strip():
        yield _context(block.text, links)


def _context(text: str, links: Links = NO_LINKS) -> ContextBlock:
    return ContextBlock(elements=[_mrkdwn(text, TEXT_LIMIT, links)])


def _mrkdwn(text: str, limit: int, links: Links) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(mrkdwn(text, links), limit))


def _button(button: model.Button, position: int) -> ButtonElement:
    """Slack refuses two buttons with one action_id, so the position keeps each one unique."""
    return ButtonElement(
        text=PlainTextObject(text=clip(button.label, BUTTON_LABEL_LIMIT)),
        action_id=f"{clip(button.action, ACTION_ID_LIMIT - 4)}:{position}",
        value=clip(button.value, BUTTON_VALUE_LIMIT) or None,
        style=button.style if button.style in BUTTON_STYLES else None,
    )
