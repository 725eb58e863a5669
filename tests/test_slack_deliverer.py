"""The Slack deliverer alone: what each answer from Slack means to the outbox."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer

from bot.settings import Settings
from bot.slack.clients import delivery_client
from bot.slack.delivery import SlackDeliverer
from handlers.model import Reply, Section
from scheduler.delivery import RateLimited, TransientFailure, Unreachable
from tests.fake_slack import FakeSlack
from tests.slack_harness import ALICE, CHANNEL, TEAM, ServerFactory

HELLO = Reply(summary="Tactical meeting due", blocks=(Section("*Tactical meeting due*"),))


def deliverer_on(url: str) -> SlackDeliverer:
    settings = Settings(_env_file=None, slack_bot_token="xoxb-kam-test", slack_api_url=url)
    return SlackDeliverer(delivery_client(settings, timeout=0.2))


@pytest.fixture
async def fake(aiohttp_server: ServerFactory) -> AsyncIterator[tuple[FakeSlack, TestServer]]:
    slack = FakeSlack()
    yield slack, await aiohttp_server(slack.app())


@pytest.fixture
def deliverer(fake: tuple[FakeSlack, TestServer]) -> SlackDeliverer:
    return deliverer_on(str(fake[1].make_url("/api/")))


async def test_a_post_is_tagged_and_found_again(
    fake: tuple[FakeSlack, TestServer], deliverer: SlackDeliverer
) -> None:
    ts = await deliverer.post(TEAM, CHANNEL, HELLO, [41, 42])
    [posted] = fake[0].posted(CHANNEL)
    assert posted["ts"] == ts
    assert posted["text"] == "Tactical meeting due"
    assert posted["metadata"] == {
        "event_type": "kam_outbox",
        "event_payload": {"outbox_ids": [41, 42]},
    }
    assert await deliverer.find(TEAM, CHANNEL, 42) == ts
    assert await deliverer.find(TEAM, CHANNEL, 43) is None


async def test_a_message_to_a_person_goes_to_their_direct_messages(
    fake: tuple[FakeSlack, TestServer], deliverer: SlackDeliverer
) -> None:
    ts = await deliverer.post(TEAM, ALICE, HELLO, [7])
    assert [posted["ts"] for posted in fake[0].posted("D" + ALICE)] == [ts]
    assert await deliverer.find(TEAM, ALICE, 7) == ts
    assert fake[0].attempts("conversations.open") == 1


async def test_429_says_when_to_come_back(
    fake: tuple[FakeSlack, TestServer], deliverer: SlackDeliverer
) -> None:
    fake[0].fail_next("chat.postMessage", status=429, retry_after=12)
    with pytest.raises(RateLimited) as limited:
        await deliverer.post(TEAM, CHANNEL, HELLO, [1])
    assert limited.value.retry_after == 12
    assert fake[0].posted(CHANNEL) == []


@pytest.mark.parametrize("error", ["channel_not_found", "is_archived", "not_in_channel"])
async def test_a_gone_channel_is_unreachable(
    fake: tuple[FakeSlack, TestServer], deliverer: SlackDeliverer, error: str
) -> None:
    fake[0].fail_next("chat.postMessage", error=error)
    with pytest.raises(Unreachable, match=error):
        await deliverer.post(TEAM, CHANNEL, HELLO, [1])


async def test_a_person_who_left_is_unreachable(
    fake: tuple[FakeSlack, TestServer], deliverer: SlackDeliverer
) -> None:
    fake[0].fail_next("conversations.open", error="user_not_found")
    with pytest.raises(Unreachable, match="user_not_found"):
        await deliverer.post(TEAM, ALICE, HELLO, [1])


async def test_an_outage_or_a_timeout_may_have_posted(
    fake: tuple[FakeSlack, TestServer], deliverer: SlackDeliverer
) -> None:
    fake[0].fail_next("chat.postMessage", status=503)
    with pytest.raises(TransientFailure) as outage:
        await deliverer.post(TEAM, CHANNEL, HELLO, [1])
    fake[0].fail_next("chat.postMessage", delay=0.5)
    with pytest.raises(TransientFailure) as timeout:
        await deliverer.post(TEAM, CHANNEL, HELLO, [2])
    assert outage.value.ambiguous and timeout.value.ambiguous
    assert fake[0].tagged() == {2: 1}
    assert fake[0].attempts("chat.postMessage") == 2


async def test_a_refused_connection_surely_did_not_post() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(TransientFailure) as refused:
        await deliverer_on(f"http://127.0.0.1:{port}/api/").post(TEAM, CHANNEL, HELLO, [1])
    assert not refused.value.ambiguous
