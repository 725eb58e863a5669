"""`kam-bot export-workspace` and `kam-bot delete-workspace`: a leaving customer's data, all of
it and nothing of anyone else's."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from bot.cli import main
from handlers.commands import handle
from handlers.model import Request
from scheduler.jobs import tick
from storage import conversations, lifecycle, shared_files, slack_tables
from storage.models import Base, SeenDelivery
from storage.store import Store
from tests.conftest import NOW

LEAVING, STAYING = "T0LEAVING", "T0STAYING"


def say(store: Store, team: str, text: str, user: str = "U0KAM") -> None:
    handle(Request("slack", team, "C0KAM", user, NOW, text=text), store)


def customer(store: Store, team: str, name: str) -> None:
    """A workspace with an account, its team, a meeting with an action, a plan revision, a
    cadence of its own, a Teams conversation and queued reminders."""
    say(store, team, f"account create {name}")
    say(store, team, "team add <@U0BOB> sales")
    say(store, team, f"log-meeting tactical yesterday {name} asked for a discount <@U0BOB>")
    say(store, team, f"plan revised {name} budget agreed")
    say(store, team, "cadence set operational every 2 months")
    conversations.remember(store, "slack", team, "C0KAM", "{}", NOW)
    workspace = store.workspace_id("slack", team, NOW)
    plan = f"# {name}".encode()
    shared_files.share(store, workspace, f"{team}-plan.md", "text/markdown", plan, NOW)
    with store.engine.begin() as connection:
        connection.execute(
            insert(slack_tables.bots).values(
                client_id="111.222", app_id="A0KAM", team_id=team, bot_token=f"sealed-{team}"
            )
        )


def tokens_of(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.scalars(select(slack_tables.bots.c.team_id)))


@pytest.fixture
def two_customers(store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("KAM_DATABASE_URL", db_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "MicrosoftAppId"):
        monkeypatch.delenv(name, raising=False)
    customer(store, LEAVING, "Leaving Corp")
    customer(store, STAYING, "Staying Group")
    return store


async def queue_reminders(store: Store) -> None:
    """A tick with no adapter to deliver through: every due reminder stays in the outbox."""
    await tick(store, {}, NOW + timedelta(days=3))


def rows_per_table(store: Store) -> dict[str, int]:
    """Rows of each table that holds workspace data (the replay guard's hashed keys do not)."""
    with store.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name != SeenDelivery.__tablename__
        }


def rows_of(store: Store, team: str) -> dict[str, list[dict[str, Any]]]:
    return lifecycle.export_workspace(store.engine, lifecycle.workspace_ids(store.engine, team))


async def test_export_writes_all_of_one_workspace_and_none_of_another(
    two_customers: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    await queue_reminders(two_customers)
    main(["export-workspace", LEAVING])
    exported = json.loads(capsys.readouterr().out)

    assert exported["workspace"] == LEAVING
    tables = exported["tables"]
    assert [account["name"] for account in tables["account"]] == ["Leaving Corp"]
    assert tables["meeting"][0]["notes"] == "Leaving Corp asked for a discount <@U0BOB>"
    assert tables["plan_revision"][0]["note"] == "Leaving Corp budget agreed"
    for name in ("team_member", "meeting_attendee", "cadence_override", "reminder_step", "outbox"):
        assert tables[name], name
    assert tables["conversation_reference"][0]["conversation"] == "C0KAM"
    assert base64.b64decode(tables["shared_file"][0]["content"]) == b"# Leaving Corp"
    assert "Staying" not in json.dumps(exported)


def test_export_to_a_file(two_customers: Store, tmp_path: Path) -> None:
    out = tmp_path / "leaving.json"
    main(["export-workspace", LEAVING, "--out", str(out)])
    assert json.loads(out.read_text())["tables"]["account"][0]["name"] == "Leaving Corp"


async def test_delete_removes_every_row_of_one_workspace_and_nothing_else(
    two_customers: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    await queue_reminders(two_customers)
    staying = rows_of(two_customers, STAYING)
    main(["delete-workspace", LEAVING, "--yes"])

    assert "Deleted workspace T0LEAVING: workspace 1, account 1" in capsys.readouterr().out
    assert lifecycle.workspace_ids(two_customers.engine, LEAVING) == []
    assert rows_of(two_customers, STAYING) == staying
    every_table_holds_only_the_staying_rows = {name: len(rows) for name, rows in staying.items()}
    assert rows_per_table(two_customers) == every_table_holds_only_the_staying_rows
    assert tokens_of(two_customers) == [STAYING]


def test_delete_asks_for_the_id_again(
    two_customers: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = rows_per_table(two_customers)
    monkeypatch.setattr("sys.stdin", io.StringIO("T0STAYING\n"))
    with pytest.raises(SystemExit, match="the ids differ; nothing was deleted"):
        main(["delete-workspace", LEAVING])
    assert rows_per_table(two_customers) == before

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{LEAVING}\n"))
    main(["delete-workspace", LEAVING])
    assert "Type the team id again to confirm" in capsys.readouterr().out
    assert lifecycle.workspace_ids(two_customers.engine, LEAVING) == []


def test_an_unknown_workspace_is_named(two_customers: Store) -> None:
    with pytest.raises(SystemExit, match="no workspace 'T0NOBODY'"):
        main(["delete-workspace", "T0NOBODY", "--yes"])
