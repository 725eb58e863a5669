"""Settings from the environment and an optional `.env`, read once by the CLI."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Names as in DESIGN.md; an empty Slack token and app token mean the local console."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///kam-bot.sqlite3", alias="KAM_DATABASE_URL")
    port: int = Field(3000, alias="PORT")
    slack_signing_secret: str = Field("", alias="SLACK_SIGNING_SECRET")
    slack_bot_token: str = Field("", alias="SLACK_BOT_TOKEN")
    slack_app_token: str = Field("", alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", alias="SLACK_API_URL")

    @property
    def has_slack(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))
