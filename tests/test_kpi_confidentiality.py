"""Profit, profitability and competitors never reach a channel with external members."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handlers.commands import handle
from handlers.model import Reply, Request, Visibility
from storage.store import Store
from tests.conftest import NOW
from tests.conversation import ACME, ask, said

pytestmark = pytest.mark.usefixtures("acme")


def in_shared_channel(store: Store, text: str) -> Reply:
    """Type `/kam <text>` as the KAM where the channel has members from the customer."""
    outcome = handle(
        replace(Request("test", "T1", ACME, "kam", NOW, text=text), external=True), store
    )
    assert isinstance(outcome, Reply), outcome
    return outcome


def test_profit_set_in_a_shared_channel_is_confirmed_to_the_requester_only(store: Store) -> None:
    reply = in_shared_channel(store, "kpi set profit 2026-Q3 200k target 250k")
    assert reply.visibility is Visibility.ONLY_YOU
    assert "*Profit* of Acme Group for 2026-Q3: 200K (target 250K)" in said(reply)
    revenue = in_shared_channel(store, "kpi set revenue 2026-Q3 1.2M")
    assert revenue.visibility is Visibility.CHANNEL


def test_a_profitability_chart_in_a_shared_channel_goes_to_the_requester(store: Store) -> None:
    in_shared_channel(store, "kpi set lönsamhet 2026-Q3 12% target 15%")
    shared = in_shared_channel(store, "kpi chart profitability")
    assert shared.visibility is Visibility.ONLY_YOU
    assert [file.mime for file in shared.files] == ["image/png"]
    inside = ask(store, "kpi chart profitability")
    assert isinstance(inside, Reply) and inside.visibility is Visibility.CHANNEL


def test_an_opportunity_with_competitors_stays_private_in_a_shared_channel(store: Store) -> None:
    reply = in_shared_channel(
        store, 'opp add "Fleet rollout" value 400k close 2027-03-31 competitors Foo'
    )
    assert reply.visibility is Visibility.ONLY_YOU
    assert "Competitors: Foo" in said(reply)
