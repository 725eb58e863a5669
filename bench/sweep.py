"""How long the reminder sweep takes at 10,000 and 100,000 accounts, beside a hand-written
INSERT … SELECT doing the same work, on SQLite and PostgreSQL; then a delivery run of reminders
to a fake Slack that rate-limits, counting duplicates and losses.

Run: `make bench-sweep` (or `.venv/bin/python bench/sweep.py --accounts 10000 100000` inside
`.ci/with-postgres`). Without KAM_TEST_POSTGRES_URL it measures SQLite only and says so.
Target (issue 3): 100,000 accounts in under 1 s, within 2x of the hand-written statement, and
growing no faster than linearly. All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sweep_delivery import DeliveryResult, delivery_run
from sweep_population import populate
from sweep_queries import Statement, explain, hand_written, outbox_keys, recording, reset

from scheduler.planning import WINDOW
from storage import migrate, schedule
from storage.db import database_url, make_engine

NOW = datetime(2026, 3, 17, 16, 0, tzinfo=UTC)
"""A Tuesday, 16:00 UTC: 09:00 just now in Los Angeles, hours ago in Europe, night in Tokyo."""
LAST_SWEEP_MINUTES = 540
"""By default the previous sweep ran 9 hours before `now` (07:00 UTC): a catch-up over a working
day. A running bot sweeps every minute: `--last-sweep-minutes 1` is its steady state."""
TARGET_SECONDS = 1.0
TARGET_RATIO = 2.0


@dataclass
class SweepResult:
    database: str
    accounts: int
    steps: int
    open_steps: int
    populate_seconds: float
    items_due: int
    rows: int
    first: list[float]
    second: list[float]
    hand_insert: list[float]
    hand_mark: list[float]
    statements: list[float]
    same_rows: bool

    @property
    def sweep(self) -> float:
        return statistics.median(self.first)

    @property
    def hand(self) -> float:
        return statistics.median(self.hand_insert)

    @property
    def hand_with_mark(self) -> float:
        return statistics.median(
            a + b for a, b in zip(self.hand_insert, self.hand_mark, strict=True)
        )


@contextmanager
def sqlite_database(workdir: Path, accounts: int) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{workdir}/sweep-{accounts}.sqlite3")
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def postgres_database(server: str) -> Iterator[Engine]:
    """A fresh database on the server, dropped afterwards."""
    name = f"kam_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(database_url(server).rsplit("/", 1)[0] + f"/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(
    label: str, engine: Engine, accounts: int, rounds: int, show_plans: bool, last_sweep: datetime
) -> SweepResult:
    """Populate as left by a sweep at `last_sweep`, then `rounds` times from the same state: the
    hand-written statement, the sweep and a second sweep, each committed and undone by `reset`."""
    migrate.upgrade(engine)
    started = time.perf_counter()
    populated = populate(engine, accounts, NOW, last_sweep)
    populate_seconds = time.perf_counter() - started
    oldest = NOW - WINDOW
    hand_written(engine, NOW, oldest)  # warm the caches for both contenders alike
    reset(engine, NOW, last_sweep)
    result = SweepResult(
        label, accounts, populated.steps, populated.open_steps, populate_seconds,
        0, 0, [], [], [], [], [], True,
    )  # fmt: skip
    for round_ in range(rounds):
        hand = hand_written(engine, NOW, oldest)
        reset(engine, NOW, last_sweep)
        with recording(engine) as recorder:
            started = time.perf_counter()
            added = schedule.sweep(engine, NOW, oldest)
            result.first.append(time.perf_counter() - started)
        started = time.perf_counter()
        again = schedule.sweep(engine, NOW, oldest)
        result.second.append(time.perf_counter() - started)
        keys = outbox_keys(engine)
        result.hand_insert.append(hand.insert_seconds)
        result.hand_mark.append(hand.mark_seconds)
        result.same_rows &= keys == hand.keys and added == len(keys) and again == 0
        result.rows = len(keys)
        result.items_due = len({tuple(key.split(":")[1:3]) for key in keys})
        result.statements = [statement.seconds for statement in recorder.statements]
        reset(engine, NOW, last_sweep)
        if show_plans and round_ == 0:
            print_plans(label, engine, recorder.statements)
    return result


def print_plans(label: str, engine: Engine, statements: list[Statement]) -> None:
    for n, statement in enumerate(statements):
        if statement.sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            print(f"\n-- {label}: plan of sweep statement {n}: {statement.sql.split()[0]} …")
            print(explain(engine, statement))


def report_sweeps(results: list[SweepResult]) -> None:
    header = (
        f"{'database':<10} {'accounts':>8} {'steps':>9} {'load s':>7} {'due %':>6} {'rows':>6} "
        f"{'sweep s':>8} {'2nd s':>7} {'hand s':>7} {'ratio':>6} {'+mark s':>8} {'ratio':>6} "
        f"{'µs/acct':>8} {'same':>5}  statements (s)"
    )
    print(header)
    for r in results:
        share = 100 * r.items_due / (r.accounts * 5)
        parts = " ".join(f"{s:.3f}" for s in r.statements)
        print(
            f"{r.database:<10} {r.accounts:>8} {r.steps:>9} {r.populate_seconds:>7.1f} "
            f"{share:>6.1f} {r.rows:>6} {r.sweep:>8.3f} {statistics.median(r.second):>7.3f} "
            f"{r.hand:>7.3f} {r.sweep / r.hand:>6.2f} {r.hand_with_mark:>8.3f} "
            f"{r.sweep / r.hand_with_mark:>6.2f} {1e6 * r.sweep / r.accounts:>8.2f} "
            f"{'yes' if r.same_rows else 'NO':>5}  {parts}"
        )
    verdicts(results)


def verdicts(results: list[SweepResult]) -> None:
    """The issue's three targets, per database."""
    for database in dict.fromkeys(r.database for r in results):
        runs = sorted((r for r in results if r.database == database), key=lambda r: r.accounts)
        largest, ratio = runs[-1], runs[-1].sweep / runs[-1].hand
        fast = "met" if largest.sweep < TARGET_SECONDS else "MISSED"
        close = "met" if ratio <= TARGET_RATIO else "MISSED"
        verdict = (
            f"{database}: {largest.accounts} accounts in {largest.sweep:.3f} s "
            f"(< {TARGET_SECONDS:g} s: {fast}); {ratio:.2f}x the hand-written INSERT … SELECT "
            f"(<= {TARGET_RATIO:g}x: {close})"
        )
        if len(runs) > 1:
            small = runs[0]
            growth = (largest.sweep / small.sweep) / (largest.accounts / small.accounts)
            linear = "linear or better" if growth <= 1.25 else "WORSE than linear"
            verdict += f"; cost per account, {largest.accounts} vs {small.accounts}: "
            verdict += f"{growth:.2f}x ({linear})"
        print(verdict)


def report_delivery(result: DeliveryResult) -> None:
    print(
        f"\ndelivery ({result.deliverer}): {result.reminders} reminders to {result.channels} "
        f"channels in {result.wall_seconds:.1f} s wall, {result.passes} passes, "
        f"{result.reminders / result.wall_seconds:.0f} messages/s; "
        f"posts {result.posts} (429 random {result.random_429}, per-channel {result.channel_429}); "
        f"simulated time {result.simulated_seconds:.0f} s; "
        f"duplicates {result.duplicates}, losses {result.losses}, dead {result.dead}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reminders", type=int, default=10_000, help="0 skips the delivery run")
    parser.add_argument("--plans", action="store_true", help="print the sweep's query plans")
    parser.add_argument(
        "--last-sweep-minutes",
        type=int,
        default=LAST_SWEEP_MINUTES,
        metavar="M",
        help="how long before `now` the previous sweep ran (1: steady state; 540: catch-up)",
    )
    args = parser.parse_args()
    last_sweep = NOW - timedelta(minutes=args.last_sweep_minutes)
    server = os.environ.get("KAM_TEST_POSTGRES_URL", "")
    workdir = Path(tempfile.mkdtemp(prefix="kam-bench-sweep-"))
    print(
        f"now {NOW.isoformat()}, previous sweep {last_sweep.isoformat()} "
        f"({args.last_sweep_minutes} min before), window {WINDOW}, "
        f"{os.cpu_count()} cores, work dir {workdir}"
    )
    if not server:
        print("no PostgreSQL (KAM_TEST_POSTGRES_URL unset): measuring SQLite only")
    results = []
    for accounts in args.accounts:
        with sqlite_database(workdir, accounts) as engine:
            results.append(measure("sqlite", engine, accounts, args.rounds, args.plans, last_sweep))
        if server:
            with postgres_database(server) as engine:
                result = measure(
                    "postgresql", engine, accounts, args.rounds, args.plans, last_sweep
                )
                results.append(result)
    print()
    report_sweeps(results)
    if args.reminders:
        with sqlite_database(workdir, 0) as engine:
            report_delivery(asyncio.run(delivery_run(engine, args.reminders, NOW)))


if __name__ == "__main__":
    main()
