"""Teams beyond the basics, end to end through `/api/messages`: only-you answers in private,
cards cut to Teams' size limit with a note in the account's language, and configured admins."""

from __future__ import annotations

import json

from storage import outbox
from storage.store import Store
from tests.teams_harness import ALICE, CHANNEL, PETRA, START, TENANT, TeamsChannel, seen

PERSONAL = "a:alice-personal"
TEAMS_LIMIT = 28 * 1024


async def installed_for_alice(teams: TeamsChannel) -> None:
    await teams.post(teams.activity("installationUpdate", ALICE, PERSONAL, action="add"))


async def test_an_only_you_answer_goes_to_the_personal_chat(teams: TeamsChannel) -> None:
    await installed_for_alice(teams)
    await teams.say("kam account create Acme")
    in_channel = await teams.say("kam team")
    assert seen(in_channel) == "I've sent you the details privately, in your chat with kam-bot."
    [privately] = teams.connector.delivered(PERSONAL)
    assert "The Acme account team" in seen(privately).replace("**", "")
    assert "aad-alice" in seen(privately)


async def test_without_a_personal_chat_the_answer_says_how_to_open_one(
    teams: TeamsChannel,
) -> None:
    await teams.say("kam account create Acme")
    in_channel = await teams.say("kam team")
    assert "The Acme account team" in seen(in_channel).replace("**", "")
    assert "open a chat with kam-bot" in seen(in_channel)
    assert teams.connector.delivered(PERSONAL) == []


async def test_a_channel_answer_stays_in_the_channel(teams: TeamsChannel) -> None:
    await installed_for_alice(teams)
    created = await teams.say("kam account create Acme")
    assert "is now a key account" in seen(created)
    assert teams.connector.delivered(PERSONAL) == []


async def test_a_card_too_long_for_teams_is_shortened_and_says_so(
    teams: TeamsChannel, store: Store
) -> None:
    await teams.say("kam account create Acme")
    account = store.account_for_channel(store.workspace_id("teams", TENANT, START), CHANNEL)
    assert account is not None
    for n in range(400):
        store.set_member(account.id, f"colleague-{n:03}", "specialist", "aad-alice", START)
    reply = await teams.say("kam team")
    assert len(json.dumps(reply).encode()) < TEAMS_LIMIT
    shown = seen(reply)
    assert "Shortened to fit in Teams" in shown
    assert "<at>colleague-000</at> — specialist" in shown
    assert "colleague-399" not in shown


async def test_a_shortened_reminder_says_so_in_the_accounts_language(
    teams: TeamsChannel, store: Store
) -> None:
    await teams.say("kam account create Acme")
    await teams.say("kam settings language sv")
    workspace = store.workspace_id("teams", TENANT, START)
    account = store.account_for_channel(workspace, CHANNEL)
    assert account is not None
    outbox.enqueue(
        store.engine,
        dedupe_key="notice:long",
        workspace_id=workspace,
        account_id=account.id,
        target=CHANNEL,
        to_user=False,
        topic="notice",
        body="\n".join(f"Rad {n}: " + "x" * 80 for n in range(400)),
        now=START,
    )
    before = len(teams.connector.delivered(CHANNEL))
    await teams.tick(START)
    [posted] = teams.connector.delivered(CHANNEL)[before:]
    assert "Förkortat för att rymmas i Teams" in seen(posted)


async def test_a_configured_admin_moves_the_budget_month_the_kam_may_not(
    teams: TeamsChannel,
) -> None:
    await installed_for_alice(teams)
    await teams.say("kam account create Acme")
    await teams.say("kam settings budget-month october")
    [refused] = teams.connector.delivered(PERSONAL)[-1:]
    assert "Only a workspace admin can change the budget month" in seen(refused)

    changed = await teams.say("kam settings budget-month october", who=PETRA)
    assert "budget month is now October" in seen(changed)
    await teams.say("kam cadence")
    [rhythm] = teams.connector.delivered(PERSONAL)[-1:]
    assert "next due 2027-04-01" in seen(rhythm)
