"""Opportunities without an update for 30 days: when they are due a reminder, and queuing it.

Like every reminder, it goes out at 09:00 local on the account's first working day on or after
the day it is due; the minute tick queues the ones whose time has come.
"""

from __future__ import annotations

from datetime import datetime

from scheduler.calendar import WorkCalendar
from storage import opportunities
from storage.models import Account
from storage.opportunities import STALE_AFTER
from storage.store import Store


def stale_at(timezone: str, country: str | None, now: datetime) -> datetime:
    """09:00 local on the first working day 30 days or more after `now`."""
    calendar = WorkCalendar(timezone, country)
    return calendar.send_at(calendar.local_date(now) + STALE_AFTER)


def account_stale_at(account: Account, now: datetime) -> datetime:
    return stale_at(account.timezone, account.country, now)


def queue_stale(store: Store, now: datetime) -> int:
    """Queue a channel reminder for each opportunity stale by `now`; how many were queued."""
    return sum(
        opportunities.remind(store, due, now, stale_at(due.timezone, due.country, now))
        for due in opportunities.stale(store, now)
    )
