"""A reply's files reach people on every platform: Teams inline, the console as a saved file."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from bot.console.shell import Console
from bot.console.terminal import Terminal
from storage.store import Store
from tests.conftest import NOW
from tests.teams_harness import TeamsChannel, seen

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DATA_URL = "data:image/png;base64,"


async def test_teams_shows_the_chart_inline_under_the_card(teams: TeamsChannel) -> None:
    await teams.say("kam account create Acme Group")
    await teams.say("kam kpi set revenue 2026-Q3 1.2M target 1.5M")
    answer = await teams.say("kam kpi chart revenue")
    assert "Revenue of Acme Group: 2026-Q3 to 2026-Q3." in seen(answer)
    [card, image] = answer["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert image["contentType"] == "image/png"
    assert image["name"] == "revenue-trend.png"
    assert image["contentUrl"].startswith(DATA_URL)
    png = base64.b64decode(image["contentUrl"].removeprefix(DATA_URL))
    assert png.startswith(PNG_SIGNATURE)


def test_the_console_saves_the_chart_and_prints_where(sqlite_store: Store, tmp_path: Path) -> None:
    screen = io.StringIO()
    console = Console(
        sqlite_store, Terminal(io.StringIO(), screen, echo=True), lambda: NOW, files_dir=tmp_path
    )
    console.dispatch("/kam account create Acme Group")
    console.dispatch("/kam kpi set revenue 2026-Q3 1.2M target 1.5M")
    console.dispatch("/kam kpi chart revenue")
    console.dispatch("/kam kpi chart revenue")
    saved = tmp_path / "revenue-trend.png"
    assert f"file: {saved}" in screen.getvalue()
    assert f"file: {tmp_path / 'revenue-trend-2.png'}" in screen.getvalue()
    assert saved.read_bytes().startswith(PNG_SIGNATURE)
