"""When people work: an account's time zone, weekends and public holidays. Pure, no clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays

SEND_TIME = time(9, 0)
"""Reminders go out at 09:00 local: inside working hours, never at night."""

# Days a country treats as closed without a law saying so (Sweden's Midsummer Eve and Christmas
# Eve); nobody wants a reminder then either.
_CLOSED_CATEGORIES = ("public", "de_facto")


@cache
def _supported_countries() -> frozenset[str]:
    """Country codes the `holidays` package knows, read once."""
    return frozenset(holidays.list_supported_countries())


@cache
def _closed_days(country: str, year: int) -> frozenset[date]:
    """One country's closed days in one year, computed once: every account's schedule asks."""
    calendar_cls = holidays.country_holidays(country)
    categories = [c for c in _CLOSED_CATEGORIES if c in calendar_cls.supported_categories]
    return frozenset(holidays.country_holidays(country, years=year, categories=categories))


def _is_working_day(country: str | None, day: date) -> bool:
    """Monday to Friday, and not a closed day in `country` when one is set."""
    return day.weekday() < 5 and (country is None or day not in _closed_days(country, day.year))


@lru_cache(maxsize=1 << 16)
def _working_day_on_or_after(country: str | None, day: date) -> date:
    """Cached across accounts: 100k accounts share few countries and few dates."""
    while not _is_working_day(country, day):
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=1 << 16)
def _send_at(timezone: str, country: str | None, day: date) -> datetime:
    """Cached across accounts, like the working day it builds on."""
    local = datetime.combine(_working_day_on_or_after(country, day), SEND_TIME, ZoneInfo(timezone))
    return local.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """An account's working calendar: its time zone and, optionally, its country's holidays."""

    timezone: str = "UTC"
    country: str | None = None
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Fail on a bad zone or country when the calendar is built, not during a sweep."""
        object.__setattr__(self, "zone", ZoneInfo(self.timezone))
        if self.country is not None and self.country not in _supported_countries():
            raise ValueError(f"no holiday calendar for country {self.country!r}")

    def is_working_day(self, day: date) -> bool:
        """Whether people at this account work on `day`."""
        return _is_working_day(self.country, day)

    def working_day_on_or_after(self, day: date) -> date:
        """`day` itself if it is a working day, else the next one."""
        return _working_day_on_or_after(self.country, day)

    def send_at(self, day: date) -> datetime:
        """09:00 local on the first working day on or after `day`, as an aware UTC instant."""
        return _send_at(self.timezone, self.country, day)

    def local_date(self, now: datetime) -> date:
        """The account's calendar date at the aware instant `now`."""
        return now.astimezone(self.zone).date()
