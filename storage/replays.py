"""Deliveries already acted on: a retried event or a double click is acknowledged, not redone.

One row per key; a key seen again within its window is a replay. The insert-or-refresh is one
statement, so two replicas receiving the same delivery at once agree on which one acts.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from sqlalchemy import Engine, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable

from storage.models import SeenDelivery, UtcDateTime

KEPT = timedelta(days=1)
"""Longer than any window; older rows are pruned."""


def first_time(engine: Engine, key: str, now: datetime, window: timedelta) -> bool:
    """True when `key` was not seen in the `window` before `now` (and remember it now)."""
    with engine.begin() as connection:
        statement = _claim(connection.dialect.name)
        acted = connection.execute(
            statement, {"key": key, "now": now, "since": now - window}
        ).first()
        connection.execute(delete(SeenDelivery).where(SeenDelivery.seen_at < now - KEPT))
    return acted is not None


@functools.cache
def _claim(dialect_name: str) -> Executable:
    """Insert the key, or refresh it when its last sighting is older than the window; RETURNING
    answers whether this call did either."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = dialect.insert(SeenDelivery).values(
        key=bindparam("key"), seen_at=bindparam("now", type_=UtcDateTime())
    )
    statement: Executable = insert.on_conflict_do_update(
        index_elements=["key"],
        set_={"seen_at": insert.excluded.seen_at},
        where=SeenDelivery.seen_at < bindparam("since", type_=UtcDateTime()),
    ).returning(SeenDelivery.key)
    return statement
