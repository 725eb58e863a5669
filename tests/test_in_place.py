"""A clicked button changes the message it is on, for everyone who sees it: in Slack through the
click's response_url, in Teams by updating the card, at the console as an updated message. When
the platform refuses the update, the clicker still hears what happened."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from jsonschema.protocols import Validator

from tests.conftest import NOW
from tests.fake_slack import RESPONSE_URL_METHOD
from tests.slack_harness import ALICE, BOB, CHANNEL, Slack, seen
from tests.teams_harness import ALICE as TEAMS_ALICE
from tests.teams_harness import BOB as TEAMS_BOB
from tests.teams_harness import CHANNEL as TEAMS_CHANNEL
from tests.teams_harness import TeamsChannel
from tests.teams_harness import seen as seen_card
from tests.test_console import Person
from tests.test_same_words import words
from tests.test_teams_cards import assert_valid, validator

__all__ = ("validator",)
PERSONAL = "a:alice-personal"


async def slack_idea(slack: Slack) -> dict[str, Any]:
    """Acme with a workshop open and Bob's idea posted in its channel."""
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)
    await slack.slash("/kam workshop start", user=ALICE)
    await slack.slash("/kam workshop idea", user=BOB)
    assert await slack.submit(await slack.opened_form(), user=BOB, idea="Fleet rollout") == {}
    await slack.fake.wait_for("chat.postMessage")
    return slack.fake.posted(CHANNEL)[-1]


async def test_slack_an_expired_response_url_leaves_the_message_and_still_answers(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    idea = await slack_idea(slack)
    slack.fake.fail_next(RESPONSE_URL_METHOD, times=2, status=404, error="expired_url")
    with caplog.at_level(logging.WARNING, logger="bot.slack.listeners"):
        await slack.click(idea, "Vote", user=ALICE)
        [told] = await slack.fake.wait_for("chat.postEphemeral")
    assert told["user"] == ALICE and told["channel"] == CHANNEL
    assert "You voted for “Fleet rollout” (1 vote)." in seen(told)
    assert "refused to update the clicked message: 404" in caplog.text
    assert slack.fake.posted(CHANNEL) == [idea]  # the idea as it was, its count not shown


async def test_slack_a_refused_update_alone_still_answers_through_the_response_url(
    slack: Slack,
) -> None:
    idea = await slack_idea(slack)
    slack.fake.fail_next(RESPONSE_URL_METHOD, status=404, error="used_url")
    await slack.click(idea, "Vote", user=BOB)
    told = (await slack.fake.wait_for(RESPONSE_URL_METHOD, 1))[-1]
    assert "You voted for “Fleet rollout” (1 vote)." in seen(told)
    assert slack.fake.delivered("chat.postEphemeral") == []


async def teams_card(teams: TeamsChannel, text: str, conversation: str = TEAMS_CHANNEL) -> Any:
    """What the bot posts in `conversation` after `text` is typed in the channel."""
    before = len(teams.connector.delivered(conversation))
    await teams.say(text)
    return (await teams.connector.wait_for(before + 1, conversation))[-1]


def card_actions(activity: dict[str, Any]) -> list[str]:
    body = activity["attachments"][0]["content"]["body"]
    return [a["title"] for e in body if e["type"] == "ActionSet" for a in e["actions"]]


async def test_teams_undo_replaces_the_confirmation_card(
    teams: TeamsChannel, validator: Validator
) -> None:
    await teams.say("kam account create Acme")
    confirmation = await teams.say("kam log-meeting tactical yesterday Wrong account")
    assert card_actions(confirmation) == ["Undo"]
    told = await teams.click(confirmation, "Undo")
    assert "You removed the tactical meeting of 2026-11-26 from Acme." in seen_card(told)
    [update] = teams.connector.updates
    assert (update.conversation, update.activity_id) == (TEAMS_CHANNEL, confirmation["id"])
    now = teams.connector.current(confirmation["id"])
    assert seen_card(now).startswith(
        "<at>aad-alice</at> removed the tactical meeting of 2026-11-26 from Acme on 2026-11-27."
    )
    assert card_actions(now) == []
    assert_valid(validator, now["attachments"][0]["content"])
    assert "No meetings logged" in seen_card(await teams.say("kam meetings"))


async def test_teams_votes_from_two_people_update_the_idea_card(
    teams: TeamsChannel, validator: Validator
) -> None:
    await teams.say("kam account create Acme")
    await teams.say("kam workshop start")
    form = await teams.say("kam workshop idea")
    idea = await teams.submit(form, idea="Fleet rollout")
    await teams.click(idea, "Vote", who=TEAMS_ALICE)
    assert "\n1 vote" in seen_card(teams.connector.current(idea["id"]))
    told = await teams.click(idea, "Vote", who=TEAMS_BOB)
    assert "You voted for “Fleet rollout” (2 votes)." in seen_card(told)
    now = teams.connector.current(idea["id"])
    assert seen_card(now).endswith("**Fleet rollout**\n2 votes")
    assert card_actions(now) == ["Vote"]
    assert_valid(validator, now["attachments"][0]["content"])


async def test_teams_a_private_answer_to_an_updated_card_adds_nothing_to_the_channel(
    teams: TeamsChannel,
) -> None:
    await teams.post(teams.activity("installationUpdate", TEAMS_ALICE, PERSONAL, action="add"))
    await teams.say("kam account create Acme")
    confirmation = await teams.say("kam log-meeting tactical yesterday Wrong account")
    in_channel = len(teams.connector.delivered(TEAMS_CHANNEL))
    told = await teams.click(confirmation, "Undo")
    assert told in teams.connector.delivered(PERSONAL)
    assert "You removed the tactical meeting of 2026-11-26 from Acme." in seen_card(told)
    assert len(teams.connector.delivered(TEAMS_CHANNEL)) == in_channel
    assert "removed the tactical meeting" in seen_card(teams.connector.current(confirmation["id"]))


@pytest.mark.parametrize("status", [403, 404])
async def test_teams_a_refused_update_leaves_the_card_and_still_answers(
    teams: TeamsChannel, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    await teams.say("kam account create Acme")
    confirmation = await teams.say("kam log-meeting tactical yesterday Wrong account")
    teams.connector.fail_update(status)
    with caplog.at_level(logging.WARNING, logger="bot.teams.app"):
        told = await teams.click(confirmation, "Undo")
    assert "You removed the tactical meeting of 2026-11-26 from Acme." in seen_card(told)
    assert "Teams refused to update the clicked card" in caplog.text
    [update] = teams.connector.updates
    assert not update.accepted
    assert teams.connector.current(confirmation["id"]) == confirmation


async def test_teams_closing_a_check_in_replaces_the_question_in_the_personal_chat(
    teams: TeamsChannel,
) -> None:
    await teams.post(teams.activity("installationUpdate", TEAMS_ALICE, PERSONAL, action="add"))
    await teams.say("kam account create Acme")
    await teams.say("kam checkin")
    question = await teams_card(teams, "kam checkin close", PERSONAL)
    assert card_actions(question) == ["Close and post the summary"]
    await teams.click(question, "Close and post the summary", conversation=PERSONAL)
    [update] = teams.connector.updates
    assert update.conversation == PERSONAL and update.accepted
    now = teams.connector.current(question["id"])
    assert seen_card(now) == (
        "You closed the check-in of Acme; its summary follows in the channel."
    )
    assert card_actions(now) == []


def test_console_shows_the_pressed_message_updated_without_its_used_button(
    sqlite_store: Any,
) -> None:
    you = Person(sqlite_store)
    you.say("/kam account create Acme Group")
    assert "[1: Undo]" in you.say("/kam log-meeting tactical yesterday Wrong account")
    screen = you.say(":press 1")
    updated, _sep, told = screen.partition("only you:")
    assert updated.startswith("(updated) #kam-demo (everyone):\n")
    assert "@you removed the tactical meeting of 2026-11-26 from Acme Group on 2026-11-27" in (
        updated
    )
    assert "[1: Undo]" not in screen
    assert "You removed the tactical meeting of 2026-11-26 from Acme Group." in told
    assert "Press a button of the latest reminder" in you.say(":press 1")


async def test_an_undone_meeting_reads_the_same_in_slack_teams_and_the_console(
    slack: Slack, teams: TeamsChannel, sqlite_store: Any
) -> None:
    line = "/kam log-meeting tactical yesterday Wrong account"
    await slack.slash("/kam account create Acme Group", user=ALICE)
    confirmation = {**await slack.slash(line, user=ALICE), "ts": "1764237600.000100"}
    await slack.click(confirmation, "Undo", user=ALICE)
    [replaced, _told] = await slack.fake.wait_for(RESPONSE_URL_METHOD, 2)

    teams.clock.now = NOW
    await teams.say("kam account create Acme Group")
    card = await teams.say(line.removeprefix("/"))
    await teams.click(card, "Undo")

    you = Person(sqlite_store)
    you.console.user = "alice"
    you.say("/kam account create Acme Group")
    you.say(line)
    updated = you.say(":press 1").partition("only you:")[0]

    slack_words = words(seen(replaced))
    assert "removed" in slack_words and "again" in slack_words
    for word in slack_words:
        assert word in words(seen_card(teams.connector.current(card["id"]))), word
        assert word in words(updated.removeprefix("(updated) ")), word
