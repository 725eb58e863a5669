"""The two ways a handler refuses input; the boundary in `handlers.commands` renders both."""

from __future__ import annotations

from handlers.model import Reply


class UsageError(Exception):
    """Bad input or a missing right: the message tells the caller what to do instead.

    A button that is out of date (its round closed, its meeting gone) may also give `source`,
    the message it is on as it should now read, so the stale button goes away.
    """

    def __init__(self, message: str, source: Reply | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source


class InvalidForm(Exception):
    """A submitted form with per-field problems; nothing was changed."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors
