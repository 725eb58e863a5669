"""`/kam person` and `/kam people`: the key persons at the customer and our relationships.

Relationships are confidential: in a channel with external members, replies go to the caller only.
Each person is flagged when not met for longer than the cadence of the meeting kind their role
belongs to (`ROLE_KIND`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from handlers.access import bound_account, local_today
from handlers.confidential import shared_visibility
from handlers.errors import InvalidForm, UsageError
from handlers.i18n import _, speaking
from handlers.model import (
    Actions,
    Block,
    Button,
    ChoiceField,
    Context,
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
from handlers.parsing import CURLY_QUOTES, MENTION, quoted_words
from handlers.permissions import Action, require
from handlers.submissions import answer, form_state, submission_key
from handlers.wording import kind_name
from scheduler import planning
from storage import people
from storage.models import Account, KeyPerson, MeetingKind
from storage.people import NameTaken, NewPerson
from storage.store import Store

FORM_ID = "key-person"
UNDO = "person-undo"
NAME_LIMIT, TITLE_LIMIT, NOTES_LIMIT = 80, 80, 2000
STRENGTHS = range(1, 6)
ROLE_KIND: dict[str, MeetingKind] = {
    "decision-maker": MeetingKind.STRATEGIC,
    "sponsor": MeetingKind.STRATEGIC,
    "influencer": MeetingKind.TACTICAL,
    "gatekeeper": MeetingKind.TACTICAL,
    "user": MeetingKind.OPERATIONAL,
}
"""Whom we meet in which kind of meeting: decision makers and sponsors in the strategic ones."""
KEYS = ("title", "role", "strength", "target", "owner")


def role_label(role: str) -> str:
    labels = {
        "decision-maker": _("decision maker"),
        "sponsor": _("sponsor"),
        "influencer": _("influencer"),
        "gatekeeper": _("gatekeeper"),
        "user": _("user"),
    }
    return labels.get(role, role)


def person(request: Request, store: Store, args: str) -> Outcome:
    """`person add "Name" title … role … strength N target N [owner @who]`, `edit`, `remove`."""
    action, _sep, rest = args.partition(" ")
    if action == "add":
        return add_person(request, store, rest.strip())
    if action == "edit":
        return edit_person(request, store, rest.strip())
    if action == "remove":
        return remove_person(request, store, rest.strip())
    raise UsageError(
        _(
            'Use `/kam person add "Karin Berg" title CFO role decision-maker strength 2 '
            "target 4`, `/kam person edit <name>`, `/kam person remove <name>` or `/kam people`."
        )
    )


def add_person(request: Request, store: Store, args: str) -> Outcome:
    """Add inline when everything is given; otherwise open the form with what was given."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    given = _typed(args)
    if not {"name", "role", "strength", "target"} <= given.keys():
        return person_form(request, given)
    new = _checked_or_usage(given)
    created, _fresh = people.add_person(
        store.engine, account.id, new, request.user, request.received_at
    )
    return _saved(request, account, new, created)


def person_form(request: Request, given: dict[str, str], person_id: int | None = None) -> Form:
    """The key person form, preset with what is known; `person_id` when editing."""
    levels = tuple(Option(str(n), str(n)) for n in STRENGTHS)
    owner = MENTION.findall(given.get("owner", ""))
    return Form(
        id=FORM_ID,
        title=_("Key person"),
        submit=_("Save"),
        fields=(
            TextField(
                "name",
                _("Name"),
                max_length=NAME_LIMIT,
                initial=given.get("name", ""),
                required=True,
            ),
            TextField("title", _("Title"), max_length=TITLE_LIMIT, initial=given.get("title", "")),
            ChoiceField(
                "role",
                _("Role in decisions"),
                tuple(Option(role, role_label(role)) for role in ROLE_KIND),
                initial=given.get("role"),
            ),
            ChoiceField(
                "strength", _("Relationship now (1 to 5)"), levels, initial=given.get("strength")
            ),
            ChoiceField(
                "target", _("Relationship target (1 to 5)"), levels, initial=given.get("target")
            ),
            UsersField("owner", _("Our owner of the relationship"), initial=tuple(owner[:1])),
            TextField(
                "notes",
                _("Relationship notes"),
                multiline=True,
                max_length=NOTES_LIMIT,
                initial=given.get("notes", ""),
                placeholder=_("How we want to develop the relationship"),
            ),
        ),
        state=form_state(request, person=str(person_id or "")),
    )


def submit_person(request: Request, store: Store) -> Reply:
    """Save the form: a new person, or the edited one named in the form's state."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    values = {name: value for name, value in request.values.items()}
    owners = values.pop("owner", None) or []
    given = {name: str(value or "").strip() for name, value in values.items()}
    if isinstance(owners, list) and owners:
        given["owner"] = f"<@{owners[0]}>"
    new, errors = _checked(given)
    if new is None:
        raise InvalidForm(errors)
    person_id = request.state.get("person", "")
    if not person_id.isdigit():
        key = submission_key(request)
        created, fresh = people.add_person(
            store.engine, account.id, new, request.user, request.received_at, key
        )
        return answer(_saved(request, account, new, created), fresh)
    try:
        people.update_person(store.engine, int(person_id), new)
    except NameTaken:
        raise InvalidForm({"name": _("Another key person already has this name.")}) from None
    return _saved(request, account, new, False)


def edit_person(request: Request, store: Store, name: str) -> Form:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    found = _known(store, account, name)
    given = {
        "name": found.name,
        "title": found.title,
        "role": found.role,
        "strength": str(found.strength),
        "target": str(found.target),
        "owner": f"<@{found.owner}>" if found.owner else "",
        "notes": found.notes,
    }
    return person_form(request, given, found.id)


def remove_person(request: Request, store: Store, name: str) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    found = _known(store, account, name)
    people.set_removed(store.engine, found.id, request.received_at)
    with speaking(account.language):
        text = _("<@{user}> removed *{name}* from the key persons of {account}.").format(
            user=request.user, name=found.name, account=account.name
        )
        undo = Button(_("Undo"), UNDO, f"{request.channel}|{found.id}")
        return Reply(
            summary=text,
            blocks=(Section(text), Actions((undo,))),
            visibility=shared_visibility(request),
        )


def undo_remove(request: Request, store: Store) -> Reply:
    """Bring a removed key person back; the removal's message then says so, without Undo."""
    channel, _sep, person_id = request.action_value.partition("|")
    request = replace(request, channel=channel)
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    found = people.person(store.engine, account.id, int(person_id)) if person_id.isdigit() else None
    if found is None or found.removed_at is None:
        raise UsageError(_("That key person is already back; nothing was changed."))
    people.set_removed(store.engine, found.id, None)
    text = _("You brought *{name}* back to the key persons of {account}.").format(
        name=found.name, account=account.name
    )
    with speaking(account.language):
        back = _("<@{user}> brought *{name}* back to the key persons of {account}.").format(
            user=request.user, name=found.name, account=account.name
        )
    removal = Reply(summary=back, blocks=(Section(back),), visibility=shared_visibility(request))
    return Reply(summary=text, blocks=(Section(text),), source=removal)


def list_people(request: Request, store: Store, args: str) -> Reply:
    """`people`: everyone with their relationship, flagged when not met for too long."""
    _workspace, account = bound_account(request, store)
    found = people.key_people(store.engine, account.id)
    if not found:
        text = _(
            "No key persons for {account} yet. Add one with "
            '`/kam person add "Karin Berg" title CFO role decision-maker strength 2 target 4`.'
        ).format(account=account.name)
        return Reply(summary=text, blocks=(Section(text),))
    facts = store.planning_facts(account.id)
    assert facts is not None
    today = local_today(account, request.received_at)
    title = _("Key persons of {account}").format(account=account.name)
    blocks: list[Block] = [Section(f"*{title}*")]
    blocks += [Section(_person_line(p, facts.cadences, today)) for p in found]
    blocks.append(
        Context(
            _("Who is met in which kind of meeting: {mapping}.").format(
                mapping=", ".join(f"{role_label(r)} → {kind_name(k)}" for r, k in ROLE_KIND.items())
            )
        )
    )
    return Reply(summary=title, blocks=tuple(blocks), visibility=Visibility.ONLY_YOU)


def _person_line(found: KeyPerson, cadences: dict[str, tuple[int, int]], today: date) -> str:
    title = f" · {found.title}" if found.title else ""
    owner = f"<@{found.owner}>" if found.owner else "—"
    met = found.last_contact.isoformat() if found.last_contact else _("never")
    line = _(
        "*{name}*{title} · {role}\nRelationship {now} → target {target} · "
        "owner {owner} · last met {met}"
    ).format(
        name=found.name,
        title=title,
        role=role_label(found.role),
        now=found.strength,
        target=found.target,
        owner=owner,
        met=met,
    )
    kind = ROLE_KIND.get(found.role, MeetingKind.TACTICAL)
    rhythm = planning.cadence_of(kind, cadences.get(kind.value))
    if rhythm is not None and (
        found.last_contact is None or rhythm.after(found.last_contact) < today
    ):
        line += "\n\u26a0\ufe0f " + _("Not met within the {kind} meeting rhythm.").format(
            kind=kind_name(kind)
        )
    if found.notes:
        line += "\n" + found.notes
    return line


def _saved(request: Request, account: Account, new: NewPerson, created: bool) -> Reply:
    with speaking(account.language):
        if created:
            text = _("<@{user}> added *{name}* as a key person of {account}.")
        else:
            text = _("<@{user}> updated the key person *{name}* of {account}.")
        text = text.format(user=request.user, name=new.name, account=account.name)
        detail = _("{role} · relationship {now} of 5, target {target}").format(
            role=role_label(new.role), now=new.strength, target=new.target
        )
        if new.title:
            detail = f"{new.title} · {detail}"
    return Reply(
        summary=text,
        blocks=(Section(text), Context(detail)),
        visibility=shared_visibility(request),
    )


def _known(store: Store, account: Account, name: str) -> KeyPerson:
    name = _unquoted(name)
    found = people.person_named(store.engine, account.id, name) if name else None
    if found is None:
        raise UsageError(
            _(
                "{account} has no key person called `{name}`. See who there is with `/kam people`."
            ).format(account=account.name, name=name)
        )
    return found


def _unquoted(text: str) -> str:
    """A name typed with or without its quotes, straight or curly."""
    return text.translate(CURLY_QUOTES).strip().strip("\"'").strip()


def _typed(args: str) -> dict[str, str]:
    """`"Karin Berg" title CFO role decision-maker strength 2 target 4` as field values."""
    try:
        words = quoted_words(args)
    except ValueError:
        raise UsageError(
            _('A quote is not closed. Put the name in quotes: `"Karin Berg"`.')
        ) from None
    if not words:
        return {}
    given, key = {"name": words[0]}, ""
    for word in words[1:]:
        if word.lower() in KEYS:
            key = word.lower()
        elif key:
            given[key] = f"{given.get(key, '')} {word}".strip()
        else:
            raise UsageError(
                _(
                    "I don't understand `{word}`. After the name come {keys}, each with its "
                    "value, e.g. `title CFO`; put a name of several words in quotes."
                ).format(word=word, keys=", ".join(f"`{k}`" for k in KEYS))
            )
    return given


def _checked_or_usage(given: dict[str, str]) -> NewPerson:
    new, errors = _checked(given)
    if new is None:
        raise UsageError(" ".join(errors.values()))
    return new


def _checked(given: dict[str, str]) -> tuple[NewPerson | None, dict[str, str]]:
    """The person, or one message per field that is wrong."""
    errors = {}
    name, title = given.get("name", ""), given.get("title", "")
    if not name or len(name) > NAME_LIMIT:
        errors["name"] = _("Give the name, at most {limit} characters.").format(limit=NAME_LIMIT)
    if len(title) > TITLE_LIMIT:
        errors["title"] = _("A title is at most {limit} characters.").format(limit=TITLE_LIMIT)
    role = given.get("role", "").lower()
    if role not in ROLE_KIND:
        errors["role"] = _("The role is one of {roles}.").format(
            roles=", ".join(f"`{r}`" for r in ROLE_KIND)
        )
    levels = {}
    for field in ("strength", "target"):
        value = given.get(field, "")
        if value.isdigit() and int(value) in STRENGTHS:
            levels[field] = int(value)
        else:
            errors[field] = _("`{field}` is a number from 1 (weak) to 5 (strong).").format(
                field=field
            )
    owner = MENTION.findall(given.get("owner", ""))
    if given.get("owner") and not owner:
        errors["owner"] = _("Mention the owner, e.g. `owner @alice`.")
    notes = given.get("notes", "")
    if len(notes) > NOTES_LIMIT:
        errors["notes"] = _("Notes are at most {limit} characters.").format(limit=NOTES_LIMIT)
    if errors:
        return None, errors
    new = NewPerson(
        name=name,
        title=title,
        role=role,
        strength=levels["strength"],
        target=levels["target"],
        owner=owner[0] if owner else None,
        notes=notes,
    )
    return new, {}
