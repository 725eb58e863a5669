"""A form submitted twice adds one row: a Slack modal sent again on a slow network, a Teams card
left on screen and submitted again. Both submissions are told it was saved; the channel once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import AddedByForm, Classification, KeyPerson, Opportunity, WorkshopIdea
from storage.store import Store
from tests.slack_harness import ALICE, BOB, CHANNEL, Slack, seen
from tests.teams_harness import BOB as TEAMS_BOB
from tests.teams_harness import TeamsChannel, mention
from tests.teams_harness import seen as seen_card


@dataclass(frozen=True)
class Adding:
    """A form that adds a row: the command opening it, what is filled in, what confirms it."""

    command: str
    answers: dict[str, Any]
    saved: str
    model: type[AddedByForm]


FORMS = {
    "opportunity": Adding(
        "opp add",
        {"name": "Fleet rollout", "value": "400k"},
        "added the opportunity *Fleet rollout* (#1).",
        Opportunity,
    ),
    "key person": Adding(
        "person add",
        {"name": "Karin Berg", "role": "decision-maker", "strength": "2", "target": "4"},
        "added *Karin Berg* as a key person of Acme Group.",
        KeyPerson,
    ),
    "workshop idea": Adding(
        "workshop idea", {"idea": "Fleet rollout"}, "added an idea: *Fleet rollout*", WorkshopIdea
    ),
    "classification": Adding(
        "classify",
        {
            "current-revenue": "1.2M",
            "potential-revenue": "3M",
            "group-companies": "2",
            "product-lines": "1",
        },
        "*Acme Group* scores 3 of 10",
        Classification,
    ),
}


def rows(store: Store, model: type[AddedByForm]) -> int:
    with Session(store.engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


async def opened(slack: Slack, adding: Adding) -> dict[str, Any]:
    """Acme Group with Bob on its team and a workshop open; the form Bob opened."""
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)
    await slack.slash("/kam workshop start", user=ALICE)
    await slack.slash(f"/kam {adding.command}", user=BOB)
    return await slack.opened_form()


@pytest.mark.parametrize("adding", FORMS.values(), ids=list(FORMS))
async def test_a_slack_modal_submitted_twice_adds_once(
    slack: Slack, store: Store, adding: Adding
) -> None:
    form = await opened(slack, adding)
    before = len(slack.fake.delivered("chat.postMessage"))
    assert await slack.submit(form, user=BOB, **adding.answers) == {}
    assert await slack.submit(form, user=BOB, **adding.answers) == {}
    [repeat] = await slack.fake.wait_for("chat.postEphemeral")
    posted = (await slack.fake.wait_for("chat.postMessage", before + 1))[before:]
    assert [message["channel"] for message in posted] == [CHANNEL]
    assert adding.saved in seen(posted[0])
    assert repeat["user"] == BOB and adding.saved in seen(repeat)
    assert rows(store, adding.model) == 1


@pytest.mark.parametrize("adding", FORMS.values(), ids=list(FORMS))
async def test_a_teams_card_submitted_twice_adds_once(
    teams: TeamsChannel, store: Store, adding: Adding
) -> None:
    await teams.say("kam account create Acme Group")
    await teams.say("kam team add <at>Bob</at> sales", entities=[mention(TEAMS_BOB)])
    await teams.say("kam workshop start")
    card = await teams.say(f"kam {adding.command}", who=TEAMS_BOB)
    first = await teams.submit(card, who=TEAMS_BOB, **adding.answers)
    second = await teams.submit(card, who=TEAMS_BOB, **adding.answers)
    for answer in (first, second):
        assert adding.saved.replace("*", "**") in seen_card(answer)
    assert rows(store, adding.model) == 1


async def test_a_new_form_adds_another(slack: Slack, store: Store) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    for name in ("Fleet rollout", "Service deal"):
        await slack.slash("/kam opp add", user=ALICE)
        await slack.submit(await slack.opened_form(), user=ALICE, name=name)
    assert rows(store, Opportunity) == 2


@pytest.mark.parametrize("adding", FORMS.values(), ids=list(FORMS))
async def test_two_submissions_at_the_same_moment_add_once(
    slack: Slack, store: Store, adding: Adding
) -> None:
    form = await opened(slack, adding)
    answers = [slack.submit(form, user=BOB, **adding.answers) for _twice in range(2)]
    assert await asyncio.gather(*answers) == [{}, {}]
    [repeat] = await slack.fake.wait_for("chat.postEphemeral")
    assert adding.saved in seen(repeat)
    assert rows(store, adding.model) == 1
