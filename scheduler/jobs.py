"""APScheduler only triggers the tick; what is due lives in our tables, so ticks are idempotent.

APScheduler 3 advances a job before it finishes and fires twice with a shared job store in
several processes; neither matters here, because a tick recomputes everything from the database
and the outbox's dedupe keys and row claims make every reminder go out once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scheduler import agreements, checkins, planning, stale
from scheduler.delivery import Deliverer, DeliveryReport, deliver
from storage import criteria, schedule, shared_files
from storage.store import Store

log = logging.getLogger(__name__)

TICK_SECONDS = 60
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class TickReport:
    replanned: int
    queued: int
    delivery: DeliveryReport
    sweep_seconds: float = 0.0


TickObserver = Callable[[TickReport], None]


async def tick(store: Store, deliverers: Mapping[str, Deliverer], now: datetime) -> TickReport:
    """Plan what ran out or was missed, queue what is due (agreements near their end too),
    deliver what is queued; forget served files whose links expired."""
    now = now.astimezone(UTC)
    replanned = await asyncio.to_thread(planning.replan_due, store, now)
    started = time.perf_counter()
    queued = await asyncio.to_thread(schedule.sweep, store.engine, now, now - planning.WINDOW)
    queued += await asyncio.to_thread(agreements.queue_expiring, store, now)
    queued += await asyncio.to_thread(criteria.queue_requalifications, store.engine, now)
    queued += await asyncio.to_thread(stale.queue_stale, store, now)
    queued += await asyncio.to_thread(checkins.step, store, now)
    swept_in = time.perf_counter() - started
    await asyncio.to_thread(shared_files.forget_expired, store, now)
    delivery = await deliver(store, deliverers, now)
    return TickReport(replanned, queued, delivery, swept_in)


@dataclass
class Ticker:
    """APScheduler's scheduler, and whether a tick is in flight: stopping lets that tick finish
    its claims and deliveries, since APScheduler's shutdown would cancel it midway (and log the
    cancellation as an error)."""

    scheduler: AsyncIOScheduler
    idle: asyncio.Event

    def follow(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            self.idle.clear()
        else:
            self.idle.set()

    async def stop(self) -> None:
        self.scheduler.pause()
        await self.idle.wait()
        self.scheduler.shutdown(wait=False)


def start_scheduler(
    store: Store,
    deliverers: Mapping[str, Deliverer],
    clock: Clock = utc_now,
    observe: TickObserver | None = None,
) -> Ticker:
    """Run a tick now and every minute on the running event loop, in UTC whatever the host says;
    `observe` hears of every finished tick (the server's metrics)."""

    async def run() -> None:
        try:
            report = await tick(store, deliverers, clock())
        except Exception:
            log.exception("scheduler tick failed; the next one will retry")
            return
        if observe is not None:
            observe(report)
        if report.queued or report.delivery.sent or report.delivery.retried:
            log.info("tick: %s", report)

    scheduler = AsyncIOScheduler(timezone=UTC)
    ticker = Ticker(scheduler, asyncio.Event())
    ticker.idle.set()
    scheduler.add_listener(
        ticker.follow, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
    )
    scheduler.add_job(
        run,
        IntervalTrigger(seconds=TICK_SECONDS, timezone=UTC),
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=TICK_SECONDS,
    )
    scheduler.start()
    return ticker
