"""Slack's published Block Kit limits, checked on every payload the bot sends."""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS, MODAL_BLOCKS = 50, 100
SECTION_TEXT, FIELD_TEXT, FIELDS = 3000, 2000, 10
HEADER_TEXT = 150
CONTEXT_ELEMENTS, ACTIONS_ELEMENTS = 10, 25
BUTTON_TEXT, BUTTON_VALUE = 75, 2000
MODAL_LABEL, PRIVATE_METADATA = 24, 3000
INPUT_LABEL, PLACEHOLDER, OPTION_TEXT, OPTION_VALUE, OPTIONS = 2000, 150, 75, 150, 100
INPUT_MAX_LENGTH = 3000


def limit_violations(payload: dict[str, Any]) -> list[str]:
    """Every way `payload` (a message or a modal view) breaks a limit Slack enforces."""
    modal = payload.get("type") == "modal"
    blocks = payload.get("blocks") or []
    problems = _too_long("blocks", blocks, MODAL_BLOCKS if modal else MESSAGE_BLOCKS)
    for n, block in enumerate(blocks):
        problems += [f"block {n} ({block['type']}): {p}" for p in _block(block)]
    if modal:
        for part in ("title", "submit", "close"):
            problems += _too_long(part, (payload.get(part) or {}).get("text", ""), MODAL_LABEL)
        problems += _too_long(
            "private_metadata", payload.get("private_metadata", ""), PRIVATE_METADATA
        )
    return problems


def _block(block: dict[str, Any]) -> list[str]:
    kind = block["type"]
    if kind == "section":
        fields = block.get("fields") or []
        problems = _too_long("fields", fields, FIELDS)
        problems += [p for f in fields for p in _too_long("field", f["text"], FIELD_TEXT)]
        text = (block.get("text") or {}).get("text", "")
        problems += _too_long("text", text, SECTION_TEXT)
        return problems + ([] if text or fields else ["neither text nor fields"])
    if kind == "header":
        return _too_long("text", block["text"]["text"], HEADER_TEXT)
    if kind == "context":
        elements = block["elements"]
        problems = _too_long("elements", elements, CONTEXT_ELEMENTS)
        return problems + [p for e in elements for p in _too_long("text", e["text"], SECTION_TEXT)]
    if kind == "actions":
        return _actions(block["elements"])
    if kind == "input":
        return _too_long("label", block["label"]["text"], INPUT_LABEL) + _input(block["element"])
    return [f"unexpected block type {kind}"]


def _actions(buttons: list[dict[str, Any]]) -> list[str]:
    problems = _too_long("elements", buttons, ACTIONS_ELEMENTS)
    ids = [button["action_id"] for button in buttons]
    problems += ["duplicate action_id"] if len(set(ids)) != len(ids) else []
    for button in buttons:
        problems += _too_long("button text", button["text"]["text"], BUTTON_TEXT)
        problems += _too_long("button value", button.get("value", ""), BUTTON_VALUE)
    return problems


def _input(element: dict[str, Any]) -> list[str]:
    problems = _too_long(
        "placeholder", (element.get("placeholder") or {}).get("text", ""), PLACEHOLDER
    )
    options = element.get("options") or []
    problems += _too_long("options", options, OPTIONS)
    for option in options:
        problems += _too_long("option text", option["text"]["text"], OPTION_TEXT)
        problems += _too_long("option value", option["value"], OPTION_VALUE)
    if element.get("max_length", 0) > INPUT_MAX_LENGTH:
        problems.append(f"max_length {element['max_length']} over {INPUT_MAX_LENGTH}")
    return problems


def _too_long(what: str, value: str | list[Any], limit: int) -> list[str]:
    return [f"{what} has {len(value)}, over {limit}"] if len(value) > limit else []
