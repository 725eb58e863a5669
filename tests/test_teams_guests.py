"""Teams guests make a conversation external: confidential figures go to the requester's personal
chat, never into a channel with guests, anonymous attendees or people of another organisation.
End to end through `/api/messages`; the fake Bot Connector lists each conversation's members."""

from __future__ import annotations

import json
import logging

import pytest

from bot.server import TEAMS
from tests.teams_harness import (
    ALICE,
    BOB,
    CHANNEL,
    GUEST,
    TENANT,
    TeamsChannel,
    member,
    seen,
)

PERSONAL = "a:alice-personal"
PROFIT = "kam kpi set profit 2026-Q3 200k target 250k"
OUTSIDERS = {
    "a guest": member(GUEST, role="guest"),
    "an anonymous attendee": member(GUEST, role="anonymous"),
    "someone of another organisation": member(GUEST, tenant="tenant-customer"),
}


async def acme_with_a_chat_for_alice(teams: TeamsChannel) -> None:
    await teams.post(teams.activity("installationUpdate", ALICE, PERSONAL, action="add"))
    await teams.say("kam account create Acme")


def channel_reads(teams: TeamsChannel) -> str:
    """Everything posted into the account channel so far."""
    return json.dumps(teams.connector.delivered(CHANNEL))


async def members_change(teams: TeamsChannel, *roster: dict[str, str], **change: object) -> None:
    """Teams' conversationUpdate after the roster changed."""
    teams.connector.roster(CHANNEL, *roster)
    await teams.post(teams.activity("conversationUpdate", ALICE, CHANNEL, **change))


@pytest.mark.parametrize("outsider", OUTSIDERS.values(), ids=OUTSIDERS.keys())
async def test_with_an_outsider_in_the_channel_profit_goes_to_the_personal_chat(
    teams: TeamsChannel, outsider: dict[str, str]
) -> None:
    teams.connector.roster(CHANNEL, member(ALICE), member(BOB), outsider)
    await acme_with_a_chat_for_alice(teams)
    in_channel = await teams.say(PROFIT)
    assert seen(in_channel) == "I've sent you the details privately, in your chat with kam-bot."
    [privately] = teams.connector.delivered(PERSONAL)
    assert "200K (target 250K)" in seen(privately)
    assert "200K" not in channel_reads(teams)


async def test_without_outsiders_the_channel_sees_the_figures(teams: TeamsChannel) -> None:
    teams.connector.roster(CHANNEL, member(ALICE), member(BOB))
    await acme_with_a_chat_for_alice(teams)
    in_channel = await teams.say(PROFIT)
    assert "200K (target 250K)" in seen(in_channel)
    assert teams.connector.delivered(PERSONAL) == []


async def test_a_profitability_chart_with_a_guest_present_is_sent_privately(
    teams: TeamsChannel,
) -> None:
    teams.connector.roster(CHANNEL, member(ALICE), OUTSIDERS["a guest"])
    await acme_with_a_chat_for_alice(teams)
    await teams.say("kam kpi set profitability 2026-Q3 12% target 15%")
    await teams.say("kam kpi chart profitability")
    chart = teams.connector.delivered(PERSONAL)[-1]
    assert [a["contentType"] for a in chart["attachments"]][-1] == "image/png"
    assert "image/png" not in channel_reads(teams)
    assert "12%" not in channel_reads(teams)


async def test_an_opportunitys_competitors_stay_out_of_a_channel_with_a_guest(
    teams: TeamsChannel,
) -> None:
    teams.connector.roster(CHANNEL, member(ALICE), OUTSIDERS["a guest"])
    await acme_with_a_chat_for_alice(teams)
    await teams.say('kam opp add "Fleet rollout" value 400k close 2027-03-31 competitors Foocorp')
    assert "Foocorp" in seen(teams.connector.delivered(PERSONAL)[-1])
    assert "Foocorp" not in channel_reads(teams)


async def test_a_guest_added_later_makes_the_channel_private_and_leaving_opens_it_again(
    teams: TeamsChannel,
) -> None:
    teams.connector.roster(CHANNEL, member(ALICE), member(BOB))
    await acme_with_a_chat_for_alice(teams)
    assert "200K" in seen(await teams.say(PROFIT))
    await members_change(
        teams, member(ALICE), member(BOB), OUTSIDERS["a guest"], membersAdded=[GUEST]
    )
    assert "200K" not in seen(await teams.say(PROFIT))
    assert "200K" in seen(teams.connector.delivered(PERSONAL)[-1])
    await members_change(teams, member(ALICE), member(BOB), membersRemoved=[GUEST])
    assert "200K" in seen(await teams.say(PROFIT))


async def test_a_guest_added_to_the_team_reaches_every_channel_of_it(teams: TeamsChannel) -> None:
    """In a team, Teams lists the team's roster and announces members in its General channel."""
    team, general = "19:team-acme@thread.tacv2", "19:general-acme@thread.tacv2"
    in_team = {"channelData": {"tenant": {"id": TENANT}, "team": {"id": team}}}
    teams.connector.roster(team, member(ALICE), member(BOB))
    await acme_with_a_chat_for_alice(teams)
    assert "200K" in seen(await teams.say(PROFIT, **in_team))
    teams.connector.roster(team, member(ALICE), OUTSIDERS["a guest"])
    added = teams.activity("conversationUpdate", ALICE, general, membersAdded=[GUEST], **in_team)
    await teams.post(added)
    assert "200K" not in seen(await teams.say(PROFIT, **in_team))


async def test_the_roster_is_asked_once_within_a_few_minutes(teams: TeamsChannel) -> None:
    teams.connector.roster(CHANNEL, member(ALICE))
    await acme_with_a_chat_for_alice(teams)
    await teams.say(PROFIT)
    await teams.say("kam kpi")
    assert teams.connector.roster_reads == 1


async def test_a_guest_beyond_the_first_page_of_a_large_team_counts(teams: TeamsChannel) -> None:
    colleagues = [
        member({"id": f"29:c{n}", "name": f"C{n}", "aadObjectId": f"aad-c{n}"}) for n in range(620)
    ]
    teams.connector.roster(CHANNEL, *colleagues, OUTSIDERS["a guest"])
    await acme_with_a_chat_for_alice(teams)
    assert "200K" not in seen(await teams.say(PROFIT))
    assert teams.connector.roster_reads == 2


@pytest.mark.parametrize("status", [503, 403])
async def test_a_failing_roster_keeps_the_figures_private(
    teams: TeamsChannel, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    """botbuilder retries a 5xx with back-off: the bot stops waiting and keeps the figures
    private; a refusal such as 403 fails at once."""
    teams.client.app[TEAMS].bot.guests.ask_within = 1.0  # 5 s in service; 1 s is enough here
    teams.connector.roster(CHANNEL, member(ALICE), member(BOB))
    teams.connector.fail_roster(status, times=10)
    with caplog.at_level(logging.WARNING, logger="bot.teams.guests"):
        await acme_with_a_chat_for_alice(teams)
    in_channel = await teams.say(PROFIT)
    assert "200K" not in seen(in_channel)
    assert "200K" in seen(teams.connector.delivered(PERSONAL)[-1])
    assert "counts as external" in caplog.text


async def test_without_a_personal_chat_an_external_channel_gets_no_figures(
    teams: TeamsChannel,
) -> None:
    teams.connector.roster(CHANNEL, member(ALICE), OUTSIDERS["a guest"])
    await teams.say("kam account create Acme")
    in_channel = await teams.say(PROFIT)
    assert "open a chat with kam-bot" in seen(in_channel)
    assert "200K" not in channel_reads(teams)


async def test_a_personal_chat_never_asks_for_a_roster(teams: TeamsChannel) -> None:
    await teams.post(teams.activity("installationUpdate", ALICE, PERSONAL, action="add"))
    await teams.say("kam help", conversation=PERSONAL)
    assert teams.connector.roster_reads == 0
