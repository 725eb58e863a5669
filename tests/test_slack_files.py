"""A reply's files in Slack: uploaded where the reply went, to the DM when it was only for you."""

from __future__ import annotations

from bot.settings import Settings
from bot.slack.clients import web_client
from bot.slack.files import upload
from handlers.model import Reply, Upload, Visibility
from tests.slack_harness import ALICE, CHANNEL, Slack, seen

NOTES = Upload("plan.md", "Account plan", b"# Acme Group\n", "text/markdown")


async def test_a_reply_for_one_person_sends_its_files_to_their_dm(slack: Slack) -> None:
    reply = Reply(summary="Your plan", visibility=Visibility.ONLY_YOU, files=(NOTES,))
    await upload(web_client(_settings(slack)), CHANNEL, ALICE, reply)
    [shared] = slack.fake.files
    assert shared.channel == "D" + ALICE
    assert (shared.filename, shared.title, shared.content) == (
        "plan.md",
        "Account plan",
        NOTES.content,
    )


async def test_a_refused_upload_is_told_to_the_person(slack: Slack) -> None:
    slack.fake.fail_next("files.completeUploadExternal", error="not_in_channel")
    reply = Reply(summary="The plan", visibility=Visibility.CHANNEL, files=(NOTES,))
    await upload(web_client(_settings(slack)), CHANNEL, ALICE, reply)
    assert slack.fake.files == []
    [told] = slack.fake.delivered("chat.postEphemeral")
    assert told["user"] == ALICE
    assert "I couldn't upload plan.md here (Slack said `not_in_channel`)." in seen(told)


def _settings(slack: Slack) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token="xoxb-kam-test",
        slack_api_url=str(slack.fake_server.make_url("/api/")),
    )
