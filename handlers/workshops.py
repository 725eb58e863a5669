"""`/kam workshop`: the Account Development Workshop — ideas from everyone who knows the
customer, votes with buttons, and a ranked list whose chosen ideas get owners."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from handlers.access import bound_account
from handlers.errors import InvalidForm, UsageError
from handlers.figures import figure, read_whole
from handlers.i18n import _, ngettext, speaking
from handlers.model import (
    Actions,
    Block,
    Button,
    Context,
    DateField,
    Form,
    Outcome,
    Reply,
    Request,
    Section,
    TextField,
    UsersField,
    Visibility,
)
from handlers.opportunities import EDIT, NAME_LIMIT
from handlers.permissions import Action, require
from handlers.submissions import answer, form_state, submission_key
from scheduler.stale import account_stale_at
from storage import opportunities, workshops
from storage.models import Account, Workshop, WorkshopIdea
from storage.opportunities import Changes
from storage.store import Store
from storage.workshops import NewIdea, Ranked

IDEA_FORM = "workshop-idea"
OWNER_FORM = "workshop-owner"
ADD_IDEA = "workshop-add"
VOTE = "idea-vote"
CHOOSE = "idea-choose"
IDEA_LIMIT, LINE_LIMIT = 500, 80
SHOWN = 20
"""Ideas shown with buttons in the closing list (Slack allows 50 blocks in a message)."""


def workshop(request: Request, store: Store, args: str) -> Outcome:
    """`workshop` shows the open one; `start`, `idea` and `close` run it."""
    action = args.strip().lower()
    if action == "start":
        return start_workshop(request, store)
    if action == "idea":
        return idea_form(request, store)
    if action == "close":
        return close_workshop(request, store)
    if action:
        raise UsageError(
            _(
                "I don't know `workshop {action}`. Use `/kam workshop start`, "
                "`/kam workshop idea`, `/kam workshop` or `/kam workshop close`."
            ).format(action=action)
        )
    return show_workshop(request, store)


def start_workshop(request: Request, store: Store) -> Reply:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.RUN_WORKSHOP)
    if workshops.open_workshop(store.engine, account.id) is not None:
        raise UsageError(
            _(
                "A workshop for {account} is already open; close it with `/kam workshop close`."
            ).format(account=account.name)
        )
    workshops.start(store.engine, account.id, request.user, request.received_at)
    with speaking(account.language):
        text = _(
            "<@{user}> opened an *Account Development Workshop* for {account}. Everyone who "
            "knows the customer: add ideas for new business with the button or "
            "`/kam workshop idea`, and vote for the best ones. The KAM closes it with "
            "`/kam workshop close`."
        ).format(user=request.user, account=account.name)
        add = Button(_("Add an idea"), ADD_IDEA, f"{request.channel}|idea", "primary")
    return Reply(
        summary=text, blocks=(Section(text), Actions((add,))), visibility=Visibility.CHANNEL
    )


def add_idea_button(request: Request, store: Store) -> Form:
    return idea_form(replace(request, channel=request.action_value.partition("|")[0]), store)


def idea_form(request: Request, store: Store) -> Form:
    _workspace, account = bound_account(request, store)
    _open_or_usage(store, account)
    return Form(
        id=IDEA_FORM,
        title=_("Add an idea"),
        submit=_("Add idea"),
        fields=(
            TextField("idea", _("Idea"), multiline=True, max_length=IDEA_LIMIT, required=True),
            TextField("product_line", _("Our product or service line"), max_length=LINE_LIMIT),
            TextField("value", _("Estimated value"), max_length=20, placeholder=_("e.g. 400k")),
            TextField("contact", _("Contact person at the customer"), max_length=LINE_LIMIT),
        ),
        state=form_state(request),
    )


def submit_idea(request: Request, store: Store) -> Reply:
    """Store the idea and post it with its vote button."""
    _workspace, account = bound_account(request, store)
    open_one = _open_or_usage(store, account)
    texts = {name: str(request.values.get(name) or "").strip() for name in _IDEA_FIELDS}
    errors = {}
    if not texts["idea"]:
        errors["idea"] = _("Describe the idea.")
    value = None
    if texts["value"]:
        try:
            value = read_whole(texts["value"])
        except UsageError as refused:
            errors["value"] = refused.message
    if errors:
        raise InvalidForm(errors)
    new = NewIdea(texts["idea"], texts["product_line"], value, texts["contact"])
    idea, fresh = workshops.add_idea(
        store.engine, open_one.id, new, request.user, request.received_at, submission_key(request)
    )
    return answer(_idea_message(account, idea, request.channel, 0, voting=True), fresh)


def _idea_message(
    account: Account, idea: WorkshopIdea, channel: str, votes: int, *, voting: bool
) -> Reply:
    """The idea as the channel sees it: its votes so far, and its Vote button while the
    workshop is open. Votes replace it with its new count."""
    with speaking(account.language):
        text = _("<@{user}> added an idea: {idea}").format(user=idea.added_by, idea=_describe(idea))
        blocks: list[Block] = [Section(text)]
        if votes:
            blocks.append(Context(ngettext("{n} vote", "{n} votes", votes).format(n=votes)))
        if voting:
            blocks.append(Actions((Button(_("Vote"), VOTE, f"{channel}|{idea.id}"),)))
        else:
            blocks.append(Context(_("The workshop is closed; votes are counted.")))
    return Reply(summary=text, blocks=tuple(blocks), visibility=Visibility.CHANNEL)


def vote(request: Request, store: Store) -> Reply:
    """One vote per person per idea; clicking again takes it back. The voter hears it, and the
    idea's message shows the new count to everyone."""
    (idea, held), account = _idea_of_button(request, store)
    channel = request.action_value.partition("|")[0]
    if held.closed_at is not None:
        count = workshops.votes(store.engine, idea.id)
        closed = _idea_message(account, idea, channel, count, voting=False)
        raise UsageError(_("The workshop is closed; votes are counted."), source=closed)
    voted, count = workshops.toggle_vote(store.engine, idea.id, request.user)
    votes = ngettext("{n} vote", "{n} votes", count).format(n=count)
    if voted:
        text = _("You voted for “{idea}” ({votes}). Click again to take the vote back.")
    else:
        text = _("You took back your vote for “{idea}” ({votes}).")
    text = text.format(idea=_short(idea.text), votes=votes)
    counted = _idea_message(account, idea, channel, count, voting=True)
    return Reply(summary=text, blocks=(Section(text),), source=counted)


def show_workshop(request: Request, store: Store) -> Reply:
    _workspace, account = bound_account(request, store)
    open_one = _open_or_usage(store, account)
    ideas = workshops.ranked(store.engine, open_one.id)
    title = ngettext(
        "Workshop for {account}: {n} idea so far",
        "Workshop for {account}: {n} ideas so far",
        len(ideas),
    ).format(account=account.name, n=len(ideas))
    lines = [_ranked_line(n, ranked) for n, ranked in enumerate(ideas, start=1)]
    return Reply(summary=title, blocks=(Section(f"*{title}*"), *(Section(li) for li in lines)))


def close_workshop(request: Request, store: Store) -> Reply:
    """Close it and post the ranked ideas, each with a button to make it an opportunity."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.RUN_WORKSHOP)
    open_one = _open_or_usage(store, account)
    workshops.close(store.engine, open_one.id, request.received_at)
    return _closing_list(store, account, open_one.id, request.channel)


def _closing_list(store: Store, account: Account, workshop_id: int, channel: str) -> Reply:
    """The closed workshop's ideas, ranked; those not yet an opportunity have a button."""
    ideas = workshops.ranked(store.engine, workshop_id)
    with speaking(account.language):
        title = _("The {account} workshop is closed. Its ideas, most votes first:").format(
            account=account.name
        )
        blocks: list[Block] = [Section(f"*{title}*")]
        for n, ranked in enumerate(ideas[:SHOWN], start=1):
            blocks.append(Section(_ranked_line(n, ranked)))
            if ranked.idea.opportunity_id is None:
                value = f"{channel}|{ranked.idea.id}"
                blocks.append(Actions((Button(_("Make it an opportunity"), CHOOSE, value),)))
        if not ideas:
            blocks.append(Section(_("No ideas were added.")))
        elif len(ideas) > SHOWN:
            blocks.append(Context(_("…and {n} more.").format(n=len(ideas) - SHOWN)))
        else:
            blocks.append(Context(_("The KAM turns the chosen ideas into opportunities.")))
    return Reply(summary=title, blocks=tuple(blocks), visibility=Visibility.CHANNEL)


def choose_button(request: Request, store: Store) -> Form:
    """The KAM picks the owner who takes the idea on as an opportunity, and when it is decided."""
    (idea, held), account = _idea_of_button(request, store)
    require(request, account, Action.RUN_WORKSHOP)
    if idea.opportunity_id is not None:
        channel = request.action_value.partition("|")[0]
        ranked = _closing_list(store, account, held.id, channel)
        raise UsageError(_already(idea, idea.opportunity_id), source=ranked)
    return Form(
        id=OWNER_FORM,
        title=_("New opportunity"),
        submit=_("Choose"),
        fields=(
            UsersField(
                "owner", _("Owner of “{idea}”").format(idea=_short(idea.text)), required=True
            ),
            DateField("decision_on", _("Expected decision date"), required=False),
        ),
        state={"channel": request.channel, "idea": str(idea.id)},
    )


def submit_owner(request: Request, store: Store) -> Reply:
    """Add the idea to the account's opportunities, its owner taking the next step."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.RUN_WORKSHOP)
    owners = request.values.get("owner")
    if not isinstance(owners, list) or len(owners) != 1:
        raise InvalidForm({"owner": _("Pick one person who owns the opportunity.")})
    idea_id = request.state.get("idea", "")
    found = workshops.idea(store.engine, account.id, int(idea_id)) if idea_id.isdigit() else None
    if found is None:
        raise UsageError(_("That idea is gone; nothing was changed."))
    idea, owner = found[0], owners[0]
    decision_on = request.values.get("decision_on")
    with speaking(account.language):
        changes = Changes(
            name=_short(idea.text, NAME_LIMIT),
            value=None if idea.value is None else float(idea.value),
            product_line=idea.product_line,
            decision_on=decision_on if isinstance(decision_on, date) else None,
            next_step=_("Take the workshop idea forward with {contact}").format(
                contact=idea.contact
            )
            if idea.contact
            else _("Take the workshop idea forward"),
            next_step_owner=owner,
        )
    stale_at = account_stale_at(account, request.received_at)
    row = opportunities.new(account.id, changes, request.user, request.received_at, stale_at)
    opportunity_id, added = workshops.choose(store.engine, idea.id, owner, row)
    if not added:
        raise UsageError(_already(idea, opportunity_id))
    with speaking(account.language):
        text = _(
            "“{idea}” becomes opportunity #{id} for {account}, owned by <@{owner}>; "
            "it is now in `/kam opps`."
        ).format(idea=_short(idea.text), id=opportunity_id, account=account.name, owner=owner)
        edit = Button(_("Edit"), EDIT, f"{request.channel}|{opportunity_id}")
    return Reply(
        summary=text, blocks=(Section(text), Actions((edit,))), visibility=Visibility.CHANNEL
    )


def _already(idea: WorkshopIdea, opportunity_id: int) -> str:
    return _(
        "“{idea}” is already opportunity #{id}; change it with `/kam opp update {id}`."
    ).format(idea=_short(idea.text), id=opportunity_id)


_IDEA_FIELDS = ("idea", "product_line", "value", "contact")


def _idea_of_button(
    request: Request, store: Store
) -> tuple[tuple[WorkshopIdea, Workshop], Account]:
    channel, _sep, idea_id = request.action_value.partition("|")
    _workspace, account = bound_account(replace(request, channel=channel), store)
    found = workshops.idea(store.engine, account.id, int(idea_id)) if idea_id.isdigit() else None
    if found is None:
        raise UsageError(_("That idea is gone; nothing was changed."))
    return found, account


def _open_or_usage(store: Store, account: Account) -> Workshop:
    found = workshops.open_workshop(store.engine, account.id)
    if found is None:
        raise UsageError(
            _(
                "No workshop is open for {account}. The KAM starts one with `/kam workshop start`."
            ).format(account=account.name)
        )
    return found


def _describe(idea: WorkshopIdea) -> str:
    """`*Idea* — product line · about 400K · contact Karin Berg`."""
    parts = [f"*{idea.text}*"]
    details = [idea.product_line] if idea.product_line else []
    if idea.value is not None:
        details.append(_("about {value}").format(value=figure(idea.value)))
    if idea.contact:
        details.append(_("contact {name}").format(name=idea.contact))
    return " — ".join([*parts, " · ".join(details)]) if details else parts[0]


def _ranked_line(n: int, ranked: Ranked) -> str:
    votes = ngettext("{n} vote", "{n} votes", ranked.votes).format(n=ranked.votes)
    line = f"{n}. {_describe(ranked.idea)} · {votes}"
    if ranked.idea.opportunity_id is not None and ranked.idea.owner:
        line += " · " + _("opportunity #{id} owned by <@{owner}>").format(
            id=ranked.idea.opportunity_id, owner=ranked.idea.owner
        )
    return line


def _short(text: str, limit: int = 80) -> str:
    """The first line, cut to `limit` characters."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"
