"""`/kam plan`: the account plan's revision record, revised twice a year."""

from __future__ import annotations

from handlers.access import bound_account, local_today
from handlers.errors import UsageError
from handlers.i18n import _, speaking
from handlers.model import Reply, Request, Section, Visibility
from handlers.parsing import check_length
from handlers.permissions import Action, require
from handlers.wording import relative_day
from scheduler import planning
from storage.store import Store

NOTE_LIMIT = 2000


def plan(request: Request, store: Store, args: str) -> Reply:
    """`plan` shows the revision status; `plan revised [note]` records a revision."""
    action, _sep, note = args.partition(" ")
    if action == "revised":
        return record_revision(request, store, note.strip())
    if action:
        raise UsageError(
            _(
                "I don't know `plan {action}`. Use `/kam plan` or "
                "`/kam plan revised Updated budget and key activities`."
            ).format(action=action)
        )
    return show_plan(request, store)


def show_plan(request: Request, store: Store) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.VIEW)
    facts = store.planning_facts(account.id)
    assert facts is not None
    today = local_today(account, request.received_at)
    due = planning.revision_due_on(facts)
    lines = [
        _("*Account plan of {account}*").format(account=account.name),
        _("Next revision due {due} ({when}).").format(
            due=due.isoformat(), when=relative_day(due, today)
        ),
    ]
    for revision in store.revisions(account.id, 3):
        day = revision.revised_at.date().isoformat()
        if revision.note:
            line = _("• {day} by <@{user}>: {note}").format(
                day=day, user=revision.revised_by, note=revision.note
            )
        else:
            line = _("• {day} by <@{user}>").format(day=day, user=revision.revised_by)
        lines.append(line)
    if len(lines) == 2:
        lines.append(_("No revision recorded yet."))
    lines.append(_("Record one with `/kam plan revised <what changed>`."))
    text = "\n".join(lines)
    return Reply(
        summary=_("Account plan of {account}").format(account=account.name),
        blocks=(Section(text),),
    )


def record_revision(request: Request, store: Store, note: str) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    check_length(_("A revision note"), note, NOTE_LIMIT)
    store.record_revision(account.id, request.user, request.received_at, note)
    planning.replan(store, account.id, request.received_at, [planning.PLAN])
    facts = store.planning_facts(account.id)
    assert facts is not None
    due = planning.revision_due_on(facts)
    with speaking(account.language):
        if note:
            recorded = _(
                "<@{user}> recorded a revision of the {account} account plan: {note}"
            ).format(user=request.user, account=account.name, note=note)
        else:
            recorded = _("<@{user}> recorded a revision of the {account} account plan.").format(
                user=request.user, account=account.name
            )
        text = recorded + "\n" + _("The next revision is due {due}.").format(due=due.isoformat())
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)
