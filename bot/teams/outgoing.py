"""What the core decided, as Teams activities: a reply card, a form card, a form with errors."""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.schema import Activity, Attachment

from bot.teams.cards import Served, form_attachment, reply_attachment
from handlers.i18n import _
from handlers.model import (
    ChoiceField,
    Context,
    DateField,
    FieldErrors,
    Form,
    FormField,
    FormValue,
    Reply,
    Section,
    Upload,
    UsersField,
)

FORMS_KEPT = 2000

FormKey = tuple[str, str, str]
"""Conversation, person and form id: whose form a refused submission re-renders."""


class OpenForms:
    """The last form each person opened in a conversation, bounded, in this process's memory.

    Teams sends back only a card's input values, not the card: to show a refused form again with
    its errors, the bot keeps the form it sent. After a restart (or on another replica) the errors
    come as text instead, and the person's card is still there to correct and submit again.
    """

    def __init__(self, limit: int = FORMS_KEPT) -> None:
        self._forms: OrderedDict[FormKey, Form] = OrderedDict()
        self._limit = limit

    def keep(self, key: FormKey, form: Form) -> None:
        self._forms[key] = form
        self._forms.move_to_end(key)
        while len(self._forms) > self._limit:
            self._forms.popitem(last=False)

    def last(self, key: FormKey) -> Form | None:
        return self._forms.get(key)


def reply_activity(reply: Reply, served: Sequence[Served] | None = None) -> Activity:
    """A reply card; `summary` is what notifications and clients without cards show, and the
    card's only text when the reply has no blocks (the outbox's notices).

    The reply's files are `served` by the bot (an image in the card, a download link each) or,
    without a public address to serve them from (`None`), attached inline as data URLs.
    """
    if not reply.blocks:
        reply = replace(reply, blocks=(Section(reply.summary),))
    if served is None and any(not file.mime.startswith("image/") for file in reply.files):
        reply = replace(reply, blocks=(*reply.blocks, Context(_not_shown())))
    activity = MessageFactory.attachment(_attachment(reply_attachment(reply, served or ())))
    if served is None:
        activity.attachments += [file_attachment(file) for file in reply.files]
    activity.summary = reply.summary
    return activity


def _not_shown() -> str:
    return _(
        "Teams cannot show the attached files here: to get download links, the bot's "
        "administrator sets its public address (KAM_PUBLIC_URL)."
    )


def file_attachment(file: Upload) -> Attachment:
    """A file as a data-URL attachment, when the bot has no public address to serve it from:
    Teams shows a small PNG inline under the card, and no other file.
    """
    encoded = base64.b64encode(file.content).decode("ascii")
    return Attachment(
        content_type=file.mime, content_url=f"data:{file.mime};base64,{encoded}", name=file.filename
    )


def form_activity(form: Form, errors: dict[str, str] | None = None) -> Activity:
    activity = MessageFactory.attachment(_attachment(form_attachment(form, errors)))
    activity.summary = form.title
    return activity


def errors_reply(refused: FieldErrors) -> Reply:
    """The errors as text, when the form they belong to is not at hand."""
    text = "\n".join(f"*{name}*: {error}" for name, error in refused.errors.items())
    return Reply(summary=text, blocks=(Section(text),))


def refilled(form: Form, values: dict[str, FormValue]) -> Form:
    """The form with what was submitted as its initial values, so nothing typed is lost."""
    fields = tuple(
        _refill(field, values[field.name]) if field.name in values else field
        for field in form.fields
    )
    return replace(form, fields=fields)


def _refill(field: FormField, value: FormValue) -> FormField:
    if isinstance(field, DateField):
        return replace(field, initial=value if isinstance(value, date) else None)
    if isinstance(field, UsersField):
        return replace(field, initial=tuple(value) if isinstance(value, list) else ())
    if isinstance(field, ChoiceField):
        return replace(field, initial=value if isinstance(value, str) else None)
    return replace(field, initial=value if isinstance(value, str) else "")


def _attachment(serialized: dict[str, Any]) -> Attachment:
    return Attachment(content_type=serialized["contentType"], content=serialized["content"])
