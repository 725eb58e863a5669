"""Issue 2's rules as conversations with the core, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from handlers.commands import COMMANDS
from handlers.model import FieldErrors, Form, Reply, Visibility
from storage.store import Store
from tests.conversation import TODAY, ask, logged, press, said, submit, team_of


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("strategic", "strategic"),
        ("tactical", "tactical"),
        ("operational", "operational"),
        ("internal", "internal"),
        ("strategisk", "strategic"),
        ("taktisk", "tactical"),
        ("operativ", "operational"),
        ("intern", "internal"),
        ("Tactical", "tactical"),
    ],
)
def test_kinds_and_swedish_aliases(acme: Store, word: str, kind: str) -> None:
    reply = ask(acme, f"log-meeting {word} today Went through the plan")
    assert isinstance(reply, Reply) and reply.visibility is Visibility.CHANNEL
    assert [m.kind for m in logged(acme)] == [kind]


def test_unknown_kind_lists_the_kinds(acme: Store) -> None:
    text = said(ask(acme, "log-meeting lunch today Ate"))
    assert all(kind in text for kind in ("strategic", "tactical", "operational", "internal"))
    assert logged(acme) == []


@pytest.mark.parametrize(
    ("phrase", "held_on"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("today", TODAY),
        ("yesterday", TODAY - timedelta(days=1)),
        ("monday", date(2026, 11, 23)),
        ("thursday", date(2026, 11, 26)),
        ("3 days ago", date(2026, 11, 24)),
        ("2 weeks ago", date(2026, 11, 13)),
        ("1 month ago", date(2026, 10, 27)),
        ("igår", TODAY - timedelta(days=1)),
        ("måndag", date(2026, 11, 23)),
    ],
)
def test_dates_are_read_as_people_write_them(acme: Store, phrase: str, held_on: date) -> None:
    said(ask(acme, f"log-meeting operational {phrase} Checked the delivery plan"))
    [meeting] = logged(acme)
    assert (meeting.held_on, meeting.notes) == (held_on, "Checked the delivery plan")


def test_no_date_means_today(acme: Store) -> None:
    said(ask(acme, "log-meeting internal Planned the QBR"))
    assert [m.held_on for m in logged(acme)] == [TODAY]


@pytest.mark.parametrize("phrase", ["tomorrow", "2026-12-01", "in 3 days", "next friday"])
def test_a_future_date_is_refused(acme: Store, phrase: str) -> None:
    reply = ask(acme, f"log-meeting tactical {phrase} Not yet held")
    assert "in the future" in said(reply)
    assert isinstance(reply, Reply) and reply.visibility is Visibility.ONLY_YOU
    assert logged(acme) == []


@pytest.mark.parametrize("phrase", ["2026-13-45", "2026-02-30", "31/31", "12/31", "nästa fredag"])
def test_an_unreadable_date_is_refused(acme: Store, phrase: str) -> None:
    assert "can't read the date" in said(ask(acme, f"log-meeting tactical {phrase} Notes"))
    assert logged(acme) == []


def test_mentioned_users_become_attendees_once_in_order(acme: Store) -> None:
    said(ask(acme, "log-meeting tactical today With <@bob> and <@alice>, then <@bob> again"))
    [meeting] = logged(acme)
    assert [a.user_id for a in meeting.attendees] == ["bob", "alice"]


@pytest.mark.parametrize(
    ("kind", "held_on", "due"),
    [
        ("strategic", "2026-11-26", "due 2027-05-26 (in 180 days)"),
        ("tactical", "2026-11-26", "due 2027-02-26 (in 91 days)"),
        ("operational", "2026-11-26", "due 2026-12-26 (in 29 days)"),
        ("internal", "2026-11-26", "due 2026-12-10 (in 13 days)"),
        ("strategic", "2026-05-31", "due 2026-11-30 (in 3 days)"),
        ("operational", "2026-08-31", "2026-09-30 (58 days ago)"),
        ("internal", "2026-11-13", "2026-11-27 (today)"),
    ],
)
def test_days_until_due_follow_the_default_cadence(
    acme: Store, kind: str, held_on: str, due: str
) -> None:
    assert due in said(ask(acme, f"log-meeting {kind} {held_on} Notes"))


def test_due_counts_from_the_latest_meeting_of_that_kind(acme: Store) -> None:
    said(ask(acme, "log-meeting tactical 2026-11-20 Latest"))
    assert "due 2027-02-20" in said(ask(acme, "log-meeting tactical 2026-09-01 Older, late"))


def test_meetings_lists_newest_first_with_kind_and_limit(acme: Store) -> None:
    for line in (
        "tactical 2026-11-02 Second",
        "strategic 2026-11-20 Third",
        "tactical 2026-10-01 First",
    ):
        said(ask(acme, f"log-meeting {line}", user="alice"))
    text = said(ask(acme, "meetings"))
    assert text.index("Third") < text.index("Second") < text.index("First")
    assert "logged by <@alice>" in text
    tactical = said(ask(acme, "meetings taktisk 1"))
    assert "Second" in tactical and "First" not in tactical and "Third" not in tactical


@pytest.mark.parametrize("args", ["lunch", "0", "99", "tactical tactical"])
def test_meetings_with_bad_filters_says_how(acme: Store, args: str) -> None:
    assert "/kam meetings tactical 5" in said(ask(acme, f"meetings {args}"))


def test_no_meetings_yet_says_how_to_log_one(acme: Store) -> None:
    assert "/kam log-meeting" in said(ask(acme, "meetings"))


@pytest.mark.parametrize(
    "text",
    [
        "log-meeting tactical today " + "x" * 3001,
        "account create " + "A" * 81,
        "team add <@bob> " + "r" * 33,
    ],
)
def test_text_over_the_limits_is_refused(acme: Store, text: str) -> None:
    assert "at most" in said(ask(acme, text))
    assert logged(acme) == [] and team_of(acme) == {"kam": "kam", "alice": "sales"}


def test_the_kam_manages_the_team(acme: Store) -> None:
    assert "joined" in said(ask(acme, "team add <@bob> delivery"))
    assert "now has the role" in said(ask(acme, "team add <@bob> service"))
    assert "left" in said(ask(acme, "team remove <@alice>"))
    assert team_of(acme) == {"kam": "kam", "bob": "service"}
    assert "<@bob> — service" in said(ask(acme, "team"))


def test_only_the_kam_manages_the_team(acme: Store) -> None:
    text = said(ask(acme, "team add <@bob> sales", user="alice"))
    assert "Only the KAM of Acme Group, <@kam>" in text
    assert "Only the KAM" in said(ask(acme, "team remove <@alice>", user="alice"))
    assert team_of(acme) == {"kam": "kam", "alice": "sales"}


@pytest.mark.parametrize(
    "text", ["team remove <@kam>", "team add <@kam> sales", "team add <@bob> kam", "team add bob"]
)
def test_team_changes_that_make_no_sense_are_refused(acme: Store, text: str) -> None:
    reply = ask(acme, text)
    assert isinstance(reply, Reply) and reply.visibility is Visibility.ONLY_YOU
    assert team_of(acme) == {"kam": "kam", "alice": "sales"}


def test_a_non_member_is_told_whom_to_ask(acme: Store) -> None:
    text = said(ask(acme, "log-meeting tactical today Sneaky", user="mallory"))
    assert "Ask the KAM, <@kam>" in text
    assert logged(acme) == []


@pytest.mark.parametrize(
    "text", ["log-meeting tactical today Notes", "meetings", "team", "account"]
)
def test_an_unbound_channel_says_how_to_create_an_account(store: Store, text: str) -> None:
    assert "/kam account create" in said(ask(store, text, channel="C-elsewhere"))


def test_a_channel_binds_one_account(acme: Store) -> None:
    assert "already belongs to *Acme Group*" in said(ask(acme, "account create Other"))
    assert "already a key account named" in said(
        ask(acme, "account create acme group", channel="C2")
    )


def test_account_shows_kam_team_and_last_meetings(acme: Store) -> None:
    said(ask(acme, "log-meeting strategic 2026-11-20 Framework"))
    text = said(ask(acme, "account"))
    assert "KAM: <@kam>" in text and "<@alice> — sales" in text
    assert "Strategic: 2026-11-20 (7 days ago)" in text and "Tactical: never" in text


@pytest.mark.parametrize("text", ["help", "", "frobnicate"])
def test_help_lists_every_command_with_an_example(store: Store, text: str) -> None:
    reply = said(ask(store, text))
    assert all(f"`/kam {command.name}" in reply for command in COMMANDS)
    assert ("don't know the command `frobnicate`" in reply) == (text == "frobnicate")


def test_log_meeting_alone_opens_the_form_preset(acme: Store) -> None:
    form = ask(acme, "log-meeting", user="alice")
    assert isinstance(form, Form)
    initial = {field.name: field.initial for field in form.fields}
    assert initial["kind"] is None and initial["held_on"] == TODAY
    assert initial["attendees"] == ("alice",)
    preset = ask(acme, "log-meeting taktisk yesterday")
    assert isinstance(preset, Form)
    assert {f.name: f.initial for f in preset.fields}["held_on"] == date(2026, 11, 26)


def test_an_empty_form_gets_field_errors(acme: Store) -> None:
    form = ask(acme, "log-meeting")
    assert isinstance(form, Form)
    refused = submit(acme, form)
    assert isinstance(refused, FieldErrors)
    assert set(refused.errors) == {"kind", "held_on", "notes"}
    assert logged(acme) == []


def test_form_field_errors_name_each_problem(acme: Store) -> None:
    form = ask(acme, "log-meeting")
    assert isinstance(form, Form)
    refused = submit(
        acme,
        form,
        kind="lunch",
        held_on=date(2026, 12, 1),
        notes="x" * 3001,
        action_items="<@alice> send the offer by never-ish-day",
    )
    assert isinstance(refused, FieldErrors)
    assert set(refused.errors) == {"kind", "held_on", "notes", "action_items"}
    assert "future" in refused.errors["held_on"] and "3,000" in refused.errors["notes"]
    assert logged(acme) == []


def test_a_submitted_form_logs_everything(acme: Store) -> None:
    form = ask(acme, "log-meeting", user="alice")
    assert isinstance(form, Form)
    reply = submit(
        acme,
        form,
        user="alice",
        kind="operational",
        held_on=date(2026, 11, 25),
        attendees=["alice", "kam"],
        customer_attendees="Bo (CIO)",
        notes="Delivery\nOn track",
        decisions="Go",
        action_items="<@alice> send the offer by 2026-12-15\nBook the QBR",
    )
    assert "Operational meeting* with Acme Group on 2026-11-25" in said(reply)
    [meeting] = logged(acme)
    assert [a.user_id for a in meeting.attendees] == ["alice", "kam"]
    first, second = meeting.action_items
    assert (first.owner, first.due, second.owner, second.due) == (
        "<@alice>",
        date(2026, 12, 15),
        None,
        None,
    )


def test_a_form_submitted_twice_logs_once(acme: Store) -> None:
    form = ask(acme, "log-meeting")
    assert isinstance(form, Form)
    first, again = (submit(acme, form, kind="tactical", held_on=TODAY, notes="KPIs") for _ in "12")
    assert "logged by" in said(first)
    assert "already logged" in said(again)
    assert len(logged(acme)) == 1


def test_a_form_from_a_non_member_is_refused(acme: Store) -> None:
    form = ask(acme, "log-meeting")
    assert isinstance(form, Form)
    text = said(submit(acme, form, user="mallory", kind="tactical", held_on=TODAY, notes="x"))
    assert "Ask the KAM" in text and logged(acme) == []


@pytest.mark.parametrize(
    ("user", "text"),
    [
        ("mallory", "log-meeting tactical today Notes"),
        ("alice", "team add <@bob> sales"),
        ("kam", "log-meeting lunch today Notes"),
        ("kam", "log-meeting tactical tomorrow Notes"),
        ("kam", "log-meeting tactical 2026-99-01 Notes"),
        ("kam", "account create Another"),
        ("kam", "team remove <@nobody>"),
        ("kam", "meetings 1000"),
    ],
)
def test_nothing_changes_after_a_refusal(acme: Store, user: str, text: str) -> None:
    before = (team_of(acme), logged(acme))
    reply = ask(acme, text, user=user)
    assert isinstance(reply, Reply) and reply.visibility is Visibility.ONLY_YOU
    assert "Sorry" not in said(reply)
    assert (team_of(acme), logged(acme)) == before


def test_undo_removes_the_meeting_and_its_kind_is_due_as_before(acme: Store) -> None:
    confirmation = ask(acme, "log-meeting tactical yesterday Met the wrong customer")
    assert "Last held 2026-11-26" in said(ask(acme, "cadence"))
    assert "removed the tactical meeting" in said(press(acme, confirmation, "Undo"))
    assert logged(acme) == []
    assert "Tactical* · every 3 months\nLast held never" in said(ask(acme, "cadence"))
    assert "no longer in Acme Group's record" in said(press(acme, confirmation, "Undo"))


def test_only_the_logger_or_the_kam_can_undo(acme: Store) -> None:
    confirmation = ask(acme, "log-meeting tactical yesterday Notes", user="alice")
    refused = said(press(acme, confirmation, "Undo", user="bob"))
    assert "Only <@alice>, who added it, the KAM of Acme Group, <@kam>, or a workspace" in refused
    assert len(logged(acme)) == 1
