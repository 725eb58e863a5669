"""One translation function for every user-facing string: Swedish or English, per person.

The language of the text being built lives in a context variable: `handle` sets the caller's
for the whole request, and a handler switches to the account's language (`speaking`) while it
builds a message posted into the channel. Catalogs are gettext files made with Babel
(`handlers/locale/`); `make` compiles them, and a missing compiled catalog falls back to English.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).parent / "locale"
LANGUAGES = ("en", "sv")
DEFAULT = "en"
_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


def language_of(locale: str | None) -> str:
    """`sv-SE`, `sv_FI` or `sv` mean Swedish; anything else English."""
    return "sv" if (locale or "").lower().replace("_", "-").split("-")[0] == "sv" else DEFAULT


@functools.cache
def _catalog(language: str) -> NullTranslations:
    if language == DEFAULT:
        return NullTranslations()
    return Translations.load(str(LOCALES), [language], domain="messages")


def current() -> str:
    return _current.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Build text in `language` inside the block (e.g. a message for the whole channel)."""
    token = _current.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """The message in the current language; placeholders are filled after, with `.format`."""
    return _catalog(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Singular or plural by `n`, in the current language's plural rules."""
    return _catalog(current()).ngettext(singular, plural, n)
