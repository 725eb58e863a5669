"""Slack's text conventions: how user input arrives, how mrkdwn must be escaped, how to cut."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from types import MappingProxyType

from handlers.model import POSTED

SLACK_TOKEN = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
NEUTRAL_OR_SPECIAL = re.compile(rf"(<@[A-Za-z0-9._-]+>)|{POSTED.pattern}|[&<>]")
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
ELLIPSIS = "…"

Links = Mapping[tuple[str, str], str]
"""Permalinks of earlier messages, by target and message id."""
NO_LINKS: Links = MappingProxyType({})


def from_slack(text: str) -> str:
    """Slack's escaped text as neutral text: mentions become `<@ID>`, the rest plain characters."""
    return html.unescape(SLACK_TOKEN.sub(_plain_token, text))


def _plain_token(token: re.Match[str]) -> str:
    sigil, target, label = token.group(1), token.group(2), token.group(3)
    if sigil == "@":
        return f"<@{target}>"
    if sigil == "#":
        return f"#{label or target}"
    if sigil == "!":
        return label or f"@{target}"
    return target


def mrkdwn(text: str, links: Links = NO_LINKS) -> str:
    """Neutral markup as mrkdwn: `<@ID>` stays a mention, an earlier message becomes a link to
    its permalink in `links` (its label alone without one), any other `&`, `<`, `>` is escaped."""

    def one(found: re.Match[str]) -> str:
        mention, target, message_id, label = found.group(1, 2, 3, 4)
        if mention:
            return mention
        if target is None:
            return ESCAPES[found.group(0)]
        url = links.get((target, message_id))
        shown = mrkdwn(label)
        return f"<{url}|{shown}>" if url else shown

    return NEUTRAL_OR_SPECIAL.sub(one, text)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in … when cut, never inside a `<…>` or `&…;` entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    for opener, closer in (("<", ">"), ("&", ";")):
        start = cut.rfind(opener)
        if start > cut.rfind(closer):
            cut = cut[:start]
    return cut.rstrip() + ELLIPSIS
