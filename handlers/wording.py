"""Small phrases shared by replies: dates relative to today, kinds, numbers, people, excerpts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from babel.numbers import format_decimal

from handlers.i18n import _, current, ngettext
from storage.models import MeetingKind


def relative_day(day: date, today: date) -> str:
    """`today`, `yesterday`, `in 3 days`, `5 days ago`."""
    delta = (day - today).days
    if delta == 0:
        return _("today")
    if delta == -1:
        return _("yesterday")
    if delta == 1:
        return _("tomorrow")
    if delta > 0:
        return ngettext("in {n} day", "in {n} days", delta).format(n=delta)
    return ngettext("{n} day ago", "{n} days ago", -delta).format(n=-delta)


def kind_name(kind: MeetingKind | str) -> str:
    """The kind as a word inside a sentence: `strategic`, `tactical`…"""
    names = {
        MeetingKind.STRATEGIC: _("strategic"),
        MeetingKind.TACTICAL: _("tactical"),
        MeetingKind.OPERATIONAL: _("operational"),
        MeetingKind.INTERNAL: _("internal"),
    }
    return names[MeetingKind(kind)]


def kind_title(kind: MeetingKind | str) -> str:
    """The kind on its own, as a label or option: `Strategic`, `Tactical`…"""
    titles = {
        MeetingKind.STRATEGIC: _("Strategic"),
        MeetingKind.TACTICAL: _("Tactical"),
        MeetingKind.OPERATIONAL: _("Operational"),
        MeetingKind.INTERNAL: _("Internal"),
    }
    return titles[MeetingKind(kind)]


def kind_meeting(kind: MeetingKind | str) -> str:
    """A meeting of the kind, as a heading: `Strategic meeting`, `Tactical meeting`…"""
    titles = {
        MeetingKind.STRATEGIC: _("Strategic meeting"),
        MeetingKind.TACTICAL: _("Tactical meeting"),
        MeetingKind.OPERATIONAL: _("Operational meeting"),
        MeetingKind.INTERNAL: _("Internal meeting"),
    }
    return titles[MeetingKind(kind)]


def number(n: int) -> str:
    """A number grouped the current language's way: `3,000` in English, `3 000` in Swedish."""
    return format_decimal(n, locale=current())


def people(user_ids: Iterable[str]) -> str:
    names = [f"<@{user}>" for user in user_ids]
    return ", ".join(names) if names else "—"


def excerpt(text: str, lines: int = 3, width: int = 600) -> str:
    """The first lines of a text, marked with … when cut."""
    kept = "\n".join(text.strip().splitlines()[:lines])
    if len(kept) > width:
        kept = kept[:width].rstrip()
    return kept + ("…" if kept != text.strip() else "")
