"""Reading what people type: words, mentions, meeting kinds and dates in English or Swedish."""

from __future__ import annotations

import functools
import re
import shlex
from datetime import date, datetime

import dateparser

from handlers.errors import UsageError
from handlers.i18n import _, ngettext
from handlers.wording import number
from storage.models import MeetingKind

MENTION = re.compile(r"<@([A-Za-z0-9._-]{1,64})>")

KIND_ALIASES: dict[str, MeetingKind] = {
    **{kind.value: kind for kind in MeetingKind},
    "strategisk": MeetingKind.STRATEGIC,
    "taktisk": MeetingKind.TACTICAL,
    "operativ": MeetingKind.OPERATIONAL,
    "intern": MeetingKind.INTERNAL,
}

_WEEKDAY = (
    r"(mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?"
    r"|(mån|tis|ons|tors|fre|lör|sön)(dag|dags)?"
)
_MONTH = (
    r"jan(uary|uari)?|feb(ruary|ruari)?|mar(ch|s)?|apr(il)?|ma[yj]|jun[ei]?|jul[iy]?"
    r"|aug(ust|usti)?|sep(t|tember)?|o[ck]t(ober)?|nov(ember)?|dec(ember)?"
)
_UNIT = r"(days?|weeks?|months?|dag(ar)?|veck(a|or)|månad(er)?)"
DATE_PHRASE = re.compile(
    rf"""^(
        \d{{4}}-\d{{1,2}}-\d{{1,2}}
      | \d{{1,2}}[./]\d{{1,2}}([./]\d{{2,4}})?
      | today | yesterday | tomorrow | idag | igår | imorgon
      | ((last|förra|next|nästa)\s+)?({_WEEKDAY})
      | i\s+({_WEEKDAY})
      | \d+\s+{_UNIT}\s+(ago|sedan)
      | in\s+\d+\s+{_UNIT}
      | \d{{1,2}}\s+({_MONTH})(\s+\d{{4}})?
      | ({_MONTH})\s+\d{{1,2}}(,?\s+\d{{4}})?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
SWEDISH_LAST_WEEKDAY = re.compile(r"^i\s+(\w+?)s?$", re.IGNORECASE)
DAY_MONTH = re.compile(r"^(\d{1,2})[./](\d{1,2})")
MAX_YEARS = 10


def date_help() -> str:
    """The date forms to suggest, in the current language (ends an error message)."""
    return _("a date like `2026-11-20`, `today`, `yesterday`, `monday` or `3 days ago`")


CURLY_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
"""Slack's and Teams' clients often turn typed quotes into typographic ones."""


def quoted_words(text: str) -> list[str]:
    """Words as a shell splits them, `"Fleet rollout"` one word even in curly quotes;
    ValueError when a quote is not closed."""
    return shlex.split(text.translate(CURLY_QUOTES))


def mentioned_users(text: str) -> list[str]:
    """User ids mentioned in the text, in order, each once."""
    return list(dict.fromkeys(MENTION.findall(text)))


def meeting_kind(word: str) -> MeetingKind | None:
    return KIND_ALIASES.get(word.lower())


def kinds_list() -> str:
    return ", ".join(f"`{kind.value}`" for kind in MeetingKind)


def take_date(words: list[str], today: date) -> tuple[date | None, list[str]]:
    """Split a leading date phrase (up to three words) off `words`; no phrase gives None."""
    for length in (3, 2, 1):
        phrase = " ".join(words[:length])
        if len(words) >= length and DATE_PHRASE.match(phrase):
            return past_date(phrase, today), words[length:]
    if words and re.match(r"^\d{4}-\S*$|^\d{1,2}[./]\d", words[0]):
        raise UsageError(unreadable_date(words[0]))
    return None, words


def past_date(phrase: str, today: date) -> date:
    """Read a date that must not be in the future; a weekday means the last one."""
    held = read_date(phrase, today, prefer="past")
    if held > today:
        raise UsageError(
            _(
                "`{phrase}` is {date}, which is in the future. "
                "Log meetings that have happened; use today's date or earlier."
            ).format(phrase=phrase, date=held.isoformat())
        )
    return held


@functools.lru_cache(maxsize=4096)
def read_date(phrase: str, today: date, prefer: str) -> date:
    """Any date phrase dateparser understands, relative to `today`, within ten years of it.

    Cached: the same words on the same day mean the same date, and dateparser is slow.
    """
    settings = {
        "PREFER_DATES_FROM": prefer,
        "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12),
        "DATE_ORDER": "DMY",
    }
    spoken = SWEDISH_LAST_WEEKDAY.sub(r"\1", phrase)
    try:
        parsed = dateparser.parse(spoken, languages=["en", "sv"], settings=settings)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None or not _as_typed(phrase, parsed.date()):
        raise UsageError(unreadable_date(phrase))
    if abs((parsed.date() - today).days) > MAX_YEARS * 366:
        raise UsageError(
            ngettext(
                "`{phrase}` is {date}, more than {years} year away. Check the date; use {help}.",
                "`{phrase}` is {date}, more than {years} years away. Check the date; use {help}.",
                MAX_YEARS,
            ).format(
                phrase=phrase, date=parsed.date().isoformat(), years=MAX_YEARS, help=date_help()
            )
        )
    return parsed.date()


def unreadable_date(phrase: str) -> str:
    return _("I can't read the date `{phrase}`. Use {help}.").format(
        phrase=phrase, help=date_help()
    )


def _as_typed(phrase: str, parsed: date) -> bool:
    """Day and month typed as numbers (`20/11`) must be read as typed, day first."""
    numeric = DAY_MONTH.match(phrase)
    return numeric is None or (int(numeric[1]), int(numeric[2])) == (parsed.day, parsed.month)


def check_length(label: str, value: str, limit: int) -> None:
    """Refuse text over a limit, saying by how much; `label` is already translated."""
    if len(value) > limit:
        raise UsageError(
            ngettext(
                "{label} can be at most {limit} character; yours has {length}. "
                "Shorten it and try again.",
                "{label} can be at most {limit} characters; yours has {length}. "
                "Shorten it and try again.",
                limit,
            ).format(label=label, limit=number(limit), length=number(len(value)))
        )
