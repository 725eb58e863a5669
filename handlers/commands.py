"""The whole command surface in one list, and the one error boundary every request passes."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from handlers.accounts import account
from handlers.cadence import cadence
from handlers.checkin_answers import FORM_ID as CHECKIN_FORM
from handlers.checkin_answers import answer_button, pulse_button, submit_answer
from handlers.checkin_messages import ANSWER as CHECKIN_ANSWER
from handlers.checkin_messages import PULSE as CHECKIN_PULSE
from handlers.checkin_people import away
from handlers.checkins import CLOSE as CHECKIN_CLOSE
from handlers.checkins import QUESTIONS_FORM, checkin, checkins, close_button, submit_questions
from handlers.errors import InvalidForm, UsageError
from handlers.i18n import _, current, language_of, speaking
from handlers.meetings import FORM_ID as MEETING_FORM
from handlers.meetings import UNDO, log_meeting, meetings, submit_meeting, undo_meeting
from handlers.model import FieldErrors, Outcome, Reply, Request, Section
from handlers.plan import plan
from handlers.reminders import LOG_MEETING, SNOOZE, log_meeting_button, snooze_button
from handlers.settings import settings
from handlers.team import team
from storage.store import Store

log = logging.getLogger(__name__)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CommandHandler = Callable[[Request, Store, str], Outcome]
RequestHandler = Callable[[Request, Store], Outcome]


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
        lambda: _("Show this channel's key account, or create one"),
        ("account", "account create Acme Group"),
    ),
    Command(
        "team",
        team,
        lambda: _("Show or change the account team (the KAM manages it)"),
        ("team", "team add @alice sales", "team remove @alice"),
        ("team", "team add @alice sälj", "team remove @alice"),
    ),
    Command(
        "cadence",
        cadence,
        lambda: _("See and set how often each kind of meeting is due (the KAM sets it)"),
        ("cadence", "cadence set tactical every 2 months", "cadence off operational"),
        ("cadence", "cadence set taktisk every 2 månader", "cadence off operativ"),
    ),
    Command(
        "plan",
        plan,
        lambda: _("The account plan's twice-yearly revision"),
        ("plan", "plan revised Updated budget and key activities"),
        ("plan", "plan revised Uppdaterad budget och nyckelaktiviteter"),
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
        "checkin",
        checkin,
        lambda: _(
            "Check-ins: short questions to each team member, a summary in the channel "
            "(the KAM schedules and starts them)"
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
    CHECKIN_FORM: submit_answer,
    QUESTIONS_FORM: submit_questions,
}
ACTIONS: dict[str, RequestHandler] = {
    LOG_MEETING: log_meeting_button,
    SNOOZE: snooze_button,
    UNDO: undo_meeting,
    CHECKIN_PULSE: pulse_button,
    CHECKIN_ANSWER: answer_button,
    CHECKIN_CLOSE: close_button,
}
_BY_NAME = {word: command for command in COMMANDS for word in (command.name, *command.aliases)}


def handle(request: Request, store: Store) -> Outcome:
    """Run a typed command or a submitted form; usage errors become a reply to the caller only."""
    request = _printable(request)
    with speaking(language_of(request.locale)):
        return _handle(request, store)


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
        return Reply(summary=refused.message, blocks=(Section(refused.message),))
    except Exception:
        what = request.text or request.form_id or request.action
        log.exception("request failed: %s %r", request.platform, what)
        apology = _(
            "Sorry, something went wrong on my side and nothing was changed. Please try again."
        )
        return Reply(summary=apology, blocks=(Section(apology),))


def _run(request: Request, store: Store) -> Outcome:
    name, _sep, args = request.text.strip().partition(" ")
    command = _BY_NAME.get(name.lower())
    if command is not None:
        return command.run(request, store, args.strip())
    reply = help_text(request, store, "")
    if not name:
        return reply
    note = Section(_("I don't know the command `{name}`. Here is what I can do:").format(name=name))
    return replace(reply, blocks=(note, *reply.blocks))


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
    return act(request, store)


def _submit(request: Request, store: Store) -> Outcome:
    submit = FORMS.get(request.form_id)
    if submit is None:
        raise UsageError(_("That form is no longer available. Run the command again."))
    return submit(replace(request, channel=request.state.get("channel", "")), store)
