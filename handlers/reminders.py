"""Reminder messages and their buttons: what the scheduler posts when something is due."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from handlers.access import bound_account, local_today, require_member
from handlers.errors import UsageError
from handlers.meetings import meeting_form
from handlers.model import (
    Actions,
    Block,
    Button,
    Context,
    Form,
    Reply,
    Request,
    Section,
    Visibility,
)
from handlers.parsing import meeting_kind
from handlers.wording import relative_day
from scheduler import planning
from scheduler.rules import LEAD_DAYS, REVISION_LEAD_DAYS, meeting_status
from storage import schedule
from storage.models import Account, MeetingKind
from storage.store import PlanningFacts, Store

LOG_MEETING = "log-meeting"
SNOOZE = "snooze"
SNOOZE_FOR = timedelta(days=7)


@dataclass(frozen=True)
class DueItem:
    """One item a reminder is about: a meeting kind or the plan, and the date it is due."""

    subject: str
    due_on: date


def reminder(facts: PlanningFacts, items: list[DueItem], now: datetime, to_kam: bool) -> Reply:
    """One message for everything due on the account at once, so a channel is never flooded."""
    account = facts.account
    today = planning.calendar_of(facts).local_date(now)
    channel = account.channels[0].channel if account.channels else ""
    blocks: list[Block] = []
    headlines = []
    for item in items:
        headline, detail = _describe(facts, item, today)
        headlines.append(headline)
        blocks += [Section(f"*{headline}*\n{detail}"), Actions(_buttons(channel, item))]
    if to_kam:
        blocks.append(
            Context(f"Sent to you as the KAM of {account.name}: this has been overdue for weeks.")
        )
    return Reply(
        summary=f"{account.name}: " + "; ".join(headlines),
        blocks=tuple(blocks),
        visibility=Visibility.CHANNEL,
    )


def _describe(facts: PlanningFacts, item: DueItem, today: date) -> tuple[str, str]:
    due = item.due_on.isoformat()
    if item.subject == planning.PLAN:
        status = meeting_status(item.due_on, today, REVISION_LEAD_DAYS)
        last = facts.last_revision
        before = f"last revised {last.isoformat()}" if last else "no revision recorded yet"
        return (
            f"Account plan revision {status}",
            f"The plan of {facts.account.name} is revised before the budget work and six months "
            f"later; this one is due {due} ({relative_day(item.due_on, today)}), {before}. "
            "When it's done: `/kam plan revised <what changed>`.",
        )
    kind = MeetingKind(item.subject)
    status = meeting_status(item.due_on, today, LEAD_DAYS[kind])
    held = facts.last_held.get(kind)
    follows = (
        f"It follows the {kind.value} meeting of {held.isoformat()}."
        if held
        else f"No {kind.value} meeting has been logged since the account was created on "
        f"{facts.account.created_at.date().isoformat()}."
    )
    return (
        f"{kind.value.capitalize()} meeting {status}",
        f"Due {due} ({relative_day(item.due_on, today)}) for {facts.account.name}. {follows}",
    )


def _buttons(channel: str, item: DueItem) -> tuple[Button, ...]:
    snooze = Button("Snooze a week", SNOOZE, f"{channel}|{item.subject}|{item.due_on.isoformat()}")
    if item.subject == planning.PLAN:
        return (snooze,)
    return (Button("Log meeting", LOG_MEETING, f"{channel}|{item.subject}", "primary"), snooze)


def log_meeting_button(request: Request, store: Store) -> Form:
    """Open the log form with the reminder's kind preset."""
    channel, _, kind = request.action_value.partition("|")
    _, account = bound_account(_in(request, channel), store)
    require_member(account, request.user, "log meetings")
    if meeting_kind(kind) is None:
        raise UsageError("That button is out of date; use `/kam log-meeting` instead.")
    today = local_today(account, request.received_at)
    return meeting_form(_in(request, channel), MeetingKind(kind), today)


def snooze_button(request: Request, store: Store) -> Reply:
    """Move this one reminder a week on; the cadence and other reminders stay as they are."""
    channel, subject, due_on = _snooze_value(request.action_value)
    _, account = bound_account(_in(request, channel), store)
    require_member(account, request.user, "snooze its reminders")
    facts = store.planning_facts(account.id)
    if facts is None or schedule.open_due_on(store.engine, account.id, subject) != due_on:
        raise UsageError("That reminder is already resolved; nothing to snooze.")
    calendar = planning.calendar_of(facts)
    until = calendar.send_at(calendar.local_date(request.received_at) + SNOOZE_FOR)
    schedule.snooze(store.engine, account.id, subject, due_on, until, request.user)
    planning.replan(store, account.id, request.received_at, [subject])
    what = "plan revision" if subject == planning.PLAN else f"{subject} meeting"
    text = (
        f"<@{request.user}> snoozed the {what} reminder for {account.name} until "
        f"{calendar.local_date(until).isoformat()}."
    )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def _snooze_value(value: str) -> tuple[str, str, date]:
    try:
        channel, subject, due_on = value.split("|")
        if subject not in planning.SUBJECTS:
            raise ValueError(subject)
        return channel, subject, date.fromisoformat(due_on)
    except ValueError:
        raise UsageError("That button is out of date; use `/kam cadence` instead.") from None


def _in(request: Request, channel: str) -> Request:
    """The request as if made in the account's channel: buttons also appear in the KAM's DMs."""
    return replace(request, channel=channel)


def paused_notice(account: Account, reason: str) -> Reply:
    """Told to the KAM when the account's channel can no longer be reached."""
    text = (
        f"I can't post reminders for *{account.name}* any more (Slack said `{reason}`), so they "
        "are paused. Invite me back to the account's channel (or bind a new one), then type "
        "`/kam cadence resume` there."
    )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)
