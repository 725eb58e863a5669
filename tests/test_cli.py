"""`kam-bot tick` and `kam-bot outbox`: one pass at a given instant, and what is stuck; and
`kam-bot run` leaving quietly."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from handlers.commands import handle
from handlers.model import Request
from scheduler import planning
from storage import migrate
from storage.db import make_engine
from storage.store import Store

FRIDAY_EVENING = datetime(2026, 11, 27, 20, 30, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A console workspace on a SQLite file that `kam-bot` finds through the environment."""
    url = f"sqlite:///{tmp_path}/kam.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAM_DATABASE_URL", url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    return Store(engine)


def type_in_console(store: Store, text: str) -> None:
    request = Request("console", "local", "#kam-acme", "you", FRIDAY_EVENING, text=text)
    handle(request, store)


def test_tick_prints_the_reminders_it_delivers(
    database: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    type_in_console(database, "account create Acme Group")
    main(["tick", "--now", "2026-11-30T10:00:00+01:00"])
    printed = capsys.readouterr().out
    assert "Strategic meeting overdue by 3 days" in printed
    assert "tick at 2026-11-30T09:00:00+00:00" in printed
    assert "queued 4 message(s); sent 4, retried 0, dead 0" in printed

    main(["tick", "--now", "2026-11-30T10:00:00+01:00"])
    assert "queued 0 message(s); sent 0" in capsys.readouterr().out


def test_outbox_lists_what_could_not_be_delivered(
    database: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["outbox"])
    assert "The outbox is clear" in capsys.readouterr().out

    workspace = database.workspace_id("slack", "T0KAM", FRIDAY_EVENING)
    acme = database.create_account(workspace, "C0ACME", "Acme", "U0ALICE", "UTC", FRIDAY_EVENING)
    planning.replan(database, acme.id, FRIDAY_EVENING)
    main(["tick", "--now", "2026-11-30T09:00:00Z"])
    capsys.readouterr()
    main(["outbox"])
    listed = capsys.readouterr().out
    assert listed.count("pending reminder") == 4
    assert "to C0ACME · attempts 1 · next 2026-11-30T09:" in listed
    assert "no adapter for slack" in listed


def test_quitting_the_console_during_its_first_tick_ends_without_an_error(database: Store) -> None:
    """The console starts its scheduler with a tick; `:quit` at once lets that tick finish."""
    kam_bot = Path(sys.executable).with_name("kam-bot")
    session = subprocess.run(
        [kam_bot, "run"], input=":quit\n", capture_output=True, text=True, timeout=60, check=False
    )
    assert session.returncode == 0
    assert session.stdout.rstrip().endswith("Bye.")
    assert session.stderr == ""
