"""Alembic, driven from code: the only way the schema changes."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """A config that runs migrations on `engine`'s database, no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(alembic_config(engine), revision)


def check(engine: Engine) -> None:
    """Raise when the models and the migrations disagree."""
    command.check(alembic_config(engine))


def revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(alembic_config(engine), message=message, autogenerate=True)


def behind(engine: Engine) -> str | None:
    """Why the database's schema is not the code's (a migration not yet applied), or None."""
    heads = _code_heads()
    with engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    if applied == heads:
        return None
    return f"database at {sorted(applied) or 'no revision'}, code expects {sorted(heads)}"


@functools.cache
def _code_heads() -> frozenset[str]:
    """Read once: the migrations do not change while the process runs, and probes come often."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())
