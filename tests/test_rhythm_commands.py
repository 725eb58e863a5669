"""`/kam cadence`, `/kam settings` and `/kam plan` as conversations with the core."""

from __future__ import annotations

import pytest

from handlers.commands import handle
from handlers.model import Reply, Request
from storage.models import Account
from storage.store import Store
from tests.conftest import NOW
from tests.conversation import ACME, ask, said

pytestmark = pytest.mark.usefixtures("acme")


def test_cadence_shows_every_kind_with_its_status(store: Store) -> None:
    shown = said(ask(store, "cadence"))
    assert "Strategic* · every 6 months" in shown
    assert "Internal* · every 2 weeks" in shown
    assert "next due 2026-11-27 · *due today*" in shown
    assert "Plan revision" in shown and "budget month September" in shown


def test_the_kam_sets_a_rhythm_and_everyone_sees_it(store: Store) -> None:
    changed = said(ask(store, "cadence set tactical every 2 months"))
    assert "changed the tactical meeting rhythm of Acme Group: now every 2 months" in changed
    assert "Tactical* · every 2 months" in said(ask(store, "cadence"))
    said(ask(store, "cadence set internal every 3 weeks"))
    assert "Internal* · every 3 weeks" in said(ask(store, "cadence"))


def test_off_and_on_again(store: Store) -> None:
    said(ask(store, "cadence off operational"))
    assert "Operational* · off" in said(ask(store, "cadence"))
    said(ask(store, "cadence on operational"))
    assert "Operational* · every month" in said(ask(store, "cadence"))


@pytest.mark.parametrize(
    ("typed", "told"),
    [
        ("cadence set tactical every 0 months", "between 1 and 24 months"),
        ("cadence set weekly every 2 weeks", "Say which kind and how often"),
        ("cadence set tactical sometimes", "Say which kind and how often"),
        ("cadence off", "Say which kind"),
        ("cadence sometimes", "I don't know `cadence sometimes`"),
    ],
)
def test_bad_rhythms_say_what_to_type(store: Store, typed: str, told: str) -> None:
    assert told in said(ask(store, typed, admin=True))
    assert "every 3 months" in said(ask(store, "cadence"))


def test_only_the_kam_changes_the_rhythm(store: Store) -> None:
    refused = said(ask(store, "cadence set tactical every 2 months", user="alice"))
    who = "Only the KAM of Acme Group, <@kam>, or a workspace admin can change the cadence"
    assert who in refused


def test_the_first_time_zone_chosen_becomes_the_workspace_default(store: Store) -> None:
    changed = said(ask(store, "settings timezone europe/stockholm"))
    assert "time zone is now Europe/Stockholm" in changed
    assert "New key accounts in this workspace will start in Europe/Stockholm" in changed
    said(ask(store, "account create Globex", channel="C-globex"))
    assert "Europe/Stockholm" in said(ask(store, "settings", channel="C-globex"))


@pytest.mark.parametrize(
    ("typed", "told"),
    [
        ("settings timezone Mars/Olympus", "isn't a time zone I know"),
        ("settings country XX", "no holiday calendar for `XX`"),
        ("settings budget-month smarch", "isn't a month"),
        ("settings colour blue", "I don't know the setting `colour`"),
        ("settings timezone", "Give a value"),
    ],
)
def test_bad_settings_say_what_to_type(store: Store, typed: str, told: str) -> None:
    assert told in said(ask(store, typed, admin=True))
    assert "Time zone: UTC" in said(ask(store, "settings"))


def test_country_and_budget_month_change_when_reminders_go_out(store: Store) -> None:
    assert "public holidays of SE" in said(ask(store, "settings country se"))
    changed = said(ask(store, "settings budget-month oktober", user="root", admin=True))
    assert "budget month is now October" in changed
    assert "next due 2027-04-01" in said(ask(store, "cadence"))


def test_a_plan_revision_is_recorded_by_a_team_member(store: Store) -> None:
    assert "No revision recorded yet" in said(ask(store, "plan"))
    recorded = said(ask(store, "plan revised Updated budget", user="alice"))
    assert "<@alice> recorded revision 1 of the Acme Group account plan: Updated budget" in recorded
    assert "by <@alice>: Updated budget" in said(ask(store, "plan"))
    assert "Only the Acme Group account team" in said(ask(store, "plan revised x", user="eve"))


@pytest.mark.parametrize(("typed", "shown"), [("sv", "Swedish"), ("svenska", "Swedish")])
def test_the_kam_sets_the_language_of_channel_messages(
    store: Store, typed: str, shown: str
) -> None:
    said(ask(store, f"settings language {typed}"))
    assert f"Language (channel messages): {shown}" in said(ask(store, "settings"))
    assert _account(store).language == "sv"
    said(ask(store, "settings language english"))
    assert _account(store).language == "en"


def test_the_first_language_chosen_becomes_the_workspace_default(store: Store) -> None:
    said(ask(store, "settings language sv"))
    workspace = store.workspace_id("test", "T1", NOW)
    assert store.workspace_defaults(workspace)[1] == "sv"


def test_only_the_kam_sets_the_language_and_only_to_one_spoken(store: Store) -> None:
    assert "Only the KAM of Acme Group" in said(ask(store, "settings language sv", user="alice"))
    assert "I don't speak `klingon`" in said(ask(store, "settings language klingon"))
    assert _account(store).language == "en"


@pytest.mark.parametrize(
    ("typed", "told"),
    [
        ("möte", "Log a meeting"),
        ("möte taktisk 2026-11-20 Genomgång", "Tactical meeting"),
        ("möten", "2026-11-19 · Strategic"),
        ("hjälp", "kam-bot* keeps your key accounts' meeting rhythm"),
    ],
)
def test_swedish_command_words_do_the_same(store: Store, typed: str, told: str) -> None:
    said(ask(store, "log-meeting strategic 2026-11-19 Review"))
    outcome = ask(store, typed)
    shown = said(outcome) if isinstance(outcome, Reply) else outcome.title
    assert told in shown


def test_help_in_swedish_shows_the_swedish_command_words(store: Store) -> None:
    request = Request("test", "T1", ACME, "kam", NOW, text="hjälp", locale="sv-SE")
    shown = said(handle(request, store))
    assert "`/kam möte taktisk igår" in shown and "`/kam möten`" in shown
    assert "`/kam hjälp`" in shown and "`/kam help`" not in shown
    assert "`/kam help`" in said(ask(store, "help"))


def _account(store: Store) -> Account:
    workspace = store.workspace_id("test", "T1", NOW)
    account = store.account_for_channel(workspace, ACME)
    assert account is not None
    return account
