"""`kam-bot shell`: type `/kam …` as any user in any channel, the embedded default adapter."""

from __future__ import annotations

import asyncio
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.console.delivery import ConsoleDeliverer, as_text
from bot.console.files import FILES_DIR, save
from bot.console.forms import Values, complete_form
from bot.console.render import plain, render_reply
from bot.console.terminal import QUIT, Abandoned, Terminal
from handlers.commands import handle
from handlers.model import Actions, Button, FieldErrors, Form, Outcome, Reply, Request
from scheduler.jobs import start_scheduler
from storage.store import Store

Clock = Callable[[], datetime]
PLATFORM, WORKSPACE = "console", "local"
DEFAULT_USER, DEFAULT_CHANNEL = "you", "#kam-demo"
COMMAND = re.compile(r"/kam(?:\s+(?P<text>.*))?", re.DOTALL)
TYPED_MENTION = re.compile(r"(?<![<\w@])@([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)")
USER_NAME = re.compile(r"(?:<@|@)?(?P<name>[A-Za-z0-9._-]{1,64})>?")
CHANNEL_NAME = re.compile(r"#?(?P<name>[\w.-]{1,63})")

WELCOME = """\
kam-bot console: type the same /kam commands as in Slack.
You are @{user} in {channel}. To start:
  /kam account create Acme Group
  /kam help
Switch who you are with `:as alice` and where you are with `:in #kam-acme`.
`:help` lists the console commands, `:quit` (or Ctrl-D) leaves."""
CONSOLE_HELP = """\
Console commands:
  :as alice       act as @alice
  :in #kam-acme   go to channel #kam-acme
  :press 1        press button 1 of the latest message
  :lang sv        answer me in Swedish (`:lang en` for English)
  :admin          be a workspace admin, or stop being one
  :help           this list
  :quit           leave (Ctrl-D works too)
Mention people as @alice. In a form, Enter keeps the value in [brackets], - clears it,
and `:cancel` leaves the form (`:quit` or Ctrl-D leaves the console too)."""
HINT = "Commands start with /kam, e.g. `/kam help`; `:help` lists the console's own commands."


def run_shell(
    store: Store,
    source: TextIO | None = None,
    sink: TextIO | None = None,
    clock: Clock | None = None,
    *,
    live: bool = False,
) -> None:
    """Run the console until `:quit` or the end of the input; piped input is echoed.

    `live` runs the scheduler beside it, so reminders appear as they are delivered.
    """
    source = source or _lenient(sys.stdin)
    sink = sink or _lenient(sys.stdout)
    terminal = Terminal(source, sink, echo=not source.isatty())
    console = Console(store, terminal, clock or _utc_now)
    if live:
        asyncio.run(_with_scheduler(console))
    else:
        console.run()


async def _with_scheduler(console: Console) -> None:
    """The scheduler on this event loop; the console reads its lines in a worker thread."""
    deliverer = ConsoleDeliverer(console.delivered)
    ticker = start_scheduler(console.store, {PLATFORM: deliverer}, console.clock)
    try:
        await asyncio.to_thread(console.run)
    finally:
        await ticker.stop()


@dataclass
class Console:
    """Who the person is acting as and where; every line they type goes through `handle`."""

    store: Store
    terminal: Terminal
    clock: Clock
    user: str = DEFAULT_USER
    channel: str = DEFAULT_CHANNEL
    locale: str = "en"
    admin: bool = False
    buttons: list[Button] = field(default_factory=list)
    files_dir: Path = FILES_DIR
    buttons_in: str = DEFAULT_CHANNEL

    def run(self) -> None:
        self.terminal.say(WELCOME.format(user=self.user, channel=self.channel))
        try:
            while (line := self.terminal.ask(f"\n@{self.user} in {self.channel}> ")) is not None:
                if not self.dispatch(line.strip()):
                    break
        except KeyboardInterrupt:
            self.terminal.say()
        self.terminal.say("Bye.")

    def dispatch(self, line: str) -> bool:
        """Act on one typed line; False when the person asked to leave."""
        command = COMMAND.fullmatch(line)
        if command:
            self.show(self.send(text=_mentions(command["text"] or "")))
        elif line.startswith(":"):
            return self.console_command(*line[1:].split(None, 1))
        elif line:
            self.terminal.say(HINT)
        return True

    def console_command(self, name: str = "", argument: str = "") -> bool:
        if f":{name}" in QUIT:
            return False
        if name == "as":
            self.act_as(argument.strip())
        elif name == "in":
            self.go_to(argument.strip())
        elif name == "help":
            self.terminal.say(CONSOLE_HELP)
        elif name == "press":
            self.press(argument.strip())
        elif name == "lang":
            self.speak(argument.strip())
        elif name == "admin":
            self.toggle_admin()
        else:
            self.terminal.say(f"I don't know `:{name}`. Try `:as alice`, `:in #kam-acme`, `:help`.")
        return True

    def act_as(self, who: str) -> None:
        typed = USER_NAME.fullmatch(who)
        if typed is None:
            self.terminal.say("Say who to be, e.g. `:as alice` (letters, digits, . _ -).")
            return
        self.user = typed["name"]
        self.terminal.say(f"You are now @{self.user}.")

    def speak(self, locale: str) -> None:
        """Answer in Swedish (`sv`, `sv-SE`) or English, as a Slack locale would choose."""
        if not re.fullmatch(r"[A-Za-z]{2}(?:[-_][A-Za-z]{2})?", locale):
            self.terminal.say("Say which language, e.g. `:lang sv` or `:lang en`.")
            return
        self.locale = locale
        self.terminal.say(f"Replies to @{self.user} now come in {locale}.")

    def toggle_admin(self) -> None:
        """Act as a workspace admin, as Slack's users.info would say, or stop."""
        self.admin = not self.admin
        being = "now" if self.admin else "no longer"
        self.terminal.say(f"@{self.user} is {being} a workspace admin.")

    def go_to(self, where: str) -> None:
        typed = CHANNEL_NAME.fullmatch(where)
        if typed is None:
            self.terminal.say("Say which channel, e.g. `:in #kam-acme` (letters, digits, . _ -).")
            return
        self.channel = "#" + typed["name"]
        now = self.clock()
        workspace = self.store.workspace_id(PLATFORM, WORKSPACE, now)
        account = self.store.account_for_channel(workspace, self.channel)
        if account is None:
            self.terminal.say(
                f"You are now in {self.channel}, which has no key account yet. "
                "Create one with `/kam account create <customer name>`."
            )
        else:
            self.terminal.say(f"You are now in {self.channel}, the {account.name} channel.")

    def send(
        self,
        text: str = "",
        form: Form | None = None,
        values: Values | None = None,
        action: str = "",
        action_value: str = "",
        channel: str = "",
    ) -> Outcome:
        """One neutral request, typed or submitted, through the core's one entry point."""
        request = Request(
            platform=PLATFORM,
            workspace=WORKSPACE,
            channel=channel or self.channel,
            user=self.user,
            received_at=self.clock(),
            locale=self.locale,
            text=text,
            form_id=form.id if form else "",
            values=dict(values or {}),
            state=dict(form.state) if form else {},
            action=action,
            action_value=action_value,
            workspace_admin=self.admin,
        )
        return handle(request, self.store)

    def delivered(self, reply: Reply, target: str) -> None:
        """A message the bot posted on its own; its buttons become the ones `:press` presses."""
        self.buttons = _buttons(reply)
        self.buttons_in = target if target.startswith("#") else f"@{target}"
        self.terminal.say("\n" + as_text(reply, target))

    def press(self, number: str) -> None:
        """Press a numbered button of the latest message, as a click would in Slack."""
        if not number.isdigit() or not 1 <= int(number) <= len(self.buttons):
            self.terminal.say("Press a button of the latest reminder by its number: `:press 1`.")
            return
        button = self.buttons[int(number) - 1]
        outcome = self.send(
            action=button.action, action_value=button.value, channel=self.buttons_in
        )
        self.show(outcome)

    def show(self, outcome: Outcome) -> None:
        if isinstance(outcome, Reply) and outcome.source is not None:
            self.show_updated(outcome.source)
        if isinstance(outcome, Reply):
            if _buttons(outcome):
                self.buttons, self.buttons_in = _buttons(outcome), self.channel
            self.terminal.say(render_reply(outcome, self.channel))
            for path in save(outcome.files, self.files_dir):
                self.terminal.say(f"  file: {path}")
        elif isinstance(outcome, FieldErrors):
            for field, error in outcome.errors.items():
                self.terminal.say(f"{field}: {plain(error)}")
        else:
            self.fill(outcome)

    def show_updated(self, source: Reply) -> None:
        """The message whose button was pressed, as it reads now; its buttons are the ones left
        to press (none, when the press used them up)."""
        self.buttons = _buttons(source)
        self.terminal.say("(updated) " + render_reply(source, self.buttons_in))

    def fill(self, form: Form) -> None:
        """Ask the form's fields; abandoning it changes nothing."""
        today = self.clock().date()
        try:
            outcome = complete_form(
                form, self.terminal, today, lambda values: self.send(form=form, values=values)
            )
        except Abandoned:
            self.terminal.say("Form abandoned; nothing was sent.")
            return
        self.show(outcome)


def _buttons(reply: Reply) -> list[Button]:
    return [
        button for block in reply.blocks if isinstance(block, Actions) for button in block.buttons
    ]


def _mentions(text: str) -> str:
    """Typed `@alice` becomes the neutral mention `<@alice>`, as Slack escapes it."""
    return TYPED_MENTION.sub(r"<@\1>", text)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _lenient(stream: TextIO) -> TextIO:
    """Undecodable or unprintable characters become replacement marks instead of crashing."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors="replace")
    return stream
