"""The pure reminder rules: due dates, reminder steps, catch-up, snooze and plan revisions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.cadence import DEFAULT_CADENCE, Cadence
from scheduler.calendar import WorkCalendar
from scheduler.rules import (
    Step,
    current_step,
    meeting_due,
    meeting_status,
    meeting_steps,
    next_revision_due,
    revision_due_dates,
    revision_steps,
)
from storage.models import MeetingKind

STOCKHOLM = WorkCalendar("Europe/Stockholm", "SE")
NEW_YORK = WorkCalendar("America/New_York", "US")
SEPTEMBER = 9
PROPERTIES = settings(max_examples=200, deadline=None)

calendars = st.builds(
    WorkCalendar,
    st.sampled_from(["UTC", "Europe/Stockholm", "America/New_York", "Asia/Kolkata"]),
    st.sampled_from([None, "SE", "US", "DE"]),
)
days = st.dates(date(2020, 1, 1), date(2040, 12, 31))
kinds = st.sampled_from(list(MeetingKind))
instants = st.datetimes(datetime(2019, 12, 1), datetime(2041, 6, 1), timezones=st.just(UTC))


def stockholm_nine(day: date) -> datetime:
    """09:00 in Stockholm on `day`, as UTC."""
    return STOCKHOLM.send_at(day)


def summary(steps: list[Step]) -> list[tuple[str, date]]:
    """Each step's name and the local day it goes out, in Stockholm."""
    return [(step.name, STOCKHOLM.local_date(step.at)) for step in steps]


@pytest.mark.parametrize(
    ("cadence", "last_held", "due"),
    [
        (Cadence(months=1), date(2026, 1, 31), date(2026, 2, 28)),
        (Cadence(months=1), date(2028, 1, 31), date(2028, 2, 29)),
        (Cadence(months=6), date(2027, 8, 31), date(2028, 2, 29)),
        (Cadence(months=6), date(2028, 2, 29), date(2028, 8, 29)),
        (Cadence(months=12), date(2028, 2, 29), date(2029, 2, 28)),
        (Cadence(months=3), date(2026, 11, 30), date(2027, 2, 28)),
        (Cadence(weeks=2), date(2026, 12, 24), date(2027, 1, 7)),
        (Cadence(weeks=3), date(2028, 2, 15), date(2028, 3, 7)),
    ],
)
def test_meeting_due_counts_calendar_months_from_the_last_meeting(
    cadence: Cadence, last_held: date, due: date
) -> None:
    assert meeting_due(cadence, last_held, created_on=date(2020, 1, 1)) == due


def test_a_kind_never_held_is_due_the_day_the_account_was_created() -> None:
    assert meeting_due(Cadence(months=6), None, created_on=date(2026, 11, 27)) == date(2026, 11, 27)


def test_one_month_after_january_31_is_the_end_of_february() -> None:
    assert DEFAULT_CADENCE[MeetingKind.OPERATIONAL].after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert DEFAULT_CADENCE[MeetingKind.INTERNAL] == Cadence(weeks=2)


def test_strategic_steps_skip_swedish_christmas() -> None:
    steps = meeting_steps(MeetingKind.STRATEGIC, date(2026, 12, 24), STOCKHOLM, date(2027, 1, 14))
    assert summary(steps) == [
        ("due-soon", date(2026, 12, 17)),
        ("due", date(2026, 12, 28)),  # 24-26 closed, 27 a Sunday
        ("overdue", date(2027, 1, 4)),  # 31 nyårsafton, 1 new year, then a weekend
        ("overdue", date(2027, 1, 7)),  # 6 is trettondedag jul, 7 is the nominal day
        ("overdue", date(2027, 1, 14)),
    ]
    assert [step.number for step in steps] == [0, 1, 2, 3, 4]
    assert [step.on for step in steps][1:3] == [date(2026, 12, 24), date(2026, 12, 31)]


def test_a_due_soon_moved_onto_the_due_day_gives_way_to_due() -> None:
    due_monday = date(2026, 11, 30)  # operational: due soon on Saturday, moved to Monday
    steps = meeting_steps(MeetingKind.OPERATIONAL, due_monday, STOCKHOLM, date(2026, 12, 7))
    assert summary(steps) == [("due", due_monday), ("overdue", date(2026, 12, 7))]


def test_the_kam_is_told_directly_from_the_third_overdue_reminder() -> None:
    steps = meeting_steps(MeetingKind.TACTICAL, date(2026, 9, 1), STOCKHOLM, date(2026, 10, 20))
    overdue = [step.notify_kam for step in steps if step.name == "overdue"]
    assert overdue == [False, False, True, True, True, True, True]
    assert not any(step.notify_kam for step in steps if step.name != "overdue")


def test_a_due_soon_before_the_period_began_is_dropped() -> None:
    weekly_tactical = meeting_due(Cadence(weeks=1), date(2026, 11, 2), date(2020, 1, 1))
    steps = meeting_steps(
        MeetingKind.TACTICAL, weekly_tactical, STOCKHOLM, date(2026, 11, 9), since=date(2026, 11, 2)
    )
    assert summary(steps) == [("due", date(2026, 11, 9))]


def test_a_new_account_hears_due_on_its_first_working_morning() -> None:
    created = date(2026, 11, 28)  # a Saturday
    due = meeting_due(Cadence(months=6), None, created)
    steps = meeting_steps(MeetingKind.STRATEGIC, due, STOCKHOLM, created, since=created)
    assert steps == []
    steps = meeting_steps(MeetingKind.STRATEGIC, due, STOCKHOLM, date(2026, 11, 30), since=created)
    assert summary(steps) == [("due", date(2026, 11, 30))]


@pytest.mark.parametrize(
    ("calendar", "due", "local_nine_utc_hours"),
    [
        (STOCKHOLM, date(2026, 3, 27), [8, 7, 7]),  # Friday CET, then CEST after 2026-03-29
        (STOCKHOLM, date(2026, 10, 23), [7, 8, 8]),  # Friday CEST, then CET after 2026-10-25
        (NEW_YORK, date(2026, 3, 6), [14, 13, 13]),  # Friday EST, then EDT after 2026-03-08
        (NEW_YORK, date(2026, 10, 30), [13, 14, 14]),  # Friday EDT, then EST after 2026-11-01
    ],
)
def test_steps_stay_at_nine_local_across_dst(
    calendar: WorkCalendar, due: date, local_nine_utc_hours: list[int]
) -> None:
    steps = meeting_steps(MeetingKind.INTERNAL, due, calendar, due + timedelta(days=14))
    assert [step.at.hour for step in steps[1:]] == local_nine_utc_hours


def test_revision_steps_come_two_weeks_ahead_then_weekly_and_never_page_the_kam() -> None:
    steps = revision_steps(date(2026, 9, 1), STOCKHOLM, date(2026, 10, 13))
    assert summary(steps) == [
        ("due-soon", date(2026, 8, 18)),
        ("due", date(2026, 9, 1)),
        *[("overdue", date(2026, 9, 1) + timedelta(weeks=n)) for n in range(1, 7)],
    ]
    assert not any(step.notify_kam for step in steps)


STEPS = meeting_steps(MeetingKind.OPERATIONAL, date(2026, 12, 1), STOCKHOLM, date(2026, 12, 31))


@pytest.mark.parametrize(
    ("now", "snoozed_until", "expected"),
    [
        (stockholm_nine(date(2026, 11, 30)) - timedelta(seconds=1), None, None),
        (stockholm_nine(date(2026, 11, 30)), None, ("due-soon", 0)),  # nominally on Sunday
        (stockholm_nine(date(2026, 12, 1)) - timedelta(minutes=1), None, ("due-soon", 0)),
        (stockholm_nine(date(2026, 12, 1)), None, ("due", 1)),
        (stockholm_nine(date(2026, 12, 16)), None, ("overdue", 3)),  # down for two weeks
        (stockholm_nine(date(2027, 6, 1)), None, ("overdue", 5)),  # past the horizon
        (stockholm_nine(date(2026, 12, 2)), stockholm_nine(date(2026, 12, 8)), None),
        (stockholm_nine(date(2026, 12, 8)), stockholm_nine(date(2026, 12, 8)), ("overdue", 2)),
        (stockholm_nine(date(2026, 12, 9)), stockholm_nine(date(2026, 12, 8)), ("overdue", 2)),
    ],
)
def test_current_step_catches_up_once_and_respects_snooze(
    now: datetime, snoozed_until: datetime | None, expected: tuple[str, int] | None
) -> None:
    step = current_step(STEPS, now, snoozed_until)
    assert (step and (step.name, step.number)) == expected


@pytest.mark.parametrize(
    ("budget_month", "year", "dates"),
    [
        (9, 2026, (date(2026, 9, 1), date(2027, 3, 1))),
        (8, 2026, (date(2026, 8, 3), date(2027, 2, 1))),  # August 1 is a Saturday
        (1, 2027, (date(2027, 1, 4), date(2027, 7, 1))),  # new year's day on a Friday
        (11, 2026, (date(2026, 11, 2), date(2027, 5, 3))),  # Sunday; May Day on a Saturday
        (12, 2027, (date(2027, 12, 1), date(2028, 6, 1))),
    ],
)
def test_revision_due_dates(budget_month: int, year: int, dates: tuple[date, date]) -> None:
    assert revision_due_dates(budget_month, STOCKHOLM, year) == dates


@pytest.mark.parametrize(
    ("last_revision", "created_on", "due"),
    [
        (None, date(2026, 5, 10), date(2026, 9, 1)),
        (None, date(2026, 9, 1), date(2026, 9, 1)),
        (None, date(2026, 9, 2), date(2027, 3, 1)),
        (date(2026, 5, 31), date(2020, 1, 1), date(2026, 9, 1)),  # too early to count
        (date(2026, 6, 1), date(2020, 1, 1), date(2027, 3, 1)),  # three months early counts
        (date(2026, 9, 10), date(2020, 1, 1), date(2027, 3, 1)),  # late, but done
        (date(2026, 11, 30), date(2020, 1, 1), date(2027, 3, 1)),
        (date(2026, 12, 1), date(2020, 1, 1), date(2027, 9, 1)),
    ],
)
def test_next_revision_due(last_revision: date | None, created_on: date, due: date) -> None:
    assert next_revision_due(SEPTEMBER, last_revision, created_on, STOCKHOLM) == due


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 12, 2), "on track"),
        (date(2026, 12, 3), "due soon"),
        (date(2026, 12, 9), "due soon"),
        (date(2026, 12, 10), "due today"),
        (date(2026, 12, 11), "overdue by 1 day"),
        (date(2026, 12, 20), "overdue by 10 days"),
    ],
)
def test_meeting_status(today: date, status: str) -> None:
    assert meeting_status(date(2026, 12, 10), today, lead_days=7) == status


@st.composite
def step_lists(draw: st.DrawFn) -> list[Step]:
    """The steps of a meeting or a plan revision, over a horizon of up to 20 weeks."""
    due, calendar = draw(days), draw(calendars)
    until = due + timedelta(weeks=draw(st.integers(0, 20)))
    since = draw(st.one_of(st.none(), st.integers(1, 200).map(lambda n: due - timedelta(n))))
    if draw(st.booleans()):
        return revision_steps(due, calendar, until, since)
    return meeting_steps(draw(kinds), due, calendar, until, since)


@PROPERTIES
@given(kinds, days, calendars, st.integers(0, 20))
def test_every_step_goes_out_at_nine_local_on_a_working_day(
    kind: MeetingKind, due: date, calendar: WorkCalendar, weeks: int
) -> None:
    for step in meeting_steps(kind, due, calendar, due + timedelta(weeks=weeks)):
        local = step.at.astimezone(calendar.zone)
        assert local.time() == time(9)
        assert calendar.is_working_day(local.date())
        assert local.date() >= step.on


@PROPERTIES
@given(step_lists())
def test_steps_are_strictly_increasing_in_time(steps: list[Step]) -> None:
    assert all(a.at < b.at and a.number < b.number for a, b in pairwise(steps))


@PROPERTIES
@given(kinds, days, calendars, st.integers(0, 10), st.integers(0, 10))
def test_a_longer_horizon_only_appends_steps(
    kind: MeetingKind, due: date, calendar: WorkCalendar, weeks: int, more: int
) -> None:
    shorter = meeting_steps(kind, due, calendar, due + timedelta(weeks=weeks))
    longer = meeting_steps(kind, due, calendar, due + timedelta(weeks=weeks + more))
    assert longer[: len(shorter)] == shorter


@PROPERTIES
@given(step_lists(), instants)
def test_after_any_gap_exactly_the_latest_passed_step_comes_out(
    steps: list[Step], now: datetime
) -> None:
    step = current_step(steps, now)
    passed = [s for s in steps if s.at <= now]
    assert step == (passed[-1] if passed else None)
    assert step is None or step.at <= now


@PROPERTIES
@given(step_lists(), instants, instants)
def test_nothing_comes_out_while_snoozed(
    steps: list[Step], now: datetime, snoozed_until: datetime
) -> None:
    step = current_step(steps, now, snoozed_until)
    assert step == (None if snoozed_until > now else current_step(steps, now))


@PROPERTIES
@given(st.integers(1, 12), calendars, st.integers(2020, 2040))
def test_revision_due_dates_are_first_working_days_of_the_right_months(
    budget_month: int, calendar: WorkCalendar, year: int
) -> None:
    first, second = revision_due_dates(budget_month, calendar, year)
    assert (first.year, first.month) == (year, budget_month)
    assert (second.year, second.month) == (year + budget_month // 7, (budget_month + 5) % 12 + 1)
    for due in (first, second):
        assert calendar.is_working_day(due)
        assert not any(calendar.is_working_day(due.replace(day=d)) for d in range(1, due.day))


@PROPERTIES
@given(st.integers(1, 12), calendars, days, st.one_of(st.none(), days))
def test_next_revision_due_is_the_first_uncovered_due_date(
    budget_month: int, calendar: WorkCalendar, created_on: date, last_revision: date | None
) -> None:
    due = next_revision_due(budget_month, last_revision, created_on, calendar)
    cycles = [revision_due_dates(budget_month, calendar, due.year - n) for n in (2, 1, 0)]
    dates = sorted(d for cycle in cycles for d in cycle)
    previous = dates[dates.index(due) - 1]
    assert due >= created_on
    assert last_revision is None or last_revision < due - relativedelta(months=3)
    assert previous < created_on or (
        last_revision is not None and last_revision >= previous - relativedelta(months=3)
    )
