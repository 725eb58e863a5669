"""`/kam plan`: the account plan's revision record, revised twice a year."""

from __future__ import annotations

from handlers.access import bound_account, local_today, require_member
from handlers.errors import UsageError
from handlers.model import Reply, Request, Section, Visibility
from handlers.parsing import check_length
from handlers.wording import relative_day
from scheduler import planning
from storage.store import Store

NOTE_LIMIT = 2000


def plan(request: Request, store: Store, args: str) -> Reply:
    """`plan` shows the revision status; `plan revised [note]` records a revision."""
    action, _, note = args.partition(" ")
    if action == "revised":
        return record_revision(request, store, note.strip())
    if action:
        raise UsageError(
            f"I don't know `plan {action}`. Use `/kam plan` or "
            "`/kam plan revised Updated budget and key activities`."
        )
    return show_plan(request, store)


def show_plan(request: Request, store: Store) -> Reply:
    _, account = bound_account(request, store)
    facts = store.planning_facts(account.id)
    assert facts is not None
    today = local_today(account, request.received_at)
    due = planning.revision_due_on(facts)
    lines = [
        f"*Account plan of {account.name}*",
        f"Next revision due {due.isoformat()} ({relative_day(due, today)}).",
    ]
    for revision in store.revisions(account.id, 3):
        note = f": {revision.note}" if revision.note else ""
        lines.append(
            f"• {revision.revised_at.date().isoformat()} by <@{revision.revised_by}>{note}"
        )
    if len(lines) == 2:
        lines.append("No revision recorded yet.")
    lines.append("Record one with `/kam plan revised <what changed>`.")
    text = "\n".join(lines)
    return Reply(summary=f"Account plan of {account.name}", blocks=(Section(text),))


def record_revision(request: Request, store: Store, note: str) -> Reply:
    _, account = bound_account(request, store)
    require_member(account, request.user, "record plan revisions")
    check_length("A revision note", note, NOTE_LIMIT)
    store.record_revision(account.id, request.user, request.received_at, note)
    planning.replan(store, account.id, request.received_at, [planning.PLAN])
    facts = store.planning_facts(account.id)
    assert facts is not None
    due = planning.revision_due_on(facts)
    said = f": {note}" if note else "."
    text = (
        f"<@{request.user}> recorded a revision of the {account.name} account plan{said}\n"
        f"The next revision is due {due.isoformat()}."
    )
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)
