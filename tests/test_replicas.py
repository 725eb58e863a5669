"""Three real `kam-bot serve` processes on one PostgreSQL: every due reminder is posted once.

Each process runs its own scheduler, and all three tick at start-up, at nearly the same moment.
More reminders are due than one delivery pass takes, so the replicas share the work; the
outbox's dedupe keys and row claims must keep them from doubling or losing a message.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import migrate
from storage.db import make_engine
from storage.models import OutboxMessage, ReminderStep
from storage.store import Store
from tests.conftest import _postgres_database
from tests.fake_slack import FakeSlack
from tests.slack_harness import ServerFactory

pytestmark = pytest.mark.postgres

REPLICAS = 3
ACCOUNTS = 260
KINDS = ("tactical",)
ONE_PASS = 200  # scheduler.delivery.deliver's limit
KAM_BOT = Path(sys.executable).parent / "kam-bot"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_database()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def accounts_with_reminders_due(url: str, now: datetime) -> None:
    """Accounts with a reminder due a minute ago and the next one tomorrow (so no process
    replans them while the test runs)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    store = Store(engine)
    workspace = store.workspace_id("slack", "T0KAM", now)
    with Session(engine) as session, session.begin():
        for n in range(ACCOUNTS):
            account = store.create_account(
                workspace, f"C{n:04d}", f"Customer {n}", "U0KAM", "UTC", now, "en"
            )
            today = now.date()
            for kind in KINDS:
                for day, send_at, number in (
                    (today, now - timedelta(minutes=1), 1),
                    (today + timedelta(days=1), now + timedelta(days=1), 2),
                ):
                    session.add(
                        ReminderStep(
                            account_id=account.id,
                            subject=kind,
                            due_on=today,
                            on_day=day,
                            number=number,
                            send_at=send_at,
                        )
                    )
    engine.dispose()


REPLICA_TOKEN = "xoxb-kam-replica"


def serve(url: str, slack_api: str, home: Path, n: int) -> subprocess.Popen[bytes]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().startswith(("SLACK_", "MICROSOFTAPP", "KAM_"))
    }
    env |= {
        "KAM_DATABASE_URL": url,
        "PORT": str(free_port()),
        "SLACK_BOT_TOKEN": REPLICA_TOKEN,
        "SLACK_SIGNING_SECRET": "replica-secret",
        "SLACK_API_URL": slack_api,
    }
    log = (home / f"replica-{n}.log").open("wb")
    return subprocess.Popen(
        [str(KAM_BOT), "serve"], cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def outbox_states(url: str) -> Counter[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        states = Counter(session.scalars(select(OutboxMessage.state)))
    engine.dispose()
    return states


async def test_three_replicas_post_each_reminder_exactly_once(
    postgres_url: str, aiohttp_server: ServerFactory, tmp_path: Path
) -> None:
    fake = FakeSlack(tokens={REPLICA_TOKEN: "T0KAM"})
    slack_api = str((await aiohttp_server(fake.app())).make_url("/api/"))
    accounts_with_reminders_due(postgres_url, datetime.now(UTC))

    replicas = [serve(postgres_url, slack_api, tmp_path, n) for n in range(REPLICAS)]
    try:
        async with asyncio.timeout(60):
            while outbox_states(postgres_url)["sent"] < ACCOUNTS * len(KINDS):
                assert all(replica.poll() is None for replica in replicas)
                await asyncio.sleep(0.2)
        await asyncio.sleep(1)  # any doubled post would land now
    finally:
        for replica in replicas:
            replica.terminate()
        for replica in replicas:
            replica.wait(timeout=10)

    assert outbox_states(postgres_url) == {"sent": ACCOUNTS * len(KINDS)}
    posted = fake.delivered("chat.postMessage")
    assert sorted(message["channel"] for message in posted) == [
        f"C{n:04d}" for n in range(ACCOUNTS)
    ]
    assert set(fake.tagged().values()) == {1}
    assert len(fake.tagged()) == ACCOUNTS * len(KINDS)
    shares = [sent_by(tmp_path / f"replica-{n}.log") for n in range(REPLICAS)]
    assert sum(shares) == ACCOUNTS * len(KINDS)
    assert max(shares) <= ONE_PASS < ACCOUNTS  # so at least two replicas delivered


def sent_by(log: Path) -> int:
    """How many messages a replica's ticks report sent, from its JSON log lines."""
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    reports = [line["message"] for line in lines if line["message"].startswith("tick: ")]
    return sum(int(m) for report in reports for m in re.findall(r"\bsent=(\d+)", report))
