"""The App Home: each person's accounts with their meeting rhythm, what is due next, the plan
revision and open action items. Built neutrally; the Slack adapter publishes it as a home tab."""

from __future__ import annotations

from datetime import date

from handlers.access import local_today, workspace_id
from handlers.i18n import _
from handlers.model import Block, Context, Header, Reply, Request, Section
from handlers.wording import kind_title, relative_day
from scheduler import planning
from scheduler.rules import LEAD_DAYS, REVISION_LEAD_DAYS, meeting_status
from storage import home as queries
from storage.models import ActionItem, MeetingKind
from storage.store import PlanningFacts, Store

HOME = "app-home"
NEXT_DUE = 3
OWN_ITEMS = 5


def home(request: Request, store: Store) -> Reply:
    """The caller's home: one section per account where they are KAM or on the team."""
    workspace = workspace_id(request, store)
    title = _("Your key accounts")
    blocks: list[Block] = [Header(title)]
    for account_id in queries.accounts_of(store.engine, workspace, request.user):
        facts = store.planning_facts(account_id)
        if facts is not None:
            items = queries.open_action_items(store.engine, account_id)
            blocks += _account(facts, items, request)
    if len(blocks) == 1:
        blocks.append(
            Section(
                _(
                    "You aren't on any key account team yet. In the customer's channel, type "
                    "`/kam account create <customer name>`, or ask its KAM to add you."
                )
            )
        )
    blocks.append(Context(_("Type `/kam help` in an account's channel for every command.")))
    return Reply(summary=title, blocks=tuple(blocks))


def _account(facts: PlanningFacts, items: list[ActionItem], request: Request) -> list[Block]:
    account = facts.account
    today = local_today(account, request.received_at)
    if account.kam == request.user:
        who = _("you are the KAM")
    else:
        who = _("KAM {kam}").format(kam=f"<@{account.kam}>")
    rhythm = []
    due_items: list[tuple[date, str]] = []
    for kind in MeetingKind:
        due = planning.meeting_due_on(facts, kind)
        if due is None:
            continue
        rhythm.append(f"{kind_title(kind)}: {meeting_status(due, today, LEAD_DAYS[kind])}")
        due_items.append((due, kind_title(kind)))
    revision = planning.revision_due_on(facts)
    due_items.append((revision, _("Plan revision")))
    next_due = "; ".join(
        f"{what} {day.isoformat()} ({relative_day(day, today)})"
        for day, what in sorted(due_items)[:NEXT_DUE]
    )
    last = facts.last_revision.isoformat() if facts.last_revision else _("never")
    lines = [
        f"*{account.name}* · {who}",
        _("*Meetings* · {rhythm}").format(rhythm=" · ".join(rhythm) or "—"),
        _("*Next due* · {items}").format(items=next_due),
        _("*Plan revision* · due {due}, {status} (last revised {last})").format(
            due=revision.isoformat(),
            status=meeting_status(revision, today, REVISION_LEAD_DAYS),
            last=last,
        ),
    ]
    own = [item for item in items if item.owner == f"<@{request.user}>"]
    lines.append(_("*Open action items* · {n} ({own} yours)").format(n=len(items), own=len(own)))
    lines += [_item(item) for item in own[:OWN_ITEMS]]
    return [Section("\n".join(lines))]


def _item(item: ActionItem) -> str:
    if item.due is None:
        return f"• {item.text}"
    return _("• {text} (due {day})").format(text=item.text, day=item.due.isoformat())
