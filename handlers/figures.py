"""Reading and writing figures: amounts with k/M (and the Swedish tkr/mkr), percentages, periods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from babel.numbers import format_compact_decimal

from handlers.errors import UsageError
from handlers.i18n import _, current

AMOUNT = re.compile(
    r"^(?P<number>[-+]?\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?)\s*"
    r"(?P<suffix>k|m|tkr|mkr|ksek|msek|kr|sek|mn|md|%)?$",
    re.IGNORECASE,
)
SCALE = {"k": 1e3, "tkr": 1e3, "ksek": 1e3, "m": 1e6, "mkr": 1e6, "msek": 1e6, "mn": 1e6}
WHOLE_LIMIT = 10**15
"""Whole amounts are stored as 64-bit integers; a quadrillion is beyond any account's figures."""
MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")
QUARTER = re.compile(r"^(?:(?P<year>\d{4})-?)?[QK](?P<quarter>[1-4])$", re.IGNORECASE)
YEAR = re.compile(r"^(?P<year>\d{4})$")
PERCENT = "%"


@dataclass(frozen=True)
class Amount:
    value: float
    unit: str


@dataclass(frozen=True)
class Period:
    """A month (`2026-09`), quarter (`2026-Q3`) or year (`2026`), as typed canonically."""

    label: str
    start: date


def amount_help() -> str:
    return _("an amount like `1.2M`, `400k`, `1,2 mkr`, `500 tkr`, `4.5` or `97%`")


def read_amount(text: str) -> Amount:
    """`1.2M`, `400k`, `1,2 mkr`, `500 tkr`, `1 200 000`, `97%` or `4.5`."""
    typed = AMOUNT.match(text.strip())
    if typed is None:
        raise UsageError(
            _("I can't read the amount `{text}`. Use {help}.").format(text=text, help=amount_help())
        )
    number = float(re.sub(r"[ \u00a0]", "", typed["number"]).replace(",", "."))
    suffix = (typed["suffix"] or "").lower()
    unit = PERCENT if suffix == PERCENT else ""
    return Amount(number * SCALE.get(suffix, 1.0), unit)


def read_whole(text: str) -> int:
    """A non-negative amount rounded to a whole number (`1.2M`, `400k`, `3`): money and counts
    kept as integers, such as key-account evidence and workshop ideas' values."""
    typed = read_amount(text) if AMOUNT.match(text.strip()) else None
    if typed is None or typed.unit == PERCENT or not 0 <= typed.value < WHOLE_LIMIT:
        raise UsageError(
            _(
                "`{text}` isn't a whole amount. Use one like `1.2M`, `400k`, `500 tkr` or `3`."
            ).format(text=text)
        )
    return round(typed.value)


def period_help() -> str:
    return _("a month `2026-09`, a quarter `2026-Q3` (`Q3` is this year's) or a year `2026`")


def looks_like_period(word: str) -> bool:
    return any(pattern.match(word) for pattern in (MONTH, QUARTER, YEAR))


def read_period(text: str, this_year: int) -> Period:
    """A period as typed; a quarter without a year (`Q3`) is this year's."""
    word = text.strip()
    month, quarter, year = MONTH.match(word), QUARTER.match(word), YEAR.match(word)
    if month and 1 <= int(month["month"]) <= 12:
        start = date(int(month["year"]), int(month["month"]), 1)
        return Period(f"{start.year}-{start.month:02d}", start)
    if quarter:
        start = date(int(quarter["year"] or this_year), 3 * int(quarter["quarter"]) - 2, 1)
        return Period(f"{start.year}-Q{quarter['quarter']}", start)
    if year:
        return Period(year["year"], date(int(year["year"]), 1, 1))
    raise UsageError(
        _("I can't read the period `{text}`. Use {help}.").format(text=text, help=period_help())
    )


def figure(value: float, unit: str = "") -> str:
    """`1.2M`, `400K`, `97%` in English; `1,2 mn`, `400 tn` in Swedish."""
    shown = format_compact_decimal(value, locale=current(), fraction_digits=2)
    return f"{shown}{unit}" if unit == PERCENT else shown
