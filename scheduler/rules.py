"""What is due and which reminder goes out: pure functions of data and a `now`, no clock or I/O."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count
from typing import Literal

from dateutil.relativedelta import relativedelta

from handlers.i18n import _, ngettext
from scheduler.cadence import Cadence
from scheduler.calendar import WorkCalendar
from storage.models import MeetingKind

LEAD_DAYS: dict[MeetingKind, int] = {
    MeetingKind.STRATEGIC: 7,
    MeetingKind.TACTICAL: 7,
    MeetingKind.OPERATIONAL: 2,
    MeetingKind.INTERNAL: 2,
}
"""How long before a meeting is due the channel hears "due soon"; big meetings need planning."""

REVISION_LEAD_DAYS = 14
"""A plan revision is announced two weeks ahead: it needs numbers from several people."""

REVISION_COVER = relativedelta(months=3)
"""How early a plan revision may be done and still count for the next due date."""

OVERDUE_EVERY = timedelta(days=7)
"""Overdue reminders repeat weekly: often enough to matter, rarely enough not to be muted."""

NOTIFY_KAM_FROM = 4
"""Step number of the third overdue reminder, from which the KAM is also messaged directly."""

StepName = Literal["due-soon", "due", "overdue"]


@dataclass(frozen=True, slots=True)
class Step:
    """One reminder of a due item: its place in the sequence and when it goes out."""

    number: int  # 0 = due soon, 1 = due today, 2.. = overdue reminders 1..n
    name: StepName
    on: date  # the nominal date, before moving past weekends and holidays
    at: datetime  # aware UTC instant: 09:00 local on the first working day on or after `on`
    notify_kam: bool


def meeting_due(cadence: Cadence, last_held: date | None, created_on: date) -> date:
    """The date a meeting kind is next due.

    One cadence interval (calendar months) after the last meeting of that kind. With no meeting
    of the kind yet, the account is "due from the day it was created": we read that as due on
    `created_on` itself, so a new account is asked for each kind of meeting right away.
    """
    return created_on if last_held is None else cadence.after(last_held)


def meeting_steps(
    kind: MeetingKind,
    due: date,
    calendar: WorkCalendar,
    until: date,
    since: date | None = None,
) -> list[Step]:
    """The reminders for one meeting due date that go out on or before `until`.

    The horizon counts send days, not nominal dates, so a later horizon only appends steps.
    `since` is the day the period began (the last meeting, or the account's creation); a
    due-soon reminder on or before it would nag right after the meeting, so it is dropped.
    """
    return _steps(due, LEAD_DAYS[kind], calendar, until, since, notify_kam=True)


def revision_steps(
    due: date, calendar: WorkCalendar, until: date, since: date | None = None
) -> list[Step]:
    """The reminders for one plan revision: 14 days before, on the day, then weekly."""
    return _steps(due, REVISION_LEAD_DAYS, calendar, until, since, notify_kam=False)


def _steps(
    due: date,
    lead_days: int,
    calendar: WorkCalendar,
    until: date,
    since: date | None,
    *,
    notify_kam: bool,
) -> list[Step]:
    """Nominal dates moved to working mornings; of steps landing at one instant the later wins."""
    steps: list[Step] = []
    for number, name, on in _nominal(due, lead_days, calendar, until):
        if number == 0 and since is not None and on <= since:
            continue
        at = calendar.send_at(on)
        if steps and steps[-1].at == at:
            steps.pop()
        steps.append(Step(number, name, on, at, notify_kam and number >= NOTIFY_KAM_FROM))
    return steps


def _nominal(
    due: date, lead_days: int, calendar: WorkCalendar, until: date
) -> Iterator[tuple[int, StepName, date]]:
    """Due soon, due, then overdue every week, while the send day is on or before `until`."""
    names: dict[int, StepName] = {0: "due-soon", 1: "due"}
    for number in count():
        on = due - timedelta(days=lead_days) if number == 0 else due + OVERDUE_EVERY * (number - 1)
        if calendar.working_day_on_or_after(on) > until:
            return
        yield number, names.get(number, "overdue"), on


def current_step(
    steps: Sequence[Step], now: datetime, snoozed_until: datetime | None = None
) -> Step | None:
    """The one reminder to send now: after downtime only the latest, never a burst of stale ones.

    `steps` are in time order, as the step builders return them. Nothing while snoozed; once
    the snooze has ended, the step current by then comes out.
    """
    if snoozed_until is not None and snoozed_until > now:
        return None
    passed = bisect_right(steps, now, key=lambda step: step.at)
    return steps[passed - 1] if passed else None


def revision_due_dates(budget_month: int, calendar: WorkCalendar, year: int) -> tuple[date, date]:
    """The two revision due dates of `year`'s cycle: before the budget work, and six months on."""
    before_budget = date(year, budget_month, 1)
    half_year_on = before_budget + relativedelta(months=6)
    return (
        calendar.working_day_on_or_after(before_budget),
        calendar.working_day_on_or_after(half_year_on),
    )


def next_revision_due(
    budget_month: int, last_revision: date | None, created_on: date, calendar: WorkCalendar
) -> date:
    """The earliest revision due date, on or after the account's creation, not yet covered.

    A revision covers a due date when it was recorded on or after it, or within the 3 months
    before it: a revision done a bit early, say at the summer break before September's due date,
    counts, instead of being asked for again weeks later.
    """
    dates = _revision_dates_from(budget_month, calendar, created_on.year - 1)
    return next(due for due in dates if due >= created_on and not _covers(last_revision, due))


def _covers(revision: date | None, due: date) -> bool:
    """Whether a revision on `revision` counts for the due date `due`."""
    return revision is not None and revision >= due - REVISION_COVER


def _revision_dates_from(budget_month: int, calendar: WorkCalendar, year: int) -> Iterator[date]:
    """All revision due dates, in order, from the cycle that starts in `year`."""
    for cycle in count(year):
        yield from revision_due_dates(budget_month, calendar, cycle)


def meeting_status(due: date, today: date, lead_days: int) -> str:
    """A glanceable status for `/kam cadence`, in the current language."""
    if today > due:
        days = (today - due).days
        return ngettext("overdue by {n} day", "overdue by {n} days", days).format(n=days)
    if today == due:
        return _("due today")
    if today >= due - timedelta(days=lead_days):
        return _("due soon")
    return _("on track")
