"""An Account Development Workshop through Slack, from start to the chosen opportunities."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.slack.replays import CLICK_WINDOW
from storage.models import Opportunity, WorkshopIdea
from storage.store import Store
from tests.conftest import NOW
from tests.slack_fixtures import assert_within_limits
from tests.slack_harness import (
    ALICE,
    BOB,
    CAROL,
    CHANNEL,
    ClientFactory,
    ServerFactory,
    Slack,
    seen,
    start_slack,
)


class Moment:
    """The app's clock, moved on by the test: clicking a button again counts as a new click
    only once Slack's double-click window has passed."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def moment() -> Moment:
    return Moment()


@pytest.fixture
async def slack(
    store: Store, aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, moment: Moment
) -> AsyncIterator[Slack]:
    workspace = await start_slack(store, aiohttp_client, aiohttp_server, clock=moment)
    yield workspace
    assert_within_limits(workspace)


async def acme(slack: Slack) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)


async def add_idea(slack: Slack, user: str, **answers: str) -> dict[str, Any]:
    """Click nothing: type `/kam workshop idea`, fill the form; the idea as posted."""
    posted = len(slack.fake.delivered("chat.postMessage"))
    opened = len(slack.fake.delivered("views.open"))
    await slack.slash("/kam workshop idea", user=user)
    assert await slack.submit(await new_form(slack, opened), user=user, **answers) == {}
    await slack.fake.wait_for("chat.postMessage", posted + 1)
    return slack.fake.posted(CHANNEL)[-1]


async def new_form(slack: Slack, opened_before: int) -> dict[str, Any]:
    """The modal opened after the `opened_before` ones: clicks and commands open it later."""
    view: dict[str, Any] = (await slack.fake.wait_for("views.open", opened_before + 1))[-1]["view"]
    return view


async def vote(slack: Slack, idea: dict[str, Any], user: str) -> str:
    """Click the idea's vote button as `user`; what the bot told them alone, once it replaced
    the idea's message with its new count."""
    answered = len(slack.fake.delivered("response_url"))
    await slack.click(idea, "Vote", user=user)
    replaced, told = (await slack.fake.wait_for("response_url", answered + 2))[-2:]
    assert replaced["replace_original"] is True and told["replace_original"] is False
    return seen(told)


def idea_now(slack: Slack, idea: dict[str, Any]) -> str:
    """The idea's message as the channel sees it now, its buttons' labels in brackets."""
    now = slack.fake.current(CHANNEL, idea["ts"])
    assert now is not None
    labels = [
        f"[{button['text']['text']}]"
        for block in now["blocks"]
        if block["type"] == "actions"
        for button in block["elements"]
    ]
    return "\n".join([seen(now), *labels])


async def test_a_workshop_from_start_to_chosen_opportunities(
    slack: Slack, store: Store, moment: Moment
) -> None:
    await acme(slack)
    started = await slack.slash("/kam workshop start", user=ALICE)
    assert started["response_type"] == "in_channel"
    assert "opened an *Account Development Workshop* for Acme Group" in seen(started)

    fleet = await add_idea(
        slack, BOB, idea="Fleet rollout", product_line="Leasing", value="400k", contact="Per Ek"
    )
    assert "<@U0BOB> added an idea: *Fleet rollout* — Leasing · about 400K · contact Per Ek" in (
        seen(fleet)
    )
    await slack.click({**started, "ts": "1764237600.000001"}, "Add an idea", user=CAROL)
    await slack.submit(await new_form(slack, 1), user=CAROL, idea="Service desk")
    await slack.fake.wait_for("chat.postMessage", 2)
    service = slack.fake.posted(CHANNEL)[-1]

    await vote(slack, fleet, ALICE)
    assert idea_now(slack, fleet).endswith("contact Per Ek\n1 vote\n[Vote]")
    await vote(slack, fleet, BOB)
    assert idea_now(slack, fleet).endswith("contact Per Ek\n2 votes\n[Vote]")
    assert "You voted for “Fleet rollout” (3 votes)." in await vote(slack, fleet, CAROL)
    assert "You voted for “Service desk” (1 vote)." in await vote(slack, service, CAROL)
    assert "\n1 vote\n" in idea_now(slack, service)
    moment.now += CLICK_WINDOW + timedelta(seconds=1)  # not a double click: a second thought
    took_back = await vote(slack, service, CAROL)
    assert "You took back your vote for “Service desk” (0 votes)." in took_back
    assert idea_now(slack, service) == "<@U0CAROL> added an idea: *Service desk*\n[Vote]"
    assert "3 votes" in idea_now(slack, fleet)
    answers = slack.fake.delivered("response_url")
    told = [answer for answer in answers if not answer["replace_original"]]
    assert len(told) == 5 and all(answer["response_type"] == "ephemeral" for answer in told)

    assert "Only the KAM" in seen(await slack.slash("/kam workshop close", user=BOB))
    closed = await slack.slash("/kam workshop close", user=ALICE)
    lines = seen(closed).splitlines()
    assert lines[1] == "1. *Fleet rollout* — Leasing · about 400K · contact Per Ek · 3 votes"
    assert lines[2] == "2. *Service desk* · 0 votes"

    opened = len(slack.fake.delivered("views.open"))
    fleet_closed = {**closed, "ts": "1764237600.000009"}
    await slack.click(fleet_closed, "Make it an opportunity", user=ALICE)
    form = await new_form(slack, opened)
    decided = date(2027, 3, 31)
    assert await slack.submit(form, user=ALICE, owner=[BOB], decision_on=decided) == {}
    said = (await slack.fake.wait_for("chat.postMessage", 3))[-1]
    assert said["channel"] == CHANNEL
    [(number, value, line)] = _opportunities(store)
    assert (value, line) == (400_000, "Leasing")
    assert (
        f"“Fleet rollout” becomes opportunity #{number} for Acme Group, owned by <@U0BOB>; "
        "it is now in `/kam opps`."
    ) in seen(said)
    assert _chosen(store) == [("Fleet rollout", BOB)]
    listed = seen(await slack.slash("/kam opps", user=BOB))
    assert f"*#{number} Fleet rollout* — Lead, 400K, decision 2027-03-31" in listed
    assert "Next step: Take the workshop idea forward with Per Ek (<@U0BOB>)" in listed

    moment.now += CLICK_WINDOW + timedelta(seconds=1)
    answered = len(slack.fake.delivered("response_url"))
    await slack.click(fleet_closed, "Make it an opportunity", user=ALICE)
    again = seen(await slack.late_answer(answered + 2))
    assert f"“Fleet rollout” is already opportunity #{number}" in again
    ranked = slack.fake.current(CHANNEL, fleet_closed["ts"])  # the list, brought up to date
    assert ranked is not None
    assert f"3 votes · opportunity #{number} owned by <@U0BOB>" in seen(ranked)
    assert [b["elements"][0]["value"] for b in ranked["blocks"] if b["type"] == "actions"] == [
        f"{CHANNEL}|{service_id(store)}"
    ]
    assert len(slack.fake.delivered("views.open")) == opened + 1
    assert await slack.submit(form, user=ALICE, owner=[CAROL]) == {}  # the form, once more
    refused = (await slack.fake.wait_for("chat.postEphemeral", 1))[-1]
    assert f"“Fleet rollout” is already opportunity #{number}" in seen(refused)
    assert len(_opportunities(store)) == 1
    assert _chosen(store) == [("Fleet rollout", BOB)]


async def test_bad_input_and_a_closed_workshop(slack: Slack) -> None:
    await acme(slack)
    assert "No workshop is open" in seen(await slack.slash("/kam workshop idea", user=BOB))
    assert "Only the KAM" in seen(await slack.slash("/kam workshop start", user=BOB))
    assert "I don't know `workshop party`" in seen(await slack.slash("/kam workshop party"))
    await slack.slash("/kam workshop start", user=ALICE)
    assert "already open" in seen(await slack.slash("/kam workshop start", user=ALICE))
    await slack.slash("/kam workshop idea", user=BOB)
    answer = await slack.submit(await new_form(slack, 0), user=BOB, idea="", value="lots")
    assert set(answer["errors"]) == {"idea", "value"}
    idea = await add_idea(slack, BOB, idea="Training")
    await slack.slash("/kam workshop close", user=ALICE)
    await slack.click(idea, "Vote", user=BOB)
    assert "The workshop is closed" in seen(await slack.late_answer(2))
    assert idea_now(slack, idea).endswith("*Training*\nThe workshop is closed; votes are counted.")


def service_id(store: Store) -> int:
    """The id of the idea still waiting to be chosen."""
    query = select(WorkshopIdea.id).where(WorkshopIdea.text == "Service desk")
    with Session(store.engine) as session:
        return int(session.scalars(query).one())


def _chosen(store: Store) -> list[tuple[str, str | None]]:
    """The ideas marked for the opportunity list, with their owners."""
    query = select(WorkshopIdea.text, WorkshopIdea.owner).where(
        WorkshopIdea.opportunity_id.is_not(None)
    )
    with Session(store.engine) as session:
        return [(text, owner) for text, owner in session.execute(query)]


def _opportunities(store: Store) -> list[tuple[int, float | None, str]]:
    query = select(Opportunity.id, Opportunity.value, Opportunity.product_line)
    with Session(store.engine) as session:
        return [(id_, value, line) for id_, value, line in session.execute(query)]
