"""An account's KPIs: one value per metric and period, the latest of each, a metric's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import KpiValue
from storage.store import Store


@dataclass(frozen=True)
class NewKpi:
    """A KPI value as a handler validated it."""

    metric: str
    period: str
    period_start: date
    actual: float
    target: float | None
    unit: str
    set_by: str
    set_at: datetime


@dataclass(frozen=True)
class Previous:
    """What a period held before it was set again."""

    actual: float
    target: float | None


def set_kpi(store: Store, account_id: int, new: NewKpi) -> Previous | None:
    """Store the period's value, replacing an earlier one; returns what it replaced."""
    with Session(store.engine) as session, session.begin():
        row = session.scalar(
            select(KpiValue)
            .filter_by(account_id=account_id, metric=new.metric, period=new.period)
            .with_for_update()
        )
        previous = None if row is None else Previous(row.actual, row.target)
        if row is None:
            row = KpiValue(account_id=account_id, metric=new.metric, period=new.period)
            session.add(row)
        row.period_start, row.actual, row.target = new.period_start, new.actual, new.target
        row.unit, row.set_by, row.set_at = new.unit, new.set_by, new.set_at
        return previous


def history(store: Store, account_id: int, metric: str) -> list[KpiValue]:
    """A metric's values, oldest period first."""
    query = (
        select(KpiValue)
        .filter_by(account_id=account_id, metric=metric)
        .order_by(KpiValue.period_start, KpiValue.period)
    )
    with Session(store.engine) as session:
        return list(session.scalars(query))


def every(store: Store, account_id: int) -> list[KpiValue]:
    """All the account's values, by metric, oldest period first: for the export."""
    query = (
        select(KpiValue)
        .filter_by(account_id=account_id)
        .order_by(KpiValue.metric, KpiValue.period_start, KpiValue.period)
    )
    with Session(store.engine) as session:
        return list(session.scalars(query))


def latest_two(store: Store, account_id: int) -> dict[str, list[KpiValue]]:
    """Per metric, its latest value and the one before it (for the trend), newest first."""
    place = (
        func.row_number()
        .over(
            partition_by=KpiValue.metric,
            order_by=(KpiValue.period_start.desc(), KpiValue.period.desc()),
        )
        .label("place")
    )
    ranked = select(KpiValue.id, place).where(KpiValue.account_id == account_id).subquery()
    query = (
        select(KpiValue)
        .join(ranked, ranked.c.id == KpiValue.id)
        .where(ranked.c.place <= 2)
        .order_by(KpiValue.metric, ranked.c.place)
    )
    found: dict[str, list[KpiValue]] = {}
    with Session(store.engine) as session:
        for row in session.scalars(query):
            found.setdefault(row.metric, []).append(row)
    return found
