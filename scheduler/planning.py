"""Turn an account's facts into planned reminder steps, whenever those facts change.

The rules (`scheduler.rules`) say when each item is due and which reminders it gets; this module
stores the steps still to come, so that the sweep is one set-based query. It runs after a meeting
is logged, a cadence or setting changes, a revision is recorded, and periodically for items whose
planned steps ran out or were missed while the bot was down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from scheduler.cadence import DEFAULT_CADENCE, Cadence
from scheduler.calendar import WorkCalendar
from scheduler.rules import (
    Step,
    meeting_due,
    meeting_steps,
    next_revision_due,
    revision_steps,
)
from storage import schedule
from storage.models import MeetingKind
from storage.schedule import PlannedStep
from storage.store import PlanningFacts, Store

PLAN = "plan"
SUBJECTS = (*(kind.value for kind in MeetingKind), PLAN)
HORIZON = timedelta(weeks=8)
"""How far past today (or the due date) steps are planned; `replan_due` extends them."""
WINDOW = timedelta(hours=10)
"""How late a step may still go out: 09:00 plus ten hours, so never in the night."""


def calendar_of(facts: PlanningFacts) -> WorkCalendar:
    return WorkCalendar(facts.account.timezone, facts.account.country)


def cadence_of(kind: MeetingKind, own: tuple[int, int] | None) -> Cadence | None:
    """The account's cadence for `kind`: its own (months, weeks), else the default; None = off."""
    if own is None:
        return DEFAULT_CADENCE[kind]
    months, weeks = own
    return Cadence(months=months, weeks=weeks) if months or weeks else None


def due_on(
    kind: MeetingKind, own: tuple[int, int] | None, last_held: date | None, created_on: date
) -> date | None:
    """When `kind` is next due under the account's cadence; None when its cadence is off."""
    cadence = cadence_of(kind, own)
    return None if cadence is None else meeting_due(cadence, last_held, created_on)


def meeting_due_on(facts: PlanningFacts, kind: MeetingKind) -> date | None:
    return due_on(
        kind,
        facts.cadences.get(kind.value),
        facts.last_held.get(kind),
        facts.account.created_at.date(),
    )


def revision_due_on(facts: PlanningFacts) -> date:
    created_on = facts.account.created_at.date()
    return next_revision_due(
        facts.budget_month, facts.last_revision, created_on, calendar_of(facts)
    )


def replan(
    store: Store, account_id: int, now: datetime, subjects: Iterable[str] = SUBJECTS
) -> None:
    """Recompute the planned steps of the given items of one account."""
    now = now.astimezone(UTC)
    facts = store.planning_facts(account_id)
    if facts is None:
        return
    calendar = calendar_of(facts)
    today = calendar.local_date(now)
    for subject in subjects:
        if subject == PLAN:
            due = revision_due_on(facts)
            since = facts.last_revision or facts.account.created_at.date()
            steps = revision_steps(due, calendar, max(today, due) + HORIZON, since)
        else:
            kind = MeetingKind(subject)
            found = meeting_due_on(facts, kind)
            if found is None:
                schedule.drop_item(store.engine, account_id, subject)
                continue
            due = found
            since = facts.last_held.get(kind) or facts.account.created_at.date()
            steps = meeting_steps(kind, due, calendar, max(today, due) + HORIZON, since)
        planned = [_planned(step, calendar) for step in steps]

        def choose(
            last_queued_at: datetime | None,
            snoozed_until: datetime | None,
            planned: list[PlannedStep] = planned,
        ) -> list[PlannedStep]:
            return still_to_come(
                planned, now, last_queued_at, snoozed_until, calendar, facts.account.created_at
            )

        schedule.plan_item(store.engine, account_id, subject, due, choose)


def replan_due(store: Store, now: datetime) -> int:
    """Replan items whose facts changed or steps ran out (both asked for with a replan request,
    the latter by the sweep), and items with a step missed while the bot was down."""
    requests = schedule.replan_requests(store.engine)
    for account_id, subject, requested_at in requests:
        replan(store, account_id, now, [subject])
        schedule.done_replanning(store.engine, account_id, subject, requested_at)
    items = schedule.stale_items(store.engine, now - WINDOW)
    for account_id, subject in items:
        replan(store, account_id, now, [subject])
    return len(requests) + len(items)


def still_to_come(
    steps: list[PlannedStep],
    now: datetime,
    last_queued_at: datetime | None,
    snoozed_until: datetime | None,
    calendar: WorkCalendar,
    not_before: datetime,
) -> list[PlannedStep]:
    """The steps to store: future ones, plus one catch-up for a missed step, honouring a snooze.

    A missed step still inside today's sending window stays as it is (the sweep sends it now);
    one older than that, or from before `not_before` (the account's creation: a new account is
    not greeted with a burst of reminders), moves to the next working morning, unless a later
    step comes first or the item was already reminded of since.
    """
    future = [step for step in steps if step.send_at > now]
    if snoozed_until is not None and snoozed_until > now:
        return _snoozed(steps, future, snoozed_until, calendar)
    missed = [step for step in steps if step.send_at <= now]
    if not missed or (last_queued_at is not None and last_queued_at >= missed[-1].send_at):
        return future
    latest = missed[-1]
    if latest.send_at > max(now - WINDOW, not_before):
        return [latest, *future]
    slot = next_slot(calendar, now)
    if future and future[0].send_at <= slot:
        return future
    return [replace(latest, send_at=slot, on_day=calendar.local_date(slot)), *future]


def _snoozed(
    steps: list[PlannedStep], future: list[PlannedStep], until: datetime, calendar: WorkCalendar
) -> list[PlannedStep]:
    """Nothing before `until`; at `until`, the reminder that was current by then."""
    after = [step for step in future if step.send_at >= until]
    if after and after[0].send_at == until:
        return after
    before = [step for step in steps if step.send_at < until]
    if not before:
        return after
    again = replace(before[-1], send_at=until, on_day=calendar.local_date(until))
    return [again, *after]


def next_slot(calendar: WorkCalendar, now: datetime) -> datetime:
    """The next 09:00 on a working day, local time: when a catch-up reminder goes out."""
    today = calendar.local_date(now)
    morning = calendar.send_at(today)
    return morning if morning > now else calendar.send_at(today + timedelta(days=1))


def _planned(step: Step, calendar: WorkCalendar) -> PlannedStep:
    return PlannedStep(
        on_day=calendar.local_date(step.at),
        number=step.number,
        send_at=step.at,
        notify_kam=step.notify_kam,
    )
