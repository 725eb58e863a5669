"""Revisions recorded before the plan had sections survive the migration that added them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from storage import migrate
from storage import plan as plans
from storage.db import make_engine
from storage.store import Store

REVISED = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def test_old_revisions_keep_who_when_and_note(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0004")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspace (id, platform, external_id, budget_month, created_at) "
                "VALUES (1, 'slack', 'T1', 9, :at)"
            ),
            {"at": REVISED},
        )
        connection.execute(
            text(
                "INSERT INTO account (id, workspace_id, name, kam, timezone, language, created_at)"
                " VALUES (1, 1, 'Acme', 'U1', 'UTC', 'en', :at)"
            ),
            {"at": REVISED},
        )
        connection.execute(
            text(
                "INSERT INTO plan_revision (account_id, revised_by, revised_at, note) "
                "VALUES (1, 'U1', :at, 'Budget agreed')"
            ),
            {"at": REVISED},
        )
    migrate.upgrade(engine)
    [old] = plans.revisions(engine, 1)
    assert (old.number, old.revised_by, old.note, old.snapshot) == (1, "U1", "Budget agreed", {})
    facts = Store(engine).planning_facts(1)
    assert facts is not None
    assert facts.last_revision == REVISED.date()
    engine.dispose()
