"""`kam-bot`: the composition root. Settings are read here, once; everything else is built."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from bot.settings import Settings
from scheduler.delivery import Deliverer
from storage import migrate, outbox
from storage.db import database_url, make_engine
from storage.store import Store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kam-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP server (Slack, health)")
    commands.add_parser("shell", help="the local console: type /kam commands as any user")
    commands.add_parser("run", help="serve when Slack credentials are set, else the console")
    tick = commands.add_parser("tick", help="one sweep and one delivery pass, then exit")
    tick.add_argument("--now", type=_instant, help="act as if it were this ISO-8601 instant")
    commands.add_parser("outbox", help="list messages not yet delivered or given up on")
    database = commands.add_parser("db", help="database migrations")
    database.add_argument("action", choices=["upgrade", "downgrade", "check", "revision"])
    database.add_argument("-m", "--message", default="", help="message for a new revision")
    args = parser.parse_args(argv)

    settings = Settings()
    command = args.command
    if command == "run":
        command = "serve" if settings.has_slack else "shell"
    quiet = command == "shell"  # the console is for people: only problems, not the job log
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    engine = make_engine(database_url(settings.kam_database_url))
    if command == "db":
        _database(engine, args.action, args.message)
        return
    if make_url(str(engine.url)).get_backend_name() == "sqlite":
        migrate.upgrade(engine)
    if command == "serve":
        from bot.server import serve

        serve(settings, Store(engine))
    elif command == "tick":
        _tick(settings, Store(engine), args.now or datetime.now(UTC))
    elif command == "outbox":
        _outbox(engine)
    else:
        from bot.console.shell import run_shell

        run_shell(Store(engine), live=True)


def _instant(text: str) -> datetime:
    """An ISO-8601 instant in UTC, as the scheduler's clock gives it; no offset means UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 instant: {text!r}") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _deliverers(settings: Settings) -> Mapping[str, Deliverer]:
    """Slack when its credentials are set, else the console printing what it would post."""
    if settings.has_slack:
        from bot.slack.clients import delivery_client
        from bot.slack.delivery import SlackDeliverer

        return {"slack": SlackDeliverer(delivery_client(settings))}
    from bot.console.delivery import ConsoleDeliverer, as_text

    return {"console": ConsoleDeliverer(lambda reply, target: print(as_text(reply, target)))}


def _tick(settings: Settings, store: Store, now: datetime) -> None:
    from scheduler.jobs import tick

    report = asyncio.run(tick(store, _deliverers(settings), now))
    delivery = report.delivery
    print(
        f"tick at {now.isoformat()}: replanned {report.replanned} item(s), queued "
        f"{report.queued} message(s); sent {delivery.sent}, retried {delivery.retried}, "
        f"dead {delivery.dead}"
    )
    for account_id in delivery.paused_accounts:
        print(f"paused the reminders of account {account_id}: its channel is gone")


def _outbox(engine: Engine) -> None:
    rows = outbox.problems(engine)
    if not rows:
        print("The outbox is clear: nothing pending, sending or dead.")
    for row in rows:
        what = f"{row.topic} {row.subject}".strip()
        print(
            f"#{row.id} {row.state:<7} {what} to {row.target} · attempts {row.attempts} · "
            f"next {row.next_attempt_at.isoformat()} · {row.last_error or 'no error yet'}"
        )


def _database(engine: Engine, action: str, message: str) -> None:
    if action == "upgrade":
        migrate.upgrade(engine)
    elif action == "downgrade":
        migrate.downgrade(engine)
    elif action == "check":
        migrate.check(engine)
    else:
        migrate.revision(engine, message or "change")
