"""`/kam criteria` and `/kam classify`: which customers are key accounts, and on what evidence.

Each criterion is met when the account's evidence reaches its threshold; met criteria add their
weight, and an account reaching half the total weight is recommended as a key account.
"""

from __future__ import annotations

from datetime import datetime

from handlers.access import bound_account, workspace_id
from handlers.confidential import shared_visibility
from handlers.errors import InvalidForm, UsageError
from handlers.figures import figure, read_whole
from handlers.i18n import _, speaking
from handlers.model import (
    Block,
    Context,
    Fields,
    Form,
    Reply,
    Request,
    Section,
    TextField,
    Visibility,
)
from handlers.permissions import Action, require
from handlers.submissions import answer, form_state, submission_key
from storage import criteria
from storage.criteria import Rule
from storage.models import Account, Classification
from storage.outbox import Claimed
from storage.store import Store

FORM_ID = "classify"
PASS_SHARE = 0.5
MAX_WEIGHT = 10


def label(key: str) -> str:
    labels = {
        "current-revenue": _("Current revenue"),
        "potential-revenue": _("Potential revenue"),
        "group-companies": _("Companies in the group"),
        "product-lines": _("Our product/service lines it needs"),
    }
    return labels[key]


def shown(key: str, value: int) -> str:
    """Revenue as money (`1.2M`), the counts as they are."""
    return figure(value) if key.endswith("revenue") else str(value)


def show_criteria(request: Request, store: Store, args: str) -> Reply:
    """`criteria` lists them; `criteria set <criterion> threshold X weight N` changes one."""
    action, _sep, rest = args.partition(" ")
    if action == "set":
        return set_criterion(request, store, rest.split())
    if action:
        raise UsageError(_set_usage())
    rules = criteria.rules(store.engine, workspace_id(request, store))
    title = _("Key-account criteria")
    lines = [
        _("*{criterion}* (`{key}`): at least {threshold} · weight {weight}").format(
            criterion=label(key), key=key, threshold=shown(key, rule.threshold), weight=rule.weight
        )
        for key, rule in rules.items()
    ]
    total = sum(rule.weight for rule in rules.values())
    return Reply(
        summary=title,
        blocks=(
            Section(f"*{title}*\n" + "\n".join(lines)),
            Context(
                _(
                    "A key account meets criteria worth at least {needed} of {total}. "
                    "Classify this channel's account with `/kam classify`; workspace admins "
                    "and KAMs change a criterion: {example}."
                ).format(needed=_needed(total), total=total, example=_example())
            ),
        ),
    )


def set_criterion(request: Request, store: Store, words: list[str]) -> Reply:
    workspace = workspace_id(request, store)
    if not (request.workspace_admin or criteria.is_kam(store.engine, workspace, request.user)):
        raise UsageError(_("Only workspace admins and KAMs can change the key-account criteria."))
    rules = criteria.rules(store.engine, workspace)
    if not words or words[0].lower() not in rules or len(words) not in (3, 5):
        raise UsageError(_set_usage())
    key, rule = words[0].lower(), rules[words[0].lower()]
    for name, value in zip(words[1::2], words[2::2], strict=True):
        if name == "threshold":
            rule = Rule(read_whole(value), rule.weight)
        elif name == "weight" and value.isdigit() and 0 <= int(value) <= MAX_WEIGHT:
            rule = Rule(rule.threshold, int(value))
        else:
            raise UsageError(_set_usage())
    criteria.set_rule(store.engine, workspace, key, rule, request.user, request.received_at)
    text = _("<@{user}> set *{criterion}*: at least {threshold}, weight {weight}.").format(
        user=request.user,
        criterion=label(key),
        threshold=shown(key, rule.threshold),
        weight=rule.weight,
    )
    return Reply(summary=text, blocks=(Section(text),))


def classify(request: Request, store: Store, args: str) -> Form:
    """Ask for the account's evidence, preset with the last classification's."""
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    if args:
        raise UsageError(_("Type `/kam classify` alone; it opens a form for the evidence."))
    last = criteria.latest(store.engine, account.id)
    evidence = last.evidence if last else {}
    return Form(
        id=FORM_ID,
        title=_("Classify the account"),
        submit=_("Classify"),
        fields=tuple(
            TextField(
                key,
                label(key),
                max_length=20,
                required=True,
                initial=str(evidence[key]) if key in evidence else "",
                placeholder=_("e.g. 1.2M") if key.endswith("revenue") else _("e.g. 3"),
            )
            for key in criteria.DEFAULTS
        ),
        state=form_state(request),
    )


def submit_classification(request: Request, store: Store) -> Reply:
    """Score the evidence against the workspace's criteria and store it with date and author."""
    workspace, account = bound_account(request, store)
    require(request, account, Action.EDIT_PLAN)
    evidence, errors = {}, {}
    for key in criteria.DEFAULTS:
        try:
            evidence[key] = read_whole(str(request.values.get(key) or ""))
        except UsageError as refused:
            errors[key] = refused.message
    if errors:
        raise InvalidForm(errors)
    rules = criteria.rules(store.engine, workspace)
    met = [key for key, rule in rules.items() if evidence[key] >= rule.threshold]
    score = sum(rules[key].weight for key in met)
    total = sum(rule.weight for rule in rules.values())
    row = Classification(
        account_id=account.id,
        evidence=evidence,
        score=score,
        key_account=score >= _needed(total),
        classified_by=request.user,
        classified_at=request.received_at,
        submission_key=submission_key(request),
    )
    row, fresh = criteria.record(store.engine, row)
    with speaking(account.language):
        return answer(_result(request, account, row, rules, total), fresh)


def _result(
    request: Request, account: Account, row: Classification, rules: dict[str, Rule], total: int
) -> Reply:
    if row.key_account:
        verdict = _("*{account}* scores {score} of {total}: recommended as a key account.")
    else:
        verdict = _("*{account}* scores {score} of {total}: not a key account by the criteria.")
    text = verdict.format(account=account.name, score=row.score, total=total)
    pairs = tuple(
        (label(key), _met(value, rules[key].threshold, key)) for key, value in row.evidence.items()
    )
    blocks: list[Block] = [
        Section(text),
        Fields(pairs),
        Context(
            _("Classified by <@{user}> on {day}; I'll ask again in a year.").format(
                user=row.classified_by, day=row.classified_at.date().isoformat()
            )
        ),
    ]
    return Reply(summary=text, blocks=tuple(blocks), visibility=shared_visibility(request))


def _met(value: int, threshold: int, key: str) -> str:
    """`✅ 1.2M (at least 1M)` or `❌ 3M (at least 5M)`."""
    mark = "\u2705" if value >= threshold else "\u274c"
    told = _("{value} (at least {threshold})").format(
        value=shown(key, value), threshold=shown(key, threshold)
    )
    return f"{mark} {told}"


def requalification(store: Store, row: Claimed, now: datetime) -> Reply | None:
    """The yearly reminder, rendered at delivery in the account's language."""
    account = store.account(row.account_id) if row.account_id else None
    last = criteria.latest(store.engine, account.id) if account else None
    if account is None or last is None:
        return None
    with speaking(account.language):
        text = _(
            "A year has passed since {account} was classified ({day}, score {score}). "
            "Check that it still qualifies as a key account: `/kam classify`."
        ).format(account=account.name, day=last.classified_at.date().isoformat(), score=last.score)
    return Reply(summary=text, blocks=(Section(text),), visibility=Visibility.CHANNEL)


def _needed(total: int) -> int:
    return -(-total * int(PASS_SHARE * 100) // 100)


def _example() -> str:
    return "`/kam criteria set current-revenue threshold 2M weight 3`"


def _set_usage() -> str:
    return _(
        "Say which criterion and its new threshold or weight (0 to {max}), e.g. {example}. "
        "Criteria: {keys}."
    ).format(
        max=MAX_WEIGHT, example=_example(), keys=", ".join(f"`{k}`" for k in criteria.DEFAULTS)
    )
