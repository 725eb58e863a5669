"""The Teams bot's conversation through botbuilder's own `TestAdapter`: no HTTP, same `on_turn`."""

from __future__ import annotations

from typing import Any

from botbuilder.core.adapters import TestAdapter

from bot.teams.app import KamBot
from storage.store import Store
from tests.conftest import NOW


def card_text(activity: Any) -> str:
    content = activity.attachments[0].content
    return "\n".join(element.get("text", "") for element in content["body"])


def says(*words: str) -> Any:
    def inspect(activity: Any, description: str | None = None) -> None:
        for word in words:
            assert word in card_text(activity), card_text(activity)

    return inspect


def opens_a_form(activity: Any, description: str | None = None) -> None:
    assert activity.attachments[0].content["actions"][0]["data"]["kam_form"]


async def test_help_lists_the_commands(sqlite_store: Store) -> None:
    adapter = TestAdapter(KamBot(sqlite_store, lambda: NOW).on_turn)
    flow = await adapter.send("kam help")
    await flow.assert_reply(says("log-meeting", "account"))


async def test_log_meeting_in_a_new_account_then_alone_opens_the_form(sqlite_store: Store) -> None:
    adapter = TestAdapter(KamBot(sqlite_store, lambda: NOW).on_turn)
    flow = await adapter.send("kam account create Acme")
    flow = await flow.assert_reply(says("Acme"))
    flow = await flow.send("kam log-meeting internal today Planned the workshop")
    flow = await flow.assert_reply(says("Planned the workshop"))
    flow = await flow.send("kam log-meeting")
    await flow.assert_reply(opens_a_form)
