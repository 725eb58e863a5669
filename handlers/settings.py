"""`/kam settings`: the account's time zone and country, and the workspace's budget month."""

from __future__ import annotations

import calendar
from dataclasses import replace
from zoneinfo import available_timezones

import holidays

from handlers.access import bound_account, require_kam
from handlers.errors import UsageError
from handlers.model import Context, Fields, Reply, Request, Section, Visibility
from scheduler import planning
from storage.store import Store

SWEDISH_MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS = {
    **{name.lower(): n for n, name in enumerate(calendar.month_name) if name},
    **{name.lower(): n for n, name in enumerate(calendar.month_abbr) if name},
    **{name: n for n, name in enumerate(SWEDISH_MONTHS, start=1)},
}
EXAMPLES = (
    "`/kam settings timezone Europe/Stockholm`, `/kam settings country SE` "
    "or `/kam settings budget-month october`"
)


def settings(request: Request, store: Store, args: str) -> Reply:
    """`settings` shows; `timezone <zone>`, `country <code>|none`, `budget-month <month>` change."""
    name, _, value = args.partition(" ")
    value = value.strip()
    if not name:
        return show_settings(request, store)
    changes = {"timezone": set_timezone, "country": set_country, "budget-month": set_budget_month}
    if name not in changes:
        raise UsageError(f"I don't know the setting `{name}`. Use {EXAMPLES}.")
    if not value:
        raise UsageError(f"Give a value, e.g. {EXAMPLES}.")
    return changes[name](request, store, value)


def show_settings(request: Request, store: Store) -> Reply:
    _, account = bound_account(request, store)
    facts = store.planning_facts(account.id)
    assert facts is not None
    return Reply(
        summary=f"Settings of {account.name}",
        blocks=(
            Section(f"*Settings of {account.name}*"),
            Fields(
                (
                    ("Time zone", account.timezone),
                    ("Country (holidays)", account.country or "none: weekends only"),
                    ("Budget month (workspace)", calendar.month_name[facts.budget_month]),
                    ("Reminders go out", "09:00 local time on working days"),
                )
            ),
            Section(f"Change them with {EXAMPLES} (KAM only)."),
        ),
    )


def set_timezone(request: Request, store: Store, typed: str) -> Reply:
    """The account's time zone; the first one chosen also becomes the workspace's default."""
    workspace, account = bound_account(request, store)
    require_kam(account, request.user, "change the account's settings")
    known = {name.lower(): name for name in available_timezones()}
    zone = known.get(typed.lower())
    if zone is None:
        raise UsageError(
            f"`{typed}` isn't a time zone I know. Use a name like `Europe/Stockholm`, "
            "`America/New_York` or `UTC`."
        )
    store.update_account(account.id, timezone=zone)
    planning.replan(store, account.id, request.received_at)
    reply = _changed(request, account.name, f"time zone is now {zone}")
    if store.adopt_default(workspace, "timezone", zone):
        return _also(reply, f"New key accounts in this workspace will start in {zone} too.")
    return reply


def set_country(request: Request, store: Store, code: str) -> Reply:
    _, account = bound_account(request, store)
    require_kam(account, request.user, "change the account's settings")
    country = None if code.lower() == "none" else code.upper()
    if country is not None and country not in holidays.list_supported_countries():
        raise UsageError(
            f"I have no holiday calendar for `{code}`. Use a two-letter country code like `SE`, "
            "`US` or `DE`, or `none` for weekends only."
        )
    store.update_account(account.id, country=country)
    planning.replan(store, account.id, request.received_at)
    said = f"follows the public holidays of {country}" if country else "skips weekends only"
    return _changed(request, account.name, f"reminder calendar {said}")


def set_budget_month(request: Request, store: Store, month: str) -> Reply:
    workspace, account = bound_account(request, store)
    require_kam(account, request.user, "change the budget month")
    number = MONTHS.get(month.lower()) or (int(month) if month.isdigit() else 0)
    if not 1 <= number <= 12:
        raise UsageError(f"`{month}` isn't a month. Use a name or number: `october` or `10`.")
    for account_id in store.set_budget_month(workspace, number):
        planning.replan(store, account_id, request.received_at, [planning.PLAN])
    return _changed(
        request,
        "this workspace",
        f"budget month is now {calendar.month_name[number]}: plan revisions are due on its "
        "first working day and six months later",
    )


def _also(reply: Reply, note: str) -> Reply:
    return replace(reply, blocks=(*reply.blocks, Context(note)))


def _changed(request: Request, whose: str, what: str) -> Reply:
    text = f"<@{request.user}> changed a setting: the {what} ({whose})."
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)
