"""Teams end to end: real Bot Framework activities to `/api/messages` of the real aiohttp app, in
emulator mode, with the bot's replies and reminders landing in a fake Bot Connector."""

from __future__ import annotations

from datetime import timedelta

from tests.teams_harness import (
    ALICE,
    BOB,
    BOT,
    BOT_MENTION,
    CHANNEL,
    MONDAY,
    TeamsChannel,
    mention,
    seen,
)


async def acme_in_stockholm_with_alices_chat(teams: TeamsChannel) -> str:
    """Acme in Stockholm, Alice its KAM with the bot installed in her personal chat (its id)."""
    personal = "a:alice-personal"
    await teams.post(teams.activity("installationUpdate", ALICE, personal, action="add"))
    await teams.say("kam account create Acme")
    await teams.say("kam settings timezone Europe/Stockholm")
    return personal


async def test_account_create_replies_with_a_card_in_the_thread(teams: TeamsChannel) -> None:
    reply = await teams.say("kam account create Acme")
    assert "*Acme* is now a key account" in seen(reply).replace("**", "*")
    [post] = teams.connector.posts
    assert post.conversation == CHANNEL
    assert post.reply_to.startswith("activity-in-")
    assert reply["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert reply["summary"]


async def test_the_bot_mention_is_stripped_and_people_become_their_aad_ids(
    teams: TeamsChannel,
) -> None:
    await teams.say("<at>kam</at> account create Acme", entities=[BOT_MENTION])
    reply = await teams.say(
        "<at>kam</at> team add <at>Bob</at> sales", entities=[BOT_MENTION, mention(BOB)]
    )
    assert "aad-bob" in seen(reply)
    team = await teams.say("kam team")
    assert "aad-bob" in seen(team)


async def test_a_typed_meeting_is_logged(teams: TeamsChannel) -> None:
    await teams.say("kam account create Acme")
    reply = await teams.say("kam log-meeting tactical yesterday Reviewed delivery KPIs")
    assert "Tactical meeting" in seen(reply).replace("**", "")
    assert "2026-11-26" in seen(reply)


async def test_log_meeting_alone_opens_a_form_that_logs_when_submitted(
    teams: TeamsChannel,
) -> None:
    await teams.say("kam account create Acme")
    form = await teams.say("/kam log-meeting")
    assert form["attachments"][0]["content"]["actions"][0]["type"] == "Action.Submit"
    logged = await teams.submit(form, kind="strategic", notes="Signed the framework")
    assert "Strategic meeting" in seen(logged).replace("**", "")
    assert "Signed the framework" in seen(logged)


async def test_an_empty_form_comes_back_with_its_errors(teams: TeamsChannel) -> None:
    await teams.say("kam account create Acme")
    form = await teams.say("kam log-meeting")
    inputs = [item["id"] for item in form["attachments"][0]["content"]["body"] if "id" in item]
    again = await teams.submit(form, **dict.fromkeys(inputs, ""))
    body = again["attachments"][0]["content"]["body"]
    assert any(item.get("color") == "Attention" for item in body)
    assert again["attachments"][0]["content"]["actions"][0]["data"]["kam_form"]


async def test_reminders_arrive_in_the_channel_through_the_stored_reference(
    teams: TeamsChannel,
) -> None:
    await teams.post(
        teams.activity("conversationUpdate", ALICE, CHANNEL, membersAdded=[{"id": BOT}])
    )
    await teams.say("kam account create Acme")
    await teams.say("kam settings timezone Europe/Stockholm")
    report = await teams.tick(MONDAY)
    assert report.delivery.sent == 4
    reminder = teams.connector.delivered(CHANNEL)[-1]
    assert "Strategic meeting overdue by 3 days" in seen(reminder).replace("**", "")
    assert teams.connector.posts[-1].reply_to == ""


async def test_a_removed_bot_pauses_the_account_and_tells_the_kam_in_person(
    teams: TeamsChannel,
) -> None:
    personal = await acme_in_stockholm_with_alices_chat(teams)
    teams.connector.fail_next(403)
    report = await teams.tick(MONDAY)
    assert report.delivery.paused_accounts and report.delivery.sent == 0
    await teams.tick(MONDAY + timedelta(minutes=1))
    [notice] = teams.connector.delivered(personal)
    assert "paused" in seen(notice)


async def test_a_rate_limit_is_retried_after_retry_after(teams: TeamsChannel) -> None:
    await teams.say("kam account create Acme")
    await teams.say("kam settings timezone Europe/Stockholm")
    teams.connector.fail_next(429, retry_after=7)
    first = await teams.tick(MONDAY)
    assert (first.delivery.sent, first.delivery.retried) == (0, 4)
    assert (await teams.tick(MONDAY + timedelta(seconds=6))).delivery.sent == 0
    assert (await teams.tick(MONDAY + timedelta(seconds=7))).delivery.sent == 4


async def test_a_reminder_in_the_kams_personal_chat_logs_the_meeting_from_its_button(
    teams: TeamsChannel,
) -> None:
    personal = await acme_in_stockholm_with_alices_chat(teams)
    for day in range(28):
        await teams.tick(MONDAY + timedelta(days=day))
    in_person = [m for m in teams.connector.delivered(personal) if "Strategic" in seen(m)]
    assert in_person, "the KAM hears of a long-overdue meeting in person"
    card = in_person[-1]["attachments"][0]["content"]
    [log_it] = [
        action
        for element in card["body"]
        if element["type"] == "ActionSet"
        for action in element["actions"]
        if action["title"] == "Log meeting"
    ][:1]
    before = len(teams.connector.delivered())
    await teams.post(teams.activity("message", ALICE, personal, value=log_it["data"]))
    [form] = (await teams.connector.wait_for(before + 1))[before:]
    logged = await teams.submit(form, notes="Met their CFO")
    assert "Strategic meeting" in seen(logged).replace("**", "")
    assert "Acme" in seen(logged)
