"""The sweep on SQLite and PostgreSQL: each due step queued once, stale steps skipped."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import outbox, schedule
from storage.models import OutboxMessage
from storage.schedule import PlannedStep
from storage.store import Store
from tests.conftest import NOW

DUE = date(2026, 12, 1)


def _steps(*days: int, kam_from: int = 99) -> list[PlannedStep]:
    return [
        PlannedStep(
            on_day=DUE + timedelta(days=day),
            number=n,
            send_at=datetime(2026, 12, 1, 8, tzinfo=NOW.tzinfo) + timedelta(days=day),
            notify_kam=n >= kam_from,
        )
        for n, day in enumerate(days)
    ]


def _account(store: Store, channel: str = "C1") -> int:
    workspace = store.workspace_id("slack", "T1", NOW)
    return store.create_account(workspace, channel, f"Acme {channel}", "U1", "UTC", NOW).id


def _rows(store: Store) -> list[tuple[str, str, int, str]]:
    with Session(store.engine) as session:
        found = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(row.target, row.subject, row.step, row.state) for row in found]


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 12, 1, hour, tzinfo=NOW.tzinfo) + timedelta(days=day)


def plan(
    store: Store, account: int, subject: str, steps: list[PlannedStep], due: date = DUE
) -> None:
    schedule.plan_item(store.engine, account, subject, due, lambda _queued, _snoozed: steps)


def sweep(store: Store, now: datetime) -> int:
    return schedule.sweep(store.engine, now, now - timedelta(hours=10))


def test_a_due_step_is_queued_once_to_the_channel(store: Store) -> None:
    account = _account(store)
    plan(store, account, "tactical", _steps(-7, 0, 7))
    assert sweep(store, at(-8)) == 0
    assert sweep(store, at(-7)) == 1
    assert sweep(store, at(-7)) == 0
    assert _rows(store) == [("C1", "tactical", 0, "pending")]


def test_after_downtime_only_the_latest_step_goes_out(store: Store) -> None:
    account = _account(store)
    plan(store, account, "tactical", _steps(-7, 0, 7, 14))
    assert sweep(store, at(7, hour=15)) == 1
    assert sweep(store, at(13)) == 0
    assert [row[2] for row in _rows(store)] == [2]


def test_a_step_missed_by_more_than_the_window_waits_for_the_planner(store: Store) -> None:
    account = _account(store)
    plan(store, account, "tactical", _steps(0))
    assert sweep(store, at(0, hour=20)) == 0
    assert schedule.stale_items(store.engine, at(0, hour=20) - timedelta(hours=10)) == [
        (account, "tactical")
    ]


def test_sweeping_the_last_planned_step_asks_for_more(store: Store) -> None:
    account = _account(store)
    plan(store, account, "tactical", _steps(0, 7))
    sweep(store, at(0))
    assert schedule.replan_requests(store.engine) == []
    sweep(store, at(7))
    assert [(a, s) for a, s, _ in schedule.replan_requests(store.engine)] == [(account, "tactical")]


def test_the_kam_hears_directly_from_the_marked_steps(store: Store) -> None:
    account = _account(store)
    plan(store, account, "internal", _steps(0, 7, kam_from=1))
    sweep(store, at(0))
    sweep(store, at(7))
    assert _rows(store) == [
        ("C1", "internal", 0, "pending"),
        ("C1", "internal", 1, "pending"),
        ("U1", "internal", 1, "pending"),
    ]


def test_resolving_an_item_cancels_its_undelivered_reminder(store: Store) -> None:
    account = _account(store)
    plan(store, account, "tactical", _steps(0, 7))
    sweep(store, at(0))
    plan(store, account, "tactical", [], due=date(2027, 3, 1))
    assert _rows(store) == [("C1", "tactical", 0, "cancelled")]
    assert sweep(store, at(30)) == 0


def test_a_paused_account_gets_nothing(store: Store) -> None:
    account = _account(store)
    outbox.pause_account(store.engine, account, "channel_not_found")
    plan(store, account, "tactical", _steps(0))
    assert sweep(store, at(1)) == 0


def test_claimed_rows_are_not_claimed_twice_until_the_lease_ends(store: Store) -> None:
    account = _account(store)
    plan(store, account, "tactical", _steps(0))
    sweep(store, at(0))
    first = outbox.claim(store.engine, at(0), 10)
    assert [row.target for row in first] == ["C1"]
    assert outbox.claim(store.engine, at(0), 10) == []
    taken_over = outbox.claim(store.engine, at(0) + timedelta(minutes=6), 10)
    assert [(row.id, row.maybe_sent, row.attempts) for row in taken_over] == [
        (first[0].id, True, 2)
    ]
    outbox.mark_sent(store.engine, [first[0].id], "1700000000.000100", at(0))
    assert outbox.claim(store.engine, at(1), 10) == []
