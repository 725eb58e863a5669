"""The App Home: opening the tab publishes the person's accounts and what is due for them."""

from __future__ import annotations

from tests.slack_harness import ALICE, BOB, CAROL, OTHER_CHANNEL, Slack, seen


async def test_the_home_lists_each_account_with_what_is_due(slack: Slack) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)
    await slack.slash("/kam account create Bolt AB", user=CAROL, channel=OTHER_CHANNEL)
    await slack.slash("/kam log-meeting", user=BOB)
    await slack.submit(
        await slack.opened_form(),
        user=BOB,
        kind="tactical",
        notes="QBR",
        action_items="<@U0BOB> Send the offer by 2026-12-15\n@alice Book the visit",
    )

    view = await slack.open_home(BOB)
    assert view["type"] == "home"
    home = seen(view)
    assert "Your key accounts" in home
    assert "*Acme Group* · KAM <@U0ALICE>" in home
    assert "Bolt AB" not in home
    assert "Tactical: on track" in home
    assert "Strategic: due today" in home
    assert "*Next due* · Internal 2026-11-27 (today); Operational 2026-11-27 (today)" in home
    assert "*Plan revision* · due" in home
    assert "*Open action items* · 2 (1 yours)" in home
    assert "• <@U0BOB> Send the offer (due 2026-12-15)" in home

    assert "*Acme Group* · you are the KAM" in seen(await slack.open_home(ALICE))


async def test_someone_on_no_team_is_told_how_to_start(slack: Slack) -> None:
    home = seen(await slack.open_home(CAROL))
    assert "You aren't on any key account team yet." in home
