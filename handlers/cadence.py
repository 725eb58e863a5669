"""`/kam cadence`: how often each kind of meeting should happen, and where each kind stands."""

from __future__ import annotations

import re
from datetime import date

from handlers.access import bound_account
from handlers.errors import UsageError
from handlers.i18n import _, ngettext, speaking
from handlers.model import Block, Context, Header, Reply, Request, Section, Visibility
from handlers.parsing import kinds_list, meeting_kind
from handlers.permissions import Action, require
from handlers.settings import month_name
from handlers.wording import kind_name, kind_title
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


def set_example() -> str:
    """How to set a rhythm, in the current language."""
    return _(
        "`/kam cadence set tactical every 2 months` or `/kam cadence set internal every 3 weeks`"
    )


def cadence(request: Request, store: Store, args: str) -> Reply:
    """`cadence` shows; `set <kind> every N months|weeks`, `off <kind>`, `on <kind>` change it."""
    action, _sep, rest = args.partition(" ")
    if action == "set":
        return set_cadence(request, store, rest.strip())
    if action in ("off", "on"):
        return switch_cadence(request, store, rest.strip(), on=action == "on")
    if action == "resume":
        return resume_reminders(request, store)
    if action:
        raise UsageError(
            _(
                "I don't know `cadence {action}`. Use `/kam cadence` to see it, {example}, "
                "`/kam cadence off operational` or `/kam cadence on operational`."
            ).format(action=action, example=set_example())
        )
    return show_cadence(request, store)


def show_cadence(request: Request, store: Store) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.VIEW)
    facts = store.planning_facts(account.id)
    assert facts is not None
    today = planning.calendar_of(facts).local_date(request.received_at)
    title = _("Meeting rhythm of {account}").format(account=account.name)
    blocks: list[Block] = [Header(title)]
    if account.paused_reason:
        blocks.append(
            Section(
                _(
                    "Reminders are *paused*: I couldn't post here (`{reason}`). "
                    "Invite me back, then type `/kam cadence resume`."
                ).format(reason=account.paused_reason)
            )
        )
    blocks += [Section(_kind_line(facts, kind, today)) for kind in MeetingKind]
    due = planning.revision_due_on(facts)
    last = facts.last_revision.isoformat() if facts.last_revision else _("never")
    blocks.append(
        Section(
            _(
                "*Plan revision* · twice a year, budget month {month}\n"
                "Last revised {last} · next due {due} · *{status}*"
            ).format(
                month=month_name(facts.budget_month),
                last=last,
                due=due.isoformat(),
                status=meeting_status(due, today, REVISION_LEAD_DAYS),
            )
        )
    )
    blocks.append(
        Context(_("The KAM changes the rhythm: {example}.").format(example=set_example()))
    )
    return Reply(summary=title, blocks=tuple(blocks))


def _kind_line(facts: PlanningFacts, kind: MeetingKind, today: date) -> str:
    rhythm = planning.cadence_of(kind, facts.cadences.get(kind.value))
    name = kind_title(kind)
    if rhythm is None:
        return _("*{kind}* · off (no reminders)").format(kind=name)
    held = facts.last_held.get(kind)
    due = planning.meeting_due_on(facts, kind)
    assert due is not None
    status = meeting_status(due, today, LEAD_DAYS[kind])
    last = held.isoformat() if held else _("never")
    return _("*{kind}* · {interval}\nLast held {last} · next due {due} · *{status}*").format(
        kind=name, interval=interval(rhythm), last=last, due=due.isoformat(), status=status
    )


def interval(rhythm: Cadence) -> str:
    """`every 6 months`, `every month`, `every 2 weeks`."""
    if rhythm.months:
        n = rhythm.months
        return ngettext("every month", "every {n} months", n).format(n=n)
    n = rhythm.weeks
    return ngettext("every week", "every {n} weeks", n).format(n=n)


def set_cadence(request: Request, store: Store, args: str) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.SET_CADENCE)
    match = EVERY.match(" ".join(args.split()))
    kind = meeting_kind(match["kind"]) if match else None
    if match is None or kind is None:
        raise UsageError(
            _("Say which kind and how often, e.g. {example}. Kinds: {kinds}.").format(
                example=set_example(), kinds=kinds_list()
            )
        )
    n = int(match["n"] or 1)
    in_months = match["unit"].lower().startswith(("month", "mån"))
    limit = MAX_MONTHS if in_months else MAX_WEEKS
    if not 1 <= n <= limit:
        if in_months:
            told = _("Pick between 1 and {limit} months, e.g. {example}.")
        else:
            told = _("Pick between 1 and {limit} weeks, e.g. {example}.")
        raise UsageError(told.format(limit=limit, example=set_example()))
    rhythm = Cadence(months=n) if in_months else Cadence(weeks=n)
    store.set_cadence(account.id, kind.value, rhythm.months, rhythm.weeks)
    planning.replan(store, account.id, request.received_at, [kind.value])
    with speaking(account.language):
        return _changed(
            request, store, account.id, kind, _("now {interval}").format(interval=interval(rhythm))
        )


def switch_cadence(request: Request, store: Store, args: str, *, on: bool) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.SET_CADENCE)
    kind = meeting_kind(args)
    if kind is None:
        word = "on" if on else "off"
        raise UsageError(
            _("Say which kind: `/kam cadence {word} operational`. Kinds: {kinds}.").format(
                word=word, kinds=kinds_list()
            )
        )
    if on:
        store.reset_cadence(account.id, kind.value)
    else:
        store.set_cadence(account.id, kind.value, 0, 0)
    planning.replan(store, account.id, request.received_at, [kind.value])
    with speaking(account.language):
        said = _("back to the default rhythm") if on else _("off: no more reminders for it")
        return _changed(request, store, account.id, kind, said)


def _changed(
    request: Request, store: Store, account_id: int, kind: MeetingKind, said: str
) -> Reply:
    """The change as told to the channel; call it inside `speaking(account.language)`."""
    facts = store.planning_facts(account_id)
    assert facts is not None
    due = planning.meeting_due_on(facts, kind)
    text = _("<@{user}> changed the {kind} meeting rhythm of {account}: {said}.").format(
        user=request.user, kind=kind_name(kind), account=facts.account.name, said=said
    )
    if due:
        text += " " + _("Next due {due}.").format(due=due.isoformat())
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def resume_reminders(request: Request, store: Store) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.SET_CADENCE)
    if not account.paused_reason:
        raise UsageError(_("Reminders for {account} aren't paused.").format(account=account.name))
    store.update_account(account.id, paused_reason=None)
    planning.replan(store, account.id, request.received_at)
    with speaking(account.language):
        text = _("Reminders for {account} are back on, in this channel.").format(
            account=account.name
        )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)
