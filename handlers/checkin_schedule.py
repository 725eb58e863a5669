"""`/kam checkin schedule …` and `/kam checkin off`: when an account's rounds open on their own."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from handlers.access import bound_account, local_today
from handlers.errors import UsageError
from handlers.i18n import _, ngettext, speaking
from handlers.model import Reply, Request, Section, Visibility
from handlers.permissions import Action, require
from scheduler.checkins import Rule
from storage import checkins as rounds
from storage.models import Account, CheckinSchedule
from storage.store import Store

SCHEDULE = re.compile(
    r"^(?:(?P<word>weekly|biweekly|fortnightly|monthly|veckovis|varannan|månadsvis)"
    r"|(?:every|var)\s+(?P<n>\d{1,2})\s+(?P<unit>weeks?|months?|veckor|vecka|månader|månad))"
    r"(?:\s+(?P<day>[^\s\d]+))?(?:\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))?$",
    re.IGNORECASE,
)
WORDS = {
    "weekly": ("weekly", 1),
    "veckovis": ("weekly", 1),
    "biweekly": ("weekly", 2),
    "fortnightly": ("weekly", 2),
    "varannan": ("weekly", 2),
    "monthly": ("monthly", 1),
    "månadsvis": ("monthly", 1),
}
DAYS = (
    ("monday", "måndag"),
    ("tuesday", "tisdag"),
    ("wednesday", "onsdag"),
    ("thursday", "torsdag"),
    ("friday", "fredag"),
    ("saturday", "lördag"),
    ("sunday", "söndag"),
)


def schedule(request: Request, store: Store, spec: str) -> Reply:
    """`checkin schedule biweekly monday 09:00`: rounds open on their own from now on."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.SET_CHECKINS)
    rule = _rule(spec, account, local_today(account, request.received_at))
    next_at = replace(rule, interval=1).next_after(request.received_at)
    rule = replace(rule, anchor=next_at.astimezone(ZoneInfo(account.timezone)).date())
    rounds.set_schedule(
        store.engine,
        CheckinSchedule(
            account_id=account.id,
            frequency=rule.frequency,
            interval=rule.interval,
            weekday=rule.weekday,
            minute=rule.minute,
            anchor=rule.anchor,
            next_at=next_at,
            set_by=request.user,
        ),
    )
    with speaking(account.language):
        local = next_at.astimezone(ZoneInfo(account.timezone))
        text = _(
            "Check-ins for {account}: {rhythm}. The next round opens {day} at {time} "
            "({zone}). Turn them off with `/kam checkin off`."
        ).format(
            account=account.name,
            rhythm=rhythm(rule),
            day=local.date().isoformat(),
            time=f"{local:%H:%M}",
            zone=account.timezone,
        )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def _rule(spec: str, account: Account, today: date) -> Rule:
    match = SCHEDULE.fullmatch(spec.strip())
    day = _weekday(match["day"]) if match and match["day"] else 0
    hour, minute = (int(match["hour"]), int(match["minute"])) if match and match["hour"] else (9, 0)
    if match is None or day is None or hour > 23 or minute > 59:
        raise UsageError(
            _(
                "I can't read `{spec}` as a schedule. Use e.g. "
                "`/kam checkin schedule biweekly monday 09:00`; the rhythm is weekly, biweekly, "
                "monthly or every 3 weeks, then a weekday and a time."
            ).format(spec=spec)
        )
    if match["word"]:
        frequency, interval = WORDS[match["word"].lower()]
    else:
        frequency = "monthly" if match["unit"].lower().startswith(("month", "mån")) else "weekly"
        interval = int(match["n"])
        if not 1 <= interval <= 12:
            raise UsageError(_("Every 1 to 12 weeks or months, e.g. `every 3 weeks`."))
    return Rule(frequency, interval, day, hour * 60 + minute, today, account.timezone)


def _weekday(word: str) -> int | None:
    word = word.lower()
    for number, names in enumerate(DAYS):
        if len(word) >= 3 and any(name.startswith(word) for name in names):
            return number
    return None


def rhythm(rule: Rule) -> str:
    """`every 2 weeks on Monday at 09:00`."""
    days = (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )
    at = f"{rule.minute // 60:02d}:{rule.minute % 60:02d}"
    if rule.frequency == "monthly":
        text = ngettext(
            "every month on the first {day} at {time}",
            "every {n} months on the first {day} at {time}",
            rule.interval,
        )
    else:
        text = ngettext(
            "every week on {day} at {time}", "every {n} weeks on {day} at {time}", rule.interval
        )
    return text.format(n=rule.interval, day=days[rule.weekday], time=at)


def schedule_off(request: Request, store: Store) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.SET_CHECKINS)
    had = rounds.drop_schedule(store.engine, account.id)
    with speaking(account.language):
        if had:
            text = _(
                "Scheduled check-ins for {account} are off. Start one any time with "
                "`/kam checkin`, or schedule them again with "
                "`/kam checkin schedule biweekly monday 09:00`."
            ).format(account=account.name)
        else:
            text = _("{account} has no scheduled check-ins.").format(account=account.name)
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)
