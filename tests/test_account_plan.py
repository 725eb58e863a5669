"""The account plan as conversations with the core: sections, revisions, history and export."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from handlers.commands import handle
from handlers.export import EXPORTERS
from handlers.model import FieldErrors, Form, Outcome, Reply, Request, Upload, Visibility
from handlers.plan_sections import SECTIONS
from storage import outbox
from storage.store import Store
from tests.conftest import NOW
from tests.conversation import ACME, ask, press, said, submit

pytestmark = pytest.mark.usefixtures("acme")


def form(outcome: Outcome) -> Form:
    assert isinstance(outcome, Form), outcome
    return outcome


def reply(outcome: Outcome) -> Reply:
    assert isinstance(outcome, Reply), outcome
    return outcome


def edit(store: Store, section: str, user: str = "kam", **values: str) -> Outcome:
    return submit(store, form(ask(store, f"plan edit {section}", user=user)), user=user, **values)


def walk(store: Store, note: str, user: str = "kam", **changed: dict[str, str]) -> Outcome:
    """`/kam plan revise`, submitting each section's form as it comes, changing some."""
    outcome = ask(store, "plan revise", user=user)
    for section in SECTIONS:
        step = form(outcome)
        assert step.state["section"] == section.key
        values = {field.name: getattr(field, "initial", "") for field in step.fields}
        values |= changed.get(section.key, {})
        if section is SECTIONS[-1]:
            values["note"] = note
        outcome = submit(store, step, user=user, **values)
    return outcome


def test_the_overview_shows_each_section_filled_and_the_revision_status(acme: Store) -> None:
    shown = said(ask(acme, "plan"))
    assert "Framework agreements: 0 of 1 filled in" in shown
    assert "KPIs: see `/kam kpi`" in shown
    assert "No revision recorded yet" in shown
    assert "Next revision due 2027-03-01" in shown

    edit(acme, "goal", goal="Be their sole IT partner", success="Renewal in 2027")
    assert "Overall goal, strategy and success factors: 2 of 3 filled in" in said(ask(acme, "plan"))


def test_a_section_button_opens_its_form_with_what_it_holds(acme: Store) -> None:
    edit(acme, "competitors", competitors="Foo Consulting")
    opened = form(press(acme, ask(acme, "plan"), "Competitors"))
    assert [(f.name, getattr(f, "initial", "")) for f in opened.fields] == [
        ("competitors", "Foo Consulting")
    ]


def test_a_saved_section_can_be_edited_again_from_its_confirmation(acme: Store) -> None:
    saved = edit(acme, "partners", partners="Bar Systems")
    assert "Saved *Possible partners* of the Acme Group account plan." in said(saved)
    again = form(press(acme, saved, "Edit again"))
    assert again.fields[0].initial == "Bar Systems"  # type: ignore[union-attr]


def test_bad_lines_are_refused_at_their_field_and_nothing_is_saved(acme: Store) -> None:
    refused = edit(acme, "agreements", agreements="IT services | 2027-06-30\nSupport | someday")
    assert isinstance(refused, FieldErrors)
    assert "Line 2" in refused.errors["agreements"]
    assert "someday" in refused.errors["agreements"]
    activity = edit(acme, "activities", activities="Portal pilot | @alice | 2027-03-01 | maybe")
    assert isinstance(activity, FieldErrors)
    assert "planned, ongoing, done or blocked" in activity.errors["activities"]
    assert "Framework agreements: 0 of 1" in said(ask(acme, "plan"))


def test_an_unknown_section_or_an_outsider_is_told_what_to_do(acme: Store) -> None:
    assert "Sections: `economy`" in said(ask(acme, "plan edit bogus"))
    assert "Only the Acme Group account team" in said(ask(acme, "plan edit budget", user="eve"))
    assert "`/kam plan revise`" in said(ask(acme, "plan oops"))


def test_a_revision_walks_every_section_and_tells_the_channel_what_changed(acme: Store) -> None:
    first = reply(walk(acme, "Before budget work", goal={"goal": "Sole IT partner"}))
    assert first.visibility is Visibility.CHANNEL
    assert "<@kam> recorded revision 1 of the Acme Group account plan: Before budget work" in (
        first.summary
    )
    assert "Overall goal, strategy and success factors*: Our overall goal added" in first.summary

    edit(acme, "goal", goal="Sole IT and support partner")
    edit(acme, "activities", activities="Portal pilot | @alice | 2027-03-01 | ongoing")
    second = said(ask(acme, "plan revised Mid-year check", user="alice"))
    assert "What changed since revision 1 of 2026-11-27:" in second
    assert "Our overall goal updated" in second
    assert "Key activities*: Activities (+1 -0)" in second
    assert "Economic development" not in second


def test_an_unchanged_plan_says_so(acme: Store) -> None:
    said(ask(acme, "plan revised First"))
    assert "No section changed since revision 1." in said(ask(acme, "plan revised Second"))


def test_the_history_lists_revisions_and_shows_one_as_it_was(acme: Store) -> None:
    edit(acme, "offering", markets="Nordics")
    said(ask(acme, "plan revised First"))
    edit(acme, "offering", markets="Nordics and Baltics")
    said(ask(acme, "plan revised Second", user="alice"))
    listed = said(ask(acme, "plan history"))
    assert listed.index("2. 2026-11-27 by <@alice>: Second") < listed.index("1. 2026-11-27")
    first = said(ask(acme, "plan history 1"))
    assert "Nordics" in first
    assert "Baltics" not in first
    assert "There is no revision `3`" in said(ask(acme, "plan history 3"))


def test_the_twice_yearly_rule_sees_a_revision_recorded_by_walking(acme: Store) -> None:
    walk(acme, "Done")
    assert "Last revised 2026-11-27" in said(ask(acme, "cadence"))


def test_export_gives_the_plan_as_markdown_and_the_meetings_as_csv(acme: Store) -> None:
    edit(acme, "budget", lines="Support | 1.2M | +10% on renewal")
    edit(acme, "goal", goal="Sole IT partner")
    said(ask(acme, "log-meeting tactical yesterday =SUM(A1) reviewed <@alice>"))
    exported = reply(ask(acme, "export", user="alice"))
    assert exported.visibility is Visibility.CHANNEL
    plan_file, meetings, _kpis, _opportunities = exported.files
    assert plan_file.filename == "acme-group-account-plan.md"
    document = plan_file.content.decode()
    assert "# Account plan of Acme Group" in document
    assert "### Budget and sales plan" in document
    assert "- Support | 1.2M | +10% on renewal" in document
    assert "**Our overall goal**\n\nSole IT partner" in document
    rows = table(meetings)
    assert rows[0][:3] == ["Date", "Kind", "Logged by"]
    assert rows[1][:4] == ["2026-11-26", "Tactical", "kam", "alice"]
    assert rows[1][5] == "'=SUM(A1) reviewed <@alice>"


def table(file: Upload) -> list[list[str]]:
    return list(csv.reader(io.StringIO(file.content.decode())))


def test_export_gives_the_kpis_and_opportunities_as_csv(acme: Store) -> None:
    said(ask(acme, "kpi set revenue 2026-Q3 1.2M target 1.5M"))
    said(ask(acme, "kpi set profitability 2026 -3%"))
    fleet = 'opp add "Fleet rollout" value 400k close 2027-03-31 competitors Foo,Bar'
    said(ask(acme, f'{fleet} product Leasing next "Call <@alice>"'))
    said(ask(acme, 'opp add "=Service desk" value 1,5 mkr close 2027-01-31'))
    said(ask(acme, "opp lost 2 Price"))
    _plan, _meetings, kpi_file, opportunity_file = reply(ask(acme, "export", user="alice")).files
    assert kpi_file.filename == "acme-group-kpis.csv"
    assert table(kpi_file) == [
        ["Metric", "Period", "Actual", "Target", "Unit", "Set by", "Set on"],
        ["Profitability", "2026", "-3", "", "%", "kam", "2026-11-27"],
        ["Revenue", "2026-Q3", "1200000", "1500000", "", "kam", "2026-11-27"],
    ]
    assert opportunity_file.filename == "acme-group-opportunities.csv"
    header, first, second = table(opportunity_file)
    assert header == [
        "Number",
        "Name",
        "Stage",
        "Value",
        "Product line",
        "Expected decision date",
        "Competitors",
        "Next step",
        "Owner of the next step",
        "Why won or lost",
        "Created by",
        "Created",
        "Updated",
    ]
    assert first[1:10] == [
        "Fleet rollout",
        "Lead",
        "400000",
        "Leasing",
        "2027-03-31",
        "Foo, Bar",
        "Call <@alice>",
        "alice",
        "",
    ]
    assert second[1:4] == ["'=Service desk", "Lost", "1500000"]
    assert second[9] == "Price"


def test_an_export_without_the_confidential_facts_leaves_competitors_and_profit_out(
    acme: Store,
) -> None:
    said(ask(acme, "kpi set profit 2026 300k"))
    said(ask(acme, "kpi set sales 2026 2M"))
    said(ask(acme, 'opp add "Fleet rollout" value 400k close 2027-03-31 competitors Foo'))
    account = acme.account_for_channel(acme.workspace_id("test", "T1", NOW), ACME)
    assert account is not None
    kpi_rows, opportunity_rows = (
        [exporter.header(False), *exporter.rows(acme, account, False)]
        for exporter in EXPORTERS
        if exporter.name in ("kpis", "opportunities")
    )
    assert [row[0] for row in kpi_rows] == ["Metric", "Sales"]
    assert "Competitors" not in opportunity_rows[0]
    assert len(opportunity_rows[1]) == len(opportunity_rows[0])
    assert "Foo" not in opportunity_rows[1]


def in_shared_channel(store: Store, text: str, user: str = "kam") -> Outcome:
    return handle(Request("test", "T1", ACME, user, NOW, text=text, external=True), store)


def test_in_a_shared_channel_the_export_goes_only_to_the_requester(acme: Store) -> None:
    edit(acme, "budget", lines="Support | 1.2M")
    exported = reply(in_shared_channel(acme, "export"))
    assert exported.visibility is Visibility.ONLY_YOU
    assert "Support | 1.2M" in exported.files[0].content.decode()
    outsider = reply(in_shared_channel(acme, "export", user="guest"))
    assert outsider.files == ()
    assert outsider.summary.startswith("Only the Acme Group account team can export the account.")


def test_in_a_shared_channel_the_channel_copy_of_a_revision_omits_confidential_notes(
    acme: Store,
) -> None:
    edit(acme, "budget", lines="Support | 1.2M")
    edit(acme, "competitors", competitors="Foo Consulting")
    edit(acme, "goal", goal="Sole IT partner")
    private = reply(in_shared_channel(acme, "plan revised Yearly"))
    assert private.visibility is Visibility.ONLY_YOU
    assert "Budget and sales plan" in said(private)
    assert "without the confidential notes" in said(private)
    [queued] = outbox.problems(acme.engine)
    assert (queued.target, queued.to_user) == (ACME, False)
    assert "Our overall goal added" in queued.body
    assert "Budget" not in queued.body
    assert "Competitors" not in queued.body


def test_a_revision_form_refuses_an_overlong_note(acme: Store) -> None:
    step = form(ask(acme, "plan revise"))
    last = replace(step, state={**step.state, "section": SECTIONS[-1].key})
    refused = submit(acme, last, note="x" * 2001)
    assert isinstance(refused, FieldErrors)
    assert "note" in refused.errors
