"""Opportunities in Slack: added inline or by form, listed, updated, won or lost, refused."""

from __future__ import annotations

from tests.slack_harness import ALICE, BOB, CAROL, Slack, seen


async def acme(slack: Slack) -> None:
    """#kam-acme is Acme Group's channel: Alice is the KAM, Bob is in sales."""
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)


FLEET = (
    '/kam opp add "Fleet rollout" value 400k close 2027-03-31 competitors Foo, Bar '
    'product Trucks next "Send the offer @bob"'
)


async def test_an_opportunity_added_inline_is_announced_and_listed(slack: Slack) -> None:
    await acme(slack)
    added = await slack.slash(FLEET, user=BOB)
    assert added["response_type"] == "in_channel"
    text = seen(added)
    assert "<@U0BOB> added the opportunity *Fleet rollout* (#1)." in text
    assert "*Value*\n400K" in text
    assert "*Decision*\n2027-03-31" in text
    assert "*Competitors*\nFoo, Bar" in text
    assert "*Next step*\nSend the offer <@U0BOB>" in text
    listed = seen(await slack.slash("/kam opps", user=CAROL))
    assert "*#1 Fleet rollout* — Lead, 400K, decision 2027-03-31, updated today" in listed


async def test_a_name_in_curly_quotes_as_slack_types_them_is_one_name(slack: Slack) -> None:
    await acme(slack)
    added = await slack.slash("/kam opp add \u201cFleet rollout\u201d value 400k close 2027-03-31")
    assert "added the opportunity *Fleet rollout* (#1)." in seen(added)


async def test_missing_arguments_open_the_form_with_what_was_typed(slack: Slack) -> None:
    await acme(slack)
    assert await slack.slash('/kam opp add "Service deal" close 2027-01-15') == {}
    form = await slack.opened_form()
    initial = {block["block_id"]: block["element"] for block in form["blocks"]}
    assert initial["name"]["initial_value"] == "Service deal"
    assert initial["decision_on"]["initial_date"] == "2027-01-15"
    refused = await slack.submit(form, value="plenty")
    assert "I can't read the amount `plenty`" in refused["errors"]["value"]
    await slack.submit(form, value="1,2 mkr", stage="proposal")
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert "added the opportunity *Service deal* (#1)" in seen(posted)
    assert "*Stage*\nProposal" in seen(posted)
    assert "*Value*\n1.2M" in seen(posted)
    assert "*Decision*\n2027-01-15" in seen(posted)


async def test_the_update_form_shows_what_changed(slack: Slack) -> None:
    await acme(slack)
    await slack.slash(FLEET)
    assert await slack.slash("/kam opp update fleet") == {}
    form = await slack.opened_form()
    await slack.submit(form, stage="negotiation", value="450k")
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert "updated the opportunity *Fleet rollout* (#1)" in seen(posted)
    assert "Changed: stage Lead → Negotiation; value 400K → 450K" in seen(posted)


async def test_won_and_lost_need_a_reason_and_leave_the_open_list(slack: Slack) -> None:
    await acme(slack)
    await slack.slash(FLEET)
    await slack.slash('/kam opp add "Spare parts" value 50k close 2027-01-31')
    lost = await slack.slash('/kam opp lost "Spare parts" Price too high', user=BOB)
    assert "*Spare parts* (#2) is lost. Recorded by <@U0BOB>." in seen(lost)
    assert "*Reason*\nPrice too high" in seen(lost)
    won = await slack.slash("/kam opp won 1")
    assert "Say which opportunity and why" in seen(won)
    listed = seen(await slack.slash("/kam opps"))
    assert "Fleet rollout" in listed
    assert "Spare parts" not in listed


async def test_bad_opportunity_input_changes_nothing_and_says_what_to_type(slack: Slack) -> None:
    await acme(slack)
    refused = {
        '/kam opp add "Fleet value 400k': "I don't understand `opp add` here",
        '/kam opp add "Fleet" value lots close 2027-03-31': "I can't read the amount `lots`",
        '/kam opp add "Fleet" value 1k close someday': "I can't read the date `someday`",
        '/kam opp add "Fleet" value 1k close 2027-03-31 stage maybe': "`maybe` isn't a stage",
        "/kam opp update 42": "No opportunity `42` at Acme Group",
        "/kam opp juggle": "I don't understand `opp juggle` here",
    }
    for line, advice in refused.items():
        answer = await slack.slash(line)
        assert answer["response_type"] == "ephemeral"
        assert advice in seen(answer), line
    assert "No open opportunities at Acme Group" in seen(await slack.slash("/kam opps"))
    outsider = await slack.slash(FLEET, user=CAROL)
    assert "Only the Acme Group account team can edit the account plan" in seen(outsider)
