"""Key persons through Slack: typed in full or in the form, listed, flagged, edited, removed."""

from __future__ import annotations

from dataclasses import replace

from handlers.commands import handle
from handlers.model import Reply, Request, Visibility
from storage.store import Store
from tests.conftest import NOW
from tests.slack_harness import ALICE, BOB, CAROL, CHANNEL, TEAM, Slack, seen

KARIN = '/kam person add "Karin Berg" title CFO role decision-maker strength 2 target 4 owner @bob'


async def acme(slack: Slack) -> None:
    """#kam-acme is Acme Group's channel: Alice is the KAM, Bob is in sales."""
    await slack.slash("/kam account create Acme Group", user=ALICE)
    await slack.slash("/kam team add @bob sales", user=ALICE)


async def test_a_person_typed_in_full_is_announced_and_listed(slack: Slack) -> None:
    await acme(slack)
    added = await slack.slash(KARIN, user=BOB)
    assert added["response_type"] == "in_channel"
    assert "<@U0BOB> added *Karin Berg* as a key person of Acme Group." in seen(added)
    assert "CFO · decision maker · relationship 2 of 5, target 4" in seen(added)

    listed = seen(await slack.slash("/kam people", user=BOB))
    assert "*Karin Berg* · CFO · decision maker" in listed
    assert "Relationship 2 → target 4 · owner <@U0BOB> · last met never" in listed
    assert "Not met within the strategic meeting rhythm" in listed


async def test_missing_details_open_the_form_and_it_saves_the_person(slack: Slack) -> None:
    await acme(slack)
    assert await slack.slash('/kam person add "Per Ek" title CTO', user=BOB) == {}
    form = await slack.opened_form()
    name = next(block for block in form["blocks"] if block["block_id"] == "name")
    assert name["element"]["initial_value"] == "Per Ek"
    answer = await slack.submit(form, user=BOB, role="influencer", strength="3", target="5")
    assert answer == {}
    [posted] = await slack.fake.wait_for("chat.postMessage")
    assert "<@U0BOB> added *Per Ek* as a key person of Acme Group." in seen(posted)
    assert "*Per Ek* · CTO · influencer" in seen(await slack.slash("/kam people"))


async def test_bad_input_says_what_to_type_and_adds_nobody(slack: Slack) -> None:
    await acme(slack)
    answer = seen(
        await slack.slash('/kam person add "Eva" role boss strength 9 target 4', user=BOB)
    )
    assert "The role is one of `decision-maker`" in answer
    assert "`strength` is a number from 1 (weak) to 5 (strong)." in answer
    assert "No key persons for Acme Group yet" in seen(await slack.slash("/kam people"))
    outsider = seen(await slack.slash(KARIN, user=CAROL))
    assert "Only the Acme Group account team can edit the account plan." in outsider


async def test_a_form_with_a_bad_level_is_refused_at_its_field(slack: Slack) -> None:
    await acme(slack)
    await slack.slash("/kam person add", user=BOB)
    answer = await slack.submit(await slack.opened_form(), user=BOB, name="Eva", role="user")
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"strength", "target"}


async def test_edit_opens_the_form_filled_in(slack: Slack) -> None:
    await acme(slack)
    await slack.slash(KARIN, user=BOB)
    await slack.slash("/kam person edit karin berg", user=BOB)
    form = await slack.opened_form()
    values = {b["block_id"]: b["element"] for b in form["blocks"]}
    assert values["title"]["initial_value"] == "CFO"
    assert values["strength"]["initial_option"]["value"] == "2"
    assert values["owner"]["initial_users"] == [BOB]
    await slack.submit(form, user=BOB, strength="3", title="CFO and deputy CEO")
    [edited] = await slack.fake.wait_for("chat.postMessage")
    assert "updated the key person *Karin Berg*" in seen(edited)
    assert "*Karin Berg* · CFO and deputy CEO" in seen(await slack.slash("/kam people"))


async def test_remove_can_be_undone(slack: Slack) -> None:
    await acme(slack)
    await slack.slash(KARIN, user=BOB)
    removed = await slack.slash("/kam person remove Karin Berg", user=BOB)
    assert "removed *Karin Berg*" in seen(removed)
    assert "No key persons" in seen(await slack.slash("/kam people"))
    removal = {**removed, "ts": "1764237600.000001"}
    await slack.click(removal, "Undo", user=BOB)
    told = (await slack.fake.wait_for("response_url", 2))[-1]
    assert "You brought *Karin Berg* back to the key persons of Acme Group." in seen(told)
    back = slack.fake.current(CHANNEL, removal["ts"])
    assert back is not None and [block["type"] for block in back["blocks"]] == ["section"]
    assert "<@U0BOB> brought *Karin Berg* back" in seen(back)
    assert "*Karin Berg* · CFO" in seen(await slack.slash("/kam people"))
    unknown = seen(await slack.slash("/kam person remove Nobody", user=BOB))
    assert "Acme Group has no key person called `Nobody`." in unknown


async def test_a_logged_meeting_naming_a_person_updates_their_last_contact(slack: Slack) -> None:
    await acme(slack)
    await slack.slash(KARIN, user=BOB)
    await slack.slash('/kam person add "Eva" role user strength 3 target 3', user=BOB)
    await slack.slash("/kam log-meeting strategic", user=BOB)
    await slack.submit(
        await slack.opened_form(),
        user=BOB,
        customer_attendees="karin berg (CFO), Evaldsson",
        notes="Budget talk",
    )
    listed = await slack.slash("/kam people")
    texts = [block["text"]["text"] for block in listed["blocks"] if block["type"] == "section"]
    by_name = {text.split("*")[1]: text for text in texts}
    karin, eva = by_name["Karin Berg"], by_name["Eva"]
    assert "last met 2026-11-27" in karin
    assert "Not met within" not in karin
    assert "last met never" in eva


def test_in_a_channel_with_external_members_the_change_is_told_privately(
    store: Store,
) -> None:
    base = Request("slack", TEAM, CHANNEL, ALICE, NOW)
    handle(replace(base, text="account create Acme Group"), store)
    reply = handle(replace(base, external=True, text=KARIN.removeprefix("/kam ")), store)
    assert isinstance(reply, Reply)
    assert reply.visibility is Visibility.ONLY_YOU
