"""Check-ins beyond Slack: a round answered at the console, and valid Teams cards."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from jsonschema.protocols import Validator

from bot.console.delivery import ConsoleDeliverer
from handlers.model import Context, Form, Posted, Reply
from scheduler.delivery import render
from scheduler.jobs import tick
from storage import checkins
from storage.outbox import Claimed
from storage.store import Store
from tests.conftest import NOW
from tests.conversation import ACME, ask, press, said
from tests.test_console import Person
from tests.test_teams_cards import assert_valid, card, validator

__all__ = ("validator",)


def test_a_round_answered_at_the_console(sqlite_store: Store) -> None:
    you = Person(sqlite_store)
    you.say("/kam account create Acme Group")
    you.say("/kam team add @alice sales")
    assert "started a check-in of Acme Group" in you.say("/kam checkin")

    deliverer = ConsoleDeliverer(you.console.delivered)
    you.say(":as alice")
    you.screen.seek(0)
    you.screen.truncate()
    asyncio.run(tick(sqlite_store, {"console": deliverer}, NOW))
    prompts = you.screen.getvalue()
    assert "direct message to @alice" in prompts and "Check-in for Acme Group." in prompts

    screen = you.say(":press 2", "", "Visited their plant", "", "Need a demo rig", "")
    assert "Customer pulse [🟡 Watch]: " in screen
    assert "Thanks, your check-in for Acme Group is in." in screen
    screen = you.say(":press 4", "1", "", "")
    assert "since the last check-in? [Visited their plant] — end with an empty line" in screen
    assert "Your check-in for Acme Group is updated." in screen

    you.say(":as you")
    you.say("/kam checkin close")
    assert "closed the check-in of Acme Group" in you.say(":press 1")
    you.screen.seek(0)
    you.screen.truncate()
    asyncio.run(tick(sqlite_store, {"console": deliverer}, NOW + timedelta(minutes=1)))
    summary = you.screen.getvalue()
    assert "Check-in: Acme Group, 2026-11-27" in summary
    assert "🟢 @alice" in summary and "@alice: Visited their plant" in summary
    assert "Did not answer: @you" in summary

    you.say("/kam checkin")
    you.say("/kam checkin close")
    you.say(":press 1")
    you.screen.seek(0)
    you.screen.truncate()
    asyncio.run(tick(sqlite_store, {"console": deliverer}, NOW + timedelta(minutes=2)))
    assert "Previous check-in: 27 Nov, 1 of 2 answered, pulse 🟢." in you.screen.getvalue()


def test_a_prompt_its_form_and_the_summary_are_valid_teams_cards(
    validator: Validator, sqlite_store: Store
) -> None:
    said(ask(sqlite_store, "account create Acme Group"))
    said(ask(sqlite_store, "team add <@alice> sales"))
    said(ask(sqlite_store, "checkin"))
    account = sqlite_store.account_for_channel(sqlite_store.workspace_id("test", "T1", NOW), ACME)
    assert account is not None
    round_id = checkins.open_round_id(sqlite_store.engine, account.id)

    def row(topic: str, target: str) -> Claimed:
        body = str(round_id)
        return Claimed(
            1, "test", "T1", account.id, target, True, topic, "", None, 0, body, 1, False
        )

    prompt = render(sqlite_store, [row(checkins.PROMPT, "alice")], NOW)
    assert_valid(validator, card(prompt))
    form = press(sqlite_store, prompt, "🔴 At risk", user="alice")
    assert isinstance(form, Form)
    assert_valid(validator, card(form))
    assert round_id is not None
    checkins.close_round(sqlite_store.engine, round_id, "kam", NOW)
    content = card(render(sqlite_store, [row(checkins.SUMMARY, ACME)], NOW))
    assert_valid(validator, content)
    assert "sees the customer at risk" in str(content)


def test_teams_shows_an_earlier_message_as_its_label() -> None:
    earlier = Posted("19:acme@thread.tacv2", "1764237600000", "16 Nov")
    said = Context(f"Previous check-in: {earlier.markup}.")
    shown = json.dumps(card(Reply("Check-in", (said,), posted=(earlier,))), ensure_ascii=False)
    assert "Previous check-in: 16 Nov." in shown
    assert "posted:" not in shown
