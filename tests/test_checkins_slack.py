"""Check-in rounds in Slack over hand-set days: prompts, answers, nudges and the summary."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import CheckinAnswer, OutboxMessage
from tests.fake_slack import RATE_LIMITED, UNAVAILABLE
from tests.reminder_world import World
from tests.slack_harness import ALICE, BOB, CAROL, CHANNEL, OTHER_CHANNEL, TEAM, seen

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NEW_YORK = ZoneInfo("America/New_York")
START = datetime(2026, 11, 27, 10, 0, tzinfo=STOCKHOLM)
"""A Friday morning; the first biweekly round opens on Monday."""
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=STOCKHOLM)
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=STOCKHOLM)
TUESDAY_EVENING = datetime(2026, 12, 1, 17, 0, tzinfo=STOCKHOLM)
MINUTE = timedelta(minutes=1)


async def acme_team(world: World) -> None:
    """Acme Group in Stockholm: Alice the KAM, Bob in sales, Carol in delivery."""
    await world.slack.slash("/kam account create Acme Group", user=ALICE)
    await world.slack.slash("/kam settings timezone Europe/Stockholm", user=ALICE)
    await world.slack.slash("/kam team add @bob sales", user=ALICE)
    await world.slack.slash("/kam team add @carol delivery", user=ALICE)


async def start_round(world: World, at: datetime = MONDAY) -> None:
    """Alice starts a round at `at`; the prompts go out with the tick."""
    world.at(at)
    await world.slack.slash("/kam checkin", user=ALICE)
    await world.tick(at)


def prompts(world: World, user: str) -> list[dict[str, Any]]:
    return [m for m in world.direct_messages(user) if "check-in" in seen(m).lower()]


def summaries(world: World) -> list[dict[str, Any]]:
    return [m for m in world.reminders(CHANNEL) if seen(m).startswith("Check-in:")]


async def answer(
    world: World, user: str, pulse: str, *texts: str, label: str = ""
) -> dict[str, Any]:
    """Click a pulse in the latest prompt, fill the form that opens and send it."""
    [*_, message] = prompts(world, user)
    opened = len(world.slack.fake.delivered("views.open"))
    await world.slack.click(message, label or pulse, about="", user=user, channel="D" + user)
    view = (await world.slack.fake.wait_for("views.open", opened + 1))[-1]["view"]
    answers = {f"answer_{n}": text for n, text in enumerate(texts)}
    return await world.slack.submit(view, user=user, **answers)


async def said_to(world: World, user: str, count: int) -> str:
    """The latest direct reply to `user` once there are `count` of them."""
    fake = world.slack.fake
    while len(replies := [m for m in fake.posted(user) if not m.get("metadata")]) < count:
        await fake.wait_for("chat.postMessage", len(fake.delivered("chat.postMessage")) + 1)
    assert len(replies) == count, replies
    return seen(replies[-1])


def answer_rows(world: World) -> int:
    with Session(world.store.engine) as session:
        return int(session.scalar(select(func.count()).select_from(CheckinAnswer)) or 0)


async def test_a_full_scheduled_round(world: World) -> None:
    await acme_team(world)
    scheduled = await world.slack.slash("/kam checkin schedule biweekly monday 09:00", user=ALICE)
    assert "every 2 weeks on Monday at 09:00" in seen(scheduled)
    assert "The next round opens 2026-11-30 at 09:00 (Europe/Stockholm)" in seen(scheduled)

    await world.tick(MONDAY - MINUTE)
    assert prompts(world, BOB) == []
    await world.tick(MONDAY)
    await world.tick(MONDAY + MINUTE)
    [prompt] = prompts(world, BOB)
    assert "Check-in for Acme Group." in seen(prompt)
    assert "What happened with the customer since the last check-in?" in seen(prompt)
    assert "Answer by 2026-12-01 17:00 (Europe/Stockholm)" in seen(prompt)
    assert [len(prompts(world, user)) for user in (ALICE, CAROL)] == [1, 1]

    world.at(MONDAY + timedelta(hours=1))
    assert await answer(world, BOB, "🟡 Watch", "Visited their plant", "A risk: budget cut") == {}
    assert "Thanks, your check-in for Acme Group is in." in await said_to(world, BOB, 1)

    [message] = prompts(world, BOB)
    await world.slack.click(message, "Answer or edit", about="edit", user=BOB, channel="D" + BOB)
    form = (await world.slack.fake.wait_for("views.open", 2))[-1]["view"]
    earlier = {b["block_id"]: b["element"].get("initial_value") for b in form["blocks"]}
    assert earlier["answer_0"] == "Visited their plant"
    await world.slack.submit(form, user=BOB, pulse="risk", answer_1="Budget cut: churn risk")
    assert "Your check-in for Acme Group is updated." in await said_to(world, BOB, 2)

    await world.tick(TUESDAY - MINUTE)
    assert [len(prompts(world, user)) for user in (ALICE, BOB, CAROL)] == [1, 1, 1]
    await world.tick(TUESDAY)
    assert [len(prompts(world, user)) for user in (ALICE, BOB, CAROL)] == [2, 1, 2]
    assert "Reminder: the Acme Group check-in closes 2026-12-01 17:00" in seen(
        prompts(world, CAROL)[-1]
    )

    world.at(TUESDAY + timedelta(hours=1))
    await answer(world, ALICE, "🟢 Good", "Quarterly review booked", "")
    await world.tick(TUESDAY_EVENING - MINUTE)
    assert summaries(world) == []
    await world.tick(TUESDAY_EVENING)
    [summary] = summaries(world)
    text = seen(summary)
    assert text.startswith("Check-in: Acme Group, 2026-11-30")
    attention = text.split("*Pulse*")[0]
    assert "🔴 <@U0BOB> sees the customer at risk" in attention
    assert "<@U0BOB>: Budget cut: churn risk" in attention
    assert "🟢 <@U0ALICE> · 🔴 <@U0BOB>" in text or "🔴 <@U0BOB> · 🟢 <@U0ALICE>" in text
    assert "• <@U0ALICE>: Quarterly review booked\n• <@U0BOB>: Visited their plant" in text
    assert "*Did not answer:* <@U0CAROL>" in text
    assert "2 of 3 answered. This is the account's first check-in." in text
    assert answer_rows(world) == 2

    world.at(TUESDAY_EVENING + MINUTE)
    message = prompts(world, CAROL)[-1]
    await world.slack.click(message, "🟢 Good", user=CAROL, channel="D" + CAROL)
    replaced, late = await world.slack.fake.wait_for("response_url", 2)
    assert "This check-in for Acme Group has closed" in seen(late)
    assert replaced["replace_original"] is True
    now = world.slack.fake.current("D" + CAROL, message["ts"])  # the prompt, its buttons gone
    assert now is not None and seen(now) == (
        "This check-in for Acme Group has closed; its summary is in the account's channel."
    )

    listed = await world.slack.slash("/kam checkins", user=BOB)
    assert "*2026-11-30* · 2 of 3 answered · 🔴🟢" in seen(listed)


async def test_everyone_answering_closes_the_round_early(world: World) -> None:
    await acme_team(world)
    await start_round(world)
    for user in (ALICE, BOB, CAROL):
        await answer(world, user, "🟢 Good", "Fine")
    assert "Everyone has answered" in await said_to(world, CAROL, 1)
    await world.tick(MONDAY + timedelta(hours=1))
    [summary] = summaries(world)
    assert "3 of 3 answered." in seen(summary)
    assert "Did not answer" not in seen(summary)


async def test_away_members_are_skipped_and_not_missing(world: World) -> None:
    await acme_team(world)
    said = await world.slack.slash("/kam away until 2026-12-10", user=CAROL)
    assert "You're away until 2026-12-10" in seen(said)
    await start_round(world)
    assert prompts(world, CAROL) == []

    await answer(world, ALICE, "🟢 Good", "Fine")
    await answer(world, BOB, "🟡 Watch", "Quiet month")
    await world.tick(MONDAY + timedelta(hours=2))
    [summary] = summaries(world)
    assert "Away: <@U0CAROL>" in seen(summary)
    assert "Did not answer" not in seen(summary)
    assert "2 of 2 answered." in seen(summary)

    back = await world.slack.slash("/kam away off", user=CAROL)
    assert "Welcome back" in seen(back)
    await start_round(world, MONDAY + timedelta(days=14))
    assert len(prompts(world, CAROL)) == 1


async def test_deadlines_and_nudges_follow_each_persons_time_zone(world: World) -> None:
    world.slack.fake.timezones[BOB] = "America/New_York"
    await acme_team(world)
    await world.slack.slash("/kam checkins", user=BOB)
    await start_round(world)
    assert "Answer by 2026-12-01 17:00 (America/New_York)" in seen(prompts(world, BOB)[0])
    assert "Answer by 2026-12-01 17:00 (Europe/Stockholm)" in seen(prompts(world, ALICE)[0])

    await world.tick(TUESDAY)
    assert [len(prompts(world, user)) for user in (ALICE, BOB)] == [2, 1]
    bob_morning = datetime(2026, 12, 1, 9, 0, tzinfo=NEW_YORK)
    await world.tick(bob_morning)
    assert len(prompts(world, BOB)) == 2

    await world.tick(TUESDAY_EVENING)
    assert summaries(world) == []
    await world.tick(datetime(2026, 12, 1, 17, 0, tzinfo=NEW_YORK))
    assert len(summaries(world)) == 1


async def test_a_deadline_skips_the_weekend(world: World) -> None:
    await acme_team(world)
    friday = datetime(2026, 12, 4, 9, 0, tzinfo=STOCKHOLM)
    await start_round(world, friday)
    assert "Answer by 2026-12-07 17:00" in seen(prompts(world, BOB)[0])


async def test_duplicate_clicks_and_submissions_answer_once(world: World) -> None:
    await acme_team(world)
    await start_round(world)
    [message] = prompts(world, BOB)
    for _ in range(3):
        await world.slack.click(message, "🟢 Good", user=BOB, channel="D" + BOB)
    [opened] = await world.slack.fake.wait_for("views.open")  # a triple click is one click
    view = opened["view"]
    await world.slack.submit(view, user=BOB, answer_0="Fine")
    await world.slack.submit(view, user=BOB, answer_0="Fine")
    assert answer_rows(world) == 1

    world.at(MONDAY + timedelta(days=2))
    await world.tick(MONDAY + timedelta(days=2))
    [summary] = summaries(world)
    assert seen(summary).count("<@U0BOB>: Fine") == 1
    assert "1 of 3 answered." in seen(summary)


async def test_a_member_removed_mid_round_is_not_asked_or_missed(world: World) -> None:
    await acme_team(world)
    await start_round(world)
    await world.slack.slash("/kam team remove @carol", user=ALICE)

    [message] = prompts(world, CAROL)
    await world.slack.click(message, "🟢 Good", user=CAROL, channel="D" + CAROL)
    refused = await world.slack.late_answer()
    assert "Only the Acme Group account team can answer its check-ins" in seen(refused)

    await answer(world, ALICE, "🟢 Good", "Fine")
    await answer(world, BOB, "🟢 Good", "Fine")
    await world.tick(TUESDAY)
    assert len(prompts(world, CAROL)) == 1
    [summary] = summaries(world)
    assert "2 of 2 answered." in seen(summary)
    assert "CAROL" not in seen(summary)


async def test_someone_who_joined_after_the_round_started_waits_for_the_next(
    world: World,
) -> None:
    await acme_team(world)
    await world.slack.slash("/kam team remove @carol", user=ALICE)
    await start_round(world)
    await world.slack.slash("/kam team add @carol delivery", user=ALICE)

    [bobs] = prompts(world, BOB)
    await world.slack.click(bobs, "🟢 Good", user=CAROL, channel="D" + CAROL)
    refused = await world.slack.late_answer()
    assert "You weren't asked in this check-in of Acme Group" in seen(refused)
    assert answer_rows(world) == 0


async def test_a_summary_refused_with_429_then_503_is_posted_once(world: World) -> None:
    await acme_team(world)
    await start_round(world)
    await answer(world, ALICE, "🟢 Good", "Fine")
    await said_to(world, ALICE, 1)
    world.slack.fake.fail_next("chat.postMessage", status=RATE_LIMITED.status, retry_after=2)
    world.slack.fake.fail_next("chat.postMessage", status=UNAVAILABLE.status)
    await world.tick(TUESDAY_EVENING)
    assert summaries(world) == []
    await world.tick(TUESDAY_EVENING + MINUTE)
    assert summaries(world) == []
    for minutes in (5, 10, 30):
        await world.tick(TUESDAY_EVENING + timedelta(minutes=minutes))

    assert len(summaries(world)) == 1
    with Session(world.store.engine) as session:
        summary_row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic == "checkin-summary")
        ).one()
    assert summary_row.state == "sent"
    assert world.slack.fake.tagged()[summary_row.id] == 1


async def a_round_everyone_answers(world: World, at: datetime) -> dict[str, Any]:
    """A round opened at `at` that everyone answers at once: its summary, as posted."""
    await start_round(world, at)
    for user in (ALICE, BOB, CAROL):
        await answer(world, user, "🟢 Good", "Fine")
    await world.tick(at + timedelta(hours=1))
    return summaries(world)[-1]


def permalink(channel: str, ts: str) -> str:
    """The address Slack gives a message: its workspace, channel, and ts without the dot."""
    return f"https://{TEAM.lower()}.slack.com/archives/{channel}/p{ts.replace('.', '')}"


async def test_a_summary_links_back_to_the_previous_rounds_summary(world: World) -> None:
    await acme_team(world)
    first = await a_round_everyone_answers(world, MONDAY)
    assert "This is the account's first check-in." in seen(first)
    await world.slack.slash("/kam away until 2026-12-20", user=CAROL)
    await start_round(world, MONDAY + timedelta(days=14))
    await answer(world, ALICE, "🟡 Watch", "Quiet")
    await world.tick(MONDAY + timedelta(days=14, hours=1))
    assert summaries(world)[-1] is first
    forged = f"<posted:{CHANNEL} 1764237600.000100|our plan>"
    await answer(world, BOB, "🔴 At risk", f"Budget cut, see {forged}")
    await world.tick(MONDAY + timedelta(days=14, hours=2))

    [_, second] = summaries(world)
    assert "<@U0BOB>: Budget cut, see our plan" in seen(second)
    link = f"<{permalink(CHANNEL, first['ts'])}|30 Nov>"
    assert f"2 of 2 answered. Previous check-in: {link}, 3 of 3 answered, pulse 🟢🟢🟢." in (
        seen(second)
    )
    [asked] = world.slack.fake.delivered("chat.getPermalink")
    assert asked == {"channel": CHANNEL, "message_ts": first["ts"]}


async def test_a_swedish_accounts_summary_links_back_in_swedish(world: World) -> None:
    await acme_team(world)
    await world.slack.slash("/kam settings language sv", user=ALICE)
    for weeks in (0, 2):
        await start_round(world, MONDAY + timedelta(weeks=weeks))
        await world.tick(TUESDAY_EVENING + timedelta(weeks=weeks))

    first, second = [m for m in world.reminders(CHANNEL) if "Avstämning: Acme" in seen(m)]
    link = f"<{permalink(CHANNEL, first['ts'])}|30 nov.>"
    said = f"0 av 3 svarade. Förra avstämningen: {link}, 0 av 3 svarade, puls —."
    assert said in seen(second)


@pytest.mark.parametrize("refusal", ["rate limited", "message deleted"])
async def test_a_summary_without_its_link_is_still_posted_once(
    world: World, refusal: str, caplog: pytest.LogCaptureFixture
) -> None:
    await acme_team(world)
    first = await a_round_everyone_answers(world, MONDAY)
    if refusal == "rate limited":
        world.slack.fake.fail_next("chat.getPermalink", status=RATE_LIMITED.status, retry_after=2)
    else:
        world.slack.fake.history[CHANNEL].remove(first)
    with caplog.at_level(logging.WARNING, logger="bot.slack.delivery"):
        second = await a_round_everyone_answers(world, MONDAY + timedelta(days=14))

    assert second is not first
    assert "Previous check-in: 30 Nov, 3 of 3 answered, pulse 🟢🟢🟢." in seen(second)
    assert "slack.com" not in seen(second)
    assert "no permalink for message" in caplog.text
    with Session(world.store.engine) as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic == "checkin-summary")
        ).all()
    assert [row.state for row in rows] == ["sent", "sent"]
    assert world.slack.fake.tagged()[rows[1].id] == 1


async def test_only_the_kam_schedules_starts_and_closes(world: World) -> None:
    await acme_team(world)
    for line in ("/kam checkin", "/kam checkin schedule weekly friday 14:00", "/kam checkin close"):
        said = await world.slack.slash(line, user=BOB)
        assert "Only the KAM of Acme Group, <@U0ALICE>" in seen(said)


async def test_the_kam_confirms_closing_early(world: World) -> None:
    await acme_team(world)
    await start_round(world)
    await answer(world, BOB, "🟡 Watch", "Quiet")
    world.at(MONDAY + timedelta(hours=1))
    asked = await world.slack.slash("/kam checkin close", user=ALICE)
    assert "1 of 3 answered. Not answered yet: <@U0ALICE>, <@U0CAROL>" in seen(asked)
    assert summaries(world) == []

    confirmation = {**asked, "ts": "1764237600.000100"}
    posted = len(world.slack.fake.delivered("chat.postMessage"))
    await world.slack.click(confirmation, "Close and post the summary", user=ALICE)
    said = (await world.slack.fake.wait_for("chat.postMessage", posted + 1))[-1]
    assert "<@U0ALICE> closed the check-in of Acme Group" in said["text"]
    question = world.slack.fake.current(CHANNEL, confirmation["ts"])
    assert question is not None and [block["type"] for block in question["blocks"]] == ["section"]
    assert seen(question) == (
        "You closed the check-in of Acme Group; its summary follows in the channel."
    )
    await world.tick(MONDAY + timedelta(hours=1))
    [summary] = summaries(world)
    assert "1 of 3 answered." in seen(summary)


async def test_an_internal_meeting_starts_from_the_check_in_answers(world: World) -> None:
    await acme_team(world)
    await start_round(world)
    await answer(world, BOB, "🟡 Watch", "Visited their plant", "Need a demo rig")
    world.at(MONDAY + timedelta(hours=2))
    await world.slack.slash("/kam log-meeting internal", user=ALICE)
    form = (await world.slack.fake.wait_for("views.open", 2))[-1]["view"]
    notes = next(b for b in form["blocks"] if b["block_id"] == "notes")
    assert "Check-in answers since the last internal meeting" in notes["element"]["initial_value"]
    assert "<@U0BOB> 🟡: Visited their plant / Need a demo rig" in notes["element"]["initial_value"]


async def test_each_accounts_round_closes_on_its_own_team_and_answers(world: World) -> None:
    """Carol is on both teams and leaves Acme's mid-round: Acme closes without her, Beta waits."""
    await acme_team(world)
    await world.slack.slash("/kam account create Beta", user=ALICE, channel=OTHER_CHANNEL)
    await world.slack.slash("/kam team add @carol delivery", user=ALICE, channel=OTHER_CHANNEL)
    world.at(MONDAY - MINUTE)
    await world.slack.slash("/kam checkin", user=ALICE, channel=OTHER_CHANNEL)
    await world.tick(MONDAY - MINUTE)
    await answer(world, ALICE, "🟢 Good", "Fine")
    await start_round(world)
    await world.slack.slash("/kam team remove @carol", user=ALICE)
    for user in (ALICE, BOB):
        await answer(world, user, "🟢 Good", "Fine")

    await world.tick(MONDAY + timedelta(hours=1))
    assert len(summaries(world)) == 1
    assert [m for m in world.reminders(OTHER_CHANNEL) if "Check-in:" in seen(m)] == []
