"""The same commands through Slack, Teams and the console: a person reads the same words."""

from __future__ import annotations

import html
import io
import re
from typing import Any

from bot.console.shell import Console
from bot.console.terminal import Terminal
from storage.store import Store
from tests.conftest import NOW
from tests.slack_harness import ALICE, BOB, Slack, seen
from tests.teams_harness import TeamsChannel, mention
from tests.teams_harness import seen as card_text

SCRIPT = (
    ("alice", "/kam account create Acme Group"),
    ("alice", "/kam team add @bob sales"),
    ("bob", "/kam log-meeting operational yesterday Reviewed the KPIs with @alice"),
    ("bob", "/kam meetings"),
    ("carol", "/kam log-meeting tactical today Coffee"),
    ("alice", "/kam cadence"),
)
SLACK_IDS = {"alice": ALICE, "bob": BOB, "carol": "U0CAROL"}
TEAMS_PEOPLE = {
    name: {"id": f"29:{name}", "name": name.capitalize(), "aadObjectId": f"aad-{name}"}
    for name in SLACK_IDS
}


def words(text: str) -> list[str]:
    """The words a person reads: mentions by name, without markup, punctuation or button numbers."""
    text = html.unescape(text)  # Slack shows &lt; as <
    for name, user_id in SLACK_IDS.items():
        text = text.replace(f"<@{user_id}>", f"@{name}").replace(f"<at>aad-{name}</at>", f"@{name}")
    text = re.sub(r"^\s*(#\S+ \(everyone\)|only you):|\[\d+: ", " ", text, flags=re.M)
    return re.findall(r"@?\w+", text)


async def test_slack_teams_and_the_console_say_the_same(
    slack: Slack, teams: TeamsChannel, sqlite_store: Store
) -> None:
    screen = io.StringIO()
    console = Console(sqlite_store, Terminal(io.StringIO(), screen), lambda: NOW)
    teams.clock.now = NOW
    for who, line in SCRIPT:
        slack_words = words(seen(await slack.slash(line, user=SLACK_IDS[who])))
        teams_words = words(card_text(await _in_teams(teams, who, line)))
        console.user = who
        screen.seek(0)
        screen.truncate()
        console.dispatch(line)
        console_words = words(screen.getvalue())
        for word in slack_words:
            assert word in console_words, (line, word, screen.getvalue())
            assert word in teams_words, (line, word, teams_words)


async def _in_teams(teams: TeamsChannel, who: str, line: str) -> dict[str, Any]:
    """The line as typed in Teams: `kam …`, with @people as Teams mentions."""
    mentioned = [name for name in TEAMS_PEOPLE if f"@{name}" in line]
    text = line.removeprefix("/")
    entities = []
    for name in mentioned:
        person = TEAMS_PEOPLE[name]
        text = text.replace(f"@{name}", f"<at>{person['name']}</at>")
        entities.append(mention(person, aad=True))
    return await teams.say(text, who=TEAMS_PEOPLE[who], entities=entities)
