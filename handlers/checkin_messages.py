"""What check-ins say: the prompt and nudge each member gets, and the summary in the channel.

Built at delivery from the round's rows, in the account's language, so an edit before delivery
shows and a retried message says the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date

from handlers.i18n import _, current, ngettext, speaking
from handlers.model import (
    Actions,
    Block,
    Button,
    Context,
    Header,
    Posted,
    Reply,
    Section,
    Visibility,
)
from handlers.wording import excerpt
from storage import checkins
from storage.checkins import RoundView
from storage.models import Account, MeetingKind
from storage.outbox import Claimed
from storage.store import Store

PULSE = "checkin-pulse"
ANSWER = "checkin-answer"
PULSES = ("good", "watch", "risk")
MARKS = {"good": "🟢", "watch": "🟡", "risk": "🔴"}
RISKY = re.compile(
    r"\b(risk\w*|at risk|churn\w*|threat\w*|escalat\w*|eskaler\w*|complain\w*|klag\w*)\b",
    re.IGNORECASE,
)
"""Words that put an answer at the top of the summary, in English and Swedish."""
ANSWER_WIDTH = 250
SECTION_LIMIT = 2900
AGENDA_WIDTH = 2500


def pulse_label(pulse: str) -> str:
    labels = {"good": _("Good"), "watch": _("Watch"), "risk": _("At risk")}
    return f"{MARKS[pulse]} {labels[pulse]}"


def question_texts(view: RoundView) -> list[str]:
    """The round's own questions, or the defaults in the current language."""
    return list(view.round.questions) or default_questions()


def default_questions() -> list[str]:
    """The written questions an account has until its KAM changes them."""
    return [
        _("What happened with the customer since the last check-in?"),
        _("New opportunities, risks, or something you need from the team?"),
    ]


def local_time(moment: datetime, zone: str) -> str:
    """`2026-12-01 17:00 (Europe/Stockholm)`: unambiguous wherever the reader is."""
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} ({zone})"


def prompt(store: Store, view: RoundView, user: str, *, nudge: bool = False) -> Reply:
    """The direct message with the pulse buttons and the button that opens the form."""
    account = view.account
    member = next((m for m in view.members if m.user_id == user), None)
    zone = checkins.timezones(store.engine, account.workspace_id, [user]).get(
        user, account.timezone
    )
    until = local_time(member.deadline_at if member else view.round.deadline_at, zone)
    if nudge:
        headline = _("*Reminder: the {account} check-in closes {deadline}.*").format(
            account=account.name, deadline=until
        )
    else:
        headline = _(
            "*Check-in for {account}.* {kam} asks the account team how things stand with the "
            "customer; it takes under a minute."
        ).format(account=account.name, kam=f"<@{account.kam}>")
    round_id = view.round.id
    questions = "\n".join(f"*{n}.* {text}" for n, text in enumerate(question_texts(view), start=2))
    blocks: tuple[Block, ...] = (
        Section(headline),
        Section(_("*1.* Customer pulse")),
        Actions(tuple(Button(pulse_label(p), PULSE, f"{round_id}|{p}") for p in PULSES)),
        Section(questions),
        Actions((Button(_("Answer or edit"), ANSWER, f"{round_id}|edit", "primary"),)),
        Context(
            _("Answer by {deadline}. You can edit your answers until the round closes.").format(
                deadline=until
            )
        ),
    )
    summary = headline.replace("*", "")
    return Reply(summary=summary, blocks=blocks, visibility=Visibility.CHANNEL)


def prompt_row(store: Store, row: Claimed) -> Reply | None:
    """The outbox row's prompt to its target, as the round is now; None when the round is gone."""
    return _from_row(store, row, lambda view: prompt(store, view, row.target))


def nudge_row(store: Store, row: Claimed) -> Reply | None:
    return _from_row(store, row, lambda view: prompt(store, view, row.target, nudge=True))


def summary_row(store: Store, row: Claimed) -> Reply | None:
    return _from_row(store, row, lambda view: summary(store, view))


def _from_row(store: Store, row: Claimed, build: Callable[[RoundView], Reply]) -> Reply | None:
    """Built at delivery in the account's language, from the round id in the row's body."""
    view = checkins.round_view(store.engine, int(row.body)) if row.body.isdigit() else None
    if view is None:
        return None
    with speaking(view.account.language):
        return build(view)


def summary(store: Store, view: RoundView) -> Reply:
    """The channel's summary: what needs attention first, then pulses, answers, who is missing."""
    account, opened = view.account, view.round.opened_at
    day = opened.astimezone(ZoneInfo(account.timezone)).date().isoformat()
    title = _("Check-in: {account}, {date}").format(account=account.name, date=day)
    questions = question_texts(view)
    answers = [view.answers[m.user_id] for m in view.members if m.user_id in view.answers]
    blocks: list[Block] = [Header(title)]
    attention = _attention(view)
    if attention:
        blocks.append(_section(_("*Needs attention*") + "\n" + "\n".join(attention)))
    pulses = " · ".join(f"{MARKS[a.pulse]} <@{a.user_id}>" for a in answers if a.pulse in MARKS)
    blocks.append(_section(_("*Pulse*") + "\n" + (pulses or _("No pulse given."))))
    for n, question in enumerate(questions):
        lines = [
            f"• <@{a.user_id}>: {excerpt(a.answers[n], lines=3, width=ANSWER_WIDTH)}"
            for a in answers
            if a.submitted_at is not None and n < len(a.answers) and a.answers[n].strip()
        ]
        blocks.append(_section(f"*{question}*\n" + ("\n".join(lines) or "—")))
    missing = [m.user_id for m in view.expected() if not view.answered(m.user_id)]
    away = [m.user_id for m in view.members if m.away]
    if missing:
        blocks.append(Section(_("*Did not answer:* {people}").format(people=names(missing))))
    if away:
        blocks.append(Context(_("Away: {people}").format(people=names(away))))
    rates, posted = _rates(store, view)
    blocks.append(Context(rates))
    return Reply(summary=title, blocks=tuple(blocks), visibility=Visibility.CHANNEL, posted=posted)


def _section(text: str) -> Section:
    """A section within what every platform shows in one block; a big team's is cut short."""
    return Section(text if len(text) <= SECTION_LIMIT else text[: SECTION_LIMIT - 1] + "…")


def _attention(view: RoundView) -> list[str]:
    """Red pulses, then answers that mention risks."""
    lines = []
    for answer in view.answers.values():
        if answer.pulse == "risk":
            lines.append(_("• 🔴 <@{user}> sees the customer at risk").format(user=answer.user_id))
        for text in answer.answers if answer.submitted_at else []:
            if RISKY.search(text):
                quote = excerpt(text, lines=1, width=ANSWER_WIDTH)
                lines.append(f"• <@{answer.user_id}>: {quote}")
    return lines


def _rates(store: Store, view: RoundView) -> tuple[str, tuple[Posted, ...]]:
    """This round's response rate and a pointer back to the previous round's summary: a link
    to it once that summary was posted, else its date alone."""
    here = response(view)
    earlier = checkins.previous_round(store.engine, view.account.id, view.round.id)
    before = checkins.round_view(store.engine, earlier) if earlier is not None else None
    if before is None:
        return _("{rate}. This is the account's first check-in.").format(rate=here), ()
    zone = ZoneInfo(view.account.timezone)
    day = before.round.opened_at.astimezone(zone).date()
    same_year = day.year == view.round.opened_at.astimezone(zone).year
    label = format_date(day, "d MMM" if same_year else "d MMM y", locale=current())
    posted = checkins.summary_message(store.engine, before.round.id)
    link = (Posted(posted[0], posted[1], label),) if posted is not None else ()
    said = _("{rate}. Previous check-in: {date}, {previous}, pulse {trend}.").format(
        rate=here,
        date=link[0].markup if link else label,
        previous=response(before),
        trend=trend(before) or "—",
    )
    return said, link


def response(view: RoundView) -> str:
    """`3 of 4 answered`, for a sentence to end or go on."""
    asked = len(view.expected())
    answered = sum(view.answered(m.user_id) for m in view.expected())
    return ngettext("{n} of {asked} answered", "{n} of {asked} answered", asked).format(
        n=answered, asked=asked
    )


def trend(view: RoundView) -> str:
    """The round's pulses as marks, red first: `🔴🟡🟢🟢`."""
    pulses = sorted(
        (a.pulse for a in view.answers.values() if a.pulse in MARKS),
        key=lambda p: -PULSES.index(p),
    )
    return "".join(MARKS[p] for p in pulses)


def names(users: list[str]) -> str:
    return ", ".join(f"<@{user}>" for user in users)


def agenda(store: Store, account: Account) -> str:
    """Check-in answers since the last internal meeting, as notes to start its agenda from."""
    last = store.last_held(account.id).get(MeetingKind.INTERNAL)
    since = datetime.combine(last, time(), UTC) if last else None
    answers = checkins.answers_since(store.engine, account.id, since)
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
