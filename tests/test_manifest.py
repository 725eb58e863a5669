"""manifest.yml is a Slack app manifest Slack's own schema accepts, for the app we built."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

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
        "files:write",
    }
