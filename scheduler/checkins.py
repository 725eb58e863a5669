"""When check-in rounds open, nudge and close: pure rules of data and `now`, and the tick's step.

A schedule is a `dateutil.rrule` in the account's time zone; each person's deadline is the end
of the next working day in their own zone (the account's when the platform has not told us),
and the nudge comes halfway there, moved into working hours.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from scheduler.calendar import SEND_TIME, WorkCalendar
from storage import checkins
from storage.checkins import Asked
from storage.models import Account, CheckinRound, CheckinSchedule
from storage.store import Store

log = logging.getLogger(__name__)

END_OF_DAY = time(17, 0)
"""A deadline is the end of a working day: people answer during it, not at midnight."""
SCHEDULED = "schedule"
"""`opened_by` of a round the schedule opened."""


@dataclass(frozen=True)
class Rule:
    """Every `interval` weeks or months on `weekday` at `minute` past local midnight."""

    frequency: str  # "weekly" or "monthly" (the first `weekday` of the month)
    interval: int
    weekday: int
    minute: int
    anchor: date
    timezone: str

    def next_after(self, now: datetime) -> datetime:
        """The first round time strictly after `now`, as an aware UTC instant."""
        zone = ZoneInfo(self.timezone)
        start = datetime.combine(self.anchor, time(self.minute // 60, self.minute % 60))
        if self.frequency == "monthly":
            days = rrule(
                MONTHLY, interval=self.interval, byweekday=weekday(self.weekday)(+1), dtstart=start
            )
        else:
            days = rrule(WEEKLY, interval=self.interval, byweekday=self.weekday, dtstart=start)
        local = days.after(now.astimezone(zone).replace(tzinfo=None))
        assert local is not None, "an endless rule always has a next time"
        return local.replace(tzinfo=zone).astimezone(UTC)


def deadline(opened_at: datetime, timezone: str, country: str | None) -> datetime:
    """The end of the next working day after the round opened, in the person's zone."""
    calendar = WorkCalendar(timezone, country)
    day = calendar.working_day_on_or_after(calendar.local_date(opened_at) + timedelta(days=1))
    return datetime.combine(day, END_OF_DAY, calendar.zone).astimezone(UTC)


def nudge_at(opened_at: datetime, until: datetime, timezone: str, country: str | None) -> datetime:
    """Halfway to the deadline, or the next start of a working day when that is at night."""
    calendar = WorkCalendar(timezone, country)
    halfway = (opened_at + (until - opened_at) / 2).astimezone(calendar.zone)
    day = halfway.date()
    if calendar.is_working_day(day) and SEND_TIME <= halfway.time() < END_OF_DAY:
        return halfway.astimezone(UTC)
    if not calendar.is_working_day(day) or halfway.time() >= END_OF_DAY:
        day = calendar.working_day_on_or_after(day + timedelta(days=1))
    return min(calendar.send_at(day), until - timedelta(hours=1))


def start_round(
    store: Store, account: Account, by: str, now: datetime, scheduled_for: datetime | None = None
) -> CheckinRound | None:
    """Open a round for the team: prompts to those not away; None when one is already open."""
    team = [member.user_id for member in account.members]
    zones = checkins.timezones(store.engine, account.workspace_id, team)
    away = checkins.away_until(store.engine, account.workspace_id, team)
    today = WorkCalendar(account.timezone).local_date(now)
    asked = []
    for user in team:
        zone = zones.get(user, account.timezone)
        until = deadline(now, zone, account.country)
        away_now = user in away and away[user] >= today
        asked.append(Asked(user, until, nudge_at(now, until, zone, account.country), away_now))
    questions = checkins.questions(store.engine, account.id) or []
    new = CheckinRound(
        workspace_id=account.workspace_id,
        account_id=account.id,
        opened_at=now,
        opened_by=by,
        scheduled_for=scheduled_for,
        deadline_at=max((person.deadline_at for person in asked), default=now),
        questions=questions,
        summary_queued=False,
    )
    return checkins.open_round(store.engine, new, asked)


def rule_of(schedule: CheckinSchedule, timezone: str) -> Rule:
    return Rule(
        schedule.frequency,
        schedule.interval,
        schedule.weekday,
        schedule.minute,
        schedule.anchor,
        timezone,
    )


def step(store: Store, now: datetime) -> int:
    """Open scheduled rounds, close what is due, nudge the rest, queue summaries; how many
    things moved."""
    moved = 0
    for schedule in checkins.due_schedules(store.engine, now):
        account = store.account(schedule.account_id)
        if account is None:
            continue
        if account.paused_reason is None:
            opened = start_round(store, account, SCHEDULED, now, schedule.next_at)
            moved += opened is not None
        following = rule_of(schedule, account.timezone).next_after(now)
        checkins.move_schedule(store.engine, account.id, schedule.next_at, following)
    moved += checkins.close_due(store.engine, SCHEDULED, now)
    moved += checkins.queue_nudges(store.engine, now)
    moved += checkins.queue_summaries(store.engine, now)
    return moved
