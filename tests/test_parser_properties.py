"""No text a person types and no value a form sends makes the core apologise or raise."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.commands import handle
from handlers.model import Form, FormValue, Reply, Request
from storage.store import Store
from tests.conftest import NOW

CHANNEL = "C-acme"
APOLOGY = "something went wrong"
PROPERTIES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
user_ids = st.integers(1, 80).flatmap(lambda n: st.text(ID_CHARS, min_size=n, max_size=n))
mentions = user_ids.map(lambda user: f"<@{user}>")
dates = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["today", "yesterday", "monday", "fredag", "igår", "last friday"]),
    st.integers(-5, 10**6).map(lambda n: f"{n} days ago"),
    st.from_regex(r"\d{1,4}[-./]\d{1,4}([-./]\d{1,4})?", fullmatch=True),
)
KEYWORDS = (
    *("log-meeting", "meetings", "account", "create", "team", "add", "remove", "help", "by"),
    *("strategic", "taktisk", "operational", "intern", "sales", "kam", "10", "0", "999"),
)
keywords = st.sampled_from(KEYWORDS)
controls = st.characters(max_codepoint=0x1F)
words = st.one_of(keywords, mentions, dates, st.text(max_size=12), controls, st.just("@"))
command_lines = st.one_of(
    st.text(),
    st.lists(words, max_size=12).map(" ".join),
    st.tuples(keywords, st.text(min_size=2900, max_size=3200)).map(" ".join),
)


def command(user: str, text: str) -> Request:
    return Request("test", "T1", CHANNEL, user, NOW, text=text)


def assert_answered(outcome: object) -> None:
    """A reply, form or field errors; never the apology of the error boundary."""
    if isinstance(outcome, Reply):
        assert APOLOGY not in outcome.summary, outcome


@pytest.fixture
def acme(store: Store) -> Store:
    """A bound channel whose KAM (the caller in these tests) cannot be taken off the team."""
    assert_answered(handle(command("kam", "account create Acme Group"), store))
    assert_answered(handle(command("kam", "team add <@alice> sales"), store))
    return store


@PROPERTIES
@given(text=command_lines)
def test_no_command_text_makes_the_core_apologise(acme: Store, text: str) -> None:
    assert_answered(handle(command("kam", text), acme))


@PROPERTIES
@given(
    kind=st.sampled_from(["tactical", "strategisk", "internal", "lunch"]),
    when=st.one_of(st.just(""), dates),
    notes=st.one_of(st.text(min_size=1), st.lists(words, min_size=1, max_size=10).map(" ".join)),
)
def test_no_log_meeting_line_makes_the_core_apologise(
    acme: Store, kind: str, when: str, notes: str
) -> None:
    assert_answered(handle(command("alice", f"log-meeting {kind} {when} {notes}"), acme))


form_values: st.SearchStrategy[FormValue] = st.one_of(
    st.none(),
    st.text(max_size=50),
    st.text(min_size=2990, max_size=3100),
    st.lists(words, max_size=6).map("\n".join),
    st.dates(),
    st.lists(user_ids, max_size=4),
    st.sampled_from(["strategic", "tactical", "operational", "internal", "taktisk"]),
)
FORM_FIELDS = (
    "kind",
    "held_on",
    "attendees",
    "customer_attendees",
    "notes",
    "decisions",
    "action_items",
)


@PROPERTIES
@given(values=st.dictionaries(st.sampled_from(FORM_FIELDS), form_values))
def test_no_form_values_make_the_core_apologise(acme: Store, values: dict[str, FormValue]) -> None:
    form = handle(command("alice", "log-meeting"), acme)
    assert isinstance(form, Form)
    submitted = Request(
        "test", "T1", CHANNEL, "alice", NOW, form_id=form.id, values=values, state=form.state
    )
    assert_answered(handle(submitted, acme))
