"""`kam-bot`: the composition root. Settings are read here, once; everything else is built."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from bot.logs import configure_logging
from bot.settings import Settings
from scheduler.delivery import Deliverer
from storage import lifecycle, migrate, outbox, secrets
from storage.db import database_url, make_engine
from storage.store import Store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kam-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP server (Slack, Teams, health)")
    commands.add_parser("shell", help="the local console: type /kam commands as any user")
    commands.add_parser("run", help="serve with Slack or Teams credentials, else the console")
    tick = commands.add_parser("tick", help="one sweep and one delivery pass, then exit")
    tick.add_argument("--now", type=_instant, help="act as if it were this ISO-8601 instant")
    commands.add_parser("outbox", help="list messages not yet delivered or given up on")
    database = commands.add_parser("db", help="database migrations")
    database.add_argument("action", choices=["upgrade", "downgrade", "check", "revision"])
    database.add_argument("-m", "--message", default="", help="message for a new revision")
    commands.add_parser(
        "rotate-encryption-key",
        help="re-encrypt every stored token with the newest key in KAM_ENCRYPTION_KEY",
    )
    export = commands.add_parser("export-workspace", help="all of one workspace's data as JSON")
    export.add_argument("team_id", help="the Slack team id (T…) or Teams tenant id")
    export.add_argument("--out", type=Path, help="write to this file instead of stdout")
    forget = commands.add_parser("delete-workspace", help="delete every row of one workspace")
    forget.add_argument("team_id", help="the Slack team id (T…) or Teams tenant id")
    forget.add_argument("--yes", action="store_true", help="do not ask for the id again")
    package = commands.add_parser("teams-package", help="zip the Teams app for upload")
    package.add_argument("--out", type=Path, default=Path("kam-bot-teams.zip"))
    args = parser.parse_args(argv)

    settings = Settings()
    command = args.command
    if command == "teams-package":
        _teams_package(settings.microsoftappid, args.out)
        return
    if command == "run":
        command = "serve" if settings.has_slack or settings.has_teams else "shell"
    quiet = command == "shell"  # the console is for people: only problems, not the job log
    configure_logging(logging.WARNING if quiet else logging.INFO)
    engine = make_engine(database_url(settings.kam_database_url))
    if command == "db":
        _database(engine, args.action, args.message)
        return
    if make_url(str(engine.url)).get_backend_name() == "sqlite":
        migrate.upgrade(engine)
    if command == "rotate-encryption-key":
        _rotate_encryption_key(engine, settings.kam_encryption_key)
        return
    if command in ("serve", "tick"):
        _check_keys(engine, settings)
    if command == "serve":
        from bot.server import serve

        serve(settings, Store(engine))
    elif command == "tick":
        _tick(settings, Store(engine), args.now or datetime.now(UTC))
    elif command == "outbox":
        _outbox(engine)
    elif command == "export-workspace":
        _export(engine, args.team_id, args.out)
    elif command == "delete-workspace":
        _delete(engine, args.team_id, confirmed=args.yes)
    else:
        from bot.console.shell import run_shell

        run_shell(Store(engine), live=True)


def _check_keys(engine: Engine, settings: Settings) -> None:
    """Stop at once, saying what to set, rather than fail at the first Slack request."""
    keys = settings.kam_encryption_key
    try:
        cipher = secrets.required(keys) if settings.has_oauth else secrets.cipher(keys)
        secrets.check_keys(engine, cipher)
    except secrets.KeyProblem as problem:
        raise SystemExit(f"kam-bot: {problem}") from None


def _rotate_encryption_key(engine: Engine, keys: str) -> None:
    try:
        count = secrets.reencrypt(engine, secrets.required(keys))
    except secrets.KeyProblem as problem:
        raise SystemExit(f"kam-bot rotate-encryption-key: {problem}") from None
    print(
        f"Re-encrypted {count} stored secret(s) with the newest key; "
        "the older keys can now be removed from KAM_ENCRYPTION_KEY."
    )


def _instant(text: str) -> datetime:
    """An ISO-8601 instant in UTC, as the scheduler's clock gives it; no offset means UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 instant: {text!r}") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _teams_package(app_id: str, out: Path) -> None:
    """The package needs no database, only the bot's app id; without one, say what to set."""
    from bot.teams.package import build_package

    try:
        written = build_package(app_id, out)
    except ValueError as error:
        raise SystemExit(f"kam-bot teams-package: {error}") from None
    print(f"Wrote {written}: upload it in Teams under Apps, Manage your apps, Upload an app.")


def _deliverers(settings: Settings, store: Store) -> Mapping[str, Deliverer]:
    """Slack when its credentials are set, else the console printing what it would post; Teams
    always, for rows only a Teams conversation (or the emulator) can have queued."""
    from bot.teams.app import teams_app
    from bot.teams.delivery import TeamsDeliverer

    teams = teams_app(settings, store, lambda: datetime.now(UTC))
    deliverers: dict[str, Deliverer] = {
        "teams": TeamsDeliverer(teams.adapter, store, teams.app_id, teams.bot.files)
    }
    if settings.has_slack:
        from bot.slack.app import slack_deliverer

        return deliverers | {"slack": slack_deliverer(settings, store)}
    from bot.console.delivery import ConsoleDeliverer, as_text

    return deliverers | {
        "console": ConsoleDeliverer(lambda reply, target: print(as_text(reply, target)))
    }


def _tick(settings: Settings, store: Store, now: datetime) -> None:
    from scheduler.jobs import tick

    report = asyncio.run(tick(store, _deliverers(settings, store), now))
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


def _export(engine: Engine, team_id: str, out: Path | None) -> None:
    """For a customer who asks for their data, or before deleting it."""
    ids = _workspace_of(engine, team_id)
    document = {
        "workspace": team_id,
        "exported_at": datetime.now(UTC).isoformat(),
        "tables": lifecycle.export_workspace(engine, ids),
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if out is None:
        print(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    print(f"Wrote the data of workspace {team_id} to {out}.")


def _delete(engine: Engine, team_id: str, *, confirmed: bool) -> None:
    """For a customer who leaves: every row of the workspace, nothing of any other."""
    ids = _workspace_of(engine, team_id)
    if not confirmed:
        print(f"This deletes every account, meeting and message of workspace {team_id}.")
        typed = input("Type the team id again to confirm: ").strip()
        if typed != team_id:
            raise SystemExit("kam-bot delete-workspace: the ids differ; nothing was deleted.")
    deleted = lifecycle.delete_workspace(engine, ids)
    counts = ", ".join(f"{table} {n}" for table, n in deleted.items() if n)
    print(f"Deleted workspace {team_id}: {counts}.")


def _workspace_of(engine: Engine, team_id: str) -> list[int]:
    ids = lifecycle.workspace_ids(engine, team_id)
    if not ids:
        raise SystemExit(f"kam-bot: no workspace {team_id!r} in this database.")
    return ids


def _database(engine: Engine, action: str, message: str) -> None:
    if action == "upgrade":
        migrate.upgrade(engine)
    elif action == "downgrade":
        migrate.downgrade(engine)
    elif action == "check":
        migrate.check(engine)
    else:
        migrate.revision(engine, message or "change")
