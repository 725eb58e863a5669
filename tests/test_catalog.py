"""The Swedish catalog: up to date with the code, complete, and faithful to every placeholder."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "handlers" / "locale"
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _in_code() -> set[str | tuple[str, ...]]:
    """Every message the code marks for translation, as `make catalog` extracts it."""
    found: set[str | tuple[str, ...]] = set()
    for folder in ("handlers", "scheduler", "bot"):
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT / folder):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def _strings(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {message.id for message in catalog if message.id}


def test_the_template_holds_exactly_the_messages_in_the_code() -> None:
    in_template = _ids(_read(LOCALE / "messages.pot"))
    in_code = _in_code()
    assert in_code - in_template == set(), "run `make catalog` and translate the new messages"
    assert in_template - in_code == set(), "run `make catalog` to drop messages no longer used"


def test_every_message_has_a_swedish_translation() -> None:
    swedish = _read(LOCALE / "sv" / "LC_MESSAGES" / "messages.po")
    missing = [
        message.id
        for message in swedish
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else (message.string,))
        )
    ]
    assert missing == []
    assert _ids(swedish) == _ids(_read(LOCALE / "messages.pot"))


def test_translations_keep_placeholders_and_commands() -> None:
    swedish = _read(LOCALE / "sv" / "LC_MESSAGES" / "messages.po")
    for message in swedish:
        if not message.id:
            continue
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        translations = _strings(message.string)
        wanted = {name for text in originals for name in PLACEHOLDER.findall(text)}
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) <= wanted, (message.id, text)
            if not isinstance(message.id, tuple):
                assert set(PLACEHOLDER.findall(text)) == wanted, (message.id, text)
