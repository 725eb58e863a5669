"""Planning: which steps are stored, with catch-up after downtime and snoozes honoured."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler import planning
from scheduler.calendar import WorkCalendar
from scheduler.planning import still_to_come
from storage import schedule
from storage.models import ReminderStep
from storage.schedule import PlannedStep
from storage.store import NewMeeting, Store
from tests.conftest import NOW

STOCKHOLM = WorkCalendar("Europe/Stockholm", "SE")
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def step(day: date, number: int) -> PlannedStep:
    return PlannedStep(on_day=day, number=number, send_at=STOCKHOLM.send_at(day))


STEPS = [step(date(2026, 12, 1), 0), step(date(2026, 12, 8), 1), step(date(2026, 12, 15), 2)]


def test_future_steps_are_kept_as_they_are() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert still_to_come(STEPS, now, None, None, STOCKHOLM, EPOCH) == STEPS


def test_a_step_missed_this_morning_still_goes_out_today() -> None:
    now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    assert still_to_come(STEPS, now, None, None, STOCKHOLM, EPOCH) == STEPS


def test_a_step_missed_overnight_moves_to_the_next_morning() -> None:
    now = datetime(2026, 12, 2, 2, tzinfo=UTC)
    moved = still_to_come(STEPS, now, None, None, STOCKHOLM, EPOCH)
    assert moved[0].number == 0
    assert moved[0].send_at == STOCKHOLM.send_at(date(2026, 12, 2))
    assert moved[1:] == STEPS[1:]


def test_after_a_long_outage_only_the_latest_missed_step_comes_back() -> None:
    now = datetime(2026, 12, 12, 3, tzinfo=UTC)
    moved = still_to_come(STEPS, now, None, None, STOCKHOLM, EPOCH)
    assert [s.number for s in moved] == [1, 2]
    assert moved[0].send_at == STOCKHOLM.send_at(date(2026, 12, 14))


def test_a_missed_step_already_reminded_of_is_not_repeated() -> None:
    now = datetime(2026, 12, 9, 3, tzinfo=UTC)
    queued = STOCKHOLM.send_at(date(2026, 12, 8))
    assert still_to_come(STEPS, now, queued, None, STOCKHOLM, EPOCH) == STEPS[2:]


def test_a_new_account_hears_first_on_the_next_morning_not_at_once() -> None:
    created = datetime(2026, 12, 1, 12, tzinfo=UTC)
    moved = still_to_come(STEPS, created, None, None, STOCKHOLM, created)
    assert moved[0].send_at == STOCKHOLM.send_at(date(2026, 12, 2))


def test_a_snooze_holds_everything_back_until_it_ends() -> None:
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    until = STOCKHOLM.send_at(date(2026, 12, 10))
    held = still_to_come(STEPS, now, STOCKHOLM.send_at(date(2026, 12, 1)), until, STOCKHOLM, EPOCH)
    assert [(s.number, s.send_at) for s in held] == [(1, until), (2, STEPS[2].send_at)]


def _steps_of(store: Store, account_id: int, subject: str) -> list[tuple[date, int, bool]]:
    with Session(store.engine) as session:
        rows = session.scalars(
            select(ReminderStep)
            .filter_by(account_id=account_id, subject=subject)
            .order_by(ReminderStep.send_at)
        )
        return [(row.due_on, row.number, row.queued) for row in rows]


def test_logging_a_meeting_moves_its_kind_to_the_next_period(store: Store) -> None:
    workspace = store.workspace_id("slack", "T1", NOW)
    account = store.create_account(workspace, "C1", "Acme", "U1", "UTC", NOW)
    planning.replan(store, account.id, NOW)
    assert {due for due, _, _ in _steps_of(store, account.id, "tactical")} == {NOW.date()}
    assert schedule.sweep(store.engine, NOW, NOW - planning.WINDOW) == 0
    next_morning = datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert schedule.sweep(store.engine, next_morning, next_morning - planning.WINDOW) == 4
    held = NewMeeting(kind="tactical", held_on=NOW.date(), logged_by="U1", logged_at=NOW)
    store.log_meeting(workspace, account.id, held)
    planning.replan(store, account.id, NOW, ["tactical"])
    open_steps = [s for s in _steps_of(store, account.id, "tactical") if not s[2]]
    assert {due for due, _, _ in open_steps} == {date(2027, 2, 27)}
    assert open_steps[0][1] == 0


def test_turning_a_cadence_off_drops_its_reminders(store: Store) -> None:
    workspace = store.workspace_id("slack", "T1", NOW)
    account = store.create_account(workspace, "C1", "Acme", "U1", "UTC", NOW)
    planning.replan(store, account.id, NOW + timedelta(days=-1))
    store.set_cadence(account.id, "operational", 0, 0)
    planning.replan(store, account.id, NOW, ["operational"])
    assert _steps_of(store, account.id, "operational") == []
