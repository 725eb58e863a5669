"""`/kam export`: the account plan as a Markdown document, and the account's records as CSV.

Each CSV comes from an `Exporter` in `EXPORTERS`; another family adds its table by adding one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from handlers import confidential
from handlers.access import bound_account, local_today
from handlers.errors import UsageError
from handlers.i18n import _
from handlers.kpis import CONFIDENTIAL, metric_title
from handlers.model import Reply, Request, Section, Upload
from handlers.opportunities import stage_title
from handlers.permissions import Action, require
from handlers.plan_revisions import revision_lines
from handlers.plan_sections import SECTIONS, Part, entries, part_title
from handlers.wording import kind_title
from storage import kpis, opportunities
from storage import plan as plans
from storage.models import Account
from storage.store import Store

ALL_MEETINGS = 100_000
FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell that starts with one of these; such cells get a leading quote."""


@dataclass(frozen=True)
class Exporter:
    """One CSV file: a name, translated column headings, and the rows of one account.

    Both are given `everything`: whether the caller may see the confidential facts (competitors,
    profit and profitability); without it they are left out, as in the plan.
    """

    name: str
    title: Callable[[], str]
    header: Callable[[bool], Sequence[str]]
    rows: Callable[[Store, Account, bool], Iterable[Sequence[object]]]


def _meeting_rows(store: Store, account: Account, _everything: bool) -> Iterable[Sequence[object]]:
    for meeting in reversed(store.meetings(account.id, None, ALL_MEETINGS)):
        yield (
            meeting.held_on.isoformat(),
            kind_title(meeting.kind),
            meeting.logged_by,
            " ".join(attendee.user_id for attendee in meeting.attendees),
            meeting.customer_attendees,
            meeting.notes,
            meeting.decisions,
            "\n".join(item.text for item in meeting.action_items),
        )


def _kpi_rows(store: Store, account: Account, everything: bool) -> Iterable[Sequence[object]]:
    for row in kpis.every(store, account.id):
        if everything or row.metric not in CONFIDENTIAL:
            yield (
                metric_title(row.metric),
                row.period,
                _number(row.actual),
                _number(row.target),
                row.unit,
                row.set_by,
                row.set_at.date().isoformat(),
            )


def _opportunity_header(everything: bool) -> Sequence[str]:
    competitors = (_("Competitors"),) if everything else ()
    return (
        _("Number"),
        _("Name"),
        _("Stage"),
        _("Value"),
        _("Product line"),
        _("Expected decision date"),
        *competitors,
        _("Next step"),
        _("Owner of the next step"),
        _("Why won or lost"),
        _("Created by"),
        _("Created"),
        _("Updated"),
    )


def _opportunity_rows(
    store: Store, account: Account, everything: bool
) -> Iterable[Sequence[object]]:
    for row in opportunities.every(store, account.id):
        competitors = (row.competitors,) if everything else ()
        yield (
            row.id,
            row.name,
            stage_title(row.stage),
            _number(row.value),
            row.product_line,
            row.decision_on.isoformat() if row.decision_on else "",
            *competitors,
            row.next_step,
            row.next_step_owner or "",
            row.outcome_reason,
            row.created_by,
            row.created_at.date().isoformat(),
            row.updated_at.date().isoformat(),
        )


def _number(value: float | None) -> str:
    """A plain number a spreadsheet reads: `1200000`, `0.97`; empty when there is none."""
    return "" if value is None else f"{value:.15g}"


EXPORTERS: tuple[Exporter, ...] = (
    Exporter(
        "meetings",
        lambda: _("Meetings"),
        lambda _everything: (
            _("Date"),
            _("Kind"),
            _("Logged by"),
            _("Our attendees"),
            _("Customer attendees"),
            _("Notes"),
            _("Decisions"),
            _("Action items"),
        ),
        _meeting_rows,
    ),
    Exporter(
        "kpis",
        lambda: _("KPIs"),
        lambda _everything: (
            _("Metric"),
            _("Period"),
            _("Actual"),
            _("Target"),
            _("Unit"),
            _("Set by"),
            _("Set on"),
        ),
        _kpi_rows,
    ),
    Exporter("opportunities", lambda: _("Opportunities"), _opportunity_header, _opportunity_rows),
)


def export(request: Request, store: Store, args: str) -> Reply:
    """The plan and every CSV; privately where the channel has people from outside."""
    if args:
        raise UsageError(_("`/kam export` takes nothing more; it exports the whole account."))
    _workspace, account = bound_account(request, store)
    require(request, account, Action.EXPORT)
    everything = confidential.may_see(request, account)
    slug = re.sub(r"[^a-z0-9]+", "-", account.name.lower()).strip("-") or "account"
    plan_file = Upload(
        f"{slug}-account-plan.md",
        _("Account plan of {account}").format(account=account.name),
        markdown(request, store, account, everything=everything).encode(),
        "text/markdown",
    )
    tables = tuple(
        Upload(
            f"{slug}-{exporter.name}.csv",
            exporter.title(),
            _csv(exporter, store, account, everything),
            "text/csv",
        )
        for exporter in EXPORTERS
    )
    text = _("The {account} account plan and its records, exported.").format(account=account.name)
    if not everything:
        text += " " + _("Confidential notes are left out: they are for the account team.")
    return Reply(
        summary=text,
        blocks=(Section(text),),
        visibility=confidential.shared_visibility(request),
        files=(plan_file, *tables),
    )


def markdown(request: Request, store: Store, account: Account, *, everything: bool) -> str:
    """The plan as it stands, part by part; confidential fields only for the account team."""
    current = plans.current_plan(store.engine, account.id)
    today = local_today(account, request.received_at).isoformat()
    lines = [
        "# " + _("Account plan of {account}").format(account=account.name),
        "",
        _("Exported {day}. KAM: {kam}.").format(day=today, kam=account.kam),
    ]
    for part in Part:
        lines += ["", f"## {part_title(part)}"]
        for section in (s for s in SECTIONS if s.part is part):
            lines += ["", f"### {section.title()}"]
            content = current.get(section.key, {})
            for field in section.fields:
                if field.confidential and not everything:
                    continue
                value = content.get(field.key, "").strip()
                if value and field.line is not None:
                    value = "\n".join(f"- {entry}" for entry in entries(value))
                lines += ["", f"**{field.label()}**", "", value or "—"]
        if part is Part.TOGETHER:
            lines += ["", _("KPIs: see `/kam kpi`.")]
    lines += ["", "## " + _("Revisions"), ""]
    lines += revision_lines(plans.revisions(store.engine, account.id))
    return "\n".join(lines) + "\n"


def _csv(exporter: Exporter, store: Store, account: Account, everything: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(exporter.header(everything))
    rows = exporter.rows(store, account, everything)
    writer.writerows([_safe(cell) for cell in row] for row in rows)
    return out.getvalue().encode()


def _safe(cell: object) -> str:
    """The cell's text, quoted when a spreadsheet would run it; a number such as `-5` is left."""
    text = str(cell)
    return "'" + text if text.startswith(FORMULA) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
