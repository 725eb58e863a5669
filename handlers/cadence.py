"""`/kam cadence`: how often each kind of meeting should happen, and where each kind stands."""

from __future__ import annotations

import calendar
import re
from datetime import date

from handlers.access import bound_account, require_kam
from handlers.errors import UsageError
from handlers.model import Block, Context, Header, Reply, Request, Section, Visibility
from handlers.parsing import kinds_list, meeting_kind
from handlers.wording import count
from scheduler import planning
from scheduler.cadence import Cadence
from scheduler.rules import LEAD_DAYS, REVISION_LEAD_DAYS, meeting_status
from storage.models import MeetingKind
from storage.store import PlanningFacts, Store

EVERY = re.compile(
    r"^(?P<kind>\S+)\s+every\s+(?:(?P<n>\d{1,3})\s+)?"
    r"(?P<unit>months?|weeks?|månad(?:er)?|veck(?:a|or))$",
    re.IGNORECASE,
)
MAX_MONTHS, MAX_WEEKS = 24, 104
SET_EXAMPLE = (
    "`/kam cadence set tactical every 2 months` or `/kam cadence set internal every 3 weeks`"
)


def cadence(request: Request, store: Store, args: str) -> Reply:
    """`cadence` shows; `set <kind> every N months|weeks`, `off <kind>`, `on <kind>` change it."""
    action, _, rest = args.partition(" ")
    if action == "set":
        return set_cadence(request, store, rest.strip())
    if action in ("off", "on"):
        return switch_cadence(request, store, rest.strip(), on=action == "on")
    if action == "resume":
        return resume_reminders(request, store)
    if action:
        raise UsageError(
            f"I don't know `cadence {action}`. Use `/kam cadence` to see it, {SET_EXAMPLE}, "
            "`/kam cadence off operational` or `/kam cadence on operational`."
        )
    return show_cadence(request, store)


def show_cadence(request: Request, store: Store) -> Reply:
    _, account = bound_account(request, store)
    facts = store.planning_facts(account.id)
    assert facts is not None
    today = planning.calendar_of(facts).local_date(request.received_at)
    blocks: list[Block] = [Header(f"Meeting rhythm of {account.name}")]
    if account.paused_reason:
        blocks.append(
            Section(
                f"Reminders are *paused*: I couldn't post here (`{account.paused_reason}`). "
                "Invite me back, then type `/kam cadence resume`."
            )
        )
    blocks += [Section(_kind_line(facts, kind, today)) for kind in MeetingKind]
    due = planning.revision_due_on(facts)
    last = facts.last_revision.isoformat() if facts.last_revision else "never"
    month = calendar.month_name[facts.budget_month]
    blocks.append(
        Section(
            f"*Plan revision* · twice a year, budget month {month}\n"
            f"Last revised {last} · next due {due.isoformat()} · "
            f"*{meeting_status(due, today, REVISION_LEAD_DAYS)}*"
        )
    )
    blocks.append(Context(f"The KAM changes the rhythm: {SET_EXAMPLE}."))
    return Reply(summary=f"Meeting rhythm of {account.name}", blocks=tuple(blocks))


def _kind_line(facts: PlanningFacts, kind: MeetingKind, today: date) -> str:
    rhythm = planning.cadence_of(kind, facts.cadences.get(kind.value))
    name = kind.value.capitalize()
    if rhythm is None:
        return f"*{name}* · off (no reminders)"
    held = facts.last_held.get(kind)
    due = planning.meeting_due_on(facts, kind)
    assert due is not None
    status = meeting_status(due, today, LEAD_DAYS[kind])
    last = held.isoformat() if held else "never"
    return (
        f"*{name}* · {interval(rhythm)}\nLast held {last} · next due {due.isoformat()} · *{status}*"
    )


def interval(rhythm: Cadence) -> str:
    """`every 6 months`, `every month`, `every 2 weeks`."""
    if rhythm.months:
        return "every month" if rhythm.months == 1 else f"every {count(rhythm.months, 'month')}"
    return "every week" if rhythm.weeks == 1 else f"every {count(rhythm.weeks, 'week')}"


def set_cadence(request: Request, store: Store, args: str) -> Reply:
    _, account = bound_account(request, store)
    require_kam(account, request.user, "change the meeting rhythm")
    match = EVERY.match(" ".join(args.split()))
    kind = meeting_kind(match["kind"]) if match else None
    if match is None or kind is None:
        raise UsageError(
            f"Say which kind and how often, e.g. {SET_EXAMPLE}. Kinds: {kinds_list()}."
        )
    n = int(match["n"] or 1)
    in_months = match["unit"].lower().startswith(("month", "mån"))
    limit = MAX_MONTHS if in_months else MAX_WEEKS
    if not 1 <= n <= limit:
        unit = "months" if in_months else "weeks"
        raise UsageError(f"Pick between 1 and {limit} {unit}, e.g. {SET_EXAMPLE}.")
    rhythm = Cadence(months=n) if in_months else Cadence(weeks=n)
    store.set_cadence(account.id, kind.value, rhythm.months, rhythm.weeks)
    planning.replan(store, account.id, request.received_at, [kind.value])
    return _changed(request, store, account.id, kind, f"now {interval(rhythm)}")


def switch_cadence(request: Request, store: Store, args: str, *, on: bool) -> Reply:
    _, account = bound_account(request, store)
    require_kam(account, request.user, "change the meeting rhythm")
    kind = meeting_kind(args)
    if kind is None:
        word = "on" if on else "off"
        raise UsageError(
            f"Say which kind: `/kam cadence {word} operational`. Kinds: {kinds_list()}."
        )
    if on:
        store.reset_cadence(account.id, kind.value)
    else:
        store.set_cadence(account.id, kind.value, 0, 0)
    planning.replan(store, account.id, request.received_at, [kind.value])
    said = "back to the default rhythm" if on else "off: no more reminders for it"
    return _changed(request, store, account.id, kind, said)


def _changed(
    request: Request, store: Store, account_id: int, kind: MeetingKind, said: str
) -> Reply:
    facts = store.planning_facts(account_id)
    assert facts is not None
    due = planning.meeting_due_on(facts, kind)
    after = f" Next due {due.isoformat()}." if due else ""
    name = facts.account.name
    text = f"<@{request.user}> set the {kind.value} meeting rhythm of {name} {said}.{after}"
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def resume_reminders(request: Request, store: Store) -> Reply:
    _, account = bound_account(request, store)
    require_kam(account, request.user, "resume reminders")
    if not account.paused_reason:
        raise UsageError(f"Reminders for {account.name} aren't paused.")
    store.update_account(account.id, paused_reason=None)
    planning.replan(store, account.id, request.received_at)
    text = f"Reminders for {account.name} are back on, in this channel."
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)
