"""The whole command surface in one list, and the one error boundary every request passes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from handlers.accounts import account
from handlers.errors import InvalidForm, UsageError
from handlers.meetings import FORM_ID as MEETING_FORM
from handlers.meetings import log_meeting, meetings, submit_meeting
from handlers.model import FieldErrors, Outcome, Reply, Request, Section
from handlers.team import team
from storage.store import Store

log = logging.getLogger(__name__)

CommandHandler = Callable[[Request, Store, str], Outcome]
FormHandler = Callable[[Request, Store], Outcome]


@dataclass(frozen=True)
class Command:
    name: str
    run: CommandHandler
    summary: str
    examples: tuple[str, ...]
    aliases: tuple[str, ...] = ()


def help_text(request: Request, store: Store, args: str) -> Reply:
    """Every command with an example, generated from `COMMANDS` so it cannot go stale."""
    lines = [
        f"*{command.summary}*\n" + "\n".join(f"`/kam {example}`" for example in command.examples)
        for command in COMMANDS
    ]
    return Reply(
        summary="kam-bot commands: " + ", ".join(command.name for command in COMMANDS),
        blocks=(
            Section("*kam-bot* keeps your key accounts' meeting rhythm. Commands:"),
            *(Section(line) for line in lines),
        ),
    )


COMMANDS: tuple[Command, ...] = (
    Command(
        "log-meeting",
        log_meeting,
        "Log a meeting (kinds: strategic, tactical, operational, internal)",
        (
            "log-meeting strategic 2026-11-20 Agreed to extend the framework agreement @alice",
            "log-meeting  (opens a form)",
        ),
    ),
    Command("meetings", meetings, "List the latest meetings", ("meetings", "meetings tactical 5")),
    Command(
        "account",
        account,
        "Show this channel's key account, or create one",
        ("account", "account create Acme Group"),
    ),
    Command(
        "team",
        team,
        "Show or change the account team (the KAM manages it)",
        ("team", "team add @alice sales", "team remove @alice"),
    ),
    Command("help", help_text, "Show this help", ("help",)),
)
FORMS: dict[str, FormHandler] = {MEETING_FORM: submit_meeting}
_BY_NAME = {name: command for command in COMMANDS for name in (command.name, *command.aliases)}


def handle(request: Request, store: Store) -> Outcome:
    """Run a typed command or a submitted form; usage errors become a reply to the caller only."""
    try:
        if request.form_id:
            return _submit(request, store)
        return _run(request, store)
    except InvalidForm as refused:
        return FieldErrors(refused.errors)
    except UsageError as refused:
        return Reply(summary=refused.message, blocks=(Section(refused.message),))
    except Exception:
        log.exception("request failed: %s %r", request.platform, request.text or request.form_id)
        apology = (
            "Sorry, something went wrong on my side and nothing was changed. Please try again."
        )
        return Reply(summary=apology, blocks=(Section(apology),))


def _run(request: Request, store: Store) -> Outcome:
    name, _, args = request.text.strip().partition(" ")
    command = _BY_NAME.get(name.lower())
    if command is None:
        if not name:
            return help_text(request, store, "")
        reply = help_text(request, store, "")
        note = Section(f"I don't know the command `{name}`. Here is what I can do:")
        return replace(reply, blocks=(note, *reply.blocks))
    return command.run(request, store, args.strip())


def _submit(request: Request, store: Store) -> Outcome:
    submit = FORMS.get(request.form_id)
    if submit is None:
        raise UsageError("That form is no longer available. Run the command again.")
    return submit(replace(request, channel=request.state.get("channel", "")), store)
