"""Settings from the environment and an optional `.env`, read once by the CLI."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Each field is the environment variable of the same name (DESIGN.md lists them)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    kam_database_url: str = "sqlite:///kam-bot.sqlite3"
    port: int = 3000
    slack_signing_secret: str = ""
    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_api_url: str = "https://slack.com/api/"
    # Teams (env MicrosoftAppId etc., matched case-insensitively); an empty id is emulator mode
    microsoftappid: str = ""
    microsoftapppassword: str = ""
    microsoftapptype: str = "MultiTenant"
    microsoftapptenantid: str = ""

    @property
    def has_slack(self) -> bool:
        """Slack needs a bot token and either a signing secret (HTTP) or an app token (Socket)."""
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def has_teams(self) -> bool:
        """Teams in earnest needs an app id; without one, /api/messages serves the emulator."""
        return bool(self.microsoftappid)
