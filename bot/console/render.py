"""Neutral replies as terminal text: what a person reads in the console."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from handlers.model import Block, Context, Fields, Header, Reply, Section, Visibility, unlinked

MENTION = re.compile(r"<@([^<>\s]+?)(?:\|[^<>]*)?>")
BOLD = re.compile(r"(?<![\w*])\*(\S(?:[^*\n]*\S)?)\*(?![\w*])")
INDENT = "  "


def plain(text: str) -> str:
    """Markup for a terminal: mentions as `@id`, earlier messages as their label, bold markers
    dropped, code kept in backticks."""
    return BOLD.sub(r"\1", MENTION.sub(r"@\1", unlinked(text)))


def render_reply(reply: Reply, channel: str) -> str:
    """The reply under a line saying who sees it; a blank line sets off blocks of several lines."""
    where = f"{channel} (everyone):" if reply.visibility is Visibility.CHANNEL else "only you:"
    lines: list[str] = []
    previous: list[str] = []
    pressed = itertools.count(1)
    for block in (_block(block, pressed) for block in reply.blocks):
        if previous and max(len(previous), len(block)) > 1:
            lines.append("")
        lines.extend(block)
        previous = block
    if not lines:
        lines = plain(reply.summary).splitlines()
    return "\n".join([where, *(INDENT + line if line else "" for line in lines)])


def _block(block: Block, pressed: Iterator[int]) -> list[str]:
    if isinstance(block, Header):
        title = plain(block.text)
        return [title, "─" * min(len(title), 60)]
    if isinstance(block, Section):
        return plain(block.text).splitlines()
    if isinstance(block, Fields):
        return [line for label, value in block.pairs for line in _pair(label, value)]
    if isinstance(block, Context):
        return [f"· {line}" for line in plain(block.text).splitlines()]
    return [" ".join(f"[{next(pressed)}: {plain(b.label)}]" for b in block.buttons)]


def _pair(label: str, value: str) -> list[str]:
    first, *rest = plain(value).splitlines() or [""]
    return [f"{plain(label)}: {first}", *(INDENT + line for line in rest)]
