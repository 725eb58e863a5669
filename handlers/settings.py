"""`/kam settings`: the account's time zone, country and language, and the budget month."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import available_timezones

import holidays
from babel.dates import get_month_names

from handlers.access import bound_account
from handlers.errors import UsageError
from handlers.i18n import _, current, speaking
from handlers.model import Context, Fields, Reply, Request, Section, Visibility
from handlers.permissions import Action, require
from scheduler import planning
from storage.store import Store

MONTHS = {
    name.lower().rstrip("."): number
    for locale in ("en", "sv")
    for width in ("wide", "abbreviated")
    for number, name in get_month_names(width, locale=locale).items()
}
LANGUAGE_WORDS = {
    "en": "en",
    "english": "en",
    "engelska": "en",
    "sv": "sv",
    "svenska": "sv",
    "swedish": "sv",
}


def examples() -> str:
    """How to change a setting, in the current language."""
    return _(
        "`/kam settings timezone Europe/Stockholm`, `/kam settings country SE` "
        "or `/kam settings budget-month october`"
    )


def month_name(number: int) -> str:
    """`October` in English, `oktober` in Swedish."""
    return str(get_month_names("wide", locale=current())[number])


def language_name(language: str) -> str:
    return _("Swedish") if language == "sv" else _("English")


def settings(request: Request, store: Store, args: str) -> Reply:
    """`settings` shows; `timezone`, `country`, `budget-month` and `language` change."""
    name, _sep, value = args.partition(" ")
    value = value.strip()
    if not name:
        return show_settings(request, store)
    changes = {
        "timezone": set_timezone,
        "country": set_country,
        "budget-month": set_budget_month,
        "language": set_language,
    }
    if name not in changes:
        raise UsageError(
            _("I don't know the setting `{name}`. Use {examples}.").format(
                name=name, examples=examples()
            )
        )
    if not value:
        raise UsageError(_("Give a value, e.g. {examples}.").format(examples=examples()))
    return changes[name](request, store, value)


def show_settings(request: Request, store: Store) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.VIEW)
    facts = store.planning_facts(account.id)
    assert facts is not None
    title = _("Settings of {account}").format(account=account.name)
    return Reply(
        summary=title,
        blocks=(
            Section(_("*Settings of {account}*").format(account=account.name)),
            Fields(
                (
                    (_("Time zone"), account.timezone),
                    (_("Country (holidays)"), account.country or _("none: weekends only")),
                    (_("Budget month (workspace)"), month_name(facts.budget_month)),
                    (_("Reminders go out"), _("09:00 local time on working days")),
                    (_("Language (channel messages)"), language_name(account.language)),
                )
            ),
            Section(
                _("Change them with {examples} (the KAM or a workspace admin).").format(
                    examples=examples()
                )
            ),
        ),
    )


def set_timezone(request: Request, store: Store, typed: str) -> Reply:
    """The account's time zone; the first one chosen also becomes the workspace's default."""
    workspace, account = bound_account(request, store)
    require(request, account, Action.CHANGE_SETTINGS)
    known = {name.lower(): name for name in available_timezones()}
    zone = known.get(typed.lower())
    if zone is None:
        raise UsageError(
            _(
                "`{typed}` isn't a time zone I know. Use a name like `Europe/Stockholm`, "
                "`America/New_York` or `UTC`."
            ).format(typed=typed)
        )
    store.update_account(account.id, timezone=zone)
    planning.replan(store, account.id, request.received_at)
    with speaking(account.language):
        reply = _changed(request, account.name, _("time zone is now {zone}").format(zone=zone))
        if store.adopt_default(workspace, "timezone", zone):
            return _also(
                reply,
                _("New key accounts in this workspace will start in {zone} too.").format(zone=zone),
            )
    return reply


def set_country(request: Request, store: Store, code: str) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.CHANGE_SETTINGS)
    country = None if code.lower() == "none" else code.upper()
    if country is not None and country not in holidays.list_supported_countries():
        raise UsageError(
            _(
                "I have no holiday calendar for `{code}`. Use a two-letter country code like "
                "`SE`, `US` or `DE`, or `none` for weekends only."
            ).format(code=code)
        )
    store.update_account(account.id, country=country)
    planning.replan(store, account.id, request.received_at)
    with speaking(account.language):
        if country:
            what = _("reminder calendar follows the public holidays of {country}").format(
                country=country
            )
        else:
            what = _("reminder calendar skips weekends only")
        return _changed(request, account.name, what)


def set_budget_month(request: Request, store: Store, month: str) -> Reply:
    workspace, account = bound_account(request, store)
    require(request, account, Action.SET_BUDGET_MONTH)
    number = MONTHS.get(month.lower()) or (int(month) if month.isdigit() else 0)
    if not 1 <= number <= 12:
        raise UsageError(
            _("`{month}` isn't a month. Use a name or number: `october` or `10`.").format(
                month=month
            )
        )
    for account_id in store.set_budget_month(workspace, number):
        planning.replan(store, account_id, request.received_at, [planning.PLAN])
    with speaking(account.language):
        return _changed(
            request,
            _("this workspace"),
            _(
                "budget month is now {month}: plan revisions are due on its "
                "first working day and six months later"
            ).format(month=month_name(number)),
        )


def set_language(request: Request, store: Store, typed: str) -> Reply:
    """The language of the account's channel messages; the first one chosen is the default."""
    workspace, account = bound_account(request, store)
    require(request, account, Action.CHANGE_SETTINGS)
    language = LANGUAGE_WORDS.get(typed.lower())
    if language is None:
        raise UsageError(
            _("I don't speak `{typed}`. Use `sv` (Swedish) or `en` (English).").format(typed=typed)
        )
    store.update_account(account.id, language=language)
    with speaking(language):
        name = language_name(language)
        reply = _changed(
            request,
            account.name,
            _("language of channel messages is now {language}").format(language=name),
        )
        if store.adopt_default(workspace, "language", language):
            return _also(
                reply,
                _("New key accounts in this workspace will start in {language} too.").format(
                    language=name
                ),
            )
    return reply


def _also(reply: Reply, note: str) -> Reply:
    return replace(reply, blocks=(*reply.blocks, Context(note)))


def _changed(request: Request, whose: str, what: str) -> Reply:
    """The change as told to the channel; call it inside `speaking(account.language)`."""
    text = _("<@{user}> changed a setting: the {what} ({whose}).").format(
        user=request.user, what=what, whose=whose
    )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)
