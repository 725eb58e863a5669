"""`/kam checkin` and `/kam checkins`: the account team's asynchronous check-ins.

The KAM starts a round, schedules them (`handlers.checkin_schedule`), changes the questions or
closes a round early; members answer from their direct message (`handlers.checkin_answers`),
list recent rounds, and mark themselves away (`handlers.checkin_people`). The tick
(`scheduler.checkins`) opens, nudges and closes rounds on time.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from handlers.access import bound_account, workspace_id
from handlers.checkin_messages import default_questions, names, response, trend
from handlers.checkin_people import remember_timezone
from handlers.checkin_schedule import schedule, schedule_off
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
from handlers.permissions import Action, require
from scheduler.checkins import start_round
from storage import checkins as rounds
from storage.models import Account
from storage.store import Store

CLOSE = "checkin-close"
QUESTIONS_FORM = "checkin-questions"
QUESTION_LIMIT, QUESTIONS_MAX = 150, 3
LIST_DEFAULT, LIST_MAX = 5, 20


def checkin(request: Request, store: Store, args: str) -> Outcome:
    """`checkin` starts a round now; `schedule …`, `off`, `close` and `questions` manage them."""
    remember_timezone(request, store)
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


def _steward_account(request: Request, store: Store) -> Account:
    """The channel's account, when the caller may run its check-ins."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.SET_CHECKINS)
    return account


def start_now(request: Request, store: Store) -> Reply:
    account = _steward_account(request, store)
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
        ).format(kam=f"<@{request.user}>", account=account.name, people=names(asked))
        if away:
            text += " " + _("Away, so not asked: {people}.").format(people=names(away))
        text += " " + _(
            "The summary comes here when everyone has answered or by the end of the next "
            "working day."
        )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def close(request: Request, store: Store) -> Reply:
    """Ask the KAM to confirm: posting the summary early ends the round for everyone."""
    account = _steward_account(request, store)
    round_id = rounds.open_round_id(store.engine, account.id)
    view = rounds.round_view(store.engine, round_id) if round_id is not None else None
    if view is None:
        raise UsageError(
            _("No check-in of {account} is open. Start one with `/kam checkin`.").format(
                account=account.name
            )
        )
    missing = [m.user_id for m in view.expected() if not view.answered(m.user_id)]
    text = _("Close the check-in of {account} now? {rate}. Not answered yet: {people}.").format(
        account=account.name, rate=response(view), people=names(missing) or "—"
    )
    button = Button(
        _("Close and post the summary"), CLOSE, f"{request.channel}|{view.round.id}", "danger"
    )
    return Reply(summary=text, blocks=(Section(text), Actions((button,))))


def close_button(request: Request, store: Store) -> Reply:
    """Close the round; the question the button was on becomes what happened, without it."""
    round_id = request.action_value.rpartition("|")[2]
    view = rounds.round_view(store.engine, int(round_id)) if round_id.isdigit() else None
    if view is None or view.account.workspace_id != workspace_id(request, store):
        raise UsageError(_("That check-in is no longer available."))
    require(request, view.account, Action.SET_CHECKINS)
    if not rounds.close_round(store.engine, view.round.id, request.user, request.received_at):
        text = _("That check-in is already closed.")
        raise UsageError(text, source=_answered(text))
    with speaking(view.account.language):
        text = _("{kam} closed the check-in of {account}; the summary follows.").format(
            kam=f"<@{request.user}>", account=view.account.name
        )
    closed = _("You closed the check-in of {account}; its summary follows in the channel.")
    return Reply(
        summary=text,
        blocks=(Section(text),),
        visibility=Visibility.CHANNEL,
        source=_answered(closed.format(account=view.account.name)),
    )


def _answered(text: str) -> Reply:
    return Reply(summary=text, blocks=(Section(text),))


def questions_form(request: Request, store: Store) -> Form:
    account = _steward_account(request, store)
    current = rounds.questions(store.engine, account.id) or default_questions()
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
        state={"channel": request.channel},
    )


def submit_questions(request: Request, store: Store) -> Reply:
    """Save the written questions; all empty means the defaults. The pulse always comes first."""
    account = _steward_account(request, store)
    texts = [str(request.values.get(f"question_{n}") or "").strip() for n in range(QUESTIONS_MAX)]
    chosen = [text[:QUESTION_LIMIT] for text in texts if text]
    rounds.set_questions(store.engine, account.id, [] if chosen == default_questions() else chosen)
    with speaking(account.language):
        listed = "\n".join(
            f"{n}. {text}" for n, text in enumerate(chosen or default_questions(), start=2)
        )
        text = _("From the next round, the check-in of {account} asks:").format(
            account=account.name
        )
    return Reply(
        summary=text,
        blocks=(Section(text), Section(listed)),
        visibility=Visibility.CHANNEL,
    )


def checkins(request: Request, store: Store, args: str) -> Reply:
    """`checkins [N]`: the latest rounds with their response rate and pulse, newest first."""
    remember_timezone(request, store)
    _workspace, account = bound_account(request, store)
    require(request, account, Action.SEE_CONFIDENTIAL)
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
