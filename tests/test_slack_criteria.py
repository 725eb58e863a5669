"""Key-account criteria and classification through Slack, and the yearly re-qualification."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.reminder_world import World
from tests.slack_harness import ALICE, BOB, CAROL, OTHER_CHANNEL, Slack, seen

START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


async def acme(slack: Slack) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)


async def test_the_defaults_come_from_the_method(slack: Slack) -> None:
    listed = seen(await slack.slash("/kam criteria", user=CAROL))
    assert "*Current revenue* (`current-revenue`): at least 1M · weight 3" in listed
    assert "*Companies in the group* (`group-companies`): at least 3 · weight 2" in listed
    assert "at least 5 of 10" in listed


async def test_a_kam_changes_a_criterion_and_others_may_not(slack: Slack) -> None:
    await acme(slack)
    refused = seen(await slack.slash("/kam criteria set product-lines threshold 3", user=CAROL))
    assert "Only workspace admins and KAMs" in refused
    bad = seen(await slack.slash("/kam criteria set revenue threshold lots", user=ALICE))
    assert "Say which criterion" in bad
    changed = seen(
        await slack.slash("/kam criteria set current-revenue threshold 2.5M weight 4", user=ALICE)
    )
    assert "set *Current revenue*: at least 2.5M, weight 4." in changed
    listed = seen(await slack.slash("/kam criteria", user=CAROL, channel=OTHER_CHANNEL))
    assert "(`current-revenue`): at least 2.5M · weight 4" in listed


async def test_classify_scores_the_evidence_and_keeps_it(slack: Slack) -> None:
    await acme(slack)
    assert await slack.slash("/kam classify", user=BOB) == {}
    form = await slack.opened_form()
    assert [b["block_id"] for b in form["blocks"]] == [
        "current-revenue",
        "potential-revenue",
        "group-companies",
        "product-lines",
    ]
    evidence = {"current-revenue": "1.2M", "potential-revenue": "3M"}
    answer = await slack.submit(
        form, user=BOB, **evidence, **{"group-companies": "4", "product-lines": "1"}
    )
    assert answer == {}
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert "*Acme Group* scores 5 of 10: recommended as a key account." in seen(posted)
    assert "\u274c 3M (at least 5M)" in seen(posted)
    assert "Classified by <@U0BOB> on 2026-11-27" in seen(posted)

    await slack.slash("/kam classify", user=BOB)
    again = (await slack.fake.wait_for("views.open", 2))[-1]["view"]
    assert again["blocks"][0]["element"]["initial_value"] == "1200000"


async def test_unreadable_evidence_is_refused_at_its_field(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam classify", user=BOB)
    typed = {"current-revenue": "a lot", "potential-revenue": "1,2 mkr", "group-companies": "-2"}
    answer = await slack.submit(await slack.opened_form(), user=BOB, **typed)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["current-revenue"].startswith("`a lot` isn't a whole amount. Use")
    assert set(answer["errors"]) == {"current-revenue", "group-companies", "product-lines"}


async def test_a_year_later_the_channel_is_asked_once_to_classify_again(world: World) -> None:
    await acme(world.slack)
    await world.slack.slash("/kam classify", user=BOB)
    values = {"current-revenue": "2M", "potential-revenue": "9M"}
    more = {"group-companies": "5", "product-lines": "3"}
    await world.slack.submit(await world.slack.opened_form(), user=BOB, **values, **more)
    await world.tick(START + timedelta(days=364))
    assert not any("A year has passed" in seen(m) for m in world.reminders())
    await world.tick(START + timedelta(days=365))
    await world.tick(START + timedelta(days=366))
    asked = [m for m in world.reminders() if "A year has passed" in seen(m)]
    assert len(asked) == 1
    assert "since Acme Group was classified (2026-11-27, score 10)" in seen(asked[0])
