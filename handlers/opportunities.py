"""`/kam opp` and `/kam opps`: each project at the account followed up until it is won or lost.

Large customers keep two or three suppliers per project, so every opportunity carries its value,
decision date, stage, the competing suppliers and the next step with its owner; one without an
update for 30 days is reminded in the channel (`storage.opportunities.queue_stale`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.access import bound_account, local_today
from handlers.confidential import in_the_open
from handlers.errors import InvalidForm, UsageError
from handlers.figures import amount_help, figure, read_amount
from handlers.i18n import _, speaking
from handlers.model import (
    Actions,
    Block,
    Button,
    ChoiceField,
    DateField,
    Fields,
    Form,
    FormValue,
    Option,
    Outcome,
    Reply,
    Request,
    Section,
    TextField,
    UsersField,
    Visibility,
)
from handlers.parsing import check_length, date_help, mentioned_users, quoted_words, read_date
from handlers.permissions import Action, require
from handlers.submissions import answer, form_state, submission_key
from handlers.wording import relative_day
from scheduler.stale import account_stale_at
from storage import opportunities
from storage.models import Account, Opportunity
from storage.opportunities import STALE_AFTER, Changes
from storage.store import Store

FORM_ID = "opportunity"
EDIT = "opportunity-edit"
NAME_LIMIT, LINE_LIMIT, TEXT_LIMIT = 120, 120, 2000
OPEN_STAGES = ("lead", "qualified", "proposal", "negotiation")
CLOSED = ("won", "lost")
RECENT = STALE_AFTER - timedelta(days=1)
"""Updated this recently, an opportunity's queued reminder is moot."""
STAGE_ALIASES = {
    **{stage: stage for stage in (*OPEN_STAGES, *CLOSED)},
    "kvalificerad": "qualified",
    "offert": "proposal",
    "förhandling": "negotiation",
    "vunnen": "won",
    "vunnet": "won",
    "förlorad": "lost",
    "förlorat": "lost",
}
KEYWORDS = {
    "value": "value",
    "värde": "value",
    "close": "decision_on",
    "decision": "decision_on",
    "beslut": "decision_on",
    "competitors": "competitors",
    "konkurrenter": "competitors",
    "product": "product_line",
    "produkt": "product_line",
    "stage": "stage",
    "fas": "stage",
    "next": "next_step",
    "nästa": "next_step",
}


def stage_title(stage: str) -> str:
    titles = {
        "lead": _("Lead"),
        "qualified": _("Qualified"),
        "proposal": _("Proposal"),
        "negotiation": _("Negotiation"),
        "won": _("Won"),
        "lost": _("Lost"),
    }
    return titles.get(stage, stage)


def opportunity(request: Request, store: Store, args: str) -> Outcome:
    """`opp add …`, `opp update <id or name>`, `opp won|lost <id or name> <reason>`."""
    action, _sep, rest = args.partition(" ")
    verb = action.lower()
    if verb in ("add", "ny"):
        return add_opportunity(request, store, rest.strip())
    if verb in ("update", "uppdatera"):
        return update_form(request, store, rest.strip())
    if verb in ("won", "lost", "vunnen", "förlorad"):
        return close_opportunity(request, store, STAGE_ALIASES[verb], rest.strip())
    if not verb:
        return list_opportunities(request, store, "")
    raise UsageError(_usage(action))


def list_opportunities(request: Request, store: Store, args: str) -> Reply:
    """The open opportunities, the next decision first, with how long since each was updated."""
    _workspace, account = bound_account(request, store)
    found = opportunities.open_ones(store, account.id)
    if not found:
        text = _(
            "No open opportunities at {account}. Add one with "
            '`/kam opp add "Fleet rollout" value 400k close 2027-03-31`.'
        ).format(account=account.name)
        return Reply(summary=text, blocks=(Section(text),))
    title = _("Open opportunities at {account}").format(account=account.name)
    zone = ZoneInfo(account.timezone)
    lines = [_line(row, zone, local_today(account, request.received_at)) for row in found]
    return Reply(summary=title, blocks=(Section(f"*{title}*"), *map(Section, lines)))


def _line(row: Opportunity, zone: ZoneInfo, today: date) -> str:
    facts = [stage_title(row.stage)]
    if row.value is not None:
        facts.append(figure(row.value))
    if row.decision_on is not None:
        facts.append(_("decision {date}").format(date=row.decision_on.isoformat()))
    updated = relative_day(row.updated_at.astimezone(zone).date(), today)
    facts.append(_("updated {when}").format(when=updated))
    line = f"*#{row.id} {row.name}* — " + ", ".join(facts)
    if row.next_step:
        line += "\n" + _next_step(row)
    if row.competitors:
        line += "\n" + _("Competitors: {names}").format(names=row.competitors)
    return line


def _next_step(row: Opportunity) -> str:
    return _("Next step: {step}").format(step=_step_with_owner(row))


def _step_with_owner(row: Opportunity) -> str:
    """The next step, with its owner unless the step's text already mentions them."""
    owner = f"<@{row.next_step_owner}>" if row.next_step_owner else ""
    return row.next_step if owner in row.next_step else f"{row.next_step} ({owner})"


def add_opportunity(request: Request, store: Store, args: str) -> Outcome:
    """Add from the words typed; the form opens (with what was typed) when some are missing."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    today = local_today(account, request.received_at)
    typed = _typed(args)
    name = typed.pop("name", "")
    if not name or "value" not in typed or "decision_on" not in typed:
        day = _date_or_none(typed.get("decision_on", ""), today)
        return opportunity_form(request, {**typed, "name": name}, decision_on=day)
    changes = _changes(name, typed, today)
    row, _fresh = opportunities.add(
        store, account.id, changes, request.user, request.received_at, _stale_at(account, request)
    )
    return _announce(request, account, row, None)


def _date_or_none(text: str, today: date) -> date | None:
    """A typed date to start the form with; the form's own picker corrects an unreadable one."""
    try:
        return read_date(text, today, "future") if text else None
    except UsageError:
        return None


def _stale_at(account: Account, request: Request) -> datetime:
    return account_stale_at(account, request.received_at)


def _typed(args: str) -> dict[str, str]:
    """The name (the words before the first keyword) and each keyword's words."""
    try:
        words = quoted_words(args)
    except ValueError as unreadable:
        raise UsageError(_usage("add")) from unreadable
    typed: dict[str, list[str]] = {"name": []}
    field = "name"
    for word in words:
        if word.lower() in KEYWORDS and KEYWORDS[word.lower()] not in typed:
            field = KEYWORDS[word.lower()]
            typed[field] = []
        else:
            typed[field].append(word)
    return {field: " ".join(words).strip() for field, words in typed.items()}


def _changes(name: str, typed: dict[str, str], today: date) -> Changes:
    """What was typed, read and checked; the first unreadable part is refused."""
    check_length(_("The name"), name, NAME_LIMIT)
    stage = typed.get("stage", "lead").lower()
    if stage not in STAGE_ALIASES:
        raise UsageError(_stage_help(stage))
    next_step = typed.get("next_step", "")
    owners = mentioned_users(next_step)
    return Changes(
        name=name,
        value=read_amount(typed["value"]).value if typed.get("value") else None,
        decision_on=read_date(typed["decision_on"], today, "future")
        if typed.get("decision_on")
        else None,
        stage=STAGE_ALIASES[stage],
        competitors=_competitors(typed.get("competitors", "")),
        product_line=typed.get("product_line", ""),
        next_step=next_step,
        next_step_owner=owners[0] if owners else None,
    )


def _competitors(text: str) -> str:
    return ", ".join(name.strip() for name in text.split(",") if name.strip())


def opportunity_form(
    request: Request,
    initial: dict[str, str],
    row: Opportunity | None = None,
    decision_on: date | None = None,
) -> Form:
    """One form adds and updates; `state` says which opportunity, if any."""
    stages = (*OPEN_STAGES, *CLOSED) if row is not None else OPEN_STAGES
    return Form(
        id=FORM_ID,
        title=_("Update the opportunity") if row else _("Add an opportunity"),
        submit=_("Save"),
        fields=(
            TextField(
                "name",
                _("Name"),
                max_length=NAME_LIMIT,
                initial=initial.get("name", ""),
                required=True,
            ),
            TextField(
                "value",
                _("Value"),
                max_length=40,
                placeholder="400k",
                initial=initial.get("value", ""),
            ),
            TextField(
                "product_line",
                _("Our product line"),
                max_length=LINE_LIMIT,
                initial=initial.get("product_line", ""),
            ),
            DateField(
                "decision_on",
                _("Expected decision date"),
                initial=row.decision_on if row else decision_on,
                required=False,
            ),
            ChoiceField(
                "stage",
                _("Stage"),
                tuple(Option(stage, stage_title(stage)) for stage in stages),
                initial=STAGE_ALIASES.get(initial.get("stage", "lead").lower(), "lead"),
            ),
            TextField(
                "competitors",
                _("Competing suppliers"),
                max_length=TEXT_LIMIT,
                placeholder=_("Supplier A, Supplier B"),
                initial=initial.get("competitors", ""),
            ),
            TextField(
                "next_step",
                _("Next step"),
                max_length=TEXT_LIMIT,
                initial=initial.get("next_step", ""),
            ),
            UsersField(
                "next_step_owner",
                _("Owner of the next step"),
                initial=(row.next_step_owner,) if row and row.next_step_owner else (),
            ),
            TextField(
                "reason",
                _("Why won or lost"),
                multiline=True,
                max_length=TEXT_LIMIT,
                initial=row.outcome_reason if row else "",
            ),
        ),
        state=form_state(request, opportunity=str(row.id) if row else ""),
    )


def update_form(request: Request, store: Store, key: str) -> Form:
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    row = _one(store, account, key)
    return opportunity_form(request, _initial(row), row)


def _initial(row: Opportunity) -> dict[str, str]:
    return {
        "name": row.name,
        "value": "" if row.value is None else f"{row.value:g}",
        "product_line": row.product_line,
        "stage": row.stage,
        "competitors": row.competitors,
        "next_step": row.next_step,
    }


def edit_button(request: Request, store: Store) -> Form:
    """The Edit button under a confirmation or a stale reminder opens the update form."""
    channel, _sep, key = request.action_value.partition("|")
    return update_form(replace(request, channel=channel), store, key)


def submit_opportunity(request: Request, store: Store) -> Reply:
    """Add or update from the form; every problem is reported at its field."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    changes = _from_form(request.values)
    key = request.state.get("opportunity", "")
    stale_at = _stale_at(account, request)
    if not key:
        row, fresh = opportunities.add(
            store,
            account.id,
            changes,
            request.user,
            request.received_at,
            stale_at,
            submission_key(request),
        )
        return answer(_announce(request, account, row, None), fresh)
    changed = opportunities.change(
        store, account.id, int(key), changes, request.user, request.received_at, stale_at
    )
    if changed is None:
        raise UsageError(_("That opportunity is gone; nothing was changed."))
    before, after = changed
    return _announce(request, account, after, before)


def _from_form(values: dict[str, FormValue]) -> Changes:
    text = {name: str(values.get(name) or "").strip() for name in _FORM_TEXTS}
    errors = {}
    if not text["name"]:
        errors["name"] = _("Name the opportunity.")
    value = None
    if text["value"]:
        try:
            value = read_amount(text["value"]).value
        except UsageError as refused:
            errors["value"] = refused.message
    stage = STAGE_ALIASES.get(text["stage"].lower())
    if stage is None:
        errors["stage"] = _stage_help(text["stage"])
    if stage in CLOSED and not text["reason"]:
        errors["reason"] = _("Say why it was won or lost.")
    owners = values.get("next_step_owner") or []
    if errors:
        raise InvalidForm(errors)
    decision_on = values.get("decision_on")
    return Changes(
        name=text["name"],
        value=value,
        product_line=text["product_line"],
        decision_on=decision_on if isinstance(decision_on, date) else None,
        stage=stage,
        competitors=_competitors(text["competitors"]),
        next_step=text["next_step"],
        next_step_owner=owners[0] if isinstance(owners, list) and owners else None,
        outcome_reason=text["reason"],
    )


_FORM_TEXTS = ("name", "value", "product_line", "stage", "competitors", "next_step", "reason")


def close_opportunity(request: Request, store: Store, stage: str, args: str) -> Reply:
    """`opp won 3 Best total cost` or `opp lost "Fleet rollout" Price`: closed with the reason."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    try:
        words = quoted_words(args)
    except ValueError as unreadable:
        raise UsageError(_usage(stage)) from unreadable
    if len(words) < 2:
        raise UsageError(
            _("Say which opportunity and why, e.g. `/kam opp {stage} 3 {example}`.").format(
                stage=stage, example=_("Best total cost") if stage == "won" else _("Price")
            )
        )
    row = _one(store, account, words[0])
    reason = " ".join(words[1:])
    check_length(_("The reason"), reason, TEXT_LIMIT)
    changes = Changes(stage=stage, outcome_reason=reason)
    changed = opportunities.change(
        store,
        account.id,
        row.id,
        changes,
        request.user,
        request.received_at,
        _stale_at(account, request),
    )
    assert changed is not None
    return _announce(request, account, changed[1], changed[0])


def _one(store: Store, account: Account, key: str) -> Opportunity:
    if not key:
        raise UsageError(_usage("update"))
    found = opportunities.find(store, account.id, key.strip("\"'"))
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError(
            _(
                "No opportunity `{key}` at {account}; `/kam opps` lists them with their numbers."
            ).format(key=key, account=account.name)
        )
    raise UsageError(
        _("`{key}` matches {names}; use the number.").format(
            key=key, names=", ".join(f"`#{row.id}` {row.name}" for row in found[:10])
        )
    )


def _announce(
    request: Request, account: Account, row: Opportunity, before: Opportunity | None
) -> Reply:
    """Competitors are never shown in a channel with external members: there it is only you."""
    if in_the_open(request):
        return _announcement(request, row, before, Visibility.ONLY_YOU)
    with speaking(account.language):
        return _announcement(request, row, before, Visibility.CHANNEL)


def _announcement(
    request: Request, row: Opportunity, before: Opportunity | None, visibility: Visibility
) -> Reply:
    names = {"name": row.name, "id": row.id, "user": f"<@{request.user}>"}
    if before is None:
        text = _("{user} added the opportunity *{name}* (#{id}).").format(**names)
    elif row.stage == "won" and before.stage != "won":
        text = _("*{name}* (#{id}) is won! Recorded by {user}.").format(**names)
    elif row.stage == "lost" and before.stage != "lost":
        text = _("*{name}* (#{id}) is lost. Recorded by {user}.").format(**names)
    else:
        text = _("{user} updated the opportunity *{name}* (#{id}).").format(**names)
    blocks: list[Block] = [Section(text), Fields(_facts(row))]
    if before is not None:
        changes = _what_changed(before, row)
        if changes:
            blocks.append(Section(_("Changed: {changes}").format(changes="; ".join(changes))))
    edit = Button(_("Edit"), EDIT, f"{request.channel}|{row.id}")
    blocks.append(Actions((edit,)))
    return Reply(summary=text, blocks=tuple(blocks), visibility=visibility)


def _facts(row: Opportunity, competitors: bool = True) -> tuple[tuple[str, str], ...]:
    pairs = [
        (_("Stage"), stage_title(row.stage)),
        (_("Value"), "—" if row.value is None else figure(row.value)),
        (_("Decision"), row.decision_on.isoformat() if row.decision_on else "—"),
    ]
    if row.product_line:
        pairs.append((_("Product line"), row.product_line))
    if row.competitors and competitors:
        pairs.append((_("Competitors"), row.competitors))
    if row.next_step:
        pairs.append((_("Next step"), _step_with_owner(row)))
    if row.outcome_reason:
        pairs.append((_("Reason"), row.outcome_reason))
    return tuple(pairs)


def _what_changed(before: Opportunity, after: Opportunity) -> list[str]:
    """`stage Proposal → Negotiation` for each field that changed."""
    shown = {
        _("stage"): (stage_title(before.stage), stage_title(after.stage)),
        _("value"): (_amount(before.value), _amount(after.value)),
        _("decision"): (_day(before.decision_on), _day(after.decision_on)),
        _("next step"): (before.next_step or "—", after.next_step or "—"),
    }
    return [f"{label} {old} → {new}" for label, (old, new) in shown.items() if old != new]


def _amount(value: float | None) -> str:
    return "—" if value is None else figure(value)


def _day(day: date | None) -> str:
    return "—" if day is None else day.isoformat()


def stale_reminder(store: Store, opportunity_id: int, channel: str, now: datetime) -> Reply | None:
    """The queued reminder of a stale opportunity, in the account's language; None when it was
    closed, or updated after it was queued (a due one is always 29 days or more behind)."""
    found = opportunities.get(store, opportunity_id)
    if found is None or found[0].remind_at is None or now - found[0].updated_at < RECENT:
        return None
    with speaking(found[1].language):
        return _stale_reminder(*found, channel, now)


def _stale_reminder(row: Opportunity, account: Account, channel: str, now: datetime) -> Reply:
    """The channel's reminder of an opportunity without an update for 30 days or more."""
    zone = ZoneInfo(account.timezone)
    days = (now.astimezone(zone).date() - row.updated_at.astimezone(zone).date()).days
    text = _(
        "*{name}* (#{id}) at {account} has had no update for {days} days. "
        "Where does it stand? Update it with the button or `/kam opp update {id}`."
    ).format(name=row.name, id=row.id, account=account.name, days=days)
    edit = Button(_("Update"), EDIT, f"{channel}|{row.id}")
    return Reply(
        summary=text,
        blocks=(Section(text), Fields(_facts(row, competitors=False)), Actions((edit,))),
        visibility=Visibility.CHANNEL,
    )


def _stage_help(stage: str) -> str:
    return _("`{stage}` isn't a stage; use one of {stages}.").format(
        stage=stage, stages=", ".join(f"`{name}`" for name in (*OPEN_STAGES, *CLOSED))
    )


def _usage(action: str) -> str:
    return _(
        "I don't understand `opp {action}` here. Use "
        '`/kam opp add "Fleet rollout" value 400k close 2027-03-31 competitors Foo,Bar` '
        "(alone, `/kam opp add` opens a form), `/kam opp update 3`, "
        "`/kam opp won 3 Best total cost`, `/kam opp lost 3 Price` or `/kam opps`. "
        "Amounts: {amount}; dates: {date}."
    ).format(action=action, amount=amount_help(), date=date_help())
