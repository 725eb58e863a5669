"""The account plan through the real Slack endpoint: the revision walk in modals, agreement
expiry reminders, and confidentiality in a channel shared with another organisation."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.plan_sections import SECTIONS
from scheduler.agreements import TOPIC as AGREEMENT
from storage.models import OutboxMessage
from tests.reminder_world import World
from tests.slack_harness import ALICE, BOB, CAROL, CHANNEL, seen

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2026, 11, 27, 10, 0, tzinfo=STOCKHOLM)
"""A Friday morning."""


async def acme(world: World) -> None:
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    await world.slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE)
    await world.slack.slash("/kam team add @bob sales", user=ALICE)


async def fill(world: World, section: str, **answers: str) -> None:
    saved = len(world.slack.fake.delivered("chat.postEphemeral"))
    await world.slack.slash(f"/kam plan edit {section}", user=ALICE)
    assert await world.slack.submit(await world.slack.opened_form(), **answers) == {}
    await world.slack.fake.wait_for("chat.postEphemeral", saved + 1)  # the "Saved" note


async def test_the_revision_walks_the_sections_in_one_modal(world: World) -> None:
    await acme(world)
    await world.slack.slash("/kam plan revise", user=BOB)
    view = await world.slack.opened_form()
    for section in SECTIONS[:-1]:
        assert view["blocks"][0]["block_id"] == section.fields[0].key
        answers = {"goal": "Sole IT partner"} if section.key == "goal" else {}
        ack = await world.slack.submit(view, user=BOB, **answers)
        assert ack["response_action"] == "update"
        view = ack["view"]
    assert view["submit"]["text"] == "Record revision"
    assert await world.slack.submit(view, user=BOB, note="Before the budget") == {}
    [posted] = await world.slack.fake.wait_for("chat.postMessage")
    assert posted["channel"] == CHANNEL
    assert "recorded revision 1 of the Acme Group account plan: Before the budget" in seen(posted)
    assert "Our overall goal added" in seen(posted)


def agreement_reminders(world: World) -> list[str]:
    return [seen(m) for m in world.reminders() if "Framework agreement" in seen(m)]


async def test_an_agreement_is_reminded_90_and_30_days_before_it_ends(world: World) -> None:
    await acme(world)
    await fill(world, "agreements", agreements="IT services | 2027-02-26")
    await world.tick(START)
    assert agreement_reminders(world) == []  # 91 days to go

    await world.tick(datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM))  # the first working day
    await world.tick(datetime(2026, 11, 30, 9, 1, tzinfo=STOCKHOLM))
    [first] = agreement_reminders(world)
    assert "Framework agreement IT services ends 2027-02-26* (in 88 days) for Acme Group" in first
    assert "`/kam plan edit agreements`" in first
    [message] = [m for m in world.reminders() if "Framework agreement" in seen(m)]
    await world.slack.click(message, "Edit agreements", user=BOB)
    opened = (await world.slack.fake.wait_for("views.open", 2))[-1]["view"]
    assert opened["blocks"][0]["element"]["initial_value"] == "IT services | 2027-02-26"

    await world.tick(datetime(2027, 1, 27, 9, 0, tzinfo=STOCKHOLM))
    await world.tick(datetime(2027, 1, 28, 9, 0, tzinfo=STOCKHOLM))
    assert len(agreement_reminders(world)) == 2
    assert "(in 30 days)" in agreement_reminders(world)[1]


async def test_an_agreement_removed_after_its_reminder_was_queued_is_not_reminded(
    world: World,
) -> None:
    await acme(world)
    await fill(world, "agreements", agreements="IT services | 2027-02-26")
    world.slack.fake.fail_next("chat.postMessage", status=429, retry_after=600)
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM)
    await world.tick(monday)
    world.at(monday + timedelta(minutes=1))
    await fill(world, "agreements", agreements="")

    for minutes in (2, 11, 30):
        await world.tick(monday + timedelta(minutes=minutes))
    assert agreement_reminders(world) == []
    with Session(world.store.engine) as session:
        states = session.scalars(select(OutboxMessage.state).filter_by(topic=AGREEMENT)).all()
    assert states in (["sent"], ["cancelled"])  # done: with the meeting reminders, or alone


async def test_a_shared_channel_never_sees_the_budget(world: World) -> None:
    world.slack.fake.shared.add(CHANNEL)
    await acme(world)
    await fill(world, "budget", lines="Support | 1.2M")
    await fill(world, "goal", goal="Sole IT partner")
    answer = await world.slack.slash("/kam plan revised Yearly", user=ALICE)
    assert answer["response_type"] == "ephemeral"
    assert "Budget and sales plan" in seen(answer)
    await world.tick(START)
    [told] = [m for m in world.slack.fake.posted(CHANNEL) if "revision 1" in seen(m)]
    assert "Our overall goal added" in seen(told)
    assert "Budget" not in seen(told)
    exported = await world.slack.slash("/kam export", user=ALICE)
    assert exported["response_type"] == "ephemeral"
    assert world.slack.fake.attempts("conversations.info") == 1  # cached for the channel


async def test_an_internal_channel_hears_the_whole_summary(world: World) -> None:
    await acme(world)
    await fill(world, "budget", lines="Support | 1.2M")
    answer = await world.slack.slash("/kam plan revised Yearly", user=ALICE)
    assert answer["response_type"] == "in_channel"
    assert "Budget and sales plan" in seen(answer)


async def test_only_a_workspace_admin_moves_the_budget_month(world: World) -> None:
    await acme(world)
    refused = seen(await world.slack.slash("/kam settings budget-month october", user=ALICE))
    assert refused.startswith("Only a workspace admin can change the budget month")
    assert "next due 2027-04-01" not in seen(await world.slack.slash("/kam cadence", user=ALICE))
    world.slack.fake.admins.add(CAROL)
    changed = seen(await world.slack.slash("/kam settings budget-month october", user=CAROL))
    assert "budget month is now October" in changed
    assert "next due 2027-04-01" in seen(await world.slack.slash("/kam cadence", user=ALICE))
