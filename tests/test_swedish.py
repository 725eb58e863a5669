"""Swedish and English: each person in their own language, each channel in its account's."""

from __future__ import annotations

import html
import io

import pytest

from bot.console.shell import Console
from bot.console.terminal import Terminal
from handlers.i18n import _, speaking
from storage.store import Store
from tests.conftest import NOW
from tests.conversation import ask, logged, said
from tests.slack_harness import ALICE, BOB, Slack, seen


def swedish(message: str) -> str:
    """The catalog's Swedish for an English message, which must differ from the English."""
    with speaking("sv"):
        translated = _(message)
    assert translated != message, f"not translated: {message!r}"
    return translated


ONLY_TEAM = (
    "Only the {account} account team can {action}. "
    "Ask the KAM, {kam}, to add you with `/kam team add @you <role>`."
)


async def test_a_swedish_slack_user_is_answered_in_swedish(slack: Slack) -> None:
    slack.fake.locales[BOB] = "sv-SE"
    await slack.slash("/kam account create Acme Group", user=ALICE)
    refused = html.unescape(seen(await slack.slash("/kam log-meeting taktisk idag Fika", user=BOB)))
    with speaking("sv"):
        action = _("log meetings")
    expected = swedish(ONLY_TEAM).format(account="Acme Group", action=action, kam=f"<@{ALICE}>")
    assert expected in refused


async def test_an_english_slack_user_is_answered_in_english(slack: Slack) -> None:
    slack.fake.locales[BOB] = "en-US"
    await slack.slash("/kam account create Acme Group", user=ALICE)
    refused = seen(await slack.slash("/kam log-meeting tactical today Coffee", user=BOB))
    assert "Only the Acme Group account team can log meetings." in refused


async def test_a_channel_post_follows_the_account_language(slack: Slack) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam settings language sv", user=ALICE)
    posted = seen(await slack.slash("/kam log-meeting tactical yesterday Went well", user=ALICE))
    assert swedish("Tactical meeting") in posted
    assert "Tactical meeting" not in posted


@pytest.mark.parametrize("words", ["igår", "i måndags", "3 dagar sedan", "i fredags"])
def test_swedish_date_words_are_understood(acme: Store, words: str) -> None:
    reply = said(ask(acme, f"möte taktisk {words} Gick igenom leveranserna"))
    assert "Gick igenom leveranserna" in reply
    assert len(logged(acme, "tactical")) == 1


def test_the_console_speaks_swedish_when_asked(sqlite_store: Store) -> None:
    screen = io.StringIO()
    console = Console(sqlite_store, Terminal(io.StringIO(), screen), lambda: NOW)
    console.dispatch(":lang sv")
    console.dispatch("/kam hjälp")
    assert swedish("Show this help") in screen.getvalue()
    assert "/kam möte" in screen.getvalue()


async def test_a_failed_locale_lookup_is_not_repeated_with_every_command(slack: Slack) -> None:
    slack.fake.locales[BOB] = "sv-SE"
    slack.fake.fail_next("users.info", times=10, status=500)
    await slack.slash("/kam help", user=BOB)
    asked = [call.method for call in slack.fake.calls].count("users.info")
    answer = seen(await slack.slash("/kam help", user=BOB))
    assert "Show this help" in answer
    assert [call.method for call in slack.fake.calls].count("users.info") == asked
