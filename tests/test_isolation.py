"""One workspace's accounts stay its own: crafted, validly signed requests that name another
workspace's channel, replayed forms with altered hidden state, and buttons with altered values
find nothing, change nothing, and tell the person so."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.slack import users
from storage.models import Meeting
from storage.store import Store
from tests.conftest import NOW
from tests.slack_harness import ALICE, BOB, CAROL, CHANNEL, TEAM, Slack, seen
from tests.teams_harness import ALICE as TEAMS_ALICE
from tests.teams_harness import CHANNEL as TEAMS_CHANNEL
from tests.teams_harness import TeamsChannel, member
from tests.teams_harness import seen as seen_card

OTHER_TEAM, OTHER_CHANNEL, MALLORY = "T0OTHER", "C0BETA", "U0MALLORY"
GAMMA_CHANNEL = "C0GAMMA"


async def slash_as(
    slack: Slack, line: str, team: str, channel: str, user: str = MALLORY, **extra: str
) -> dict[str, Any]:
    """A validly signed `/kam …` from any team: what Slack would send from that workspace."""
    fields = slack.command_fields(line, ALICE, channel)
    return await slack.deliver(
        "slash_commands", {**fields, "team_id": team, "user_id": user, **extra}
    )


def meetings_of(store: Store, team: str, channel: str) -> list[Meeting]:
    account = store.account_for_channel(store.workspace_id("slack", team, NOW), channel)
    assert account is not None
    return store.meetings(account.id, None, 25)


async def two_workspaces(slack: Slack) -> None:
    """Acme in our team (Alice is its KAM), Beta in another team, a meeting logged in each."""
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam log-meeting tactical yesterday Acme budget is 2 MEUR", user=ALICE)
    await slash_as(slack, "/kam account create Beta Corp", OTHER_TEAM, OTHER_CHANNEL)
    await slash_as(
        slack, "/kam log-meeting strategic yesterday Beta secret", OTHER_TEAM, OTHER_CHANNEL
    )


async def test_a_command_from_another_workspace_finds_no_account_in_our_channel(
    slack: Slack, store: Store
) -> None:
    await two_workspaces(slack)
    for line in ("/kam meetings", "/kam account", "/kam team", "/kam plan", "/kam cadence"):
        answer = seen(await slash_as(slack, line, OTHER_TEAM, CHANNEL))
        assert "isn't bound to a key account" in answer
        assert "<@U0ALICE>" not in answer and "MEUR" not in answer
    await slash_as(slack, "/kam log-meeting internal today Planted", OTHER_TEAM, CHANNEL)
    await slash_as(slack, "/kam team add @bob sales", OTHER_TEAM, CHANNEL)
    [acme] = meetings_of(store, TEAM, CHANNEL)
    assert "MEUR" in acme.notes
    assert "<@U0BOB>" not in seen(await slack.slash("/kam team", user=ALICE))


async def test_our_own_people_cannot_reach_the_other_workspace_channel(slack: Slack) -> None:
    await two_workspaces(slack)
    answer = seen(await slack.slash("/kam meetings", user=ALICE, channel=OTHER_CHANNEL))
    assert "isn't bound to a key account" in answer and "Beta secret" not in answer


async def test_a_replayed_form_naming_another_workspace_channel_changes_nothing(
    slack: Slack, store: Store
) -> None:
    await two_workspaces(slack)
    await slack.slash("/kam log-meeting", user=ALICE)
    form = await slack.opened_form()
    state = json.loads(form["private_metadata"])
    altered = {**form, "private_metadata": json.dumps({**state, "channel": OTHER_CHANNEL})}
    slack.fake.fail_next("chat.postEphemeral", error="channel_not_found")
    await slack.submit(altered, user=ALICE, kind="internal", notes="Planted in Beta")
    [told] = await slack.fake.wait_for("chat.postMessage")
    assert told["channel"] == ALICE
    assert "That button or form is for no key account here; nothing was changed." in told["text"]
    assert [m.notes for m in meetings_of(store, OTHER_TEAM, OTHER_CHANNEL)] == ["Beta secret"]
    assert len(meetings_of(store, TEAM, CHANNEL)) == 1


async def test_a_replayed_form_in_a_channel_where_the_person_may_not_log_changes_nothing(
    slack: Slack, store: Store
) -> None:
    await two_workspaces(slack)
    await slack.slash("/kam account create Gamma AB", user=CAROL, channel=GAMMA_CHANNEL)
    await slack.slash("/kam log-meeting", user=ALICE)
    form = await slack.opened_form()
    state = json.loads(form["private_metadata"])
    altered = {**form, "private_metadata": json.dumps({**state, "channel": GAMMA_CHANNEL})}
    await slack.submit(altered, user=ALICE, kind="internal", notes="Planted in Gamma")
    [told] = await slack.fake.wait_for("chat.postEphemeral")
    assert "Only the Gamma AB account team can log meetings" in told["text"]
    assert meetings_of(store, TEAM, GAMMA_CHANNEL) == []


def undo_click(slack: Slack, value: str, team: str, user: str, channel: str) -> dict[str, Any]:
    """A click on an Undo button whose value was altered, as a validly signed payload."""
    return {
        "type": "block_actions",
        "team": {"id": team, "domain": "kam"},
        "user": {"id": user, "team_id": team},
        "api_app_id": "A0KAM",
        "channel": {"id": channel, "name": "kam"},
        "container": {"type": "message", "message_ts": "1764237600.000100"},
        "trigger_id": "trigger-undo",
        "response_url": str(slack.fake_server.make_url("/response/undo")),
        "actions": [
            {"action_id": "meeting-undo", "type": "button", "value": value, "block_id": "b"}
        ],
    }


async def refused_click(slack: Slack, payload: dict[str, Any]) -> str:
    before = len(slack.fake.delivered("response_url"))
    await slack.deliver("interactive", payload)
    return str((await slack.fake.wait_for("response_url", before + 1))[-1])


async def test_undo_with_another_workspace_meeting_id_removes_nothing(
    slack: Slack, store: Store
) -> None:
    await two_workspaces(slack)
    [beta] = meetings_of(store, OTHER_TEAM, OTHER_CHANNEL)
    [acme] = meetings_of(store, TEAM, CHANNEL)
    cases = [
        (f"{CHANNEL}|{beta.id}", TEAM, ALICE, CHANNEL, "no longer in Acme Group's record"),
        (f"{OTHER_CHANNEL}|{beta.id}", TEAM, ALICE, CHANNEL, "for no key account here"),
        (f"{CHANNEL}|{acme.id}", OTHER_TEAM, MALLORY, OTHER_CHANNEL, "for no key account here"),
    ]
    for value, team, user, channel, told in cases:
        assert told in await refused_click(slack, undo_click(slack, value, team, user, channel))
    assert len(meetings_of(store, OTHER_TEAM, OTHER_CHANNEL)) == 1
    assert len(meetings_of(store, TEAM, CHANNEL)) == 1
    assert slack.fake.delivered("chat.postMessage") == []


async def test_a_button_of_one_account_clicked_in_another_account_channel_is_refused(
    slack: Slack, store: Store
) -> None:
    await two_workspaces(slack)
    await slack.slash("/kam account create Gamma AB", user=ALICE, channel=GAMMA_CHANNEL)
    await slack.slash(
        "/kam log-meeting internal today Gamma notes", user=ALICE, channel=GAMMA_CHANNEL
    )
    [gamma] = meetings_of(store, TEAM, GAMMA_CHANNEL)
    value = f"{GAMMA_CHANNEL}|{gamma.id}"
    told = await refused_click(slack, undo_click(slack, value, TEAM, ALICE, CHANNEL))
    assert "belongs to another account's message; nothing was changed" in told
    assert len(meetings_of(store, TEAM, GAMMA_CHANNEL)) == 1


async def test_a_slack_admin_steps_in_for_the_kam(slack: Slack) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    refused = seen(await slack.slash("/kam cadence set tactical every 2 months", user=CAROL))
    assert "Only the KAM of Acme Group, <@U0ALICE>, or a workspace admin" in refused
    slack.fake.admins.add(BOB)
    changed = seen(await slack.slash("/kam cadence set tactical every 2 months", user=BOB))
    assert "rhythm of Acme Group: now every 2 months" in changed
    refused = seen(await slack.slash("/kam log-meeting tactical today Notes", user=BOB))
    assert "Only the Acme Group account team can log meetings" in refused


async def test_admin_rights_taken_away_in_slack_end_when_the_lookup_expires(
    slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(users, "KEEP_FOR", 0.0)
    await slack.slash("/kam account create Acme Group", user=ALICE)
    slack.fake.admins.add(BOB)
    assert "rhythm" in seen(await slack.slash("/kam cadence off internal", user=BOB))
    slack.fake.admins.clear()
    refused = seen(await slack.slash("/kam cadence on internal", user=BOB))
    assert "Only the KAM of Acme Group, <@U0ALICE>, or a workspace admin" in refused


async def test_a_slack_connect_guest_who_is_admin_at_home_is_no_admin_here(slack: Slack) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    slack.fake.admins.add(CAROL)
    slack.fake.home_teams[CAROL] = "T0GUEST"
    refused = seen(await slack.slash("/kam team add @bob sales", user=CAROL))
    assert "Only the KAM of Acme Group, <@U0ALICE>, or a workspace admin" in refused
    assert "<@U0BOB>" not in seen(await slack.slash("/kam team", user=ALICE))


async def test_an_org_wide_install_is_one_workspace_across_its_teams(slack: Slack) -> None:
    org = {"enterprise_id": "E0ORG", "is_enterprise_install": "true"}
    await slash_as(slack, "/kam account create Acme Group", TEAM, CHANNEL, ALICE, **org)
    shown = seen(await slash_as(slack, "/kam account", "T0SECOND", CHANNEL, BOB, **org))
    assert "Acme Group" in shown
    alone = seen(await slash_as(slack, "/kam account", "T0SECOND", CHANNEL, BOB))
    assert "isn't bound to a key account" in alone


def other_tenant(activity: dict[str, Any]) -> dict[str, Any]:
    """The same activity as if it came from another Microsoft 365 tenant."""
    conversation = {**activity["conversation"], "tenantId": "tenant-other"}
    return {
        **activity,
        "conversation": conversation,
        "channelData": {"tenant": {"id": "tenant-other"}},
    }


async def test_a_teams_activity_from_another_tenant_finds_no_account(
    teams: TeamsChannel, store: Store
) -> None:
    await teams.say("kam account create Acme")
    await teams.say("kam log-meeting tactical yesterday Acme budget is 2 MEUR")
    form = await teams.say("kam log-meeting")
    # The other tenant's conversation lists its own people, so it is not external.
    teams.connector.roster(TEAMS_CHANNEL, member(TEAMS_ALICE, tenant="tenant-other"))
    for text in ("kam meetings", "kam log-meeting internal today Planted"):
        activity = teams.activity("message", TEAMS_ALICE, TEAMS_CHANNEL, text=text)
        before = len(teams.connector.delivered())
        await teams.post(other_tenant(activity))
        answer = seen_card((await teams.connector.wait_for(before + 1))[-1])
        assert "isn't bound to a key account" in answer and "MEUR" not in answer
    content = form["attachments"][0]["content"]
    value = {**content["actions"][0]["data"], "kind": "internal", "notes": "Planted by form"}
    submitted = teams.activity("message", TEAMS_ALICE, TEAMS_CHANNEL, value=value)
    before = len(teams.connector.delivered())
    await teams.post(other_tenant(submitted))
    answer = seen_card((await teams.connector.wait_for(before + 1))[-1])
    assert "for no key account here; nothing was changed" in answer
    account = store.account_for_channel(
        store.workspace_id("teams", "tenant-kam", NOW), TEAMS_CHANNEL
    )
    assert account is not None
    assert [m.notes for m in store.meetings(account.id, None, 25)] == ["Acme budget is 2 MEUR"]
