"""Forms filled field by field at the prompt, re-asking only the fields the handler refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from bot.console.render import plain
from bot.console.terminal import CANCEL, Terminal
from handlers.errors import UsageError
from handlers.model import (
    ChoiceField,
    DateField,
    FieldErrors,
    Form,
    FormField,
    FormValue,
    Outcome,
    TextField,
    UsersField,
)
from handlers.parsing import read_date

Values = dict[str, FormValue]
Submit = Callable[[Values], Outcome]
USER = re.compile(r"<@([A-Za-z0-9._-]+)>|@?([A-Za-z0-9._-]+)")
CLEAR = "-"


def complete_form(form: Form, terminal: Terminal, today: date, submit: Submit) -> Outcome:
    """Fill the form, submit it, and fix refused fields until the handler accepts or gives up."""
    terminal.say(
        f"{form.title}  (Enter keeps the value in [brackets], - clears it, {CANCEL} leaves)"
    )
    values = {field.name: _initial(field) for field in form.fields}
    for field in form.fields:
        values[field.name] = _ask(field, values[field.name], terminal, today)
    outcome = submit(values)
    while isinstance(outcome, FieldErrors):
        refused = [field for field in form.fields if field.name in outcome.errors]
        if len(refused) < len(outcome.errors):
            return outcome
        terminal.say("Please fix:")
        for field in refused:
            terminal.say(f"  {field.label}: {plain(outcome.errors[field.name])}")
            values[field.name] = _ask(field, values[field.name], terminal, today)
        outcome = submit(values)
    return outcome


def _initial(field: FormField) -> FormValue:
    if isinstance(field, UsersField):
        return list(field.initial)
    return field.initial


def _ask(field: FormField, current: FormValue, terminal: Terminal, today: date) -> FormValue:
    """Ask one field until its answer can be sent; the handler judges the rest."""
    if isinstance(field, ChoiceField):
        return _ask_choice(field, current, terminal)
    if isinstance(field, DateField):
        return _ask_date(field, current, terminal, today)
    if isinstance(field, UsersField):
        return _ask_users(field, current, terminal)
    if field.multiline:
        return _ask_lines(field, current, terminal)
    return _ask_line(field, current, terminal)


def _prompt(label: str, shown: str, required: bool) -> str:
    if shown:
        return f"{label} [{shown}]: "
    return f"{label}: " if required else f"{label} (optional): "


def _ask_choice(field: ChoiceField, current: FormValue, terminal: Terminal) -> FormValue:
    for number, option in enumerate(field.options, start=1):
        terminal.say(f"  {number}) {option.label}")
    labels = {option.value: option.label for option in field.options}
    prompt = _prompt(field.label, labels.get(str(current), ""), field.required)
    while True:
        answer = terminal.need(prompt).strip()
        if not answer and (current or not field.required):
            return current
        chosen = _option(field, answer)
        if chosen is not None:
            return chosen
        terminal.say(f"  Type a number from 1 to {len(field.options)}, or its name.")


def _option(field: ChoiceField, answer: str) -> str | None:
    if answer.isdecimal() and 1 <= int(answer) <= len(field.options):
        return field.options[int(answer) - 1].value
    for option in field.options:
        if answer.casefold() in (option.value.casefold(), option.label.casefold()):
            return option.value
    return None


def _ask_date(field: DateField, current: FormValue, terminal: Terminal, today: date) -> FormValue:
    shown = current.isoformat() if isinstance(current, date) else ""
    while True:
        answer = terminal.need(_prompt(field.label, shown, field.required)).strip()
        if not answer:
            if current or not field.required:
                return current
            terminal.say("  A date is needed, e.g. 2026-11-20, yesterday or monday.")
            continue
        if answer == CLEAR and not field.required:
            return None
        try:
            return read_date(answer, today, prefer="past")
        except UsageError as unreadable:
            terminal.say(f"  {plain(unreadable.message)}")


def _ask_users(field: UsersField, current: FormValue, terminal: Terminal) -> FormValue:
    people = current if isinstance(current, list) else []
    shown = " ".join(f"@{user}" for user in people)
    while True:
        answer = terminal.need(_prompt(field.label, shown, field.required)).strip()
        if not answer:
            return people
        if answer == CLEAR:
            return []
        matches = [USER.fullmatch(word) for word in answer.replace(",", " ").split()]
        if all(matches):
            return list(dict.fromkeys(m[1] or m[2] for m in matches if m))
        terminal.say("  Type people as @alice @bob.")


def _ask_line(field: TextField, current: FormValue, terminal: Terminal) -> FormValue:
    text = current if isinstance(current, str) else ""
    while True:
        answer = terminal.need(_prompt(field.label, _short(text), field.required)).strip()
        if answer == CLEAR:
            answer = ""
        elif not answer:
            answer = text
        if answer or not field.required:
            return answer
        terminal.say(f"  {field.label} is needed.")


def _ask_lines(field: TextField, current: FormValue, terminal: Terminal) -> FormValue:
    """Several lines, ended by an empty one; an empty first line keeps what was there."""
    text = current if isinstance(current, str) else ""
    hint = f"[{_short(text)}] " if text else ("" if field.required else "(optional) ")
    terminal.say(f"{field.label} {hint}— end with an empty line:")
    lines: list[str] = []
    while line := terminal.need("  | ").rstrip():
        lines.append(line)
    if not lines:
        return text
    return "" if lines == [CLEAR] else "\n".join(lines)


def _short(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= 40 and first == text.strip() else first[:40] + "…"
