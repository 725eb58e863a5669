"""Slack payloads as neutral requests: a `/kam` slash command, a submitted modal, a click."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.slack.modals import submitted_values
from bot.slack.text import from_slack
from handlers.home import HOME
from handlers.model import Request

PLATFORM = "slack"


def slash_request(command: dict[str, Any], now: datetime) -> Request:
    """The command's text with Slack's escaping undone; mentions arrive as `<@ID>`."""
    return Request(
        platform=PLATFORM,
        workspace=_installed_in(command, command.get("enterprise_id"), command["team_id"]),
        channel=command["channel_id"],
        user=command["user_id"],
        received_at=now,
        text=from_slack(command.get("text") or ""),
    )


def submission_request(body: dict[str, Any], now: datetime) -> Request:
    """The channel is left empty: the core reads it from the form's own state."""
    view, user = body["view"], body["user"]
    return Request(
        platform=PLATFORM,
        workspace=_body_workspace(body),
        channel="",
        user=user["id"],
        received_at=now,
        form_id=view["callback_id"],
        values=submitted_values(view["state"]["values"]),
        state=_state(view.get("private_metadata") or ""),
    )


def action_request(body: dict[str, Any], now: datetime) -> Request:
    """A button click: its action is the action_id before the position Slack needed appended."""
    clicked, user = body["actions"][0], body["user"]
    return Request(
        platform=PLATFORM,
        workspace=_body_workspace(body),
        channel=(body.get("channel") or {}).get("id", ""),
        user=user["id"],
        received_at=now,
        action=str(clicked["action_id"]).partition(":")[0],
        action_value=str(clicked.get("value") or ""),
    )


def _body_workspace(body: dict[str, Any]) -> str:
    team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
    return _installed_in(body, (body.get("enterprise") or {}).get("id"), team)


def _installed_in(payload: dict[str, Any], enterprise: str | None, team: str) -> str:
    """The workspace whose data a request may touch: the team, or on Enterprise Grid the whole
    enterprise when the app is installed org-wide (its channels then span several teams)."""
    org_wide = str(payload.get("is_enterprise_install")).lower() == "true"
    return str(enterprise) if org_wide and enterprise else team


def _state(metadata: str) -> dict[str, str]:
    """Our own JSON back from private_metadata; anything else is no state at all."""
    try:
        state = json.loads(metadata)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in state.items()} if isinstance(state, dict) else {}


def home_request(body: dict[str, Any], now: datetime) -> Request:
    """`app_home_opened`: the person opened the bot's home tab; the core builds its content."""
    return Request(
        platform=PLATFORM,
        workspace=str(body.get("team_id") or ""),
        channel="",
        user=body["event"]["user"],
        received_at=now,
        action=HOME,
    )
