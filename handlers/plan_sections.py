"""The account plan as data: the method's sections and their fields, defined once.

Forms, the overview, the revision diff and the export are all built from `SECTIONS`, so a new
field appears everywhere by adding one line here. A section's content is a dict of field key to
the text the team typed; list fields take one entry per line, its parts separated by `|`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from handlers.errors import UsageError
from handlers.i18n import _
from handlers.parsing import read_date

Content = dict[str, str]
Plan = dict[str, Content]
LineCheck = Callable[[list[str], date], str]
"""Checks one line's `|`-separated parts; returns what is wrong with it, or ""."""

FIELD_LIMIT = 3000
OWNER = re.compile(r"<@[A-Za-z0-9._-]{1,60}>|@[\w.-]{1,60}")
STATUSES = ("planned", "ongoing", "done", "blocked", "planerad", "pågår", "klar", "blockerad")


class Part(Enum):
    """The four parts of the method's account plan."""

    CUSTOMER = "customer"
    TOGETHER = "together"
    FUTURE = "future"
    MEETINGS = "meetings"


def part_title(part: Part) -> str:
    titles = {
        Part.CUSTOMER: _("The customer"),
        Part.TOGETHER: _("Us and the customer"),
        Part.FUTURE: _("The future"),
        Part.MEETINGS: _("The meeting structure"),
    }
    return titles[part]


@dataclass(frozen=True)
class PlanField:
    """One field of a section; `confidential` ones never reach a channel with external people."""

    key: str
    label: Callable[[], str]
    hint: Callable[[], str] = lambda: ""
    confidential: bool = False
    line: LineCheck | None = None


@dataclass(frozen=True)
class PlanSection:
    key: str
    part: Part
    title: Callable[[], str]
    fields: tuple[PlanField, ...]


def _agreement(parts: list[str], today: date) -> str:
    if len(parts) != 2 or not parts[0]:
        return _("Write `name | end date`, e.g. `IT services | 2027-06-30`.")
    return _date_problem(parts[1], today)


def _activity(parts: list[str], today: date) -> str:
    if not 1 <= len(parts) <= 4 or not parts[0]:
        return _(
            "Write `activity | @owner | due date | status`, "
            "e.g. `Portal pilot | @alice | 2027-03-01 | ongoing`."
        )
    owner, due, status = [*parts[1:], "", "", ""][:3]
    if owner and not OWNER.fullmatch(owner):
        return _("The owner `{owner}` should be a person, like `@alice`.").format(owner=owner)
    if status and status.lower() not in STATUSES:
        return _("The status `{status}` should be planned, ongoing, done or blocked.").format(
            status=status
        )
    return _date_problem(due, today) if due else ""


def _budget(parts: list[str], _today: date) -> str:
    if not 2 <= len(parts) <= 3 or not parts[0] or not parts[1]:
        return _(
            "Write `product or service line | budget | sales plan`, "
            "e.g. `Support | 1.2M | more seats at renewal`."
        )
    return ""


def _date_problem(phrase: str, today: date) -> str:
    try:
        read_date(phrase, today, prefer="future")
    except UsageError as unreadable:
        return unreadable.message
    return ""


def _text(key: str, label: Callable[[], str], hint: Callable[[], str] = lambda: "") -> PlanField:
    return PlanField(key, label, hint)


SECTIONS: tuple[PlanSection, ...] = (
    PlanSection(
        "economy",
        Part.CUSTOMER,
        lambda: _("Economic development"),
        (
            _text(
                "figures",
                lambda: _("Sales and revenue"),
                lambda: _("Recent years, e.g. 2025: revenue 40M"),
            ),
            PlanField("profitability", lambda: _("Profitability"), confidential=True),
        ),
    ),
    PlanSection(
        "offering",
        Part.CUSTOMER,
        lambda: _("Products, services and markets"),
        (
            _text("products", lambda: _("Products and services")),
            _text("markets", lambda: _("Markets")),
        ),
    ),
    PlanSection(
        "direction",
        Part.CUSTOMER,
        lambda: _("Goals and strategy"),
        (
            _text("goals", lambda: _("Their goals"), lambda: _("Where are they heading, and why?")),
            _text("strategy", lambda: _("Their strategy")),
        ),
    ),
    PlanSection(
        "organisation",
        Part.CUSTOMER,
        lambda: _("Organisation"),
        (_text("structure", lambda: _("Group companies, units and key functions")),),
    ),
    PlanSection(
        "agreements",
        Part.TOGETHER,
        lambda: _("Framework agreements"),
        (
            PlanField(
                "agreements",
                lambda: _("Agreements"),
                lambda: _("One per line: name | end date"),
                line=_agreement,
            ),
        ),
    ),
    PlanSection(
        "history",
        Part.TOGETHER,
        lambda: _("What they have bought"),
        (_text("bought", lambda: _("Products bought and assignments"), lambda: _("One per line")),),
    ),
    PlanSection(
        "goal",
        Part.FUTURE,
        lambda: _("Overall goal, strategy and success factors"),
        (
            _text("goal", lambda: _("Our overall goal")),
            _text("strategy", lambda: _("Our strategy")),
            _text("success", lambda: _("Success factors")),
        ),
    ),
    PlanSection(
        "activities",
        Part.FUTURE,
        lambda: _("Key activities"),
        (
            PlanField(
                "activities",
                lambda: _("Activities"),
                lambda: _("One per line: activity | @owner | due date | status"),
                line=_activity,
            ),
        ),
    ),
    PlanSection(
        "budget",
        Part.FUTURE,
        lambda: _("Budget and sales plan"),
        (
            PlanField(
                "lines",
                lambda: _("Per product or service line"),
                lambda: _("One per line: line | budget | sales plan"),
                confidential=True,
                line=_budget,
            ),
        ),
    ),
    PlanSection(
        "relationships",
        Part.FUTURE,
        lambda: _("Relationship development"),
        (
            PlanField(
                "relationships",
                lambda: _("Key persons and how we develop our relationship with them"),
                confidential=True,
            ),
        ),
    ),
    PlanSection(
        "competitors",
        Part.FUTURE,
        lambda: _("Competitors"),
        (
            PlanField(
                "competitors", lambda: _("Competitors and where they stand"), confidential=True
            ),
        ),
    ),
    PlanSection(
        "partners",
        Part.FUTURE,
        lambda: _("Possible partners"),
        (PlanField("partners", lambda: _("Possible partners"), confidential=True),),
    ),
    PlanSection(
        "meetings",
        Part.MEETINGS,
        lambda: _("Meeting structure"),
        (
            _text("strategic", lambda: _("Who attends strategic meetings")),
            _text("tactical", lambda: _("Who attends tactical meetings")),
            _text("operational", lambda: _("Who attends operational meetings")),
            _text("internal", lambda: _("Who attends internal meetings")),
            _text("agenda", lambda: _("Standing internal agenda"), lambda: _("One item per line")),
        ),
    ),
)
BY_KEY = {section.key: section for section in SECTIONS}


def section_named(word: str) -> PlanSection | None:
    return BY_KEY.get(word.lower())


def section_keys() -> str:
    return ", ".join(f"`{section.key}`" for section in SECTIONS)


def filled(section: PlanSection, content: Content) -> int:
    """How many of the section's fields say something."""
    return sum(1 for field in section.fields if content.get(field.key, "").strip())


def check(
    section: PlanSection, values: dict[str, str], today: date
) -> tuple[Content, dict[str, str]]:
    """The section's content from submitted values, or per-field errors (first bad line)."""
    content, errors = {}, {}
    for field in section.fields:
        text = values.get(field.key, "").strip()
        content[field.key] = text
        if len(text) > FIELD_LIMIT:
            errors[field.key] = _("At most {limit} characters; this has {length}.").format(
                limit=FIELD_LIMIT, length=len(text)
            )
            continue
        if field.line is None:
            continue
        for number, line in enumerate(entries(text), start=1):
            problem = field.line(parts(line), today)
            if problem:
                errors[field.key] = _("Line {number}: {problem}").format(
                    number=number, problem=problem
                )
                break
    return content, errors


def entries(text: str) -> list[str]:
    """The non-empty lines of a list field."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def parts(line: str) -> list[str]:
    return [part.strip() for part in line.split("|")]


def agreements(content: Content, today: date) -> list[tuple[str, date]]:
    """The framework agreements of a checked `agreements` section, with their end dates."""
    return [
        (name, read_date(ends, today, prefer="future"))
        for name, ends in (parts(line) for line in entries(content.get("agreements", "")))
    ]
