"""`kam-bot`: the composition root. Settings are read here, once; everything else is built."""

from __future__ import annotations

import argparse
import logging

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from bot.settings import Settings
from storage import migrate
from storage.db import database_url, make_engine
from storage.store import Store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kam-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP server (Slack, health)")
    commands.add_parser("shell", help="the local console: type /kam commands as any user")
    commands.add_parser("run", help="serve when Slack credentials are set, else the console")
    database = commands.add_parser("db", help="database migrations")
    database.add_argument("action", choices=["upgrade", "downgrade", "check", "revision"])
    database.add_argument("-m", "--message", default="", help="message for a new revision")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings()
    engine = make_engine(database_url(settings.kam_database_url))
    if args.command == "db":
        _database(engine, args.action, args.message)
        return
    if make_url(str(engine.url)).get_backend_name() == "sqlite":
        migrate.upgrade(engine)
    command = args.command
    if command == "run":
        command = "serve" if settings.has_slack else "shell"
    if command == "serve":
        from bot.server import serve

        serve(settings, Store(engine))
    else:
        from bot.console.shell import run_shell

        run_shell(Store(engine))


def _database(engine: Engine, action: str, message: str) -> None:
    if action == "upgrade":
        migrate.upgrade(engine)
    elif action == "downgrade":
        migrate.downgrade(engine)
    elif action == "check":
        migrate.check(engine)
    else:
        migrate.revision(engine, message or "change")
