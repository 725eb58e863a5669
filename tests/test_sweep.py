"""The sweep on SQLite and PostgreSQL: each due step queued once, stale steps skipped."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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


def _queue(store: Store, channels: list[str], per_channel: int) -> None:
    """`per_channel` due messages for each channel, interleaved as several sweeps would add them."""
    workspace = store.workspace_id("slack", "T1", NOW)
    for n in range(per_channel):
        for channel in channels:
            outbox.enqueue(
                store.engine,
                dedupe_key=f"test:{channel}:{n}",
                workspace_id=workspace,
                account_id=None,
                target=channel,
                to_user=False,
                topic="notice",
                body=f"{channel} #{n}",
                now=at(0),
            )


def test_a_channel_s_due_rows_are_claimed_together_so_they_go_out_as_one_message(
    store: Store,
) -> None:
    _queue(store, ["C1", "C2"], per_channel=2)
    first = outbox.claim(store.engine, at(0), 1)
    second = outbox.claim(store.engine, at(0), 1)
    assert [row.body for row in first] == ["C1 #0", "C1 #1"]
    assert [row.body for row in second] == ["C2 #0", "C2 #1"]


def test_replicas_claiming_at_once_never_split_a_channel(store: Store) -> None:
    channels = [f"C{n:02d}" for n in range(40)]
    _queue(store, channels, per_channel=3)

    def claim_until_empty(_replica: int) -> list[set[str]]:
        claims = []
        while taken := outbox.claim(store.engine, at(0), 2):
            claims.append({row.body for row in taken})
        return claims

    with ThreadPoolExecutor(8) as replicas:
        claims = [claim for found in replicas.map(claim_until_empty, range(8)) for claim in found]

    per_channel_per_claim = sorted(
        sorted(body for body in bodies if body.startswith(f"{channel} "))
        for bodies in claims
        for channel in {body.split()[0] for body in bodies}
    )
    assert per_channel_per_claim == sorted([f"{c} #{n}" for n in range(3)] for c in channels)


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
