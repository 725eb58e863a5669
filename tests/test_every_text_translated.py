"""Every text a person can read goes through the translation function.

Run the whole command surface in a pseudo-language whose "translation" turns every letter of a
message into a full-width one: any plain ASCII word left in what the bot says (apart from what the
person typed, names, and commands in backticks) was never marked for translation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from babel.dates import get_month_names
from babel.support import NullTranslations

from handlers import i18n
from handlers.commands import handle
from handlers.model import (
    Actions,
    ChoiceField,
    FieldErrors,
    Fields,
    Form,
    Outcome,
    Reply,
    Request,
    TextField,
)
from scheduler import delivery
from storage import checkins
from storage.outbox import Claimed
from storage.store import Store
from tests.conftest import NOW

CHANNEL = "C-zyx"
TYPED = {"Zyx", "Qwv", "Plok", "sales", "Europe", "Stockholm", "SE", "UTC", "kam", "alice", "eve"}
MONTHS = {name.lower() for name in get_month_names("wide", locale="sv").values()}
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
UNREAD = re.compile(r"`[^`]*`|<@[^>]*>|\{\w*\}")


class FullWidth(NullTranslations):
    """A pseudo-translation: letters outside placeholders become full-width."""

    def gettext(self, message: str) -> str:
        return re.sub(r"\{\w*\}|[A-Za-z]", _widen, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def _widen(match: re.Match[str]) -> str:
    text = match.group(0)
    return text if text.startswith("{") else chr(ord(text) + 0xFEE0)


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> None:
    swedish = FullWidth()
    monkeypatch.setattr(
        i18n, "_catalog", lambda language: swedish if language == "sv" else NullTranslations()
    )


def texts(outcome: Outcome) -> Iterator[str]:
    """Everything a person could read in an outcome."""
    if isinstance(outcome, FieldErrors):
        yield from outcome.errors.values()
    elif isinstance(outcome, Form):
        yield from (outcome.title, outcome.submit)
        for field in outcome.fields:
            yield field.label
            if isinstance(field, TextField):
                yield field.placeholder
            if isinstance(field, ChoiceField):
                yield from (option.label for option in field.options)
    else:
        yield outcome.summary
        for block in outcome.blocks:
            if isinstance(block, Fields):
                yield from (text for pair in block.pairs for text in pair)
            elif isinstance(block, Actions):
                yield from (button.label for button in block.buttons)
            else:
                yield block.text


def untranslated(outcome: Outcome) -> list[str]:
    words = []
    for text in texts(outcome):
        for word in ASCII_WORD.findall(UNREAD.sub(" ", text)):
            if word not in TYPED and word.lower() not in MONTHS:
                words.append(word)
    return words


class Swede:
    """Someone whose Slack speaks Swedish, in the Zyx Qwv channel."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seen: list[tuple[str, list[str]]] = []

    def request(self, user: str = "kam", **fields: object) -> Request:
        return replace(Request("test", "T1", CHANNEL, user, NOW, locale="sv-SE"), **fields)  # type: ignore[arg-type]

    def say(self, text: str, user: str = "kam") -> Outcome:
        return self.check(text, handle(self.request(user, text=text), self.store))

    def check(self, what: str, outcome: Outcome) -> Outcome:
        self.seen.append((what, untranslated(outcome)))
        return outcome


SCRIPT = [
    "help",
    "nonsense",
    "account",
    "account create Zyx Qwv",
    "account create Plok",
    "account create Zyx Qwv",
    "account",
    "account rename",
    "team",
    "team add <@alice> sales",
    "team add <@alice> kam",
    "team add",
    "team remove <@eve>",
    "team remove <@kam>",
    "team oops",
    "log-meeting tactical yesterday Plok <@alice>",
    "log-meeting tactical tomorrow Plok",
    "log-meeting bogus Plok",
    "log-meeting tactical 2026-13-45 Plok",
    "log-meeting tactical 0001-01-01 Plok",
    "log-meeting tactical",
    "log-meeting",
    "meetings",
    "meetings tactical 3",
    "meetings bogus",
    "cadence",
    "cadence set tactical every 2 months",
    "cadence set internal every 3 weeks",
    "cadence set tactical every 99 months",
    "cadence set bogus",
    "cadence off operational",
    "cadence on operational",
    "cadence off",
    "cadence resume",
    "cadence oops",
    "plan",
    "plan revised Plok",
    "plan oops",
    "settings",
    "settings timezone Europe/Stockholm",
    "settings timezone Mars/Plok",
    "settings country SE",
    "settings country XX",
    "settings budget-month october",
    "settings budget-month plok",
    "settings language sv",
    "settings oops",
    "checkin schedule biweekly monday 09:00",
    "checkin schedule every 3 months friday 14:00",
    "checkin schedule every 99 weeks",
    "checkin schedule bogus",
    "checkin oops",
    "checkin close",
    "checkin questions",
    "checkins",
    "checkins 99",
    "away until 2026-12-10",
    "away",
    "away off",
    "away",
    "away 2020-01-01",
    "checkin off",
    "checkin off",
    "checkin",
    "checkin",
]


@pytest.mark.usefixtures("pseudo")
def test_every_reply_form_and_error_is_translated(store: Store) -> None:
    swede = Swede(store)
    first = swede.request(channel="C-first")
    handle(replace(first, text="account create Plok"), store)  # English: no workspace language yet
    handle(replace(first, text="settings language sv"), store)  # now the workspace's default
    for line in SCRIPT:
        swede.say(line)
    swede.say("log-meeting tactical today Plok", user="eve")
    swede.say("cadence set tactical every 2 months", user="alice")
    confirmation = swede.say("log-meeting operational today Plok")
    form = swede.say("log-meeting")
    assert isinstance(form, Form)
    submit = swede.request(form_id=form.id, state=form.state)
    swede.check("empty form", handle(replace(submit, values={"held_on": NOW.date()}), store))
    future = {"kind": "tactical", "held_on": NOW.date() + timedelta(days=3), "notes": "Plok"}
    swede.check("future form", handle(replace(submit, values=future), store))
    items = {"kind": "tactical", "held_on": NOW.date(), "action_items": "<@alice> Plok by soon"}
    swede.check("bad action item", handle(replace(submit, values=items), store))
    for outcome in _buttons(swede, confirmation):
        swede.check("button", outcome)
    swede.check("reminder", _reminder(store))
    for what, outcome in _checkin_round(swede):
        swede.check(what, outcome)
    assert [(what, words) for what, words in swede.seen if words] == []


def _buttons(swede: Swede, reply: Outcome) -> Iterator[Outcome]:
    assert isinstance(reply, Reply)
    for block in reply.blocks:
        if isinstance(block, Actions):
            for button in block.buttons:
                request = swede.request(action=button.action, action_value=button.value)
                yield handle(request, swede.store)
                yield handle(request, swede.store)


def _reminder(store: Store) -> Outcome:
    workspace = store.workspace_id("test", "T1", NOW)
    account = store.account_for_channel(workspace, CHANNEL)
    assert account is not None
    rows = [
        Claimed(
            1, "test", "T1", account.id, CHANNEL, False, "reminder", subject, due, 4, "", 1, False
        )
        for subject, due in [
            ("strategic", date(2026, 11, 1)),
            ("internal", NOW.date()),
            ("plan", date(2027, 3, 1)),
        ]
    ]
    return delivery.render(store, rows, NOW)


def _checkin_round(swede: Swede) -> Iterator[tuple[str, Outcome]]:
    """A check-in's prompt and nudge, answering it, closing it and its summary."""
    store = swede.store
    workspace = store.workspace_id("test", "T1", NOW)
    account = store.account_for_channel(workspace, CHANNEL)
    assert account is not None
    round_id = checkins.open_round_id(store.engine, account.id)
    assert round_id is not None
    rows = {
        topic: Claimed(
            1, "test", "T1", account.id, target, False, topic, "", None, 0, str(round_id), 1, False
        )
        for topic, target in (
            (checkins.PROMPT, "kam"),
            (checkins.NUDGE, "kam"),
            (checkins.SUMMARY, CHANNEL),
        )
    }
    prompt = delivery.render(store, [rows[checkins.PROMPT]], NOW)
    yield "prompt", prompt
    yield "nudge", delivery.render(store, [rows[checkins.NUDGE]], NOW)
    yield from (("prompt button", outcome) for outcome in _buttons(swede, prompt))
    form = handle(swede.request(action="checkin-answer", action_value=f"{round_id}|edit"), store)
    assert isinstance(form, Form)
    submit = swede.request(form_id=form.id, state=form.state)
    yield "empty answer", handle(replace(submit, values={}), store)
    answer = {"pulse": "risk", "answer_0": "Plok", "answer_1": "Plok"}
    yield "answer", handle(replace(submit, values=answer), store)
    yield "edit", handle(replace(submit, values=answer), store)
    yield "checkins", swede.say("checkins")
    yield "internal meeting", swede.say("log-meeting internal")
    closing = swede.say("checkin close")
    yield from (("close button", outcome) for outcome in _buttons(swede, closing))
    yield "summary", delivery.render(store, [rows[checkins.SUMMARY]], NOW)
    yield "closed", handle(replace(submit, values=answer), store)
