"""Key persons, criteria and workshops reach Teams as valid Adaptive Cards."""

from __future__ import annotations

from jsonschema.protocols import Validator

from handlers.model import Form
from storage.store import Store
from tests.conversation import ask, press, submit
from tests.test_teams_cards import assert_valid, card, validator

__all__ = ["validator"]


def test_the_new_commands_forms_and_replies_are_valid_cards(
    validator: Validator, acme: Store
) -> None:
    typed = (
        'person add "Karin Berg" title CFO role decision-maker strength 2 target 4',
        "people",
        "person add",
        "criteria",
        "classify",
        "workshop start",
        "workshop idea",
    )
    outcomes = [ask(acme, line) for line in typed]
    for outcome in outcomes:
        assert_valid(validator, card(outcome))
    idea_form = outcomes[-1]
    assert isinstance(idea_form, Form)
    idea = submit(acme, idea_form, idea="Fleet rollout", value="400k")
    assert_valid(validator, card(idea))
    assert_valid(validator, card(press(acme, idea, "Vote")))
    closed = ask(acme, "workshop close")
    owner = press(acme, closed, "Make it an opportunity")
    assert isinstance(owner, Form)
    for outcome in (closed, owner, submit(acme, owner, owner=[])):
        assert_valid(validator, card(outcome, owner))
