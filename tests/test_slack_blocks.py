"""Rendering neutral replies and forms as Block Kit that Slack accepts, whatever their size."""

from __future__ import annotations

from datetime import date

import pytest

from bot.slack.messages import message
from bot.slack.modals import modal, submitted_values
from bot.slack.text import clip, from_slack, mrkdwn
from handlers.model import (
    Actions,
    Button,
    ChoiceField,
    Context,
    DateField,
    Fields,
    Form,
    Header,
    Option,
    Reply,
    Section,
    TextField,
    UsersField,
)
from tests.block_kit import limit_violations

HUGE = "Agreed <@U0BOB> & more " * 500


def test_an_oversized_reply_is_cut_to_what_slack_accepts() -> None:
    reply = Reply(
        summary=HUGE,
        blocks=(
            Header(HUGE),
            Fields(tuple((f"Label {n}", HUGE) for n in range(15))),
            Actions(tuple(Button(HUGE, "done", HUGE, "primary") for _ in range(30))),
            *(Section(HUGE) for _ in range(60)),
            Context(HUGE),
        ),
    )
    sent = message(reply)
    assert limit_violations(sent) == []
    assert len(sent["blocks"]) == 50
    assert sent["blocks"][-1]["elements"][0]["text"] == "…and 17 more not shown."
    assert sent["blocks"][5]["text"]["text"].endswith("…")


def test_an_oversized_form_is_cut_to_what_slack_accepts() -> None:
    form = Form(
        id="log-meeting",
        title="Log a meeting with a very long title",
        submit="Log this meeting right now please",
        fields=(
            ChoiceField("kind", HUGE, tuple(Option(str(n), HUGE) for n in range(120))),
            TextField("notes", "Notes", multiline=True, max_length=10_000, placeholder=HUGE),
        ),
        state={"channel": "C0ACME"},
    )
    assert limit_violations(modal(form).to_dict()) == []


def test_form_state_slack_cannot_carry_is_refused_not_sent() -> None:
    form = Form(id="f", title="t", submit="s", fields=(), state={"notes": HUGE})
    with pytest.raises(ValueError, match="state"):
        modal(form)


def test_a_form_keeps_its_initial_values() -> None:
    form = Form(
        id="log-meeting",
        title="Log a meeting",
        submit="Log meeting",
        fields=(
            ChoiceField("kind", "Kind", (Option("tactical", "Tactical"),), initial="tactical"),
            DateField("held_on", "Date", initial=date(2026, 11, 20)),
            UsersField("attendees", "Our attendees", initial=("U0BOB",)),
            TextField("notes", "Notes", initial="Draft"),
        ),
    )
    elements = [block["element"] for block in modal(form).to_dict()["blocks"]]
    assert elements[0]["initial_option"]["value"] == "tactical"
    assert elements[1]["initial_date"] == "2026-11-20"
    assert elements[2]["initial_users"] == ["U0BOB"]
    assert elements[3]["initial_value"] == "Draft"


def test_submitted_state_becomes_neutral_values() -> None:
    values = submitted_values(
        {
            "kind": {"kind": {"type": "static_select", "selected_option": {"value": "internal"}}},
            "held_on": {"held_on": {"type": "datepicker", "selected_date": "2026-11-20"}},
            "attendees": {"attendees": {"type": "multi_users_select", "selected_users": ["U1"]}},
            "notes": {"notes": {"type": "plain_text_input", "value": None}},
        }
    )
    assert values == {
        "kind": "internal",
        "held_on": date(2026, 11, 20),
        "attendees": ["U1"],
        "notes": None,
    }


def test_slacks_escaped_text_becomes_neutral_text() -> None:
    typed = "met <@U0BOB|bob> in <#C0ACME|kam-acme> re R&amp;D &lt;draft&gt; <!here> <https://x.io>"
    assert from_slack(typed) == "met <@U0BOB> in #kam-acme re R&D <draft> @here https://x.io"


def test_mrkdwn_keeps_mentions_and_escapes_everything_else() -> None:
    assert mrkdwn("<@U0BOB> & <b>") == "<@U0BOB> &amp; &lt;b&gt;"


def test_clipping_never_splits_a_mention_or_an_entity() -> None:
    assert clip("abc <@U0BOB>", 10) == "abc…"
    assert clip("abc &amp; d", 8) == "abc…"
    assert clip("short", 10) == "short"
