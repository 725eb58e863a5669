"""`/kam` typed in Slack, end to end: signed slash commands in, what people see out."""

from __future__ import annotations

from tests.slack_harness import ALICE, BOB, CAROL, CHANNEL, OTHER_CHANNEL, Slack, seen


async def acme(slack: Slack) -> None:
    """#kam-acme is Acme Group's channel: Alice is the KAM, Bob is in sales."""
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)


async def test_a_new_account_is_announced_in_the_channel(slack: Slack) -> None:
    answer = await slack.slash("/kam account create Acme Group", user=ALICE)
    assert answer["response_type"] == "in_channel"
    assert "*Acme Group* is now a key account" in seen(answer)
    assert "<@U0ALICE> is its KAM" in seen(answer)


async def test_the_kam_adds_a_colleague_by_mention(slack: Slack) -> None:
    await slack.slash("/kam account create Acme Group", user=ALICE)
    answer = await slack.slash("/kam team add @bob sales", user=ALICE)
    assert answer["response_type"] == "in_channel"
    assert "<@U0BOB> joined the Acme Group account team as *sales*" in seen(answer)


async def test_an_inline_meeting_is_confirmed_to_the_whole_channel(slack: Slack) -> None:
    await acme(slack)
    answer = await slack.slash(
        "/kam log-meeting operational yesterday Reviewed the delivery KPIs with @alice", user=BOB
    )
    assert answer["response_type"] == "in_channel"
    text = seen(answer)
    assert "*Operational meeting* with Acme Group on 2026-11-26, logged by <@U0BOB>." in text
    assert "*Our attendees*\n<@U0ALICE>" in text
    assert "Reviewed the delivery KPIs with <@U0ALICE>" in text
    assert "due 2026-12-26 (in 29 days)" in text


async def test_meetings_lists_what_was_logged_to_the_caller_only(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam log-meeting operational yesterday Reviewed KPIs with @alice", user=BOB)
    await slack.slash("/kam log-meeting strategic 2026-11-20 Agreed the framework", user=ALICE)
    answer = await slack.slash("/kam meetings", user=BOB)
    assert answer["response_type"] == "ephemeral"
    listed = seen(answer)
    assert listed.index("2026-11-26 · Operational") < listed.index("2026-11-20 · Strategic")
    assert "logged by <@U0BOB>; attendees <@U0ALICE>\nReviewed KPIs with <@U0ALICE>" in listed
    assert "logged by <@U0ALICE>" in listed
    assert "Agreed the framework" in listed


async def test_someone_outside_the_team_is_told_whom_to_ask(slack: Slack) -> None:
    await acme(slack)
    answer = await slack.slash("/kam log-meeting tactical today Coffee with the CIO", user=CAROL)
    assert answer["response_type"] == "ephemeral"
    assert "Ask the KAM, <@U0ALICE>, to add you" in seen(answer)
    assert "No meetings logged" in seen(await slack.slash("/kam meetings", user=ALICE))


async def test_an_unknown_command_shows_the_help_to_the_caller(slack: Slack) -> None:
    answer = await slack.slash("/kam dance", user=CAROL)
    assert answer["response_type"] == "ephemeral"
    assert "I don't know the command `dance`" in seen(answer)
    assert "`/kam help`" in seen(answer)


async def test_a_channel_without_an_account_says_how_to_create_one(slack: Slack) -> None:
    answer = await slack.slash("/kam meetings", user=ALICE, channel=OTHER_CHANNEL)
    assert answer["response_type"] == "ephemeral"
    assert "`/kam account create &lt;customer name&gt;`" in seen(answer)


async def test_typed_angle_brackets_and_ampersands_come_back_as_typed(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam log-meeting internal today R&D plan <draft> with @bob", user=ALICE)
    answer = await slack.slash("/kam meetings internal", user=ALICE)
    assert "R&amp;D plan &lt;draft&gt; with <@U0BOB>" in seen(answer)


async def test_a_meeting_logged_by_mistake_is_undone_from_its_confirmation(slack: Slack) -> None:
    await acme(slack)
    answer = await slack.slash("/kam log-meeting tactical yesterday Wrong account", user=BOB)
    confirmation = {**answer, "ts": "1764237600.000100"}

    await slack.click(confirmation, "Undo", user=CAROL)
    refused = await slack.fake.wait_for("response_url", 1)
    assert "Only <@U0BOB>, who added it, the KAM of Acme Group, <@U0ALICE>" in str(refused[-1])

    await slack.click(confirmation, "Undo", user=BOB)
    replaced, told = (await slack.fake.wait_for("response_url", 3))[1:]
    assert replaced["replace_original"] is True
    now = slack.fake.current(CHANNEL, confirmation["ts"])
    assert now is not None and [block["type"] for block in now["blocks"]] == ["section"]
    assert seen(now) == (
        "<@U0BOB> removed the tactical meeting of 2026-11-26 from Acme Group on 2026-11-27. "
        "Log it again with `/kam log-meeting` if something was wrong in it."
    )
    assert told["response_type"] == "ephemeral" and told["replace_original"] is False
    assert "You removed the tactical meeting of 2026-11-26 from Acme Group." in seen(told)
    assert slack.fake.delivered("chat.postMessage") == []
    assert "No meetings logged" in seen(await slack.slash("/kam meetings", user=ALICE))
