"""manifest.yml is a Slack app manifest Slack's own schema accepts, for the app we built."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "slack-manifest"


def schema() -> dict[str, Any]:
    """Version 1 of the schema: the one for manifests without `_metadata.major_version: 2`."""
    loaded: dict[str, Any] = json.loads(
        (SCHEMAS / "schemas_manifest.schema.1.0.0.json").read_text()
    )
    return loaded


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "manifest.yml").read_text())
    return loaded


def problems(document: dict[str, Any]) -> list[str]:
    return [error.message for error in jsonschema.Draft7Validator(schema()).iter_errors(document)]


def test_the_manifest_satisfies_slacks_schema() -> None:
    assert problems(manifest()) == []


def test_the_schema_rejects_slacks_own_invalid_example() -> None:
    invalid = json.loads((SCHEMAS / "tests_manifests_v1_manifest.invalid.json").read_text())
    assert problems(invalid) != []


def test_kam_arrives_escaped_at_the_one_events_url() -> None:
    features, settings = manifest()["features"], manifest()["settings"]
    [kam] = features["slash_commands"]
    assert (kam["command"], kam["should_escape"]) == ("/kam", True)
    assert kam["usage_hint"]
    assert kam["url"] == settings["interactivity"]["request_url"]
    assert kam["url"].endswith("/slack/events")
    assert settings["interactivity"]["is_enabled"] is True
    assert "socket_mode_enabled" in settings


def test_slack_installs_through_our_redirect_and_tells_us_of_uninstalls() -> None:
    settings = manifest()["settings"]
    [redirect] = manifest()["oauth_config"]["redirect_urls"]
    assert redirect.endswith("/slack/oauth_redirect")
    events = settings["event_subscriptions"]
    assert events["request_url"] == settings["interactivity"]["request_url"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(events["bot_events"])


def test_the_scopes_asked_for_at_install_are_the_manifests() -> None:
    scopes = manifest()["oauth_config"]["scopes"]["bot"]
    assert Settings(_env_file=None).slack_scopes.split(",") == scopes


def test_the_bot_asks_for_the_scopes_it_uses() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "commands",
        "chat:write",
        "chat:write.public",
        "im:write",
        "users:read",
        "channels:history",
        "groups:history",
        "im:history",
        "channels:read",
        "groups:read",
        "files:write",
    }


def test_the_home_tab_is_published_when_opened() -> None:
    features, settings = manifest()["features"], manifest()["settings"]
    assert features["app_home"]["home_tab_enabled"] is True
    events = settings["event_subscriptions"]
    assert "app_home_opened" in events["bot_events"]
    assert events["request_url"] == settings["interactivity"]["request_url"]
