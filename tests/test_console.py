"""The console driven the way a person types, asserting what they read."""

from __future__ import annotations

import io

import pytest

from bot.console.shell import Console, run_shell
from bot.console.terminal import Terminal
from storage.store import Store
from tests.conftest import NOW


class Person:
    """Someone at the console: each `say` types a line, then answers whatever is asked."""

    def __init__(self, store: Store) -> None:
        self.screen = io.StringIO()
        self.console = Console(store, Terminal(io.StringIO(), self.screen, echo=True), lambda: NOW)

    def say(self, line: str, *answers: str) -> str:
        """What appears on the screen after typing `line` and then `answers`, one per line."""
        self.console.terminal.source = io.StringIO("".join(f"{a}\n" for a in answers))
        self.screen.seek(0)
        self.screen.truncate()
        self.console.dispatch(line)
        return self.screen.getvalue()


def session(store: Store, *lines: str) -> str:
    """A whole console session from start to the end of its input."""
    screen = io.StringIO()
    run_shell(store, io.StringIO("".join(f"{line}\n" for line in lines)), screen, lambda: NOW)
    return screen.getvalue()


@pytest.fixture
def you(sqlite_store: Store) -> Person:
    """The default console user, KAM of Acme Group in #kam-demo, with alice in sales."""
    person = Person(sqlite_store)
    person.say("/kam account create Acme Group")
    person.say("/kam team add @alice sales")
    return person


def test_the_welcome_says_how_to_start_and_switch(sqlite_store: Store) -> None:
    screen = session(sqlite_store, ":quit", "/kam help")
    assert "You are @you in #kam-demo" in screen
    assert "/kam account create Acme Group" in screen and "/kam help" in screen
    assert ":as alice" in screen and ":in #kam-acme" in screen
    assert screen.rstrip().endswith("Bye.") and "Show this help" not in screen


def test_creating_an_account_is_announced_to_the_channel(sqlite_store: Store) -> None:
    screen = Person(sqlite_store).say("/kam account create Acme Group")
    assert "#kam-demo (everyone):" in screen
    assert "Acme Group is now a key account, run from this channel. @you is its KAM." in screen
    assert "*" not in screen and "<@" not in screen


def test_a_team_member_logs_a_meeting_inline(you: Person) -> None:
    assert "You are now @alice." in you.say(":as alice")
    screen = you.say("/kam log-meeting tactical yesterday Reviewed delivery KPIs @alice")
    assert "#kam-demo (everyone):" in screen
    assert "Tactical meeting with Acme Group on 2026-11-26, logged by @alice." in screen
    assert "Our attendees: @alice" in screen
    assert "tactical meeting is due 2027-02-26 (in 91 days)" in screen


def test_the_form_is_filled_field_by_field(you: Person) -> None:
    you.say(":as alice")
    screen = you.say(
        "/kam log-meeting",
        *("2", "monday", "@alice @you", "Bo (CIO)"),
        *("Went through the roadmap", "Agreed a pilot", ""),
        *("", "@alice send the offer by 2026-12-15", ""),
    )
    assert "Log a meeting" in screen and "  2) Tactical" in screen
    assert "Date [2026-11-27]: monday" in screen and "Our attendees [@alice]: " in screen
    assert "Tactical meeting with Acme Group on 2026-11-23, logged by @alice." in screen
    assert "Our attendees: @alice, @you" in screen and "Customer attendees: Bo (CIO)" in screen
    assert "Action items: 1" in screen and "Went through the roadmap\n  Agreed a pilot" in screen


def test_enter_keeps_the_defaults_a_preset_form_shows(you: Person) -> None:
    screen = you.say("/kam log-meeting intern yesterday", *("",) * 4, "Planned the QBR", "", "", "")
    assert "Kind of meeting [Internal]: " in screen and "Date [2026-11-26]: " in screen
    assert "Internal meeting with Acme Group on 2026-11-26, logged by @you." in screen


def test_unreadable_answers_are_asked_again(you: Person) -> None:
    screen = you.say(
        "/kam log-meeting", "lunch", "3", "someday", "yesterday", "@@", "", "", "Ok", "", "", ""
    )
    assert "Type a number from 1 to 4, or its name." in screen
    assert "I can't read the date `someday`" in screen
    assert "Type people as @alice @bob." in screen
    assert "Operational meeting with Acme Group on 2026-11-26" in screen


def test_a_field_error_is_shown_beside_its_field_and_fixed(you: Person) -> None:
    screen = you.say(
        "/kam log-meeting",
        *("tactical", "2026-12-24", "", "", "", "", ""),
        *("yesterday", "Reviewed delivery KPIs", ""),
    )
    assert "Please fix:" in screen
    assert "  Date: That date is in the future; log meetings that have happened." in screen
    assert "  Notes: Write what happened" in screen and "Kind of meeting [" not in screen
    assert "Tactical meeting with Acme Group on 2026-11-26, logged by @you." in screen
    assert "2026-11-26 · Tactical" in you.say("/kam meetings")


def test_meetings_are_listed_newest_first_to_you_only(you: Person) -> None:
    you.say("/kam log-meeting strategic 2026-11-02 Framework agreement")
    you.say("/kam log-meeting operational 2026-11-20 Delivery check")
    screen = you.say("/kam meetings")
    assert screen.startswith("only you:\n  The last 2 meetings for Acme Group")
    assert screen.index("2026-11-20 · Operational") < screen.index("2026-11-02 · Strategic")
    assert "logged by @you; attendees —" in screen


def test_a_non_member_is_refused_with_the_kams_name(you: Person) -> None:
    you.say(":as bob")
    screen = you.say("/kam log-meeting tactical today Sneaky")
    assert screen.startswith("only you:")
    assert "Only the Acme Group account team can log meetings. Ask the KAM, @you," in screen
    assert "No meetings logged" in you.say("/kam meetings")


def test_admin_makes_you_a_workspace_admin_who_may_change_the_cadence(you: Person) -> None:
    you.say(":as root")
    assert "or a workspace admin can change the cadence" in you.say("/kam cadence off internal")
    assert "@root is now a workspace admin." in you.say(":admin")
    assert "internal meeting rhythm of Acme Group: off" in you.say("/kam cadence off internal")
    assert "@root is no longer a workspace admin." in you.say(":admin")


def test_an_unbound_channel_says_how_to_create_an_account(you: Person) -> None:
    assert "no key account yet. Create one with `/kam account create" in you.say(":in #kam-new")
    assert "/kam account create Acme Group" in you.say("/kam meetings")
    assert "You are now in #kam-demo, the Acme Group channel." in you.say(":in kam-demo")


def test_ending_the_input_inside_a_form_abandons_it(sqlite_store: Store) -> None:
    screen = session(sqlite_store, "/kam account create Acme", "/kam log-meeting", "1")
    assert "Form abandoned; nothing was sent." in screen and screen.rstrip().endswith("Bye.")
    assert "No meetings logged" in session(sqlite_store, "/kam meetings")


def test_quit_inside_a_form_abandons_it_and_leaves(sqlite_store: Store) -> None:
    screen = session(sqlite_store, "/kam account create Acme", "/kam log-meeting", ":quit", "1")
    assert "Form abandoned; nothing was sent." in screen and screen.rstrip().endswith("Bye.")
    assert "Date" not in screen, "nothing after :quit is read"
    assert "No meetings logged" in session(sqlite_store, "/kam meetings")


def test_cancel_leaves_a_form_and_the_console_goes_on(you: Person) -> None:
    screen = you.say("/kam log-meeting", "1", ":cancel")
    assert ":cancel leaves" in screen and "Form abandoned; nothing was sent." in screen
    assert "No meetings logged" in you.say("/kam meetings")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("hello", "Commands start with /kam"),
        ("/kamx", "Commands start with /kam"),
        (":as", "Say who to be"),
        (":as al ice", "Say who to be"),
        (":in #no way", "Say which channel"),
        (":frob", "I don't know `:frob`"),
        (":", "I don't know `:`"),
        (":help", ":as alice"),
        ("/kam", "Show this help"),
        ("/kam team add bob@example.com", "Mention whom to add"),
    ],
)
def test_every_line_gets_an_answer(you: Person, line: str, expected: str) -> None:
    screen = you.say(line)
    assert expected in screen and "Sorry" not in screen


def test_replies_read_as_text_not_data(you: Person) -> None:
    screen = you.say("/kam account")
    assert "Acme Group\n  ──────────" in screen and "KAM: @you" in screen
    assert "Tactical: never" in screen
    assert not any(raw in screen for raw in ("Reply(", "Section(", "Fields(", "<@", "*"))
