"""`/kam log-meeting` and `/kam meetings`: the account's meeting record, inline or by form."""

from __future__ import annotations

import re
from datetime import date

from handlers.access import bound_account, local_today, named_account
from handlers.checkin_messages import agenda as checkin_agenda
from handlers.errors import InvalidForm, UsageError
from handlers.i18n import _, ngettext, speaking
from handlers.model import (
    Actions,
    Block,
    Button,
    ChoiceField,
    Context,
    DateField,
    Fields,
    Form,
    Option,
    Outcome,
    Reply,
    Request,
    Section,
    TextField,
    UsersField,
    Visibility,
)
from handlers.parsing import (
    check_length,
    date_help,
    kinds_list,
    meeting_kind,
    mentioned_users,
    read_date,
    take_date,
)
from handlers.permissions import Action, require
from handlers.submissions import form_state, submission_key
from handlers.wording import (
    excerpt,
    kind_meeting,
    kind_name,
    kind_title,
    number,
    people,
    relative_day,
)
from scheduler import planning
from storage.models import Account, Meeting, MeetingKind
from storage.store import AlreadyExists, NewActionItem, NewMeeting, Store

FORM_ID = "log-meeting"
UNDO = "meeting-undo"
TEXT_LIMIT = 3000
CUSTOMER_LIMIT = 500
LIST_DEFAULT, LIST_MAX = 10, 25
DUE_SUFFIX = re.compile(r"\s+(?:by|due|senast|till)\s+(?P<due>[^,;]+?)\s*$", re.IGNORECASE)
USER_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
OWNER = re.compile(r"<@[A-Za-z0-9._-]{1,60}>|@[\w.-]{1,60}")


def log_meeting(request: Request, store: Store, args: str) -> Outcome:
    """Log inline when there are notes; otherwise open the form with what was given preset."""
    workspace, account = bound_account(request, store)
    require(request, account, Action.LOG_MEETING)
    today = local_today(account, request.received_at)
    words = args.split()
    if not words:
        return meeting_form(request, None, today)
    kind = _kind_or_usage(words[0])
    held_on, rest = take_date(words[1:], today)
    notes = args.split(None, len(words) - len(rest))[-1].strip() if rest else ""
    if not notes:
        agenda = checkin_agenda(store, account) if kind is MeetingKind.INTERNAL else ""
        return meeting_form(request, kind, held_on or today, agenda)
    check_length(_("Notes"), notes, TEXT_LIMIT)
    meeting = NewMeeting(
        kind=kind,
        held_on=held_on or today,
        logged_by=request.user,
        logged_at=request.received_at,
        attendees=tuple(mentioned_users(notes)),
        notes=notes,
    )
    return _store_and_confirm(request, store, workspace, account, meeting)


def meeting_form(
    request: Request, kind: MeetingKind | None, held_on: date, notes: str = ""
) -> Form:
    """The log form; its submission key makes a double submit log one meeting. An internal
    meeting's notes start from the check-in answers since the last one, as its agenda."""
    return Form(
        id=FORM_ID,
        title=_("Log a meeting"),
        submit=_("Log meeting"),
        fields=(
            ChoiceField(
                "kind",
                _("Kind of meeting"),
                tuple(Option(k.value, kind_title(k)) for k in MeetingKind),
                initial=kind.value if kind else None,
            ),
            DateField("held_on", _("Date"), initial=held_on),
            UsersField("attendees", _("Our attendees"), initial=(request.user,)),
            TextField(
                "customer_attendees",
                _("Customer attendees"),
                max_length=CUSTOMER_LIMIT,
                placeholder=_("Names and roles on the customer's side"),
            ),
            TextField(
                "notes",
                _("Notes"),
                multiline=True,
                placeholder=_("What was discussed"),
                initial=notes,
            ),
            TextField("decisions", _("Decisions"), multiline=True),
            TextField(
                "action_items",
                _("Action items"),
                multiline=True,
                placeholder=_("One per line: @owner what to do by 2026-12-15"),
            ),
        ),
        state=form_state(request),
    )


def submit_meeting(request: Request, store: Store) -> Reply:
    """Log a meeting from the form, or report every problem at its field."""
    workspace, account = named_account(request, store, request.channel)
    require(request, account, Action.LOG_MEETING)
    today = local_today(account, request.received_at)
    meeting, errors = _meeting_from_form(request, today)
    if errors or meeting is None:
        raise InvalidForm(errors)
    return _store_and_confirm(request, store, workspace, account, meeting)


def meetings(request: Request, store: Store, args: str) -> Reply:
    """`meetings [kind] [N]`: the newest N meetings, of one kind or all."""
    _workspace, account = bound_account(request, store, archived_ok=True)
    require(request, account, Action.VIEW)
    kind, limit = _list_filters(args.split())
    found = store.meetings(account.id, kind.value if kind else None, limit)
    if not found:
        text = _nothing_logged(kind, account.name)
        return Reply(summary=text, blocks=(Section(text),))
    title = _last_meetings(kind, len(found), account.name)
    return Reply(
        summary=title,
        blocks=(Section(f"*{title}*"), *(Section(_meeting_line(m)) for m in found)),
    )


def _nothing_logged(kind: MeetingKind | None, account: str) -> str:
    if kind is None:
        text = _("No meetings logged for {account} yet. Log one with `/kam log-meeting`.")
    else:
        text = _("No {kind} meetings logged for {account} yet. Log one with `/kam log-meeting`.")
    return text.format(kind=kind_name(kind) if kind else "", account=account)


def _last_meetings(kind: MeetingKind | None, n: int, account: str) -> str:
    """`The last 3 tactical meetings for Acme`, or of all kinds; `The latest …` for one."""
    if kind is None:
        text = ngettext(
            "The latest meeting for {account}", "The last {n} meetings for {account}", n
        )
    else:
        text = ngettext(
            "The latest {kind} meeting for {account}",
            "The last {n} {kind} meetings for {account}",
            n,
        )
    return text.format(n=n, kind=kind_name(kind) if kind else "", account=account)


def _kind_or_usage(word: str) -> MeetingKind:
    kind = meeting_kind(word)
    if kind is None:
        raise UsageError(
            _(
                "`{word}` isn't a meeting kind. Use one of {kinds}, e.g. "
                "`/kam log-meeting tactical yesterday Reviewed delivery KPIs`, "
                "or `/kam log-meeting` alone to fill in a form."
            ).format(word=word, kinds=kinds_list())
        )
    return kind


def _meeting_from_form(request: Request, today: date) -> tuple[NewMeeting | None, dict[str, str]]:
    values, errors = request.values, {}
    kind = meeting_kind(str(values.get("kind") or ""))
    if kind is None:
        errors["kind"] = _("Choose the kind of meeting: {kinds}.").format(kinds=kinds_list())
    held_on = values.get("held_on")
    if not isinstance(held_on, date):
        errors["held_on"] = _("Pick the date the meeting was held.")
    elif held_on > today:
        errors["held_on"] = _("That date is in the future; log meetings that have happened.")
    texts = {name: str(values.get(name) or "").strip() for name in _TEXT_FIELDS}
    for name, text in texts.items():
        limit = CUSTOMER_LIMIT if name == "customer_attendees" else TEXT_LIMIT
        if len(text) > limit:
            errors[name] = ngettext(
                "At most {limit} character; this has {length}.",
                "At most {limit} characters; this has {length}.",
                limit,
            ).format(limit=number(limit), length=number(len(text)))
    if not (texts["notes"] or texts["decisions"] or texts["action_items"]):
        errors["notes"] = _("Write what happened: notes, decisions or action items.")
    items, item_error = _action_items(texts["action_items"], today)
    if item_error:
        errors["action_items"] = item_error
    attendees = values.get("attendees") or []
    if not isinstance(attendees, list) or not all(map(USER_ID.fullmatch, attendees)):
        errors["attendees"] = _("Pick our attendees from the list of people.")
    if errors or kind is None or not isinstance(held_on, date) or not isinstance(attendees, list):
        return None, errors
    return (
        NewMeeting(
            kind=kind,
            held_on=held_on,
            logged_by=request.user,
            logged_at=request.received_at,
            attendees=tuple(attendees),
            customer_attendees=texts["customer_attendees"],
            notes=texts["notes"],
            decisions=texts["decisions"],
            action_items=items,
            submission_key=submission_key(request),
        ),
        {},
    )


_TEXT_FIELDS = ("customer_attendees", "notes", "decisions", "action_items")


def _action_items(text: str, today: date) -> tuple[tuple[NewActionItem, ...], str]:
    """One item per line: an optional `@owner` and an optional `by <date>` at the end."""
    items = []
    for line_number, line in enumerate(filter(None, map(str.strip, text.splitlines())), start=1):
        due = None
        suffix = DUE_SUFFIX.search(line)
        if suffix:
            try:
                due = read_date(suffix["due"], today, prefer="future")
            except UsageError:
                return (
                    (),
                    _("Line {number}: I can't read the due date `{due}`; use {help}.").format(
                        number=line_number, due=suffix["due"], help=date_help()
                    ),
                )
            line = line[: suffix.start()]
        owner = OWNER.search(line)
        items.append(NewActionItem(text=line, owner=owner[0] if owner else None, due=due))
    return tuple(items), ""


def _store_and_confirm(
    request: Request, store: Store, workspace: int, account: Account, new: NewMeeting
) -> Reply:
    try:
        logged = store.log_meeting(workspace, account.id, new)
    except AlreadyExists:
        raise UsageError(
            _(
                "That form was already used elsewhere; nothing was changed. "
                "Open a new one with `/kam log-meeting`."
            )
        ) from None
    meeting = logged.meeting
    if not logged.created:
        text = _("This {kind} meeting of {date} is already logged.").format(
            kind=kind_name(meeting.kind), date=meeting.held_on.isoformat()
        )
        return Reply(summary=text, blocks=(Section(text),))
    kind = MeetingKind(new.kind)
    due = planning.due_on(kind, logged.own_cadence, logged.last_held, account.created_at.date())
    today = local_today(account, request.received_at)
    with speaking(account.language):
        undo = Button(_("Undo"), UNDO, f"{request.channel}|{meeting.id}")
        return _confirmation(account, meeting, due, today, undo)


def _confirmation(
    account: Account, meeting: Meeting, due: date | None, today: date, undo: Button
) -> Reply:
    """The channel's confirmation of a logged meeting; built in the account's language."""
    kind = MeetingKind(meeting.kind)
    held_on, logger = meeting.held_on.isoformat(), f"<@{meeting.logged_by}>"
    headline = _("*{meeting}* with {account} on {date}, logged by {logger}.").format(
        meeting=kind_meeting(kind), account=account.name, date=held_on, logger=logger
    )
    fields = [(_("Our attendees"), people(a.user_id for a in meeting.attendees))]
    if meeting.customer_attendees:
        fields.append((_("Customer attendees"), meeting.customer_attendees))
    if meeting.action_items:
        fields.append((_("Action items"), number(len(meeting.action_items))))
    blocks: list[Block] = [Section(headline), Fields(tuple(fields))]
    summary_text = meeting.notes or meeting.decisions
    if summary_text:
        blocks.append(Section(excerpt(summary_text)))
    next_one = _next_one(kind, due, today)
    blocks += [Context(next_one), Actions((undo,))]
    return Reply(
        summary=_("{meeting} on {date} logged by {logger}. {next}").format(
            meeting=kind_meeting(kind), date=held_on, logger=logger, next=next_one
        ),
        blocks=tuple(blocks),
        visibility=Visibility.CHANNEL,
    )


def undo_meeting(request: Request, store: Store) -> Reply:
    """Remove a meeting logged by mistake, from its confirmation; see `Action.DELETE`. The
    confirmation then says who removed it, without its Undo button."""
    channel, _sep, meeting_id = request.action_value.partition("|")
    _workspace, account = named_account(request, store, channel)
    if not meeting_id.isdigit():
        raise UsageError(_("That button is out of date; nothing was changed."))
    meeting = store.meeting(account.id, int(meeting_id))
    if meeting is None:
        with speaking(account.language):
            gone = _("This meeting is no longer in {account}'s record.").format(
                account=account.name
            )
        raise UsageError(
            _("That meeting is no longer in {account}'s record; nothing was changed.").format(
                account=account.name
            ),
            source=Reply(summary=gone, blocks=(Section(gone),), visibility=Visibility.CHANNEL),
        )
    require(request, account, Action.DELETE, author=meeting.logged_by)
    store.remove_meeting(meeting, request.received_at)
    kind, held_on = kind_name(meeting.kind), meeting.held_on.isoformat()
    text = _("You removed the {kind} meeting of {date} from {account}.").format(
        kind=kind, date=held_on, account=account.name
    )
    with speaking(account.language):
        removed = _(
            "{user} removed the {kind} meeting of {date} from {account} on {day}. Log it again "
            "with `/kam log-meeting` if something was wrong in it."
        ).format(
            user=f"<@{request.user}>",
            kind=kind_name(meeting.kind),
            date=held_on,
            account=account.name,
            day=local_today(account, request.received_at).isoformat(),
        )
    confirmation = Reply(summary=removed, blocks=(Section(removed),), visibility=Visibility.CHANNEL)
    return Reply(summary=text, blocks=(Section(text),), source=confirmation)


def _next_one(kind: MeetingKind, due: date | None, today: date) -> str:
    """When this kind is due again: `in 89 days`, or overdue when an old meeting was logged."""
    if due is None:
        return _("No reminders for {kind} meetings: their cadence is off.").format(
            kind=kind_name(kind)
        )
    if due >= today:
        text = _("The next {kind} meeting is due {date} ({when}).")
    else:
        text = _("The next {kind} meeting was due {date} ({when}).")
    return text.format(kind=kind_name(kind), date=due.isoformat(), when=relative_day(due, today))


def _list_filters(words: list[str]) -> tuple[MeetingKind | None, int]:
    kind, limit = None, LIST_DEFAULT
    for word in words:
        if word.isdigit() and 1 <= int(word) <= LIST_MAX:
            limit = int(word)
        elif meeting_kind(word) is not None and kind is None:
            kind = meeting_kind(word)
        else:
            raise UsageError(
                _(
                    "I don't understand `{word}` here. Use `/kam meetings [kind] [N]`, e.g. "
                    "`/kam meetings tactical 5`; kinds are {kinds} and N is 1 to {max}."
                ).format(word=word, kinds=kinds_list(), max=LIST_MAX)
            )
    return kind, limit


def _meeting_line(meeting: Meeting) -> str:
    first_line = excerpt(meeting.notes or meeting.decisions, lines=1, width=200)
    attendees = people(a.user_id for a in meeting.attendees)
    line = _("*{date} · {kind}* — logged by {logger}; attendees {attendees}").format(
        date=meeting.held_on.isoformat(),
        kind=kind_title(meeting.kind),
        logger=f"<@{meeting.logged_by}>",
        attendees=attendees,
    )
    return f"{line}\n{first_line}" if first_line else line
