"""What every log line names about the request it belongs to: an id and the workspace.

Context variables, so a request's id and workspace follow it into the threads and tasks it
starts; the logging configuration at the edge (`bot/logs.py`) reads them. Never a text or token.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
WORKSPACE: ContextVar[str] = ContextVar("workspace", default="")


@contextmanager
def scope(var: ContextVar[str], value: str) -> Iterator[None]:
    """Set `var` for the duration of a block, then put back what it was."""
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)
