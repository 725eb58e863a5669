"""`/kam checkin`, `/kam checkins` and `/kam away`: the account team's asynchronous check-ins.

The KAM schedules rounds, starts one now, changes the questions or closes a round early; members
answer from their direct message (`handlers.checkin_answers`), list recent rounds, and mark
themselves away. The tick (`scheduler.checkins`) opens, nudges and closes rounds on time.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, available_timezones

from handlers.access import bound_account, local_today, require_kam, require_member, workspace_id
from handlers.checkin_messages import MARKS, response, trend
from handlers.errors import UsageError
from handlers.i18n import _, ngettext, speaking
from handlers.model import (
    Actions,
    Button,
    Form,
    Outcome,
    Reply,
    Request,
    Section,
    TextField,
    Visibility,
)
from handlers.parsing import read_date
from handlers.wording import excerpt
from scheduler.checkins import Rule, start_round
from storage import checkins as rounds
from storage.models import Account, CheckinSchedule, MeetingKind
from storage.store import Store

CLOSE = "checkin-close"
QUESTIONS_FORM = "checkin-questions"
QUESTION_LIMIT, QUESTIONS_MAX = 150, 3
LIST_DEFAULT, LIST_MAX = 5, 20
AGENDA_WIDTH = 2500
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


def checkin(request: Request, store: Store, args: str) -> Outcome:
    """`checkin` starts a round now; `schedule …`, `off`, `close` and `questions` manage them."""
    word, _sep, rest = args.partition(" ")
    actions: dict[str, Callable[[], Outcome]] = {
        "": lambda: start_now(request, store),
        "schedule": lambda: schedule(request, store, rest.strip()),
        "off": lambda: schedule_off(request, store),
        "close": lambda: close(request, store),
        "questions": lambda: questions_form(request, store),
    }
    act = actions.get(word.lower())
    if act is None:
        raise UsageError(
            _(
                "I don't know `checkin {word}`. Use `/kam checkin` to start a round now, "
                "`/kam checkin schedule biweekly monday 09:00`, `/kam checkin off`, "
                "`/kam checkin close` or `/kam checkin questions`."
            ).format(word=word)
        )
    return act()


def _kam_account(request: Request, store: Store, action: str) -> Account:
    _workspace, account = bound_account(request, store)
    require_kam(account, request.user, action)
    return account


def start_now(request: Request, store: Store) -> Reply:
    account = _kam_account(request, store, _("start a check-in"))
    opened = start_round(store, account, request.user, request.received_at)
    if opened is None:
        raise UsageError(
            _(
                "A check-in of {account} is already open. Post its summary now with "
                "`/kam checkin close`."
            ).format(account=account.name)
        )
    view = rounds.round_view(store.engine, opened.id)
    assert view is not None
    with speaking(account.language):
        asked = [m.user_id for m in view.members if not m.away]
        away = [m.user_id for m in view.members if m.away]
        text = ngettext(
            "{kam} started a check-in of {account}: I've asked {people} directly.",
            "{kam} started a check-in of {account}: I've asked {people} directly.",
            len(asked),
        ).format(kam=f"<@{request.user}>", account=account.name, people=_names(asked))
        if away:
            text += " " + _("Away, so not asked: {people}.").format(people=_names(away))
        text += " " + _(
            "The summary comes here when everyone has answered or by the end of the next "
            "working day."
        )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def schedule(request: Request, store: Store, spec: str) -> Reply:
    """`checkin schedule biweekly monday 09:00`: rounds open on their own from now on."""
    account = _kam_account(request, store, _("schedule check-ins"))
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
    account = _kam_account(request, store, _("schedule check-ins"))
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


def close(request: Request, store: Store) -> Reply:
    """Ask the KAM to confirm: posting the summary early ends the round for everyone."""
    account = _kam_account(request, store, _("close a check-in"))
    round_id = rounds.open_round_id(store.engine, account.id)
    view = rounds.round_view(store.engine, round_id) if round_id is not None else None
    if view is None:
        raise UsageError(
            _("No check-in of {account} is open. Start one with `/kam checkin`.").format(
                account=account.name
            )
        )
    missing = [m.user_id for m in view.expected() if not view.answered(m.user_id)]
    text = _("Close the check-in of {account} now? {rate} Not answered yet: {people}.").format(
        account=account.name, rate=response(view), people=_names(missing) or "—"
    )
    button = Button(
        _("Close and post the summary"), CLOSE, f"{request.channel}|{view.round.id}", "danger"
    )
    return Reply(summary=text, blocks=(Section(text), Actions((button,))))


def close_button(request: Request, store: Store) -> Reply:
    round_id = request.action_value.rpartition("|")[2]
    view = rounds.round_view(store.engine, int(round_id)) if round_id.isdigit() else None
    if view is None:
        raise UsageError(_("That check-in is no longer available."))
    require_kam(view.account, request.user, _("close a check-in"))
    if not rounds.close_round(store.engine, view.round.id, request.user, request.received_at):
        raise UsageError(_("That check-in is already closed."))
    with speaking(view.account.language):
        text = _("{kam} closed the check-in of {account}; the summary follows.").format(
            kam=f"<@{request.user}>", account=view.account.name
        )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def questions_form(request: Request, store: Store) -> Form:
    account = _kam_account(request, store, _("change the check-in questions"))
    current = rounds.questions(store.engine, account.id) or _default_questions()
    return Form(
        id=QUESTIONS_FORM,
        title=_("Check-in questions"),
        submit=_("Save"),
        fields=tuple(
            TextField(
                f"question_{n}",
                _("Question {n}").format(n=n + 2),
                max_length=QUESTION_LIMIT,
                initial=current[n] if n < len(current) else "",
            )
            for n in range(QUESTIONS_MAX)
        ),
        state={"channel": request.channel, "submission": uuid.uuid4().hex},
    )


def submit_questions(request: Request, store: Store) -> Reply:
    """Save the written questions; all empty means the defaults. The pulse always comes first."""
    account = _kam_account(request, store, _("change the check-in questions"))
    texts = [str(request.values.get(f"question_{n}") or "").strip() for n in range(QUESTIONS_MAX)]
    chosen = [text[:QUESTION_LIMIT] for text in texts if text]
    rounds.set_questions(store.engine, account.id, [] if chosen == _default_questions() else chosen)
    with speaking(account.language):
        listed = "\n".join(
            f"{n}. {text}" for n, text in enumerate(chosen or _default_questions(), start=2)
        )
        text = _("From the next round, the check-in of {account} asks:").format(
            account=account.name
        )
    return Reply(
        summary=text,
        blocks=(Section(text), Section(listed)),
        visibility=Visibility.CHANNEL,
    )


def _default_questions() -> list[str]:
    return [
        _("What happened with the customer since the last check-in?"),
        _("New opportunities, risks, or something you need from the team?"),
    ]


def checkins(request: Request, store: Store, args: str) -> Reply:
    """`checkins [N]`: the latest rounds with their response rate and pulse, newest first."""
    _workspace, account = bound_account(request, store)
    require_member(account, request.user, _("see its check-ins"))
    word = args.strip()
    if word and not (word.isdigit() and 1 <= int(word) <= LIST_MAX):
        raise UsageError(
            _("Use `/kam checkins [N]` with N from 1 to {max}, e.g. `/kam checkins 5`.").format(
                max=LIST_MAX
            )
        )
    found = [
        view
        for round_id in rounds.recent_rounds(store.engine, account.id, int(word or LIST_DEFAULT))
        if (view := rounds.round_view(store.engine, round_id)) is not None
    ]
    if not found:
        text = _("{account} has had no check-ins yet. Start one with `/kam checkin`.").format(
            account=account.name
        )
        return Reply(summary=text, blocks=(Section(text),))
    title = _("The latest check-ins of {account}").format(account=account.name)
    zone = ZoneInfo(account.timezone)
    lines = [
        f"*{view.round.opened_at.astimezone(zone).date().isoformat()}* · "
        f"{response(view)} · {trend(view) or '—'}"
        + ("" if view.round.closed_at else " · " + _("open"))
        for view in found
    ]
    pulse = " → ".join(trend(view) or "—" for view in reversed(found))
    return Reply(
        summary=title,
        blocks=(
            Section(f"*{title}*\n" + "\n".join(lines)),
            Section(_("*Pulse trend*, oldest first: {trend}").format(trend=pulse)),
        ),
    )


def away(request: Request, store: Store, args: str) -> Reply:
    """`away until 2026-12-10` skips you in check-ins; `away off` brings you back."""
    workspace = workspace_id(request, store)
    phrase = re.sub(r"^(until|till)\s+", "", args.strip(), flags=re.IGNORECASE)
    today = request.received_at.date()
    if phrase.lower() in ("off", "back", "tillbaka"):
        rounds.set_away(store.engine, workspace, request.user, None)
        text = _("Welcome back: check-ins ask you again.")
        return Reply(summary=text, blocks=(Section(text),))
    if not phrase:
        until = rounds.away_until(store.engine, workspace, [request.user]).get(request.user)
        if until is None or until < today:
            text = _("You aren't marked away. Going away? `/kam away until 2026-12-10`.")
        else:
            text = _("You're away until {date}; `/kam away off` when you're back.").format(
                date=until.isoformat()
            )
        return Reply(summary=text, blocks=(Section(text),))
    until = read_date(phrase, today, prefer="future")
    if until < today:
        raise UsageError(
            _(
                "{date} has passed; say until when you'll be away, "
                "e.g. `/kam away until 2026-12-10`."
            ).format(date=until.isoformat())
        )
    rounds.set_away(store.engine, workspace, request.user, until)
    text = _(
        "You're away until {date}: check-ins skip you until then and don't count you as "
        "missing. Back earlier? `/kam away off`."
    ).format(date=until.isoformat())
    return Reply(summary=text, blocks=(Section(text),))


def remember_timezone(request: Request, store: Store) -> None:
    """Keep the caller's time zone, when their platform tells it, for their check-in deadlines."""
    if request.timezone in _zones():
        _remember(store, workspace_id(request, store), request.user, request.timezone)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


@functools.lru_cache(maxsize=4096)
def _remember(store: Store, workspace: int, user: str, zone: str) -> None:
    """Once per person, zone and process: the platform says it with every request."""
    rounds.note_timezone(store.engine, workspace, user, zone)


def _names(users: list[str]) -> str:
    return ", ".join(f"<@{user}>" for user in users)


def agenda(store: Store, account: Account) -> str:
    """Check-in answers since the last internal meeting, as notes to start its agenda from."""
    last = store.last_held(account.id).get(MeetingKind.INTERNAL)
    since = datetime.combine(last, time(), UTC) if last else None
    answers = rounds.answers_since(store.engine, account.id, since)
    if not answers:
        return ""
    lines = [
        f"• <@{answer.user_id}> {MARKS.get(answer.pulse or '', '')}: "
        + " / ".join(excerpt(text, lines=1, width=200) for text in answer.answers if text)
        for answer in answers
    ]
    return excerpt(
        _("Check-in answers since the last internal meeting:") + "\n" + "\n".join(lines),
        lines=40,
        width=AGENDA_WIDTH,
    )
