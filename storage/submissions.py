"""Rows added from a form, once per form: a Teams card stays on screen after Submit and a Slack
modal can be submitted twice on a slow network, so the second submission finds the row the form
already added (by its `submission_key`) instead of adding another."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import AddedByForm

Row = TypeVar("Row", bound=AddedByForm)
Result = TypeVar("Result")


class Twin(Exception):
    """Raised by a `write` that finds the row its form's twin submission added meanwhile."""


def once(
    engine: Engine,
    model: type[Row],
    parent: Mapping[str, int],
    key: str | None,
    write: Callable[[Session], Result],
    again: Callable[[Row], Result],
) -> tuple[Result, bool]:
    """`write`'s result and True; or, when a form with `key` already added its row under
    `parent` (before, or at the same moment: the unique key refuses the twin, or `write` finds
    its row and raises `Twin`), what `again` makes of that row and False."""
    first = _added(engine, model, parent, key)
    if first is not None:
        return again(first), False
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            result = write(session)
    except (IntegrityError, Twin):
        first = _added(engine, model, parent, key)
        if first is None:
            raise
        return again(first), False
    return result, True


def add_once(engine: Engine, row: Row, parent: Mapping[str, int]) -> tuple[Row, bool]:
    """Add `row`, or find the one its form added before; whether it is new."""

    def write(session: Session) -> Row:
        session.add(row)
        return row

    return once(engine, type(row), parent, row.submission_key, write, lambda first: first)


def _added(
    engine: Engine, model: type[Row], parent: Mapping[str, int], key: str | None
) -> Row | None:
    if key is None:
        return None
    with Session(engine) as session:
        return session.scalar(select(model).filter_by(**parent, submission_key=key))
