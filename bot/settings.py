"""Settings from the environment and an optional `.env`, read once by the CLI."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

SCOPES = (
    "commands,chat:write,chat:write.public,im:write,users:read,"
    "channels:history,groups:history,im:history,channels:read,groups:read,files:write"
)
"""The bot scopes asked for at install; the same as manifest.yml's."""


class Settings(BaseSettings):
    """Each field is the environment variable of the same name (DESIGN.md lists them)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    kam_database_url: str = "sqlite:///kam-bot.sqlite3"
    port: int = 3000
    slack_signing_secret: str = ""
    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_api_url: str = "https://slack.com/api/"
    # Installing from Slack (OAuth): the app's credentials replace SLACK_BOT_TOKEN
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_scopes: str = SCOPES
    slack_redirect_uri: str = ""
    slack_authorization_url: str = "https://slack.com/oauth/v2/authorize"
    kam_encryption_key: str = ""
    # Teams (env MicrosoftAppId etc., matched case-insensitively); an empty id is emulator mode
    microsoftappid: str = ""
    microsoftapppassword: str = ""
    microsoftapptype: str = "MultiTenant"
    microsoftapptenantid: str = ""
    # Teams sends no admin flag with a message: the AAD object ids of its workspace admins
    kam_teams_admins: str = ""
    # Where people reach the bot over HTTPS (https://kam.example.com): Teams fetches files there
    kam_public_url: str = ""

    @property
    def has_slack(self) -> bool:
        """Slack needs a bot token or OAuth credentials, and either a signing secret (HTTP) or an
        app token (Socket Mode)."""
        return bool(
            (self.slack_bot_token or self.has_oauth)
            and (self.slack_signing_secret or self.slack_app_token)
        )

    @property
    def has_oauth(self) -> bool:
        """Installable from Slack into any number of workspaces, each with its own token."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def teams_admins(self) -> frozenset[str]:
        """`KAM_TEAMS_ADMINS`, comma-separated AAD object ids."""
        return frozenset(filter(None, (aad.strip() for aad in self.kam_teams_admins.split(","))))

    @property
    def has_teams(self) -> bool:
        """Teams in earnest needs an app id; without one, /api/messages serves the emulator."""
        return bool(self.microsoftappid)
