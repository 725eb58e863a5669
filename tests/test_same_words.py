"""The same commands through Slack and through the console: a person reads the same words."""

from __future__ import annotations

import html
import io
import re

from bot.console.shell import Console
from bot.console.terminal import Terminal
from storage.store import Store
from tests.conftest import NOW
from tests.slack_harness import ALICE, BOB, Slack, seen

SCRIPT = (
    ("alice", "/kam account create Acme Group"),
    ("alice", "/kam team add @bob sales"),
    ("bob", "/kam log-meeting operational yesterday Reviewed the KPIs with @alice"),
    ("bob", "/kam meetings"),
    ("carol", "/kam log-meeting tactical today Coffee"),
    ("alice", "/kam cadence"),
)
SLACK_IDS = {"alice": ALICE, "bob": BOB, "carol": "U0CAROL"}


def words(text: str) -> list[str]:
    """The words a person reads: mentions by name, without markup, punctuation or button numbers."""
    text = html.unescape(text)  # Slack shows &lt; as <
    for name, user_id in SLACK_IDS.items():
        text = text.replace(f"<@{user_id}>", f"@{name}")
    text = re.sub(r"^\s*(#\S+ \(everyone\)|only you):|\[\d+: ", " ", text, flags=re.M)
    return re.findall(r"@?\w+", text)


async def test_slack_and_the_console_say_the_same(slack: Slack, sqlite_store: Store) -> None:
    screen = io.StringIO()
    console = Console(sqlite_store, Terminal(io.StringIO(), screen), lambda: NOW)
    for who, line in SCRIPT:
        answer = await slack.slash(line, user=SLACK_IDS[who])
        console.user = who
        screen.seek(0)
        screen.truncate()
        console.dispatch(line)
        slack_words = words(seen(answer))
        console_words = words(screen.getvalue())
        for word in slack_words:
            assert word in console_words, (line, word, screen.getvalue())
