"""Small phrases shared by replies: dates relative to today, lists of people, excerpts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def relative_day(day: date, today: date) -> str:
    """`today`, `yesterday`, `in 3 days`, `5 days ago`."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == -1:
        return "yesterday"
    if delta == 1:
        return "tomorrow"
    return f"in {count(delta, 'day')}" if delta > 0 else f"{count(-delta, 'day')} ago"


def people(user_ids: Iterable[str]) -> str:
    names = [f"<@{user}>" for user in user_ids]
    return ", ".join(names) if names else "—"


def excerpt(text: str, lines: int = 3, width: int = 600) -> str:
    """The first lines of a text, marked with … when cut."""
    kept = "\n".join(text.strip().splitlines()[:lines])
    if len(kept) > width:
        kept = kept[:width].rstrip()
    return kept + ("…" if kept != text.strip() else "")
