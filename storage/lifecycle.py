"""One workspace's data as a whole: everything to export, everything to delete when it leaves.

Which rows belong to a workspace is read from the foreign keys: a table's rows are the
workspace's when they point at the workspace or at a row that does. A table added later with
such a key is covered without a change here. Slack's installation tables are keyed by team id
instead: deleting a workspace deletes its tokens too (they are not exported).
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from storage import slack_tables
from storage.models import Base, Workspace

Export = dict[str, list[dict[str, Any]]]


def workspace_ids(engine: Engine, external_id: str) -> list[int]:
    """The row ids of the workspace with this Slack team or Teams tenant id (on any platform)."""
    query = select(Workspace.id).where(Workspace.external_id == external_id).order_by(Workspace.id)
    with Session(engine) as session:
        return list(session.scalars(query))


def export_workspace(engine: Engine, ids: list[int]) -> Export:
    """Every row of these workspaces, table by table, parents before children."""
    scopes = _scopes(ids)
    with Session(engine) as session:
        return {
            table.name: [
                _plain(row._mapping) for row in session.execute(select(table).where(where))
            ]
            for table, where in scopes
        }


def delete_workspace(engine: Engine, ids: list[int]) -> dict[str, int]:
    """Delete every row of these workspaces in one transaction, children first, and the Slack
    installations (tokens) of their teams; how many rows of each table."""
    deleted: dict[str, int] = {}
    teams = select(Workspace.external_id).where(Workspace.id.in_(ids))
    with Session(engine) as session, session.begin():
        for table in (slack_tables.installations, slack_tables.bots):
            result = session.execute(delete(table).where(table.c.team_id.in_(teams)))
            deleted[table.name] = int(result.rowcount)  # type: ignore[attr-defined]
        for table, where in reversed(_scopes(ids)):
            result = session.execute(delete(table).where(where))
            deleted[table.name] = int(result.rowcount)  # type: ignore[attr-defined]
    return dict(reversed(deleted.items()))


def _scopes(ids: list[int]) -> list[tuple[Table, ColumnElement[bool]]]:
    """Each table that hangs off `workspace`, with the condition that picks these workspaces'
    rows, in dependency order."""
    conditions: dict[str, ColumnElement[bool]] = {}
    scopes: list[tuple[Table, ColumnElement[bool]]] = []
    for table in Base.metadata.sorted_tables:
        where: ColumnElement[bool]
        if table.name == Workspace.__tablename__:
            where = table.c.id.in_(ids)
        else:
            owners = [
                key.parent.in_(select(key.column).where(conditions[key.column.table.name]))
                for key in table.foreign_keys
                if key.column.table.name in conditions
            ]
            if not owners:
                continue
            where = or_(*owners)
        conditions[table.name] = where
        scopes.append((table, where))
    return scopes


def _plain(row: Any) -> dict[str, Any]:
    """A row as JSON can hold it: dates and instants in ISO 8601, bytes (files) in base64."""
    return {name: _json_value(value) for name, value in row.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value
