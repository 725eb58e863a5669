"""Reminder messages and their buttons: what the scheduler posts when something is due."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from handlers.access import local_today, named_account
from handlers.checkin_messages import agenda as checkin_agenda
from handlers.errors import UsageError
from handlers.i18n import _, speaking
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
from handlers.permissions import Action, require
from handlers.plan import EDIT
from handlers.wording import kind_name, kind_title, relative_day
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
            Context(
                _("Sent to you as the KAM of {account}: this has been overdue for weeks.").format(
                    account=account.name
                )
            )
        )
    return Reply(
        summary=f"{account.name}: " + "; ".join(headlines),
        blocks=tuple(blocks),
        visibility=Visibility.CHANNEL,
    )


def _describe(facts: PlanningFacts, item: DueItem, today: date) -> tuple[str, str]:
    due = item.due_on.isoformat()
    when = relative_day(item.due_on, today)
    account = facts.account.name
    if item.subject == planning.PLAN:
        status = meeting_status(item.due_on, today, REVISION_LEAD_DAYS)
        last = facts.last_revision
        before = (
            _("last revised {day}").format(day=last.isoformat())
            if last
            else _("no revision recorded yet")
        )
        return (
            _("Account plan revision {status}").format(status=status),
            _(
                "The plan of {account} is revised before the budget work and six months "
                "later; this one is due {due} ({when}), {before}. "
                "Walk through it with `/kam plan revise`, or when it's done: "
                "`/kam plan revised <what changed>`."
            ).format(account=account, due=due, when=when, before=before),
        )
    kind = MeetingKind(item.subject)
    status = meeting_status(item.due_on, today, LEAD_DAYS[kind])
    held = facts.last_held.get(kind)
    follows = (
        _("It follows the {kind} meeting of {day}.").format(
            kind=kind_name(kind), day=held.isoformat()
        )
        if held
        else _("No {kind} meeting has been logged since the account was created on {day}.").format(
            kind=kind_name(kind), day=facts.account.created_at.date().isoformat()
        )
    )
    return (
        _("{kind} meeting {status}").format(kind=kind_title(kind), status=status),
        _("Due {due} ({when}) for {account}. {follows}").format(
            due=due, when=when, account=account, follows=follows
        ),
    )


def _buttons(channel: str, item: DueItem) -> tuple[Button, ...]:
    snooze = Button(
        _("Snooze a week"), SNOOZE, f"{channel}|{item.subject}|{item.due_on.isoformat()}"
    )
    if item.subject == planning.PLAN:
        return (snooze,)
    return (Button(_("Log meeting"), LOG_MEETING, f"{channel}|{item.subject}", "primary"), snooze)


def log_meeting_button(request: Request, store: Store) -> Form:
    """Open the log form with the reminder's kind preset."""
    channel, _sep, kind = request.action_value.partition("|")
    _workspace, account = named_account(request, store, channel)
    require(request, account, Action.LOG_MEETING)
    if meeting_kind(kind) is None:
        raise UsageError(_("That button is out of date; use `/kam log-meeting` instead."))
    today = local_today(account, request.received_at)
    agenda = checkin_agenda(store, account) if kind == MeetingKind.INTERNAL else ""
    return meeting_form(_in(request, channel), MeetingKind(kind), today, agenda)


def snooze_button(request: Request, store: Store) -> Reply:
    """Move this one reminder a week on; the cadence and other reminders stay as they are."""
    channel, subject, due_on = _snooze_value(request.action_value)
    _workspace, account = named_account(request, store, channel)
    require(request, account, Action.SNOOZE)
    facts = store.planning_facts(account.id)
    if facts is None or schedule.open_due_on(store.engine, account.id, subject) != due_on:
        raise UsageError(_("That reminder is already resolved; nothing to snooze."))
    calendar = planning.calendar_of(facts)
    until = calendar.send_at(calendar.local_date(request.received_at) + SNOOZE_FOR)
    schedule.snooze(store.engine, account.id, subject, due_on, until, request.user)
    planning.replan(store, account.id, request.received_at, [subject])
    with speaking(account.language):
        if subject == planning.PLAN:
            what = _("plan revision")
        else:
            what = _("{kind} meeting").format(kind=kind_name(MeetingKind(subject)))
        text = _("<@{user}> snoozed the {what} reminder for {account} until {day}.").format(
            user=request.user,
            what=what,
            account=account.name,
            day=calendar.local_date(until).isoformat(),
        )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def _snooze_value(value: str) -> tuple[str, str, date]:
    try:
        channel, subject, due_on = value.split("|")
        if subject not in planning.SUBJECTS:
            raise ValueError(subject)
        return channel, subject, date.fromisoformat(due_on)
    except ValueError:
        raise UsageError(_("That button is out of date; use `/kam cadence` instead.")) from None


def _in(request: Request, channel: str) -> Request:
    """The request as if made in the account's channel: buttons also appear in the KAM's DMs."""
    return replace(request, channel=channel)


def agreement_expiring(account: Account, name: str, ends_on: date, today: date) -> Reply:
    """Told to the account channel 90 and 30 days before a framework agreement ends."""
    text = _(
        "*Framework agreement {name} ends {day}* ({when}) for {account}. Plan the renewal or "
        "the exit, and update the plan with `/kam plan edit agreements`."
    ).format(
        name=name, day=ends_on.isoformat(), when=relative_day(ends_on, today), account=account.name
    )
    channel = account.channels[0].channel if account.channels else ""
    edit = Button(_("Edit agreements"), EDIT, f"{channel}|agreements")
    return Reply(
        summary=text, blocks=(Section(text), Actions((edit,))), visibility=Visibility.CHANNEL
    )


def paused_notice(account: Account, reason: str) -> Reply:
    """Told to the KAM when the account's channel can no longer be reached."""
    text = _(
        "I can't post reminders for *{account}* any more (Slack said `{reason}`), so they "
        "are paused. Invite me back to the account's channel (or bind a new one), then type "
        "`/kam cadence resume` there."
    ).format(account=account.name, reason=reason)
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)
