"""A realistic database for the sweep benchmark: accounts, meetings and the rules' planned steps.

Steps come from the real rules (`scheduler.rules`) exactly as `scheduler.planning.replan` stores
them, but computed from in-memory facts and inserted in bulk: replanning 100,000 accounts one
query at a time would take longer than everything it is here to measure.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine, text

from scheduler.cadence import DEFAULT_CADENCE
from scheduler.calendar import WorkCalendar
from scheduler.planning import HORIZON, PLAN
from scheduler.rules import (
    LEAD_DAYS,
    meeting_due,
    meeting_steps,
    next_revision_due,
    revision_steps,
)
from storage.models import (
    Account,
    ChannelBinding,
    Meeting,
    MeetingKind,
    PlanRevision,
    ReminderStep,
    Workspace,
)

CHUNK = 20_000
CALENDARS = (
    ("Europe/Stockholm", "SE"),
    ("America/New_York", "US"),
    ("Europe/London", "GB"),
    ("America/Los_Angeles", "US"),
    ("Asia/Tokyo", "JP"),
    ("UTC", None),
)
BUDGET_MONTHS = (9, 10, 3, 1)
MEETINGS_PER_KIND = {
    MeetingKind.STRATEGIC: 1,
    MeetingKind.TACTICAL: 2,
    MeetingKind.OPERATIONAL: 3,
    MeetingKind.INTERNAL: 4,
}
"""Ten meetings per account, the most recent of each kind deciding when it is due next."""

FORCED_DUE = 0.3
"""Share of meeting items given a reminder on `now`'s local day; others fall where they fall."""
PAUSED = 0.01

Row = dict[str, Any]


@dataclass(frozen=True)
class Populated:
    accounts: int
    meetings: int
    steps: int
    open_steps: int


@dataclass(frozen=True)
class Item:
    """One due item of one account, with what the planner would know about it."""

    subject: str
    due: date
    since: date


def populate(
    engine: Engine, accounts: int, now: datetime, last_sweep: datetime, seed: int = 7
) -> Populated:
    """Fill a migrated, empty database, a chunk of accounts at a time, as the bot leaves it when
    its previous sweep ran at `last_sweep`: steps up to then are queued, later ones open."""
    rng = random.Random(seed)
    load(engine, Workspace.__tablename__, _workspaces(now))
    meetings = steps = open_steps = 0
    for start in range(0, accounts, CHUNK):
        batch = _accounts(rng, range(start + 1, min(start + CHUNK, accounts) + 1), now)
        meeting_rows: list[Row] = []
        step_rows: list[Row] = []
        revision_rows: list[Row] = []
        for account in batch:
            items, held, revised = _items(rng, account, now)
            meeting_rows += held
            revision_rows.append(revised)
            step_rows += _step_rows(account, items, now, last_sweep)
        load(engine, Account.__tablename__, batch)
        load(engine, ChannelBinding.__tablename__, [_channel(a) for a in batch])
        load(engine, Meeting.__tablename__, meeting_rows)
        load(engine, PlanRevision.__tablename__, revision_rows)
        load(engine, ReminderStep.__tablename__, step_rows)
        meetings += len(meeting_rows)
        steps += len(step_rows)
        open_steps += sum(1 for row in step_rows if not row["queued"])
    analyze(engine)
    return Populated(accounts, meetings, steps, open_steps)


def load(engine: Engine, table: str, rows: list[Row]) -> None:
    """Bulk insert below the ORM and Core's per-value processing, which cost more than the
    database itself at millions of rows: COPY on PostgreSQL, `executemany` on SQLite."""
    if not rows:
        return
    columns = list(rows[0])
    if engine.dialect.name == "postgresql":
        _copy(engine, table, columns, rows)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    convert = [_sqlite_converter(value) for value in rows[0].values()]
    # A connection of its own, so the loading pragmas never reach the pool the sweep uses.
    connection = sqlite3.connect(str(engine.url.database))
    try:
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-500000")
        for start in range(0, len(rows), CHUNK):
            connection.executemany(
                sql,
                [
                    tuple([f(v) for f, v in zip(convert, row.values(), strict=True)])
                    for row in rows[start : start + CHUNK]
                ],
            )
        connection.commit()
    finally:
        connection.close()


def _copy(engine: Engine, table: str, columns: list[str], rows: list[Row]) -> None:
    raw = engine.raw_connection()
    try:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(tuple(row.values()))
        raw.commit()
    finally:
        raw.close()


def _sqlite_converter(sample: object) -> Callable[[Any], Any]:
    """The text SQLAlchemy's SQLite types store, so the sweep compares like with like."""
    if isinstance(sample, datetime):
        return _sqlite_datetime
    if isinstance(sample, date):
        return _sqlite_date
    return _same


def _same(value: Any) -> Any:
    return value


@lru_cache(maxsize=1 << 16)
def _sqlite_date(value: date) -> str:
    return value.isoformat()


@lru_cache(maxsize=1 << 16)
def _sqlite_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def analyze(engine: Engine) -> None:
    """Fresh statistics, as a database that grew slowly would have; sequences past our ids."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("workspace", "account"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                connection.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table}"))
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def _workspaces(now: datetime) -> list[Row]:
    return [
        {
            "id": n + 1,
            "platform": "slack",
            "external_id": f"TBENCH{n}",
            "timezone": "UTC",
            "budget_month": month,
            "created_at": now - timedelta(days=1000),
        }
        for n, month in enumerate(BUDGET_MONTHS)
    ]


def _accounts(rng: random.Random, ids: range, now: datetime) -> list[Row]:
    rows = []
    for account_id in ids:
        timezone, country = CALENDARS[account_id % len(CALENDARS)]
        rows.append(
            {
                "id": account_id,
                "workspace_id": account_id % len(BUDGET_MONTHS) + 1,
                "name": f"Account {account_id}",
                "kam": f"U{account_id:08d}",
                "timezone": timezone,
                "country": country,
                "created_at": now - timedelta(days=30 * rng.randint(14, 36)),
                "paused_reason": "channel_not_found" if rng.random() < PAUSED else None,
            }
        )
    return rows


def _channel(account: Row) -> Row:
    return {
        "workspace_id": account["workspace_id"],
        "account_id": account["id"],
        "channel": f"C{account['id']:08d}",
    }


def _items(rng: random.Random, account: Row, now: datetime) -> tuple[list[Item], list[Row], Row]:
    """The account's five items, its meetings and its last plan revision."""
    calendar = WorkCalendar(account["timezone"], account["country"])
    today = calendar.local_date(now)
    created_on = account["created_at"].date()
    items: list[Item] = []
    meetings: list[Row] = []
    for kind, count in MEETINGS_PER_KIND.items():
        last = _last_held(rng, kind, today)
        cadence = DEFAULT_CADENCE[kind]
        items.append(Item(kind.value, _meeting_due(kind, last, created_on), last))
        for n in range(count):
            held_on = last - timedelta(days=n * cadence.months * 30 + n * cadence.weeks * 7)
            meetings.append(_meeting(account, kind, held_on, now))
    revised = today - timedelta(days=5 * rng.randint(2, 60 if rng.random() < 0.8 else 80))
    budget_month = BUDGET_MONTHS[account["workspace_id"] - 1]
    due = _revision_due(budget_month, revised, created_on, calendar)
    items.append(Item(PLAN, due, revised))
    return items, meetings, _revision(account, revised)


def _last_held(rng: random.Random, kind: MeetingKind, today: date) -> date:
    """Mostly spread over one cadence; for a share, exactly so that a reminder falls today."""
    cadence = DEFAULT_CADENCE[kind]
    if rng.random() < FORCED_DUE:
        due = rng.choice(
            [
                today + timedelta(days=LEAD_DAYS[kind]),
                today,
                today - timedelta(weeks=rng.randint(1, 4)),
            ]
        )
        return _before(kind, due)
    span = cadence.months * 30 + cadence.weeks * 7
    return today - timedelta(days=rng.randint(0, int(span * 1.1)))


@lru_cache(maxsize=1 << 16)
def _before(kind: MeetingKind, due: date) -> date:
    """The last meeting that makes `kind` due on `due` (cached: relativedelta is slow)."""
    cadence = DEFAULT_CADENCE[kind]
    return due - relativedelta(months=cadence.months, weeks=cadence.weeks)


@lru_cache(maxsize=1 << 16)
def _meeting_due(kind: MeetingKind, last: date, created_on: date) -> date:
    return meeting_due(DEFAULT_CADENCE[kind], last, created_on)


@lru_cache(maxsize=1 << 18)
def _revision_due(
    budget_month: int, revised: date, created_on: date, calendar: WorkCalendar
) -> date:
    return next_revision_due(budget_month, revised, created_on, calendar)


def _meeting(account: Row, kind: MeetingKind, held_on: date, now: datetime) -> Row:
    return {
        "workspace_id": account["workspace_id"],
        "account_id": account["id"],
        "kind": kind.value,
        "held_on": held_on,
        "logged_by": account["kam"],
        "logged_at": now,
        "customer_attendees": "",
        "notes": "",
        "decisions": "",
        "submission_key": None,
    }


def _revision(account: Row, revised: date) -> Row:
    return {
        "account_id": account["id"],
        "revised_by": account["kam"],
        "revised_at": datetime.combine(revised, datetime.min.time(), UTC),
        "note": "",
    }


def _step_rows(
    account: Row, items: list[Item], now: datetime, last_sweep: datetime
) -> Iterator[Row]:
    """What `plan_item` holds after the bot's sweep at `last_sweep`: older steps of the open
    period queued, later ones not."""
    for item in items:
        for on_day, number, send_at, notify_kam in _planned(
            account["timezone"], account["country"], item, now
        ):
            yield {
                "account_id": account["id"],
                "subject": item.subject,
                "due_on": item.due,
                "on_day": on_day,
                "number": number,
                "send_at": send_at,
                "notify_kam": notify_kam,
                "queued": send_at <= last_sweep,
            }


def _planned(
    timezone: str, country: str | None, item: Item, now: datetime
) -> tuple[tuple[date, int, datetime, bool], ...]:
    calendar = WorkCalendar(timezone, country)
    return _planned_cached(calendar, item, calendar.local_date(now))


@lru_cache(maxsize=1 << 18)
def _planned_cached(
    calendar: WorkCalendar, item: Item, today: date
) -> tuple[tuple[date, int, datetime, bool], ...]:
    """The steps `replan` plans for an item; accounts share calendars and dates, so cache."""
    until = max(today, item.due) + HORIZON
    if item.subject == PLAN:
        steps = revision_steps(item.due, calendar, until, item.since)
    else:
        steps = meeting_steps(MeetingKind(item.subject), item.due, calendar, until, item.since)
    return tuple(
        (calendar.local_date(step.at), step.number, step.at, step.notify_kam) for step in steps
    )
