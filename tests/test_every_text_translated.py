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
from handlers.home import HOME
from handlers.model import (
    Actions,
    ChoiceField,
    FieldErrors,
    Fields,
    Form,
    FormValue,
    Outcome,
    Reply,
    Request,
    TextField,
)
from handlers.plan_sections import SECTIONS
from scheduler import delivery
from storage import checkins
from storage.criteria import REQUALIFY
from storage.opportunities import STALE_TOPIC
from storage.outbox import Claimed
from storage.store import Store
from tests.conftest import NOW

CHANNEL = "C-zyx"
TYPED = {"Zyx", "Qwv", "Plok", "sales", "Europe", "Stockholm", "SE", "UTC", "kam", "alice", "eve"}
COMPACT = {"tn", "mn", "md"}
"""Babel's Swedish abbreviations of thousand, million and billion in amounts like `400 tn`."""
TYPED |= {"test"}  # the platform's name, beside a linked channel
CODE = re.compile(r"`([A-Z2-9]{8})`")
MONTHS = {
    name.lower().rstrip(".")
    for width in ("wide", "abbreviated")
    for name in get_month_names(width, locale="sv").values()
}
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
        if outcome.source is not None:
            yield from texts(outcome.source)


def untranslated(outcome: Outcome) -> list[str]:
    words = []
    for text in texts(outcome):
        for word in ASCII_WORD.findall(UNREAD.sub(" ", text)):
            if word not in TYPED | COMPACT and word.lower() not in MONTHS:
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
    "plan edit",
    "plan edit budget",
    "plan revise",
    "plan history",
    "plan history 1",
    "plan history 9",
    "export",
    "export oops",
    "settings",
    "settings timezone Europe/Stockholm",
    "settings timezone Mars/Plok",
    "settings country SE",
    "settings country XX",
    "settings budget-month october",
    "settings budget-month plok",
    "settings language sv",
    "settings oops",
    'person add "Plok" title Plok role decision-maker strength 2 target 4 owner <@alice>',
    'person add "Plok" role boss strength 9 target 4',
    'person add "Plok" Zyx',
    'person add "Plok',
    "person add",
    "person edit Plok",
    "person edit Qwv",
    "person oops",
    "people",
    "criteria",
    "criteria set current-revenue threshold 2M weight 3",
    "criteria set bogus",
    "criteria oops",
    "classify",
    "classify now",
    "workshop",
    "workshop idea",
    "workshop start",
    "workshop start",
    "workshop oops",
    "workshop",
    "kpi",
    "kpi set revenue 2026-Q2 1.1M target 1.5M",
    "kpi set omsättning 2026-Q3 1,3 mkr mål 1,5 mkr",
    "kpi set revenue 2026-Q3 1.2M",
    "kpi set sales 2026-Q2 1M",
    "kpi set sales 2026-Q3 1M",
    "kpi set delivery reliability 2026-10 97% target 98%",
    "kpi set delivery reliability 2026-11 95%",
    "kpi set customer satisfaction 2026 4.2",
    "kpi set service level 2026-11 99%",
    "kpi set profitability 2026 12%",
    "kpi set Plok 2026 3",
    "kpi",
    "kpi set",
    "kpi set revenue",
    "kpi set revenue 2026-Q3",
    "kpi set revenue Q3 1M",
    "kpi set revenue 2026-Q3 lots",
    "kpi set revenue 2026-13 1M",
    "kpi set revenue 2026-Q3 1M target",
    "kpi set !!! 2026-Q3 1M",
    "kpi oops",
    "kpi chart",
    "kpi chart profit",
    "opps",
    'opp add "Plok" value 400k close 2027-03-31 competitors Qwv product Plok next "Plok <@alice>"',
    'opp add "Plok Qwv" value 1k close 2027-01-31',
    'opp add "Plok"',
    "opp add",
    "opps",
    "opp update 1",
    "opp update Plok",
    "opp update 99",
    "opp update",
    "opp won 1",
    "opp lost 2 Plok",
    "opp oops",
    'opp add "Plok',
    'opp add "Plok" value lots close 2027-03-31',
    'opp add "Plok" value 1k close 2027-03-31 stage plok',
    "opp",
    "account link",
    "account link ABCDEFGH",
    "account unlink",
    "link-me",
    "link-me ABCDEFGH",
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
    for outcome in _buttons(swede, swede.say("plan")):
        swede.check("plan button", outcome)
    _plan_forms(swede)
    _refusals(swede, store)
    swede.check("reminder", _reminder(store))
    _people(swede)
    _classify(swede)
    _workshop(swede)
    admin = swede.request(text="settings budget-month october", workspace_admin=True)
    swede.check("budget month", handle(admin, store))
    swede.say("criteria set current-revenue threshold 3M", user="eve")
    swede.check("home", handle(swede.request(action=HOME), store))
    swede.check("home of nobody", handle(swede.request(user="eve", action=HOME), store))
    _check_kpi_and_opportunity_forms(swede)
    for outcome in _buttons(swede, swede.say('opp add "Qwv" value 1k close 2027-02-01')):
        swede.check("opportunity button", outcome)
    stale = Claimed(9, "test", "T1", None, CHANNEL, False, STALE_TOPIC, "", None, 0, "1", 1, False)
    swede.check("stale", delivery.render(store, [stale], NOW + timedelta(days=40)))
    swede.say("account archive", user="alice")
    archived = swede.say("account archive")
    for line in ("account archive", "account", "meetings", "plan"):
        swede.say(line)
    for outcome in _buttons(swede, archived):
        swede.check("button", outcome)
    _link(swede)
    for what, outcome in _checkin_round(swede):
        swede.check(what, outcome)
    assert [(what, words) for what, words in swede.seen if words] == []


def _plan_forms(swede: Swede) -> None:
    """Each plan form refused with a bad line, then filled, and the revision walked to its end."""
    bad = {
        "agreements": "Plok | 2026-13-45\nPlok",
        "activities": "Plok | Plok | soon | Plok",
        "budget": "Plok",
        "figures": "x" * 4000,
    }
    for section in SECTIONS:
        form = swede.say(f"plan edit {section.key}")
        assert isinstance(form, Form)
        submit = swede.request(form_id=form.id, state=form.state)
        values = {field.key: bad.get(field.key, "Plok") for field in section.fields}
        swede.check(f"bad {section.key}", handle(replace(submit, values=values), swede.store))
        values = {field.key: "Plok" for field in section.fields if field.line is None}
        swede.check(section.key, handle(replace(submit, values=values), swede.store))
    outcome = swede.say("plan revise")
    while isinstance(outcome, Form):
        submit = swede.request(form_id=outcome.id, state=outcome.state)
        outcome = swede.check(
            "revise", handle(replace(submit, values={"note": "Plok"}), swede.store)
        )
    swede.check(
        "shared", handle(swede.request(text="plan revised Plok", external=True), swede.store)
    )
    swede.say("plan history 2")
    swede.say("export", user="eve")


def _submit(swede: Swede, form: Outcome, **values: FormValue) -> Outcome:
    assert isinstance(form, Form)
    request = swede.request(form_id=form.id, state=form.state, values=values)
    return swede.check(f"{form.id} form", handle(request, swede.store))


def _people(swede: Swede) -> None:
    _submit(swede, swede.say("person add"), name="Qwv", strength="7")
    _submit(
        swede, swede.say("person edit Plok"), name="Plok", role="user", strength="1", target="3"
    )
    swede.check("people flagged", handle(swede.request(text="people"), swede.store))
    removed = swede.say("person remove Plok")
    for outcome in _buttons(swede, removed):
        swede.check("undo", outcome)


def _classify(swede: Swede) -> None:
    form = swede.say("classify")
    _submit(swede, form, **{"current-revenue": "plok"})
    evidence = {"current-revenue": "2M", "potential-revenue": "1M", "group-companies": "1"}
    _submit(swede, form, **evidence, **{"product-lines": "1"})
    better = evidence | {"product-lines": "9", "potential-revenue": "9M"}
    _submit(swede, swede.say("classify"), **better)
    workspace = swede.store.workspace_id("test", "T1", NOW)
    account = swede.store.account_for_channel(workspace, CHANNEL)
    assert account is not None
    row = Claimed(9, "test", "T1", account.id, CHANNEL, False, REQUALIFY, "", None, 0, "", 1, False)
    swede.check("requalification", delivery.render(swede.store, [row], NOW))


def _workshop(swede: Swede) -> None:
    form = swede.say("workshop idea")
    _submit(swede, form, idea="", value="plok")
    idea = _submit(swede, form, idea="Plok", product_line="Zyx", value="400k", contact="Qwv")
    for outcome in _buttons(swede, idea):
        swede.check("vote", outcome)
    swede.say("workshop")
    closed = swede.say("workshop close")
    swede.say("workshop close")
    for outcome in _buttons(swede, closed):
        owner = swede.check("choose", outcome)
        if isinstance(owner, Form):
            _submit(swede, owner, owner=[])
            _submit(swede, owner, owner=["alice"])
    swede.check("vote closed", next(_buttons(swede, idea)))


def _check_kpi_and_opportunity_forms(swede: Swede) -> None:
    kpi_form = swede.say("kpi set")
    assert isinstance(kpi_form, Form)
    submit = swede.request(form_id=kpi_form.id, state=kpi_form.state)
    bad = {"metric": "", "period": "Q3", "actual": "lots", "target": "more"}
    swede.check("kpi form", handle(replace(submit, values=bad), swede.store))
    good = {"metric": "sales", "period": "2026-09", "actual": "3 mkr"}
    swede.check("kpi form", handle(replace(submit, values=good), swede.store))
    form = swede.say("opp update 1")
    assert isinstance(form, Form)
    submit = swede.request(form_id=form.id, state=form.state)
    bad = {"name": "", "value": "lots", "stage": "lost"}
    swede.check("opportunity form", handle(replace(submit, values=bad), swede.store))
    good = {"name": "Plok", "value": "5k", "stage": "negotiation", "next_step": "Plok"}
    swede.check("opportunity form", handle(replace(submit, values=good), swede.store))
    added = swede.say("opp add")
    assert isinstance(added, Form)
    submit = swede.request(form_id=added.id, state=added.state)
    swede.check("new opportunity", handle(replace(submit, values={"name": "Qwv"}), swede.store))


def _link(swede: Swede) -> None:
    """A second channel and a second platform joined with codes, and parted again."""
    code = CODE.findall(" ".join(texts(swede.say("account link"))))[0]
    second = swede.request(channel="C-second", text=f"account link {code}")
    swede.check("linked", handle(second, swede.store))
    swede.say("account")
    swede.check("unlinked", handle(replace(second, text="account unlink"), swede.store))
    code = CODE.findall(" ".join(texts(swede.say("link-me"))))[0]
    elsewhere = swede.request(workspace="T2", channel="D-kam", text=f"link-me {code}")
    swede.check("linked person", handle(elsewhere, swede.store))


def _buttons(swede: Swede, reply: Outcome) -> Iterator[Outcome]:
    assert isinstance(reply, Reply)
    for block in reply.blocks:
        if isinstance(block, Actions):
            for button in block.buttons:
                request = swede.request(action=button.action, action_value=button.value)
                yield handle(request, swede.store)
                yield handle(request, swede.store)


def _refusals(swede: Swede, store: Store) -> None:
    """Who may do what, and buttons and forms replayed where they do not belong."""
    by_alice = swede.say("log-meeting internal today Plok", user="alice")
    assert isinstance(by_alice, Reply)
    [undo] = [b for block in by_alice.blocks if isinstance(block, Actions) for b in block.buttons]
    clicks = {
        "eve": (CHANNEL, undo.value),
        "kam": ("C-first", undo.value),
        "alice": (CHANNEL, "C-nowhere|1"),
    }
    for user, (channel, value) in clicks.items():
        click = swede.request(user, channel=channel, action=undo.action, action_value=value)
        swede.check(f"undo by {user} in {channel}", handle(click, store))
    form = swede.say("log-meeting")
    assert isinstance(form, Form)
    values = {"kind": "tactical", "held_on": NOW.date(), "notes": "Plok"}
    for channel in ("C-nowhere", "C-first", CHANNEL):
        state = {**form.state, "channel": channel}
        submitted = swede.request(form_id=form.id, state=state, values=values)
        swede.check(f"form in {channel}", handle(submitted, store))


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
    agreement = '{"name": "Plok", "ends_on": "2027-02-26", "lead": 90}'
    rows.append(
        Claimed(
            2,
            "test",
            "T1",
            account.id,
            CHANNEL,
            False,
            "agreement",
            "",
            None,
            0,
            agreement,
            1,
            False,
        )
    )
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
    swede.say("checkin")
    second = checkins.open_round_id(store.engine, account.id)
    assert second is not None
    checkins.close_round(store.engine, second, "kam", NOW)
    after = replace(rows[checkins.SUMMARY], body=str(second))
    yield "summary after a round", delivery.render(store, [after], NOW)
