"""Slack's text conventions: how user input arrives, how mrkdwn must be escaped, how to cut."""

from __future__ import annotations

import html
import re

SLACK_TOKEN = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
NEUTRAL_OR_SPECIAL = re.compile(r"(<@[A-Za-z0-9._-]+>)|[&<>]")
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
ELLIPSIS = "…"


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


def mrkdwn(text: str) -> str:
    """Neutral markup as mrkdwn: `<@ID>` stays a mention, any other `&`, `<`, `>` is escaped."""
    return NEUTRAL_OR_SPECIAL.sub(lambda m: m.group(1) or ESCAPES[m.group(0)], text)


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
