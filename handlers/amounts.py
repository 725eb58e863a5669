"""Money and counts as people type them (`1.2M`, `400k`, `2 000 000`) and as they read them."""

from __future__ import annotations

import re

from babel.numbers import format_compact_decimal

from handlers.i18n import current

AMOUNT = re.compile(
    r"^(?P<number>\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,](?P<fraction>\d+))?\s*"
    r"(?P<unit>k|m|mn|milj|mkr)?$",
    re.IGNORECASE,
)
UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "milj": 1_000_000, "mkr": 1_000_000}
LIMIT = 10**15


def read_amount(text: str) -> int | None:
    """A whole, non-negative amount, or None when the text is not one."""
    match = AMOUNT.match(text.strip())
    if match is None:
        return None
    whole = match["number"].replace(" ", "").replace("\u00a0", "")
    fraction = match["fraction"] or ""
    scale = UNITS[(match["unit"] or "").lower()]
    value = (int(whole) * 10 ** len(fraction) + int(fraction or 0)) * scale // 10 ** len(fraction)
    return value if value < LIMIT else None


def amount(value: int) -> str:
    """`1.2M`, `400K`, `950` in English; `1,2 mn` in Swedish."""
    return format_compact_decimal(value, locale=current(), fraction_digits=1)
