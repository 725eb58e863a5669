"""The whole command surface in one list, and the one error boundary every request passes."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from handlers.accounts import UNARCHIVE, account, unarchive_button
from handlers.cadence import cadence
from handlers.checkin_answers import FORM_ID as CHECKIN_FORM
from handlers.checkin_answers import answer_button, pulse_button, submit_answer
from handlers.checkin_messages import ANSWER as CHECKIN_ANSWER
from handlers.checkin_messages import PULSE as CHECKIN_PULSE
from handlers.checkin_people import away
from handlers.checkins import CLOSE as CHECKIN_CLOSE
from handlers.checkins import QUESTIONS_FORM, checkin, checkins, close_button, submit_questions
from handlers.criteria import FORM_ID as CLASSIFY_FORM
from handlers.criteria import classify, show_criteria, submit_classification
from handlers.errors import InvalidForm, UsageError
from handlers.export import export
from handlers.home import HOME, home
from handlers.i18n import _, current, language_of, speaking
from handlers.identity import across
from handlers.kpis import FORM_ID as KPI_FORM
from handlers.kpis import kpi, submit_kpi
from handlers.linking import link_me
from handlers.log_context import WORKSPACE, scope
from handlers.meetings import FORM_ID as MEETING_FORM
from handlers.meetings import UNDO, log_meeting, meetings, submit_meeting, undo_meeting
from handlers.model import FieldErrors, Outcome, Reply, Request, Section
from handlers.opportunities import EDIT as OPPORTUNITY_EDIT
from handlers.opportunities import FORM_ID as OPPORTUNITY_FORM
from handlers.opportunities import edit_button as edit_opportunity_button
from handlers.opportunities import list_opportunities, opportunity, submit_opportunity
from handlers.people import FORM_ID as PERSON_FORM
from handlers.people import UNDO as PERSON_UNDO
from handlers.people import list_people, person, submit_person, undo_remove
from handlers.plan import EDIT as PLAN_EDIT
from handlers.plan import FORM_ID as PLAN_FORM
from handlers.plan import REVISE as PLAN_REVISE
from handlers.plan import edit_button, plan, revise_button, submit_section
from handlers.reminders import LOG_MEETING, SNOOZE, log_meeting_button, snooze_button
from handlers.settings import settings
from handlers.team import team
from handlers.workshops import (
    ADD_IDEA,
    CHOOSE,
    IDEA_FORM,
    OWNER_FORM,
    VOTE,
    add_idea_button,
    choose_button,
    submit_idea,
    submit_owner,
    vote,
    workshop,
)
from storage.store import Store

log = logging.getLogger(__name__)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CommandHandler = Callable[[Request, Store, str], Outcome]
RequestHandler = Callable[[Request, Store], Outcome]
Observer = Callable[[str, str, float, bool], None]
"""Told of every request: its command's name, the platform, seconds taken, and whether it hit
the error boundary; how the edges count requests without the core knowing about metrics."""


@dataclass(frozen=True)
class Command:
    """A command; `summary` translates when called, `sv_examples` are typed the Swedish way."""

    name: str
    run: CommandHandler
    summary: Callable[[], str]
    examples: tuple[str, ...]
    sv_examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def word(self) -> str:
        """The command as a speaker of the current language types it."""
        return self.aliases[0] if self.aliases and current() == "sv" else self.name

    def shown_examples(self) -> tuple[str, ...]:
        return self.sv_examples if self.sv_examples and current() == "sv" else self.examples


def help_text(request: Request, store: Store, args: str) -> Reply:
    """Every command with an example, generated from `COMMANDS` so it cannot go stale."""
    lines = [
        f"*{command.summary()}*\n"
        + "\n".join(f"`/kam {example}`" for example in command.shown_examples())
        for command in COMMANDS
    ]
    names = ", ".join(f"`{command.word()}`" for command in COMMANDS)
    return Reply(
        summary=_("kam-bot commands: {commands}").format(commands=names),
        blocks=(
            Section(_("*kam-bot* keeps your key accounts' meeting rhythm. Commands:")),
            *(Section(line) for line in lines),
        ),
    )


COMMANDS: tuple[Command, ...] = (
    Command(
        "log-meeting",
        log_meeting,
        lambda: _(
            "Log a meeting (strategic, tactical, operational, internal); alone, it opens a form"
        ),
        (
            "log-meeting strategic 2026-11-20 Agreed to extend the framework agreement @alice",
            "log-meeting",
        ),
        ("möte taktisk igår Gick igenom leveransplanen @alice", "möte"),
        aliases=("möte",),
    ),
    Command(
        "meetings",
        meetings,
        lambda: _("List the latest meetings"),
        ("meetings", "meetings tactical 5"),
        ("möten", "möten taktisk 5"),
        aliases=("möten",),
    ),
    Command(
        "account",
        account,
        lambda: _(
            "Show this channel's key account, create one, link it to another channel, "
            "or archive it when the customer left"
        ),
        (
            "account",
            "account create Acme Group",
            "account link",
            "account archive",
            "account unarchive",
        ),
    ),
    Command(
        "link-me",
        link_me,
        lambda: _("Be the same person on Slack and Teams: get a code here, type it there"),
        ("link-me", "link-me K7QX2MPA"),
    ),
    Command(
        "team",
        team,
        lambda: _("Show or change the account team (the KAM or a workspace admin manages it)"),
        ("team", "team add @alice sales", "team remove @alice"),
        ("team", "team add @alice sälj", "team remove @alice"),
    ),
    Command(
        "cadence",
        cadence,
        lambda: _(
            "See and set how often each kind of meeting is due "
            "(the KAM or a workspace admin sets it)"
        ),
        ("cadence", "cadence set tactical every 2 months", "cadence off operational"),
        ("cadence", "cadence set taktisk every 2 månader", "cadence off operativ"),
    ),
    Command(
        "plan",
        plan,
        lambda: _("The account plan: its sections, the twice-yearly revision and its history"),
        (
            "plan",
            "plan edit budget",
            "plan revise",
            "plan history 2",
            "plan revised Updated budget and key activities",
        ),
        (
            "plan",
            "plan edit budget",
            "plan revise",
            "plan history 2",
            "plan revised Uppdaterad budget och nyckelaktiviteter",
        ),
    ),
    Command(
        "export",
        export,
        lambda: _(
            "Export the account plan (Markdown) and its meetings, KPIs and opportunities (CSV)"
        ),
        ("export",),
    ),
    Command(
        "kpi",
        kpi,
        lambda: _("KPIs per month, quarter or year with targets, trends and charts"),
        ("kpi", "kpi set revenue 2026-Q3 1.2M target 1.5M", "kpi chart revenue"),
        ("kpi", "kpi set omsättning 2026-Q3 1,2 mkr mål 1,5 mkr", "kpi chart omsättning"),
    ),
    Command(
        "opp",
        opportunity,
        lambda: _("Follow up an opportunity: add, update, won or lost"),
        (
            'opp add "Fleet rollout" value 400k close 2027-03-31 competitors Foo,Bar',
            "opp update 3",
            "opp lost 3 Price too high",
        ),
        (
            'opp add "Ny flotta" värde 400k beslut 2027-03-31 konkurrenter Foo,Bar',
            "opp update 3",
            "opp förlorad 3 För högt pris",
        ),
    ),
    Command(
        "opps",
        list_opportunities,
        lambda: _("List the open opportunities"),
        ("opps",),
    ),
    Command(
        "settings",
        settings,
        lambda: _("Time zone, holidays and budget month for reminders"),
        (
            "settings",
            "settings timezone Europe/Stockholm",
            "settings budget-month october",
            "settings language sv",
        ),
        (
            "settings",
            "settings timezone Europe/Stockholm",
            "settings budget-month oktober",
            "settings language sv",
        ),
    ),
    Command(
        "person",
        person,
        lambda: _("Add, edit or remove a key person at the customer; alone, `add` opens a form"),
        (
            'person add "Karin Berg" title CFO role decision-maker strength 2 target 4',
            "person edit Karin Berg",
            "person remove Karin Berg",
        ),
    ),
    Command(
        "people",
        list_people,
        lambda: _("The key persons, our relationships, and whom we haven't met for too long"),
        ("people",),
    ),
    Command(
        "criteria",
        show_criteria,
        lambda: _("The key-account criteria (workspace admins and KAMs change them)"),
        ("criteria", "criteria set current-revenue threshold 2M weight 3"),
    ),
    Command(
        "classify",
        classify,
        lambda: _("Score this account against the key-account criteria, in a form"),
        ("classify",),
    ),
    Command(
        "workshop",
        workshop,
        lambda: _("Run an Account Development Workshop: ideas, votes, opportunities"),
        ("workshop start", "workshop idea", "workshop", "workshop close"),
    ),
    Command(
        "checkin",
        checkin,
        lambda: _(
            "Check-ins: short questions to each team member, a summary in the channel "
            "(the KAM or a workspace admin schedules and starts them)"
        ),
        (
            "checkin",
            "checkin schedule biweekly monday 09:00",
            "checkin off",
            "checkin close",
            "checkin questions",
        ),
        (
            "avstämning",
            "avstämning schedule varannan måndag 09:00",
            "avstämning off",
            "avstämning close",
            "avstämning questions",
        ),
        aliases=("avstämning",),
    ),
    Command(
        "checkins",
        checkins,
        lambda: _("The latest check-ins with response rate and pulse trend"),
        ("checkins", "checkins 10"),
    ),
    Command(
        "away",
        away,
        lambda: _("Mark yourself away so check-ins skip you"),
        ("away until 2026-12-10", "away off"),
        ("away till 2026-12-10", "away tillbaka"),
    ),
    Command("help", help_text, lambda: _("Show this help"), ("help",), ("hjälp",), ("hjälp",)),
)
FORMS: dict[str, RequestHandler] = {
    MEETING_FORM: submit_meeting,
    PLAN_FORM: submit_section,
    PERSON_FORM: submit_person,
    CLASSIFY_FORM: submit_classification,
    IDEA_FORM: submit_idea,
    OWNER_FORM: submit_owner,
    KPI_FORM: submit_kpi,
    OPPORTUNITY_FORM: submit_opportunity,
    CHECKIN_FORM: submit_answer,
    QUESTIONS_FORM: submit_questions,
}
ACTIONS: dict[str, RequestHandler] = {
    LOG_MEETING: log_meeting_button,
    SNOOZE: snooze_button,
    UNDO: undo_meeting,
    PLAN_EDIT: edit_button,
    PLAN_REVISE: revise_button,
    PERSON_UNDO: undo_remove,
    ADD_IDEA: add_idea_button,
    VOTE: vote,
    CHOOSE: choose_button,
    HOME: home,
    OPPORTUNITY_EDIT: edit_opportunity_button,
    UNARCHIVE: unarchive_button,
    CHECKIN_PULSE: pulse_button,
    CHECKIN_ANSWER: answer_button,
    CHECKIN_CLOSE: close_button,
}
_BY_NAME = {word: command for command in COMMANDS for word in (command.name, *command.aliases)}


def handle(request: Request, store: Store, observe: Observer | None = None) -> Outcome:
    """Run a typed command or a submitted form; usage errors become a reply to the caller only,
    anything else a logged error (named by command, never by what was typed) and an apology."""
    request = _printable(request)
    started, failed = time.perf_counter(), False
    with speaking(language_of(request.locale)), scope(WORKSPACE, request.workspace):
        try:
            return _handle(request, store)
        except Exception:
            failed = True
            log.exception("request failed: %s %s", request.platform, command_name(request))
            apology = _(
                "Sorry, something went wrong on my side and nothing was changed. Please try again."
            )
            return Reply(summary=apology, blocks=(Section(apology),))
        finally:
            if observe is not None:
                seconds = time.perf_counter() - started
                observe(command_name(request), request.platform, seconds, failed)


def command_name(request: Request) -> str:
    """The request's command, form or button as a name from a fixed list, never free text."""
    if request.form_id:
        return request.form_id if request.form_id in FORMS else "unknown-form"
    if request.action:
        return request.action if request.action in ACTIONS else "unknown-button"
    word = request.text.strip().partition(" ")[0].lower()
    command = _BY_NAME.get(word or "help")
    return command.name if command is not None else "unknown"


def _handle(request: Request, store: Store) -> Outcome:
    try:
        if request.form_id:
            return _submit(request, store)
        if request.action:
            return _act(request, store)
        return _run(request, store)
    except InvalidForm as refused:
        return FieldErrors(refused.errors)
    except UsageError as refused:
        text = refused.message
        return Reply(summary=text, blocks=(Section(text),), source=refused.source)


def _run(request: Request, store: Store) -> Outcome:
    name = request.text.strip().partition(" ")[0]
    command = _BY_NAME.get(name.lower())
    if command is not None:
        return across(request, store, lambda asked: command.run(asked, store, _args(asked)))
    reply = help_text(request, store, "")
    if not name:
        return reply
    note = Section(_("I don't know the command `{name}`. Here is what I can do:").format(name=name))
    return replace(reply, blocks=(note, *reply.blocks))


def _args(request: Request) -> str:
    """What follows the command word."""
    return request.text.strip().partition(" ")[2].strip()


def _printable(request: Request) -> Request:
    """Drop control characters (NUL among them, which PostgreSQL refuses) from what was typed."""
    values = {
        name: CONTROL.sub("", value) if isinstance(value, str) else value
        for name, value in request.values.items()
    }
    return replace(request, text=CONTROL.sub("", request.text), values=values)


def _act(request: Request, store: Store) -> Outcome:
    act = ACTIONS.get(request.action)
    if act is None:
        raise UsageError(_("That button is no longer available. Run the command again."))
    return across(request, store, lambda asked: act(asked, store))


def _submit(request: Request, store: Store) -> Outcome:
    submit = FORMS.get(request.form_id)
    if submit is None:
        raise UsageError(_("That form is no longer available. Run the command again."))
    channel = request.state.get("channel", "")
    return across(replace(request, channel=channel), store, lambda asked: submit(asked, store))
