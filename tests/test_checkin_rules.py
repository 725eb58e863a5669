"""When rounds open, when each person's deadline falls and when the nudge comes: pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.checkins import Rule, deadline, nudge_at

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=STOCKHOLM)


def local(moment: datetime, zone: str = "Europe/Stockholm") -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%a %Y-%m-%d %H:%M}"


def rule(
    frequency: str, interval: int, weekday: int = 0, anchor: date = date(2026, 11, 30)
) -> Rule:
    return Rule(frequency, interval, weekday, 9 * 60, anchor, "Europe/Stockholm")


def rounds(every: Rule, count: int, after: datetime = FRIDAY) -> list[str]:
    times = []
    for _ in range(count):
        after = every.next_after(after)
        times.append(local(after))
    return times


def test_biweekly_rounds_keep_their_weeks_across_the_time_change() -> None:
    assert rounds(rule("weekly", 2), 3) == [
        "Mon 2026-11-30 09:00",
        "Mon 2026-12-14 09:00",
        "Mon 2026-12-28 09:00",
    ]
    spring = datetime(2027, 3, 20, tzinfo=STOCKHOLM)
    assert rounds(rule("weekly", 2), 1, spring) == ["Mon 2027-03-22 09:00"]
    assert rule("weekly", 2).next_after(spring).astimezone(UTC).hour == 8
    assert rule("weekly", 2).next_after(datetime(2027, 3, 29, tzinfo=STOCKHOLM)).hour == 7


def test_monthly_rounds_fall_on_the_first_weekday_of_the_month() -> None:
    assert rounds(rule("monthly", 1, weekday=2), 3) == [
        "Wed 2026-12-02 09:00",
        "Wed 2027-01-06 09:00",
        "Wed 2027-02-03 09:00",
    ]


def test_every_three_weeks() -> None:
    assert rounds(rule("weekly", 3, weekday=4, anchor=date(2026, 12, 4)), 2) == [
        "Fri 2026-12-04 09:00",
        "Fri 2026-12-25 09:00",
    ]


@pytest.mark.parametrize(
    ("opened", "zone", "country", "expected"),
    [
        (FRIDAY, "Europe/Stockholm", None, "Mon 2026-11-30 17:00"),
        (
            datetime(2026, 11, 30, 9, tzinfo=STOCKHOLM),
            "America/New_York",
            None,
            "Tue 2026-12-01 17:00",
        ),
        (
            datetime(2026, 12, 23, 9, tzinfo=STOCKHOLM),
            "Europe/Stockholm",
            "SE",
            "Mon 2026-12-28 17:00",
        ),
        (
            datetime(2026, 11, 30, 23, 30, tzinfo=STOCKHOLM),
            "Asia/Tokyo",
            None,
            "Wed 2026-12-02 17:00",
        ),
    ],
)
def test_the_deadline_is_the_end_of_the_next_working_day_where_the_person_is(
    opened: datetime, zone: str, country: str | None, expected: str
) -> None:
    assert local(deadline(opened, zone, country), zone) == expected


def test_the_nudge_comes_halfway_but_never_at_night() -> None:
    monday = datetime(2026, 11, 30, 9, tzinfo=STOCKHOLM)
    until = deadline(monday, "Europe/Stockholm", None)
    assert local(nudge_at(monday, until, "Europe/Stockholm", None)) == "Tue 2026-12-01 09:00"
    afternoon = datetime(2026, 11, 30, 13, tzinfo=STOCKHOLM)
    assert local(nudge_at(afternoon, afternoon.replace(hour=17), "Europe/Stockholm", None)) == (
        "Mon 2026-11-30 15:00"
    )
    friday = datetime(2026, 11, 27, 15, tzinfo=STOCKHOLM)
    until = deadline(friday, "Europe/Stockholm", None)
    assert local(nudge_at(friday, until, "Europe/Stockholm", None)) == "Mon 2026-11-30 09:00"
