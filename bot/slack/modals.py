"""A neutral `Form` as a Slack modal, and a submitted modal's state back as neutral values."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    InputInteractiveElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.text import clip
from handlers.model import (
    ChoiceField,
    DateField,
    Form,
    FormField,
    FormValue,
    TextField,
    UsersField,
)

TITLE_LIMIT = 24
MAX_BLOCKS = 100
LABEL_LIMIT = 2000
PLACEHOLDER_LIMIT = 150
OPTION_LABEL_LIMIT = 75
MAX_OPTIONS = 100
INPUT_LIMIT = 3000
METADATA_LIMIT = 3000
CLOSE = "Cancel"


def modal(form: Form) -> View:
    """The modal for a form; its state travels in private_metadata and returns on submit."""
    metadata = json.dumps(form.state, separators=(",", ":"))
    if len(metadata) > METADATA_LIMIT:
        raise ValueError(f"form {form.id!r} carries {len(metadata)} characters of state")
    return View(
        type="modal",
        callback_id=form.id,
        title=PlainTextObject(text=clip(form.title, TITLE_LIMIT)),
        submit=PlainTextObject(text=clip(form.submit, TITLE_LIMIT)),
        close=PlainTextObject(text=CLOSE),
        private_metadata=metadata,
        blocks=[_input(field) for field in form.fields[:MAX_BLOCKS]],
    )


def _input(field: FormField) -> InputBlock:
    return InputBlock(
        block_id=field.name,
        label=PlainTextObject(text=clip(field.label, LABEL_LIMIT)),
        element=_element(field),
        optional=not field.required,
    )


def _element(field: FormField) -> InputInteractiveElement:
    if isinstance(field, ChoiceField):
        options = [
            Option(value=o.value, text=PlainTextObject(text=clip(o.label, OPTION_LABEL_LIMIT)))
            for o in field.options[:MAX_OPTIONS]
        ]
        chosen = [option for option in options if option.value == field.initial]
        return StaticSelectElement(
            action_id=field.name, options=options, initial_option=chosen[0] if chosen else None
        )
    if isinstance(field, DateField):
        initial = field.initial.isoformat() if field.initial else None
        return DatePickerElement(action_id=field.name, initial_date=initial)
    if isinstance(field, UsersField):
        return UserMultiSelectElement(
            action_id=field.name, initial_users=list(field.initial) or None
        )
    return _text_input(field)


def _text_input(field: TextField) -> PlainTextInputElement:
    limit = min(field.max_length, INPUT_LIMIT)
    placeholder = clip(field.placeholder, PLACEHOLDER_LIMIT)
    return PlainTextInputElement(
        action_id=field.name,
        multiline=field.multiline,
        max_length=limit,
        placeholder=PlainTextObject(text=placeholder) if placeholder else None,
        initial_value=field.initial[:limit] or None,
    )


def submitted_values(state_values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, FormValue]:
    """`view.state.values` keyed by block_id (the field name), each as its neutral value."""
    return {
        name: _value(element)
        for name, actions in state_values.items()
        for element in actions.values()
    }


def _value(element: dict[str, Any]) -> FormValue:
    kind = element.get("type")
    if kind == "datepicker":
        picked = element.get("selected_date")
        return date.fromisoformat(picked) if picked else None
    if kind == "multi_users_select":
        return list(element.get("selected_users") or [])
    if kind == "static_select":
        option = element.get("selected_option")
        return str(option["value"]) if option else None
    value = element.get("value")
    return str(value) if value is not None else None
