"""Only Slack can talk to the bot: unsigned, mis-signed or replayed requests change nothing."""

from __future__ import annotations

import time
from pathlib import Path

from slack_sdk.signature import Clock, SignatureVerifier

from tests.slack_harness import ALICE, Slack, seen, sign

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"
VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
VECTOR_TIMESTAMP = "1531420618"
VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
FIVE_MINUTES = 5 * 60


class SlacksClock(Clock):
    """The moment Slack signed its published example."""

    def now(self) -> float:
        return float(VECTOR_TIMESTAMP)


def vector_body() -> str:
    return (CONFORMANCE / "slack-signing-vector.txt").read_bytes().decode()


def test_slacks_published_example_verifies() -> None:
    verifier = SignatureVerifier(VECTOR_SECRET, clock=SlacksClock())
    assert verifier.is_valid(vector_body(), VECTOR_TIMESTAMP, VECTOR_SIGNATURE)
    assert not verifier.is_valid(vector_body() + " ", VECTOR_TIMESTAMP, VECTOR_SIGNATURE)


def test_the_tests_sign_as_slack_does() -> None:
    assert sign(VECTOR_SECRET, VECTOR_TIMESTAMP, vector_body()) == VECTOR_SIGNATURE


async def test_a_bad_signature_is_refused_and_changes_nothing(slack: Slack) -> None:
    body = slack.command("/kam account create Acme Group", user=ALICE)
    response = await slack.post(body, signature="v0=" + "0" * 64)
    assert response.status == 401
    assert "isn't bound to a key account" in seen(await slack.slash("/kam account"))


async def test_a_replayed_request_is_refused_and_changes_nothing(slack: Slack) -> None:
    body = slack.command("/kam account create Acme Group", user=ALICE)
    response = await slack.post(body, signed_at=time.time() - FIVE_MINUTES - 60)
    assert response.status == 401
    assert "isn't bound to a key account" in seen(await slack.slash("/kam account"))
