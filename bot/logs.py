"""JSON logs, one object per line, each naming its request id and workspace.

Configured once by the CLI. What people type and every credential stay out: the core logs command
names, not text; SQLAlchemy hides bound values; and the Slack, Teams and HTTP client libraries,
whose debug output carries request bodies and headers, are heard from WARNING up only, whatever
level they set themselves (Bolt copies the root's level into its app logger).
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from handlers.log_context import REQUEST_ID, WORKSPACE

CHATTY = ("slack_bolt", "slack_sdk", "botbuilder", "msrest", "urllib3", "aiohttp.client")


class RequestContext(logging.Filter):
    """Adds the current request's id and workspace to every record; drops the libraries' chatter
    below WARNING, which may quote bodies and tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and record.name.startswith(CHATTY):
            return False
        record.request_id = REQUEST_ID.get()
        record.workspace = WORKSPACE.get()
        return True


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Replace the root logger's handlers with one writing JSON lines to `stream` (stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestContext())
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}{workspace}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
