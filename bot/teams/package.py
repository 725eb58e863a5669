"""The Teams app package: the manifest with the bot's app id filled in, and its two icons."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

MANIFEST_DIR = Path(__file__).parent / "manifest"
PLACEHOLDER = "${{MicrosoftAppId}}"
ICONS = ("color.png", "outline.png")
GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def build_package(app_id: str, out: Path) -> Path:
    """Teams reads the manifest and icons only at the root of the zip, never from a folder."""
    manifest = json.dumps(_filled_manifest(app_id), indent=2, ensure_ascii=False) + "\n"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest)
        for icon in ICONS:
            archive.write(MANIFEST_DIR / icon, icon)
    return out


def _filled_manifest(app_id: str) -> dict[str, Any]:
    """The app and its bot share the Azure Bot's id, so Teams links the app to our endpoint."""
    _require_guid(app_id)
    text = (MANIFEST_DIR / "manifest.json").read_text(encoding="utf-8")
    manifest: dict[str, Any] = json.loads(text.replace(PLACEHOLDER, app_id))
    return manifest


def _require_guid(app_id: str) -> None:
    """Teams rejects an upload whose ids are not GUIDs; say what to set before it does."""
    if not app_id:
        raise ValueError(
            "MicrosoftAppId is not set: set it (in the environment or .env) to the "
            "Microsoft App ID of your Azure Bot registration"
        )
    if not GUID.fullmatch(app_id):
        raise ValueError(
            f"MicrosoftAppId {app_id!r} is not a GUID: set it to the Microsoft App ID of your "
            "Azure Bot registration (like 00000000-0000-0000-0000-000000000000)"
        )
