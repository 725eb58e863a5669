"""Working days and send times: weekends, holidays and DST changes in the account's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.calendar import WorkCalendar

STOCKHOLM = WorkCalendar("Europe/Stockholm", "SE")
NEW_YORK = WorkCalendar("America/New_York", "US")
PROPERTIES = settings(max_examples=200, deadline=None)

calendars = st.builds(
    WorkCalendar,
    st.sampled_from(["UTC", "Europe/Stockholm", "America/New_York", "Australia/Sydney"]),
    st.sampled_from([None, "SE", "US", "DE", "GB"]),
)
days = st.dates(date(2020, 1, 1), date(2040, 12, 31))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 27), True),  # a Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 6, 19), False),  # midsommarafton
        (date(2026, 12, 24), False),  # julafton
        (date(2026, 12, 25), False),  # juldagen
        (date(2026, 12, 31), False),  # nyårsafton
        (date(2027, 1, 6), False),  # trettondedag jul
        (date(2026, 4, 3), False),  # långfredagen
        (date(2026, 4, 6), False),  # annandag påsk
        (date(2026, 12, 23), True),
    ],
)
def test_swedish_working_days(day: date, working: bool) -> None:
    assert STOCKHOLM.is_working_day(day) is working


def test_without_a_country_only_weekends_are_off() -> None:
    assert WorkCalendar("Europe/Stockholm").is_working_day(date(2026, 12, 24))


def test_holidays_are_the_accounts_countrys() -> None:
    assert not NEW_YORK.is_working_day(date(2026, 11, 26))  # Thanksgiving
    assert STOCKHOLM.is_working_day(date(2026, 11, 26))


@pytest.mark.parametrize(
    ("day", "first_working_day"),
    [
        (date(2026, 11, 27), date(2026, 11, 27)),
        (date(2026, 11, 28), date(2026, 11, 30)),
        (date(2026, 12, 24), date(2026, 12, 28)),  # 24, 25, 26 closed, 27 a Sunday
        (date(2026, 12, 31), date(2027, 1, 4)),  # nyårsafton, new year, weekend
        (date(2026, 6, 19), date(2026, 6, 22)),  # midsommarafton on a Friday
    ],
)
def test_working_day_on_or_after(day: date, first_working_day: date) -> None:
    assert STOCKHOLM.working_day_on_or_after(day) == first_working_day


@pytest.mark.parametrize(
    ("calendar", "day", "utc_hour"),
    [
        (STOCKHOLM, date(2026, 3, 27), 8),  # last Friday on CET (UTC+1)
        (STOCKHOLM, date(2026, 3, 30), 7),  # first Monday on CEST (UTC+2), after 2026-03-29
        (STOCKHOLM, date(2026, 10, 23), 7),  # last Friday on CEST
        (STOCKHOLM, date(2026, 10, 26), 8),  # first Monday on CET, after 2026-10-25
        (NEW_YORK, date(2026, 3, 6), 14),  # last Friday on EST (UTC-5)
        (NEW_YORK, date(2026, 3, 9), 13),  # first Monday on EDT (UTC-4), after 2026-03-08
        (NEW_YORK, date(2026, 10, 30), 13),  # last Friday on EDT
        (NEW_YORK, date(2026, 11, 2), 14),  # first Monday on EST, after 2026-11-01
    ],
)
def test_send_at_is_nine_local_on_both_sides_of_dst(
    calendar: WorkCalendar, day: date, utc_hour: int
) -> None:
    assert calendar.send_at(day) == datetime.combine(day, time(utc_hour), UTC)


def test_send_at_on_the_dst_sunday_moves_to_monday_morning() -> None:
    assert STOCKHOLM.send_at(date(2026, 3, 29)) == datetime(2026, 3, 30, 7, tzinfo=UTC)
    assert NEW_YORK.send_at(date(2026, 11, 1)) == datetime(2026, 11, 2, 14, tzinfo=UTC)


def test_local_date_is_the_accounts_date() -> None:
    late_evening_in_new_york = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)
    assert NEW_YORK.local_date(late_evening_in_new_york) == date(2026, 11, 27)
    assert STOCKHOLM.local_date(late_evening_in_new_york) == date(2026, 11, 28)


def test_a_bad_zone_or_country_fails_when_the_calendar_is_built() -> None:
    with pytest.raises(ValueError, match="XX"):
        WorkCalendar("UTC", "XX")
    with pytest.raises(KeyError):
        WorkCalendar("Europe/Atlantis")


@PROPERTIES
@given(calendars, days)
def test_send_at_is_nine_local_on_the_first_working_day(calendar: WorkCalendar, day: date) -> None:
    local = calendar.send_at(day).astimezone(ZoneInfo(calendar.timezone))
    assert local.time() == time(9)
    assert calendar.is_working_day(local.date())
    assert local.date() >= day
    skipped = (day + timedelta(days=n) for n in range((local.date() - day).days))
    assert not any(calendar.is_working_day(d) for d in skipped)


@PROPERTIES
@given(calendars, days, days)
def test_send_at_never_goes_back_in_time(calendar: WorkCalendar, a: date, b: date) -> None:
    earlier, later = sorted([a, b])
    assert calendar.send_at(earlier) <= calendar.send_at(later)
