"""The Teams app package is one Teams accepts: a valid manifest for our bot, icons at the root."""

from __future__ import annotations

import json
import os
import struct
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.cli import main
from bot.teams.package import build_package
from handlers.commands import COMMANDS

SCHEMA = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "conformance"
    / "teams-manifest"
    / "MicrosoftTeams.schema.v1.17.json"
)
APP_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
TEAMS_COMMAND_LIMIT = 10
"""Teams shows at most ten commands in its menu; `help` lists them all."""


def problems(manifest: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return [error.message for error in jsonschema.Draft4Validator(schema).iter_errors(manifest)]


def packaged(archive: Path) -> dict[str, Any]:
    with zipfile.ZipFile(archive) as opened:
        manifest: dict[str, Any] = json.loads(opened.read("manifest.json"))
    return manifest


def png_size(data: bytes) -> tuple[int, int, int]:
    """Width, height and colour type, from the IHDR chunk every PNG starts with."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height, _depth, colour_type = struct.unpack(">IIBB", data[16:26])
    return width, height, colour_type


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return build_package(APP_ID, tmp_path / "kam-bot-teams.zip")


@pytest.fixture
def no_app_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No MicrosoftAppId in any spelling, and no .env in the working directory."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.lower() == "microsoftappid":
            monkeypatch.delenv(name)
    return tmp_path


def test_the_packaged_manifest_satisfies_the_teams_schema(package: Path) -> None:
    manifest = packaged(package)
    assert problems(manifest) == []
    assert manifest["manifestVersion"] == "1.17"  # draft-04 ignores the schema's `const`
    assert manifest["$schema"].endswith("/teams/v1.17/MicrosoftTeams.schema.json")


def test_the_schema_rejects_a_broken_manifest(package: Path) -> None:
    manifest = packaged(package)
    manifest["bots"][0]["botId"] = "kam-bot"
    del manifest["developer"]
    assert len(problems(manifest)) == 2


def test_the_bot_and_the_app_carry_the_given_app_id(package: Path) -> None:
    manifest = packaged(package)
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert "${{" not in json.dumps(manifest)


TEAMS_COMMAND_LIMIT = 10
"""Teams suggests at most ten commands per list; the rest are still answered when typed."""


def test_the_bot_lists_every_command_it_answers_up_to_the_teams_limit(package: Path) -> None:
    bot = packaged(package)["bots"][0]
    titles = [command["title"] for command in bot["commandLists"][0]["commands"]]
    names = [command.name for command in COMMANDS]
    assert set(titles) <= set(names)
    assert len(set(titles)) == min(len(names), TEAMS_COMMAND_LIMIT)
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]


def test_the_zip_holds_the_manifest_and_icons_at_its_root(package: Path) -> None:
    with zipfile.ZipFile(package) as opened:
        assert sorted(opened.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert png_size(opened.read("color.png"))[:2] == (192, 192)
        assert png_size(opened.read("outline.png")) == (32, 32, 6)  # RGBA: transparent


def test_the_cli_packages_with_the_app_id_from_the_environment(
    no_app_id: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    main(["teams-package", "--out", "teams.zip"])
    assert packaged(no_app_id / "teams.zip")["bots"][0]["botId"] == APP_ID
    assert "teams.zip" in capsys.readouterr().out


def test_the_cli_refuses_without_an_app_id(no_app_id: Path) -> None:
    with pytest.raises(SystemExit, match="MicrosoftAppId is not set: set it"):
        main(["teams-package"])
    assert not (no_app_id / "kam-bot-teams.zip").exists()


def test_the_package_refuses_an_app_id_teams_would_reject(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a GUID"):
        build_package("kam-bot", tmp_path / "teams.zip")
