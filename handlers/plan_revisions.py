"""Revisions of the account plan: recording one, what changed, and the history."""

from __future__ import annotations

from handlers import confidential
from handlers.access import bound_account
from handlers.errors import UsageError
from handlers.i18n import _, speaking
from handlers.model import Block, Header, Reply, Request, Section, Visibility
from handlers.parsing import check_length
from handlers.permissions import Action, require
from handlers.plan_sections import SECTIONS, Plan, PlanField, entries
from scheduler import planning
from storage import outbox
from storage import plan as plans
from storage.models import Account
from storage.plan import Revision
from storage.store import Store

NOTE_LIMIT = 2000


def record_revision(request: Request, store: Store, note: str) -> Reply:
    """Record a revision with the plan as it stands; the channel is told what changed."""
    workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    check_length(_("A revision note"), note, NOTE_LIMIT)
    revision, previous = plans.record_revision(
        store.engine, account.id, request.user, request.received_at, note
    )
    planning.replan(store, account.id, request.received_at, [planning.PLAN])
    facts = store.planning_facts(account.id)
    assert facts is not None
    due = planning.revision_due_on(facts)
    if not confidential.in_the_open(request):
        with speaking(account.language):
            return _announcement(account, revision, previous, due.isoformat(), everything=True)
    with speaking(account.language):
        public = _announcement(account, revision, previous, due.isoformat(), everything=False)
    outbox.enqueue(
        store.engine,
        dedupe_key=f"plan-revision:{account.id}:{revision.revised_at.isoformat()}:{revision.revised_by}",
        workspace_id=workspace,
        account_id=account.id,
        target=request.channel,
        to_user=False,
        topic="notice",
        body=public.summary,
        now=request.received_at,
    )
    private = _announcement(account, revision, previous, due.isoformat(), everything=True)
    kept = _(
        "This channel has people from outside the company, so it gets this without the "
        "confidential notes."
    )
    return Reply(
        summary=private.summary,
        blocks=(*private.blocks, Section(kept)),
        visibility=Visibility.ONLY_YOU,
    )


def _announcement(
    account: Account, revision: Revision, previous: Revision | None, due: str, *, everything: bool
) -> Reply:
    if revision.note:
        headline = _(
            "<@{user}> recorded revision {number} of the {account} account plan: {note}"
        ).format(
            user=revision.revised_by,
            number=revision.number,
            account=account.name,
            note=revision.note,
        )
    else:
        headline = _("<@{user}> recorded revision {number} of the {account} account plan.").format(
            user=revision.revised_by, number=revision.number, account=account.name
        )
    lines = [headline, *changes(previous, revision, everything=everything)]
    lines.append(_("The next revision is due {due}.").format(due=due))
    text = "\n".join(lines)
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def changes(previous: Revision | None, revision: Revision, *, everything: bool) -> list[str]:
    """Short lines saying which fields changed since `previous`, confidential ones if allowed."""
    before: Plan = previous.snapshot if previous else {}
    lines = []
    for section in SECTIONS:
        old, new = before.get(section.key, {}), revision.snapshot.get(section.key, {})
        changed = [
            _change(field, old.get(field.key, ""), new.get(field.key, ""))
            for field in section.fields
            if old.get(field.key, "") != new.get(field.key, "")
            and (everything or not field.confidential)
        ]
        if changed:
            lines.append(f"• *{section.title()}*: " + "; ".join(changed))
    if previous is None:
        title = _("What the plan holds:")
        return [title, *lines] if lines else [_("The plan's sections are still empty.")]
    if not lines:
        return [_("No section changed since revision {number}.").format(number=previous.number)]
    title = _("What changed since revision {number} of {day}:").format(
        number=previous.number, day=previous.revised_at.date().isoformat()
    )
    return [title, *lines]


def _change(field: PlanField, old: str, new: str) -> str:
    if field.line is not None:
        added = len(set(entries(new)) - set(entries(old)))
        removed = len(set(entries(old)) - set(entries(new)))
        return _("{field} (+{added} -{removed})").format(
            field=field.label(), added=added, removed=removed
        )
    if not old:
        return _("{field} added").format(field=field.label())
    if not new:
        return _("{field} cleared").format(field=field.label())
    return _("{field} updated").format(field=field.label())


def revision_lines(found: list[Revision]) -> list[str]:
    """One line per revision, newest first."""
    if not found:
        return [_("No revision recorded yet. Record one with `/kam plan revise`.")]
    lines = []
    for revision in reversed(found):
        day = revision.revised_at.date().isoformat()
        if revision.note:
            line = _("• {number}. {day} by <@{user}>: {note}")
        else:
            line = _("• {number}. {day} by <@{user}>")
        lines.append(
            line.format(
                number=revision.number, day=day, user=revision.revised_by, note=revision.note
            )
        )
    return lines


def history(request: Request, store: Store, args: str) -> Reply:
    """`plan history` lists the revisions; `plan history N` shows one and what it changed."""
    _workspace, account = bound_account(request, store)
    found = plans.revisions(store.engine, account.id)
    if not args:
        title = _("Revisions of the {account} account plan").format(account=account.name)
        return Reply(
            summary=title,
            blocks=(Header(title), Section("\n".join(revision_lines(found)))),
        )
    if not args.isdigit() or not 1 <= int(args) <= len(found):
        raise UsageError(
            _("There is no revision `{number}`. See them with `/kam plan history`.").format(
                number=args
            )
        )
    return _one(request, account, found, int(args))


def _one(request: Request, account: Account, found: list[Revision], number: int) -> Reply:
    revision = found[number - 1]
    previous = found[number - 2] if number > 1 else None
    everything = confidential.may_see(request, account)
    title = _("Revision {number} of the {account} account plan").format(
        number=number, account=account.name
    )
    blocks: list[Block] = [Header(title), Section("\n".join(revision_lines([revision])))]
    for section in SECTIONS:
        content = revision.snapshot.get(section.key, {})
        shown = [
            f"_{field.label()}_\n{content[field.key]}"
            for field in section.fields
            if content.get(field.key) and (everything or not field.confidential)
        ]
        if shown:
            blocks.append(Section(f"*{section.title()}*\n" + "\n".join(shown)))
    blocks.append(Section("\n".join(changes(previous, revision, everything=everything))))
    return Reply(summary=title, blocks=tuple(blocks))
