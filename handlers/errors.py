"""The two ways a handler refuses input; the boundary in `handlers.commands` renders both."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input or a missing right: the message tells the caller what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidForm(Exception):
    """A submitted form with per-field problems; nothing was changed."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors
