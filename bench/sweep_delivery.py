"""The delivery run: reminders to as many channels, through the real `deliver` and the real
`SlackDeliverer`, against a fake Slack that rate-limits; passes repeat on a simulated clock until
the outbox is empty, then every outbox id is checked against what the fake accepted."""

from __future__ import annotations

import socket
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiohttp import web
from rate_limited_slack import RateLimitedSlack
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sweep_population import load

from bot.settings import Settings
from bot.slack.clients import delivery_client
from bot.slack.delivery import SlackDeliverer
from scheduler.delivery import deliver
from scheduler.planning import WINDOW
from storage import migrate, schedule
from storage.models import Account, ChannelBinding, OutboxMessage, ReminderStep, Workspace
from storage.store import Store

PASS_SECONDS = 1.0
"""Simulated time between passes that found work; idle passes jump to the next due row."""
MAX_PASSES = 20_000


@dataclass
class DeliveryResult:
    deliverer: str
    reminders: int
    channels: int
    wall_seconds: float
    simulated_seconds: float
    passes: int
    posts: int
    random_429: int
    channel_429: int
    duplicates: int
    losses: int
    dead: int


@dataclass
class SimulatedClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


async def delivery_run(engine: Engine, reminders: int, now: datetime) -> DeliveryResult:
    """Queue one reminder per channel with the real sweep, then deliver until nothing is left."""
    migrate.upgrade(engine)
    _accounts_due_now(engine, reminders, now)
    queued = schedule.sweep(engine, now, now - WINDOW)
    clock = SimulatedClock(now)
    fake = RateLimitedSlack(clock)
    runner, port = await _serve(fake.app())
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-bench",
        slack_api_url=f"http://127.0.0.1:{port}/api/",
    )
    deliverer = SlackDeliverer(delivery_client(settings))
    store = Store(engine)
    started = time.perf_counter()
    try:
        passes = await _drain(store, deliverer, clock)
    finally:
        wall = time.perf_counter() - started
        await runner.cleanup()
    duplicates, losses, dead = _audit(engine, fake)
    return DeliveryResult(
        deliverer="bot.slack.delivery.SlackDeliverer",
        reminders=queued,
        channels=len({p.channel for p in fake.posted}),
        wall_seconds=wall,
        simulated_seconds=(clock.now - now).total_seconds(),
        passes=passes,
        posts=len(fake.posted) + fake.random_429 + fake.channel_429,
        random_429=fake.random_429,
        channel_429=fake.channel_429,
        duplicates=duplicates,
        losses=losses,
        dead=dead,
    )


async def _drain(store: Store, deliverer: SlackDeliverer, clock: SimulatedClock) -> int:
    """Deliver until no row is pending; the clock moves a second per busy pass, and jumps to the
    next retry when a pass found nothing due."""
    for passes in range(1, MAX_PASSES + 1):
        report = await deliver(store, {"slack": deliverer}, clock.now)
        if report.sent or report.retried or report.dead:
            clock.now += timedelta(seconds=PASS_SECONDS)
            continue
        upcoming = _next_attempt(store.engine)
        if upcoming is None:
            return passes
        clock.now = max(clock.now + timedelta(seconds=PASS_SECONDS), upcoming)
    raise RuntimeError(f"outbox not empty after {MAX_PASSES} passes")


def _next_attempt(engine: Engine) -> datetime | None:
    query = select(func.min(OutboxMessage.next_attempt_at)).where(
        OutboxMessage.state.in_(("pending", "sending"))
    )
    with Session(engine) as session:
        found = session.scalar(query)
    return found.replace(tzinfo=UTC) if found is not None and found.tzinfo is None else found


def _audit(engine: Engine, fake: RateLimitedSlack) -> tuple[int, int, int]:
    """Duplicates: an outbox id in more than one accepted message, or a channel with more than
    one. Losses: a reminder not accepted by the fake, or whose row is not sent with its ts."""
    with Session(engine) as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.state, OutboxMessage.message_id)
        ).all()
    seen = Counter(outbox_id for p in fake.posted for outbox_id in p.outbox_ids)
    per_channel = Counter(p.channel for p in fake.posted)
    ts_of = {outbox_id: p.ts for p in fake.posted for outbox_id in p.outbox_ids}
    duplicates = sum(n - 1 for n in seen.values() if n > 1)
    duplicates += sum(n - 1 for n in per_channel.values() if n > 1)
    losses = sum(1 for row_id, state, ts in rows if state != "sent" or ts_of.get(row_id) != ts)
    dead = sum(1 for _, state, _ in rows if state == "dead")
    return duplicates, losses, dead


def _accounts_due_now(engine: Engine, accounts: int, now: datetime) -> None:
    """Accounts with one channel each and one operational meeting due at `now`."""
    created = now - timedelta(days=400)
    load(engine, Workspace.__tablename__, [_workspace(created)])
    ids = range(1, accounts + 1)
    load(engine, Account.__tablename__, [_account(n, created) for n in ids])
    channels = [{"workspace_id": 1, "account_id": n, "channel": f"C{n:08d}"} for n in ids]
    load(engine, ChannelBinding.__tablename__, channels)
    load(engine, ReminderStep.__tablename__, [_step(n, now) for n in ids])


def _workspace(created: datetime) -> dict[str, object]:
    return {
        "id": 1,
        "platform": "slack",
        "external_id": "TBENCH",
        "timezone": "UTC",
        "budget_month": 9,
        "created_at": created,
    }


def _account(n: int, created: datetime) -> dict[str, object]:
    return {
        "id": n,
        "workspace_id": 1,
        "name": f"Account {n}",
        "kam": f"U{n:08d}",
        "timezone": "UTC",
        "country": None,
        "created_at": created,
        "paused_reason": None,
    }


def _step(n: int, now: datetime) -> dict[str, object]:
    return {
        "account_id": n,
        "subject": "operational",
        "due_on": now.date(),
        "on_day": now.date(),
        "number": 1,
        "send_at": now,
        "notify_kam": False,
        "queued": False,
    }


async def _serve(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port
