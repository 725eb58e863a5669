"""Every card the bot sends Teams is a valid Adaptive Card, and a submitted card reads back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from bot.teams.cards import Submitted, form_attachment, markdown, read_submit, reply_attachment
from handlers.commands import handle
from handlers.model import FieldErrors, Form, Outcome, Reply, Request, Section
from scheduler import delivery
from storage.outbox import Claimed
from storage.store import Store
from tests.conftest import NOW
from tests.conversation import ACME, ask, said

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCHEMA = SHARED / "conformance" / "adaptive-cards" / "adaptive-card-1.5.0.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


@pytest.fixture(scope="module")
def validator() -> Validator:
    schema = json.loads(SCHEMA.read_text())
    checker: Validator = validator_for(schema)(schema)
    return checker


def card(outcome: Outcome, form: Form | None = None) -> dict[str, Any]:
    """The attachment Teams would get for an outcome (errors on the form they belong to)."""
    if isinstance(outcome, Reply):
        attachment = reply_attachment(outcome)
    elif isinstance(outcome, Form):
        attachment = form_attachment(outcome)
    else:
        assert form is not None
        attachment = form_attachment(form, outcome.errors)
    assert attachment["contentType"] == CONTENT_TYPE
    content: dict[str, Any] = attachment["content"]
    return content


def assert_valid(validator: Validator, content: dict[str, Any]) -> None:
    """Valid against the published 1.5 schema, once the Teams-only parts are set aside: the
    card's `msteams` and the people picker's `choices.data`."""
    validator.validate(_without_teams_parts(content))


def _without_teams_parts(part: Any) -> Any:
    if isinstance(part, list):
        return [_without_teams_parts(item) for item in part]
    if isinstance(part, dict):
        teams_only = ("msteams", "choices.data")
        return {k: _without_teams_parts(v) for k, v in part.items() if k not in teams_only}
    return part


def texts(content: dict[str, Any]) -> list[str]:
    return [element["text"] for element in content["body"] if element["type"] == "TextBlock"]


def actions(content: dict[str, Any]) -> list[dict[str, Any]]:
    sets = [element["actions"] for element in content["body"] if element["type"] == "ActionSet"]
    return [action for found in sets for action in found] + content.get("actions", [])


def log_meeting_form(store: Store) -> Form:
    form = ask(store, "log-meeting")
    assert isinstance(form, Form)
    return form


def teams_submit(store: Store, value: dict[str, Any]) -> Outcome:
    """Press a card's Action.Submit in Teams: the activity's value goes back through the core."""
    sent = read_submit(value)
    request = Request(
        "test",
        "T1",
        ACME,
        "kam",
        NOW,
        form_id=sent.form_id,
        values=sent.values,
        state=sent.state,
        action=sent.action,
        action_value=sent.action_value,
    )
    return handle(request, store)


@pytest.fixture
def acme(sqlite_store: Store) -> Store:
    said(ask(sqlite_store, "account create Acme Group"))
    said(ask(sqlite_store, "team add <@alice> sales"))
    return sqlite_store


def test_the_schema_refuses_a_broken_card(validator: Validator) -> None:
    broken = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock"}]}
    broken["body"][0]["colour"] = "red"
    with pytest.raises(ValidationError):
        assert_valid(validator, broken)


def test_every_command_reply_is_a_valid_card(validator: Validator, acme: Store) -> None:
    for typed in (
        "help",
        "account",
        "team",
        "cadence",
        "cadence set tactical every 2 months",
        "log-meeting tactical 2026-11-20 Reviewed *delivery* KPIs with <@alice>",
        "meetings",
        "no-such-command",
        "cadence set tactical every banana",
    ):
        assert_valid(validator, card(ask(acme, typed)))


def test_a_first_account_and_an_error_elsewhere_are_valid_cards(
    validator: Validator, sqlite_store: Store
) -> None:
    created = card(ask(sqlite_store, "account create Acme Group"))
    refused = card(ask(sqlite_store, "meetings", channel="C-elsewhere"))
    assert_valid(validator, created)
    assert_valid(validator, refused)
    assert "Acme Group" in " ".join(texts(created))


def test_the_meeting_form_and_its_errors_are_valid_cards(validator: Validator, acme: Store) -> None:
    form = log_meeting_form(acme)
    refused = teams_submit(acme, {**actions(card(form))[0]["data"], "held_on": "2030-01-01"})
    assert isinstance(refused, FieldErrors)
    content = card(refused, form)
    assert_valid(validator, card(form))
    assert_valid(validator, content)
    ids = [element.get("id", element.get("color")) for element in content["body"][1:]]
    assert ids[ids.index("held_on") + 1] == "Attention"
    assert ids[ids.index("notes") + 1] == "Attention"


def test_a_refused_form_shows_again_what_was_entered(validator: Validator, acme: Store) -> None:
    form = log_meeting_form(acme)
    entered = {
        "kind": "tactical",
        "held_on": "2030-01-01",
        "attendees": "aad-alice,aad-bob",
        "decisions": "Go",
    }
    sent = read_submit({**actions(card(form))[0]["data"], **entered})
    content = form_attachment(form, {"held_on": "In the future"}, sent.values)["content"]
    assert_valid(validator, content)
    shown = {element["id"]: element.get("value") for element in content["body"] if "id" in element}
    assert shown == {**entered, "customer_attendees": "", "notes": "", "action_items": ""}


def test_a_reminder_is_a_valid_card(validator: Validator, acme: Store) -> None:
    account = acme.account_for_channel(acme.workspace_id("test", "T1", NOW), ACME)
    assert account is not None
    due = [("strategic", date(2026, 11, 1)), ("internal", NOW.date()), ("plan", date(2027, 3, 1))]
    rows = [
        Claimed(1, "test", "T1", account.id, ACME, False, "reminder", subject, day, 4, "", 1, False)
        for subject, day in due
    ]
    notice = Claimed(
        2, "test", "T1", None, ACME, False, "notice", "", None, 0, "*Paused*", 1, False
    )
    content = card(delivery.render(acme, [*rows, notice], NOW))
    assert_valid(validator, content)
    assert actions(content)


def test_mentions_become_teams_mentions(acme: Store) -> None:
    content = card(ask(acme, "log-meeting tactical 2026-11-20 Reviewed KPIs with <@alice>"))
    shown = json.dumps(content["body"])
    assert "<@alice>" not in shown
    assert "<at>alice</at>" in shown
    mention = {
        "type": "mention",
        "text": "<at>alice</at>",
        "mentioned": {"id": "alice", "name": "alice"},
    }
    assert mention in content["msteams"]["entities"]


def test_markup_becomes_teams_markdown() -> None:
    typed = "*Acme* met `*as is*` <@U1>, 2 * 3"
    assert markdown(typed) == "**Acme** met `*as is*` <at>U1</at>, 2 * 3"


def test_a_submitted_form_logs_the_meeting(acme: Store) -> None:
    data = actions(card(log_meeting_form(acme)))[0]["data"]
    typed = {"kind": "tactical", "held_on": "2026-11-20", "attendees": "@kam <at>alice</at>"}
    logged = teams_submit(acme, {**data, **typed, "notes": "Reviewed KPIs"})
    assert "Reviewed KPIs" in said(logged)
    assert "tactical" in said(ask(acme, "meetings")).lower()


def test_a_button_pressed_in_teams_runs_its_action(acme: Store) -> None:
    confirmation = card(ask(acme, "log-meeting tactical 2026-11-20 Reviewed KPIs"))
    [undo] = [action for action in actions(confirmation) if action["title"] == "Undo"]
    teams_submit(acme, undo["data"])
    assert "No meetings logged" in said(ask(acme, "meetings"))


def test_form_values_read_back_as_neutral_values() -> None:
    sent = read_submit(
        {
            "kam_form": "log-meeting",
            "kam_state": {"channel": "C1"},
            "kam_kinds": {"held_on": "date", "attendees": "users"},
            "kind": "internal",
            "held_on": "2026-11-20",
            "attendees": "@a, @b <at>Bo Ek</at> @a",
            "notes": "",
        }
    )
    values = {"kind": "internal", "held_on": date(2026, 11, 20), "attendees": ["a", "b", "Bo Ek"]}
    assert sent == Submitted("log-meeting", {**values, "notes": None}, {"channel": "C1"})


@pytest.mark.parametrize("garbage", [None, "text", [1, 2], {"kam_form": 3, "kam_state": "x"}])
def test_garbage_reads_back_empty(garbage: object) -> None:
    assert read_submit(garbage) == Submitted()


def test_malformed_fields_read_back_empty() -> None:
    sent = read_submit(
        {
            "kam_kinds": {"held_on": "date", "attendees": "users"},
            "kam_state": {"channel": "C1", "bad": 3},
            "held_on": "2026-13-45",
            "attendees": 5,
            "notes": {"nested": 1},
        }
    )
    assert sent == Submitted(
        "", {"held_on": None, "attendees": [], "notes": None}, {"channel": "C1"}
    )


def test_initial_values_are_shown(acme: Store) -> None:
    form = log_meeting_form(acme)
    inputs = {element["id"]: element for element in card(form)["body"] if "id" in element}
    assert inputs["attendees"]["value"] == "kam"
    assert inputs["attendees"]["isMultiSelect"] is True
    assert inputs["kind"]["style"] == "compact"
    assert inputs["held_on"] == {
        "type": "Input.Date",
        "id": "held_on",
        "label": "Date",
        "isRequired": True,
        "value": "2026-11-27",
    }


def test_people_are_picked_from_the_directory_and_read_back_as_ids(acme: Store) -> None:
    inputs = {e["id"]: e for e in card(log_meeting_form(acme))["body"] if "id" in e}
    picker = inputs["attendees"]
    assert picker["type"] == "Input.ChoiceSet"
    assert picker["choices.data"] == {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}
    data = actions(card(log_meeting_form(acme)))[0]["data"]
    picked = read_submit({**data, "attendees": "aad-alice,aad-bob"})
    assert picked.values["attendees"] == ["aad-alice", "aad-bob"]


def test_a_shortened_card_is_still_valid(validator: Validator) -> None:
    lines = "\n".join(f"• <@person-{n}> — note {'x' * 80}" for n in range(600))
    content = card(Reply(summary="Long", blocks=(Section("*Team*"), Section(lines))))
    assert_valid(validator, content)
    assert len(json.dumps(content).encode()) < 28 * 1024
    assert texts(content)[-1] == "Shortened to fit in Teams: the rest did not fit in one message."
    assert texts(content)[1].startswith("• <at>person-0</at>")
