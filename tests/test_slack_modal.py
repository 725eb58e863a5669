"""`/kam log-meeting` through a Slack modal: opened from the trigger, checked, confirmed once."""

from __future__ import annotations

from datetime import date

from tests.slack_harness import ALICE, BOB, CHANNEL, Slack, seen


async def acme(slack: Slack) -> None:
    """#kam-acme is Acme Group's channel: Alice is the KAM, Bob is in sales."""
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)


async def test_log_meeting_alone_opens_the_form_from_the_trigger(slack: Slack) -> None:
    await acme(slack)
    assert await slack.slash("/kam log-meeting", user=BOB) == {}
    opened = (await slack.fake.wait_for("views.open"))[-1]  # it follows the ack
    form = opened["view"]
    assert opened["trigger_id"].startswith("trigger-")
    assert (form["title"]["text"], form["submit"]["text"]) == ("Log a meeting", "Log meeting")
    assert [(b["block_id"], b["element"]["type"], b["optional"]) for b in form["blocks"]] == [
        ("kind", "static_select", False),
        ("held_on", "datepicker", False),
        ("attendees", "multi_users_select", True),
        ("customer_attendees", "plain_text_input", True),
        ("notes", "plain_text_input", True),
        ("decisions", "plain_text_input", True),
        ("action_items", "plain_text_input", True),
    ]
    assert form["blocks"][1]["element"]["initial_date"] == "2026-11-27"
    assert form["blocks"][2]["element"]["initial_users"] == [BOB]


async def test_a_kind_alone_presets_it_in_the_form(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam log-meeting tactical", user=BOB)
    kind = (await slack.opened_form())["blocks"][0]["element"]["initial_option"]
    assert kind["value"] == "tactical"


async def test_an_empty_meeting_in_the_future_is_refused_at_its_fields(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam log-meeting", user=BOB)
    form = await slack.opened_form()
    answer = await slack.submit(form, user=BOB, kind="strategic", held_on=date(2099, 1, 1))
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"held_on", "notes"}
    assert "in the future" in answer["errors"]["held_on"]
    assert "No meetings logged" in seen(await slack.slash("/kam meetings", user=BOB))


async def test_a_submitted_meeting_is_confirmed_in_the_channel(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam log-meeting", user=BOB)
    form = await slack.opened_form()
    answer = await slack.submit(
        form, user=BOB, kind="tactical", attendees=[BOB, ALICE], notes="Quarterly review"
    )
    assert answer == {}
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert posted["channel"] == CHANNEL
    assert "*Tactical meeting* with Acme Group on 2026-11-27, logged by <@U0BOB>." in seen(posted)
    assert "<@U0BOB>, <@U0ALICE>" in seen(posted)
    assert "due 2027-02-27 (in 92 days)" in seen(posted)
    assert "2026-11-27 · Tactical" in seen(await slack.slash("/kam meetings", user=BOB))


async def test_the_same_submission_twice_logs_one_meeting(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam log-meeting internal", user=BOB)
    form = await slack.opened_form()
    await slack.submit(form, user=BOB, notes="Planned the QBR")
    await slack.submit(form, user=BOB, notes="Planned the QBR")
    [repeat] = await slack.fake.wait_for("chat.postEphemeral")
    assert repeat["user"] == BOB
    assert "already logged" in seen(repeat)
    assert len(slack.fake.delivered("chat.postMessage")) == 1
    listed = seen(await slack.slash("/kam meetings", user=BOB))
    assert "The latest meeting for Acme Group" in listed


async def test_a_confirmation_that_hits_a_rate_limit_arrives_once(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam log-meeting operational", user=BOB)
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    await slack.submit(await slack.opened_form(), user=BOB, notes="Weekly delivery sync")
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert "*Operational meeting*" in seen(posted)
    assert slack.fake.attempts("chat.postMessage") == 2


async def test_a_confirmation_that_hits_a_slack_outage_arrives_once(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam log-meeting operational", user=BOB)
    slack.fake.fail_next("chat.postMessage", status=503)
    await slack.submit(await slack.opened_form(), user=BOB, notes="Weekly delivery sync")
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert "*Operational meeting*" in seen(posted)
    assert slack.fake.attempts("chat.postMessage") == 2


async def test_an_expired_trigger_tells_the_caller_to_try_again(slack: Slack) -> None:
    await acme(slack)
    slack.fake.fail_next("views.open", error="expired_trigger_id")
    await slack.slash("/kam log-meeting", user=BOB)
    answer = await slack.late_answer()
    assert answer["response_type"] == "ephemeral"
    assert "Please run `/kam log-meeting` again." in seen(answer)
