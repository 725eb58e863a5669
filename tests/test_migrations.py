"""Migrations are the only way the schema changes: they run both ways and match the models
(ours and slack-sdk's installation and OAuth state tables)."""

from __future__ import annotations

from sqlalchemy import inspect

from storage import migrate, slack_tables
from storage.db import make_engine
from storage.models import Base


def test_upgrade_downgrade_upgrade_leaves_the_schema_of_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert set(slack_tables.metadata.tables) <= set(inspect(engine).get_table_names())
    migrate.downgrade(engine)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    migrate.check(engine)
    engine.dispose()
