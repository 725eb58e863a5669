"""`/kam plan`: the account plan's sections, edited by form, and its twice-yearly revision."""

from __future__ import annotations

from dataclasses import replace

from handlers.access import bound_account, local_today
from handlers.errors import InvalidForm, UsageError
from handlers.i18n import _
from handlers.model import (
    Actions,
    Block,
    Button,
    Context,
    Form,
    Header,
    Outcome,
    Reply,
    Request,
    Section,
    TextField,
)
from handlers.permissions import Action, require
from handlers.plan_revisions import NOTE_LIMIT, history, record_revision, revision_lines
from handlers.plan_sections import (
    FIELD_LIMIT,
    SECTIONS,
    Part,
    PlanSection,
    agreements,
    check,
    filled,
    part_title,
    section_keys,
    section_named,
)
from handlers.wording import relative_day
from scheduler import planning
from storage import plan as plans
from storage.store import Store

FORM_ID = "plan-section"
EDIT = "plan-edit"
REVISE = "plan-revise"


def plan(request: Request, store: Store, args: str) -> Outcome:
    """`plan`; `plan edit <section>`; `plan revise`; `plan revised [note]`; `plan history [N]`."""
    action, _sep, rest = args.partition(" ")
    rest = rest.strip()
    if action == "revised":
        return record_revision(request, store, rest)
    if action == "edit":
        return edit_section(request, store, rest)
    if action == "revise" and not rest:
        return start_revision(request, store)
    if action == "history":
        return history(request, store, rest)
    if action:
        raise UsageError(
            _(
                "I don't know `plan {action}`. Use `/kam plan`, `/kam plan edit budget`, "
                "`/kam plan revise`, `/kam plan history` or "
                "`/kam plan revised Updated budget and key activities`."
            ).format(action=action)
        )
    return show_plan(request, store)


def show_plan(request: Request, store: Store) -> Reply:
    """Completeness per section, the revision status, and a button to edit each section."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.VIEW)
    facts = store.planning_facts(account.id)
    assert facts is not None
    today = local_today(account, request.received_at)
    due = planning.revision_due_on(facts)
    current = plans.current_plan(store.engine, account.id)
    title = _("Account plan of {account}").format(account=account.name)
    blocks: list[Block] = [Header(title)]
    for part in Part:
        sections = [section for section in SECTIONS if section.part is part]
        lines = [f"*{part_title(part)}*"]
        lines += [
            _("• {section}: {filled} of {fields} filled in").format(
                section=section.title(),
                filled=filled(section, current.get(section.key, {})),
                fields=len(section.fields),
            )
            for section in sections
        ]
        if part is Part.TOGETHER:
            lines.append(_("• KPIs: see `/kam kpi`"))
        edit = tuple(Button(s.title(), EDIT, f"{request.channel}|{s.key}") for s in sections)
        blocks += [Section("\n".join(lines)), Actions(edit)]
    status = [
        _("Next revision due {due} ({when}).").format(
            due=due.isoformat(), when=relative_day(due, today)
        ),
        *revision_lines(plans.revisions(store.engine, account.id)[-3:]),
    ]
    blocks += [
        Section("\n".join(status)),
        Actions((Button(_("Revise the plan"), REVISE, request.channel, "primary"),)),
        Context(
            _("Edit a section with `/kam plan edit <section>`: {sections}.").format(
                sections=section_keys()
            )
        ),
    ]
    return Reply(summary=title, blocks=tuple(blocks))


def edit_section(request: Request, store: Store, word: str) -> Form:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    section = section_named(word)
    if section is None:
        raise UsageError(
            _("Say which section, e.g. `/kam plan edit budget`. Sections: {sections}.").format(
                sections=section_keys()
            )
        )
    return section_form(request, store, account.id, section, revising=False)


def start_revision(request: Request, store: Store) -> Form:
    """The revision walks the sections in order, a form each, and is recorded at the end."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    return section_form(request, store, account.id, SECTIONS[0], revising=True)


def section_form(
    request: Request, store: Store, account_id: int, section: PlanSection, *, revising: bool
) -> Form:
    current = plans.current_plan(store.engine, account_id).get(section.key, {})
    fields = [
        TextField(
            field.key,
            field.label(),
            multiline=True,
            max_length=FIELD_LIMIT,
            placeholder=field.hint(),
            initial=current.get(field.key, ""),
        )
        for field in section.fields
    ]
    last = section is SECTIONS[-1]
    if revising and last:
        fields.append(
            TextField(
                "note",
                _("What changed in this revision"),
                multiline=True,
                max_length=NOTE_LIMIT,
            )
        )
    if not revising:
        submit = _("Save")
    elif last:
        submit = _("Record revision")
    else:
        submit = _("Next")
    step = SECTIONS.index(section) + 1
    title = section.title() if not revising else f"{step}/{len(SECTIONS)} {section.title()}"
    return Form(
        id=FORM_ID,
        title=title,
        submit=submit,
        fields=tuple(fields),
        state={
            "channel": request.channel,
            "section": section.key,
            "revising": "1" if revising else "",
        },
    )


def submit_section(request: Request, store: Store) -> Outcome:
    """Save one section; while revising, open the next one or record the revision."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    section = section_named(request.state.get("section", ""))
    if section is None:
        raise UsageError(_("That form is out of date; use `/kam plan` again."))
    today = local_today(account, request.received_at)
    values = {name: str(value or "") for name, value in request.values.items()}
    content, errors = check(section, values, today)
    note = values.get("note", "").strip()
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("At most {limit} characters; this has {length}.").format(
            limit=NOTE_LIMIT, length=len(note)
        )
    if errors:
        raise InvalidForm(errors)
    found = agreements(content, today) if section.key == "agreements" else None
    plans.save_section(
        store.engine, account.id, section.key, content, request.user, request.received_at, found
    )
    if not request.state.get("revising"):
        text = _("Saved *{section}* of the {account} account plan.").format(
            section=section.title(), account=account.name
        )
        again = Button(_("Edit again"), EDIT, f"{request.channel}|{section.key}")
        return Reply(summary=text, blocks=(Section(text), Actions((again,))))
    if section is SECTIONS[-1]:
        return record_revision(request, store, note)
    following = SECTIONS[SECTIONS.index(section) + 1]
    return section_form(request, store, account.id, following, revising=True)


def edit_button(request: Request, store: Store) -> Outcome:
    """A section's button on `/kam plan` opens its form."""
    channel, _sep, section = request.action_value.partition("|")
    return edit_section(replace(request, channel=channel), store, section)


def revise_button(request: Request, store: Store) -> Outcome:
    return start_revision(replace(request, channel=request.action_value), store)
