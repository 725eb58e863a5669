"""One account on Slack and Teams, one person on both: link codes typed end to end, through the
signed Slack endpoint and Bot Framework activities to `/api/messages` of the same server."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.server import TEAMS
from bot.teams.delivery import TeamsDeliverer
from scheduler.jobs import TickReport, tick
from storage.models import LinkCode
from storage.store import Store
from tests.fake_connector import FakeConnector
from tests.reminder_world import Clock, slack_deliverer
from tests.slack_harness import (
    ALICE,
    BOB,
    CHANNEL,
    ClientFactory,
    ServerFactory,
    Slack,
    start_slack,
)
from tests.slack_harness import seen as slack_seen
from tests.teams_harness import ALICE as T_ALICE
from tests.teams_harness import BOB as T_BOB
from tests.teams_harness import CHANNEL as T_CHANNEL
from tests.teams_harness import TeamsChannel, mention, seen

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM)
CODE = re.compile(r"`([A-Z2-9]{8})`")
OTHER_TEAMS_CHANNEL = "19:other@thread.tacv2"


@dataclass
class Both:
    """One kam-bot server that a Slack workspace and a Teams tenant both talk to."""

    slack: Slack
    teams: TeamsChannel
    clock: Clock

    async def tick(self, moment: datetime) -> TickReport:
        self.clock.now = moment.astimezone(UTC)
        teams = self.slack.client.app[TEAMS]
        deliverers = {
            "slack": slack_deliverer(self.slack),
            "teams": TeamsDeliverer(teams.adapter, self.teams.store, teams.app_id),
        }
        return await tick(self.teams.store, deliverers, self.clock.now)


@pytest.fixture
async def both(store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory) -> Both:
    clock = Clock(START)
    slack = await start_slack(store, aiohttp_client, aiohttp_server, clock=clock)
    connector = FakeConnector(members={"29:bob": T_BOB, "29:alice": T_ALICE})
    server = await aiohttp_server(connector.app())
    teams = TeamsChannel(slack.client, connector, str(server.make_url("/")), store, clock)
    return Both(slack, teams, clock)


def code_in(text: str) -> str:
    found = CODE.search(text)
    assert found, text
    return found[1]


async def acme_in_slack(both: Both) -> str:
    """Alice runs Acme Group from Slack, with Bob in sales; the code she gets to link Teams."""
    await both.slack.slash("/kam account create Acme Group", user=ALICE)
    await both.slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE)
    await both.slack.slash("/kam team add @bob sales", user=ALICE)
    answer = await both.slack.slash("/kam account link", user=ALICE)
    assert answer["response_type"] == "ephemeral"
    return code_in(slack_seen(answer))


async def acme_linked(both: Both) -> None:
    code = await acme_in_slack(both)
    reply = await both.teams.say(f"kam account link {code}", who=T_ALICE)
    assert "This channel now speaks for **Acme Group** too" in seen(reply)


async def test_a_teams_channel_joins_a_slack_account_with_a_code(both: Both) -> None:
    await acme_linked(both)
    shown = slack_seen(await both.slack.slash("/kam account", user=ALICE))
    assert f"• Slack: `{CHANNEL}` (this channel)\n• Teams: `{T_CHANNEL}`" in shown
    in_teams = seen(await both.teams.say("kam account", who=T_ALICE))
    assert "Acme Group" in in_teams and f"Teams: `{T_CHANNEL}` (this channel)" in in_teams


async def test_only_the_kam_gets_a_code(both: Both) -> None:
    await acme_in_slack(both)
    answer = await both.slack.slash("/kam account link", user=BOB)
    assert "Only the KAM of Acme Group" in slack_seen(answer)
    assert not CODE.search(slack_seen(answer))


async def test_a_code_works_once(both: Both) -> None:
    code = await acme_in_slack(both)
    await both.teams.say(f"kam account link {code}", who=T_ALICE)
    again = await both.teams.say(
        f"kam account link {code}", who=T_ALICE, conversation=OTHER_TEAMS_CHANNEL
    )
    assert "unknown, used or expired, so nothing changed" in seen(again)
    there = await both.teams.say("kam account", conversation=OTHER_TEAMS_CHANNEL)
    assert "isn't bound to a key account" in seen(there)


async def test_a_wrong_code_changes_nothing(both: Both) -> None:
    await acme_in_slack(both)
    refused = await both.teams.say("kam account link ABCDEFGH", who=T_ALICE)
    assert "unknown, used or expired" in seen(refused)
    assert "isn't bound to a key account" in seen(await both.teams.say("kam account"))
    shown = slack_seen(await both.slack.slash("/kam account", user=ALICE))
    assert "Linked channels" not in shown


async def test_a_code_expires_after_ten_minutes(both: Both) -> None:
    code = await acme_in_slack(both)
    both.clock.now = START + timedelta(minutes=10)
    refused = await both.teams.say(f"kam account link {code}", who=T_ALICE)
    assert "unknown, used or expired" in seen(refused)


async def test_a_reminder_arrives_once_in_slack_and_once_in_teams(both: Both) -> None:
    await acme_linked(both)
    await both.tick(MONDAY)
    await both.tick(MONDAY + timedelta(minutes=1))
    in_slack = [post for post in both.slack.fake.posted(CHANNEL) if post.get("metadata")]
    in_teams = both.teams.connector.delivered(T_CHANNEL)[-1:]
    assert len(in_slack) == 1
    assert "Strategic meeting overdue by 3 days" in slack_seen(in_slack[0])
    assert [post.conversation for post in both.teams.connector.posts[-1:]] == [T_CHANNEL]
    assert sum(post.reply_to == "" for post in both.teams.connector.posts) == 1
    assert "Strategic meeting overdue by 3 days" in seen(in_teams[0]).replace("**", "")


async def test_a_linked_teams_user_is_the_same_team_member(both: Both) -> None:
    await acme_linked(both)
    refused = await both.teams.say("kam log-meeting tactical yesterday Went well", who=T_BOB)
    assert "Only the Acme Group account team" in seen(refused)
    code = code_in(slack_seen(await both.slack.slash("/kam link-me", user=BOB)))
    done = await both.teams.say(f"kam link-me {code}", who=T_BOB, conversation="a:bob-personal")
    assert "same person on both platforms" in seen(done)

    logged = await both.teams.say(
        "kam log-meeting tactical yesterday Went well with <at>Bob</at>",
        who=T_BOB,
        entities=[mention(T_BOB)],
    )
    assert "logged by <at>aad-bob</at>" in seen(logged)
    listed = slack_seen(await both.slack.slash("/kam meetings", user=ALICE))
    assert "logged by <@U0BOB>; attendees <@U0BOB>" in listed


async def test_unlink_parts_a_channel_but_never_the_last(both: Both) -> None:
    await acme_linked(both)
    code = code_in(slack_seen(await both.slack.slash("/kam link-me", user=ALICE)))
    await both.teams.say(f"kam link-me {code}", who=T_ALICE, conversation="a:alice-personal")
    parted = await both.teams.say("kam account unlink", who=T_ALICE)
    assert "no longer speaks for **Acme Group**" in seen(parted)
    await both.teams.say("kam account", who=T_ALICE)
    privately = both.teams.connector.delivered("a:alice-personal")[-1]
    assert "isn't bound" in seen(privately)
    kept = await both.slack.slash("/kam account unlink", user=ALICE)
    assert "only channel of *Acme Group*" in slack_seen(kept)


async def test_a_code_is_kept_only_as_a_hash(both: Both) -> None:
    code = await acme_in_slack(both)
    with Session(both.teams.store.engine) as session:
        [row] = session.scalars(select(LinkCode)).all()
    assert code not in repr(vars(row))
    assert row.code_hash == hashlib.sha256(code.encode()).hexdigest()


async def test_a_teams_user_not_linked_is_not_the_kam(both: Both) -> None:
    await acme_linked(both)
    refused = await both.teams.say("kam account unlink", who=T_BOB)
    assert "Only the KAM of Acme Group, <at>U0ALICE</at>, or a workspace admin can" in seen(refused)
    code = code_in(slack_seen(await both.slack.slash("/kam link-me", user=ALICE)))
    await both.teams.say(f"kam link-me {code}", who=T_ALICE, conversation="a:alice-personal")
    await both.teams.say("kam account unlink", who=T_BOB)
    told = both.teams.connector.delivered()[-1]
    assert "Only the KAM of Acme Group, <at>aad-alice</at>, or a workspace admin can" in seen(told)
    shown = slack_seen(await both.slack.slash("/kam account", user=ALICE))
    assert f"Teams: `{T_CHANNEL}`" in shown


async def test_a_teams_channel_that_is_gone_is_unlinked_and_slack_goes_on(both: Both) -> None:
    await acme_linked(both)
    both.teams.connector.fail_next(403)
    report = await both.tick(MONDAY)
    assert report.delivery.paused_accounts == []
    await both.tick(MONDAY + timedelta(minutes=1))
    assert len([post for post in both.slack.fake.posted(CHANNEL) if post.get("metadata")]) == 1
    [told] = both.slack.fake.posted("D" + ALICE)
    assert "I can't post in the Teams channel" in slack_seen(told)
    shown = slack_seen(await both.slack.slash("/kam account", user=ALICE))
    assert "Linked channels" not in shown
