"""The neutral vocabulary between platforms and handlers.

Adapters translate a platform payload into a `Request` and render a `Reply` or `Form` back;
handlers never see Slack or Teams types. Text uses a small markup that each adapter renders in
its own idiom: `*bold*`, `` `code` ``, user mentions as `<@ID>`, and earlier messages of the bot
as `<posted:TARGET MESSAGE_ID|label>` (see `Posted`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

FormValue = str | date | list[str] | None
POSTED = re.compile(r"<posted:([^\s<>|]+) ([^\s<>|]+)\|([^<>]*)>")
"""A reference to an earlier message in text: target, message id, label."""


@dataclass(frozen=True)
class Request:
    """Who asked what, where and when: a typed command, a submitted form or a clicked button.

    `workspace_admin` is the platform's word that the caller administers the workspace;
    `external` says the conversation has members from outside the company (Slack Connect,
    Teams guests), where confidential account facts are never shown. `timezone` is the
    caller's own IANA zone when the platform tells it (check-in deadlines use it).
    """

    platform: str
    workspace: str
    channel: str
    user: str
    received_at: datetime
    text: str = ""
    locale: str = "en"
    form_id: str = ""
    values: dict[str, FormValue] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)
    action: str = ""
    action_value: str = ""
    workspace_admin: bool = False
    external: bool = False
    timezone: str = ""


class Visibility(Enum):
    """Whether a reply concerns only the caller or the whole channel."""

    ONLY_YOU = "only-you"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Header:
    text: str


@dataclass(frozen=True)
class Section:
    text: str


@dataclass(frozen=True)
class Fields:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str = ""
    style: str = ""


@dataclass(frozen=True)
class Actions:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Context:
    text: str


Block = Header | Section | Fields | Actions | Context


@dataclass(frozen=True)
class Upload:
    """A file that goes with a reply, such as a chart or an exported plan."""

    filename: str
    title: str
    content: bytes
    mime: str


@dataclass(frozen=True)
class Posted:
    """A message the bot posted earlier (its outbox row's target and platform message id).

    Text shows it with `markup`: a platform that can link to a message makes the label a link,
    the others show the label alone. The label is plain text without `<`, `>` or `|`.
    """

    target: str
    message_id: str
    label: str

    @property
    def markup(self) -> str:
        return f"<posted:{self.target} {self.message_id}|{self.label}>"


def unlinked(text: str) -> str:
    """Text with each reference to an earlier message as its label alone."""
    return POSTED.sub(lambda found: found.group(3), text)


@dataclass(frozen=True)
class Reply:
    """A message: `summary` is the plain text for notifications and text-only clients.

    `posted` lists the earlier messages its text refers to; only these are resolved into links,
    so a reference typed by a person into an answer stays a label.

    `source`, in the answer to a clicked button, is the new version of the message the button
    was on: the adapter puts it in that message's place (a vote count, an undone meeting, a
    question answered), for everyone who sees it. The reply itself still goes out as usual, so
    the clicker hears what happened even when the platform refuses the update.
    """

    summary: str
    blocks: tuple[Block, ...] = ()
    visibility: Visibility = Visibility.ONLY_YOU
    files: tuple[Upload, ...] = ()
    posted: tuple[Posted, ...] = ()
    source: Reply | None = None


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class ChoiceField:
    name: str
    label: str
    options: tuple[Option, ...]
    initial: str | None = None
    required: bool = True


@dataclass(frozen=True)
class DateField:
    name: str
    label: str
    initial: date | None = None
    required: bool = True


@dataclass(frozen=True)
class UsersField:
    name: str
    label: str
    initial: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class TextField:
    name: str
    label: str
    multiline: bool = False
    max_length: int = 3000
    placeholder: str = ""
    initial: str = ""
    required: bool = False


FormField = ChoiceField | DateField | UsersField | TextField


@dataclass(frozen=True)
class Form:
    """A form to open; `state` comes back unchanged with the submitted values."""

    id: str
    title: str
    submit: str
    fields: tuple[FormField, ...]
    state: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldErrors:
    """A submitted form refused: one message per field name; nothing was changed."""

    errors: dict[str, str]


Outcome = Reply | Form | FieldErrors
