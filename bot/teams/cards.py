"""Neutral replies and forms as Teams Adaptive Cards, and a submitted card back as neutral values.

Cards are plain dicts (so tests validate them against the published schema) wrapped in an
attachment by botbuilder's `CardFactory`. Each card declares the lowest version its elements need
(1.2 for messages, 1.3 for forms with input labels): Teams renders up to 1.5 on desktop, but a
client below a card's declared version shows only its fallback text, and mobile renders up to 1.2.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from botbuilder.core import CardFactory

from handlers import model
from handlers.i18n import _
from handlers.model import (
    ChoiceField,
    DateField,
    Form,
    FormField,
    FormValue,
    Reply,
    TextField,
    UsersField,
    unlinked,
)

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
REPLY_VERSION = "1.2"
FORM_VERSION = "1.3"
PEOPLE_QUERY = "choices.data"
CARD_LIMIT = 24_000
"""Bytes of card JSON: Teams refuses a message over about 28 KB, and the activity around the
card (summary, addresses, the reply's fallback text) needs room too."""
SUMMARY_LIMIT, LINE_LIMIT = 1000, 2000
BUTTON_STYLES = {"primary": "positive", "danger": "destructive"}
FORM_KEY, STATE_KEY, KINDS_KEY = "kam_form", "kam_state", "kam_kinds"
ACTION_KEY, VALUE_KEY = "kam_action", "kam_value"
DATE, USERS = "date", "users"

MENTION = re.compile(r"<@([^<>\s]+)>")
BOLD = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
CODE = re.compile(r"(`[^`\n]*`)")
PERSON = re.compile(r"<at>\s*([^<]*?)\s*</at>|<@([^<>\s]+)>|@?([^\s,<>@]+)")


@dataclass(frozen=True)
class Submitted:
    """What an `Action.Submit` sent back: a form's values and state, or a button's action."""

    form_id: str = ""
    values: dict[str, FormValue] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)
    action: str = ""
    action_value: str = ""


@dataclass(frozen=True)
class Served:
    """A reply's file at the link the bot serves it from (`storage/shared_files.py`)."""

    file: model.Upload
    url: str


def reply_attachment(reply: Reply, served: Sequence[Served] = ()) -> dict[str, Any]:
    """A message card: one element per neutral block, mentions made real for Teams, then the
    served files; a card over Teams' size limit is cut to what fits and says so."""
    card = _reply_card(reply, served)
    if _size(card) > CARD_LIMIT:
        card = _shortened(reply, served)
    return _attachment(card)


def _reply_card(reply: Reply, served: Sequence[Served] = ()) -> dict[str, Any]:
    body = [element for block in reply.blocks for element in _elements(block)]
    body += _files(served)
    card = _card(body, REPLY_VERSION, reply.summary)
    mentioned = [user for block in reply.blocks for user in _mentions(block)]
    if mentioned:
        card["msteams"] = {"entities": [_mention(user) for user in dict.fromkeys(mentioned)]}
    return card


def _shortened(reply: Reply, served: Sequence[Served]) -> dict[str, Any]:
    """The longest start of the reply, line by line, that fits with a note that it was cut."""
    pieces = [piece for block in reply.blocks for piece in _lines(block)]
    note = model.Context(_("Shortened to fit in Teams: the rest did not fit in one message."))

    def card(kept: int) -> dict[str, Any]:
        blocks = (*pieces[:kept], note)
        shortened = replace(reply, summary=reply.summary[:SUMMARY_LIMIT], blocks=blocks)
        return _reply_card(shortened, served)

    fits, too_many = 0, len(pieces)
    while fits + 1 < too_many:
        middle = (fits + too_many) // 2
        fits, too_many = (middle, too_many) if _size(card(middle)) <= CARD_LIMIT else (fits, middle)
    if fits == 0 and pieces and isinstance(pieces[0], model.Section):
        pieces[0] = model.Section(pieces[0].text[:LINE_LIMIT] + "…")
        fits = 1
    return card(fits)


def _lines(block: model.Block) -> list[model.Block]:
    """A long text block as one block per line, so a long list can be cut between items."""
    if isinstance(block, model.Section | model.Context) and "\n" in block.text:
        return [replace(block, text=line) for line in block.text.splitlines() if line.strip()]
    return [block]


def _files(served: Sequence[Served]) -> list[dict[str, Any]]:
    """Images shown in the card (Teams fetches them over HTTPS), and a download link for each
    file: Teams shows neither an image nor any other file that a bot attaches inline."""
    images = [
        {"type": "Image", "url": one.url, "altText": one.file.title}
        for one in served
        if one.file.mime.startswith("image/")
    ]
    if not served:
        return images
    downloads = [
        {
            "type": "Action.OpenUrl",
            "title": _("Download {filename}").format(filename=one.file.filename),
            "url": one.url,
        }
        for one in served
    ]
    return [*images, {"type": "ActionSet", "actions": downloads}]


def _size(card: dict[str, Any]) -> int:
    return len(json.dumps(card, ensure_ascii=False).encode())


def form_attachment(
    form: Form,
    errors: dict[str, str] | None = None,
    values: dict[str, FormValue] | None = None,
) -> dict[str, Any]:
    """A form card; a refused submission comes back with each field's error under it and, with
    `values`, what the person had entered, so nothing typed is lost.

    People are chosen with Teams' people picker, which answers with AAD object ids: the ids
    the bot knows people by in Teams.
    """
    errors, values = errors or {}, values or {}
    body: list[dict[str, Any]] = [_text(form.title, size="Large", weight="Bolder")]
    for neutral in form.fields:
        body.append(_input(_refilled(neutral, values)))
        if neutral.name in errors:
            body.append(_text(errors[neutral.name], color="Attention", spacing="None"))
    data = {FORM_KEY: form.id, STATE_KEY: dict(form.state), KINDS_KEY: _kinds(form.fields)}
    card = _card(body, FORM_VERSION, form.title)
    card["actions"] = [{"type": "Action.Submit", "title": form.submit, "data": data}]
    return _attachment(card)


def read_submit(value: object) -> Submitted:
    """An `Activity.value` from `Action.Submit` as neutral values; anything malformed is empty."""
    if not isinstance(value, dict):
        return Submitted()
    kinds = _strings(value.get(KINDS_KEY))
    inputs = {
        name: raw
        for name, raw in value.items()
        if isinstance(name, str) and not name.startswith("kam_") and name != "msteams"
    }
    return Submitted(
        form_id=_string(value.get(FORM_KEY)),
        values={name: _value(kinds.get(name, ""), raw) for name, raw in inputs.items()},
        state=_strings(value.get(STATE_KEY)),
        action=_string(value.get(ACTION_KEY)),
        action_value=_string(value.get(VALUE_KEY)),
    )


def markdown(text: str) -> str:
    """Neutral markup as Teams card Markdown: `*bold*` doubled, `<@ID>` as `<at>ID</at>`, an
    earlier message as its label: the Bot Framework has no call that gives a message link."""
    parts = CODE.split(text)
    return "".join(part if CODE.fullmatch(part) else _prose(part) for part in parts)


def _prose(text: str) -> str:
    return MENTION.sub(r"<at>\1</at>", BOLD.sub(r"**\1**", unlinked(text)))


def _attachment(card: dict[str, Any]) -> dict[str, Any]:
    attachment: dict[str, Any] = CardFactory.adaptive_card(card).serialize()
    return attachment


def _card(body: list[dict[str, Any]], version: str, fallback: str) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": version,
        "fallbackText": MENTION.sub(r"@\1", fallback),
        "body": body,
    }


def _elements(block: model.Block) -> Iterator[dict[str, Any]]:
    if isinstance(block, model.Header):
        if block.text.strip():
            yield _text(block.text, size="Large", weight="Bolder")
    elif isinstance(block, model.Section):
        if block.text.strip():
            yield _text(block.text)
    elif isinstance(block, model.Fields):
        if block.pairs:
            facts = [{"title": markdown(k), "value": markdown(v)} for k, v in block.pairs]
            yield {"type": "FactSet", "facts": facts}
    elif isinstance(block, model.Actions):
        if block.buttons:
            yield {"type": "ActionSet", "actions": [_button(b) for b in block.buttons]}
    elif block.text.strip():
        yield _text(block.text, size="Small", isSubtle=True)


def _text(text: str, **style: object) -> dict[str, Any]:
    return {"type": "TextBlock", "text": markdown(text), "wrap": True, **style}


def _button(button: model.Button) -> dict[str, Any]:
    """`Action.Submit` sends `data` back as the activity's value, read by `read_submit`."""
    action: dict[str, Any] = {
        "type": "Action.Submit",
        "title": button.label,
        "data": {ACTION_KEY: button.action, VALUE_KEY: button.value},
    }
    if button.style in BUTTON_STYLES:
        action["style"] = BUTTON_STYLES[button.style]
    return action


def _mentions(block: model.Block) -> Iterator[str]:
    texts: Iterable[str] = ()
    if isinstance(block, model.Header | model.Section | model.Context):
        texts = (block.text,)
    elif isinstance(block, model.Fields):
        texts = (text for pair in block.pairs for text in pair)
    for text in texts:
        for part in CODE.split(text):
            if not CODE.fullmatch(part):
                yield from MENTION.findall(part)


def _mention(user: str) -> dict[str, Any]:
    return {"type": "mention", "text": f"<at>{user}</at>", "mentioned": {"id": user, "name": user}}


def _input(neutral: FormField) -> dict[str, Any]:
    common = {"id": neutral.name, "label": neutral.label, "isRequired": neutral.required}
    if isinstance(neutral, ChoiceField):
        return {"type": "Input.ChoiceSet", **common, **_choices(neutral)}
    if isinstance(neutral, DateField):
        initial = {"value": neutral.initial.isoformat()} if neutral.initial else {}
        return {"type": "Input.Date", **common, **initial}
    if isinstance(neutral, UsersField):
        return {"type": "Input.ChoiceSet", **common, **_people_picker(neutral)}
    return {"type": "Input.Text", **common, **_text_input(neutral)}


def _people_picker(neutral: UsersField) -> dict[str, Any]:
    """Teams' people picker: it searches the tenant's directory itself and submits the chosen
    AAD object ids, comma-separated; the initial people are given as choices to show them
    chosen. `choices.data` is Teams-only (Adaptive Cards 1.6's Data.Query)."""
    chosen = list(neutral.initial)
    return {
        "isMultiSelect": True,
        "choices": [{"title": user, "value": user} for user in chosen],
        PEOPLE_QUERY: {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
        "value": ",".join(chosen),
    }


def _choices(neutral: ChoiceField) -> dict[str, Any]:
    choices = [{"title": option.label, "value": option.value} for option in neutral.options]
    chosen = {"value": neutral.initial} if neutral.initial else {}
    return {"style": "compact", "choices": choices, **chosen}


def _text_input(neutral: TextField) -> dict[str, Any]:
    shown = {"placeholder": neutral.placeholder} if neutral.placeholder else {}
    return {
        "isMultiline": neutral.multiline,
        "maxLength": neutral.max_length,
        "value": neutral.initial[: neutral.max_length],
        **shown,
    }


def _refilled(neutral: FormField, values: dict[str, FormValue]) -> FormField:
    """The field with its submitted value, if any, as its initial one."""
    if neutral.name not in values:
        return neutral
    value = values[neutral.name]
    if isinstance(neutral, ChoiceField):
        return replace(neutral, initial=value if isinstance(value, str) else None)
    if isinstance(neutral, DateField):
        return replace(neutral, initial=value if isinstance(value, date) else None)
    if isinstance(neutral, UsersField):
        return replace(neutral, initial=tuple(value) if isinstance(value, list) else ())
    return replace(neutral, initial=value if isinstance(value, str) else "")


def _kinds(fields: tuple[FormField, ...]) -> dict[str, str]:
    """Which inputs are dates or people: Teams sends every input back as a bare string."""
    kinds = {f.name: DATE for f in fields if isinstance(f, DateField)}
    return kinds | {f.name: USERS for f in fields if isinstance(f, UsersField)}


def _value(kind: str, raw: object) -> FormValue:
    if kind == DATE:
        return _date(raw)
    if kind == USERS:
        return _people(raw)
    return raw if isinstance(raw, str) and raw else None


def _date(raw: object) -> date | None:
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _people(raw: object) -> list[str]:
    """`@a @b`, `<at>Name</at>` or `<@ID>` as ids or names, each once, in the order typed."""
    if not isinstance(raw, str):
        return []
    found = (next(filter(None, match.groups()), "") for match in PERSON.finditer(raw))
    return list(dict.fromkeys(person for person in found if person))


def _string(raw: object) -> str:
    return raw if isinstance(raw, str) else ""


def _strings(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
