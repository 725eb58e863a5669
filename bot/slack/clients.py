"""Web API and response_url clients that honour SLACK_API_URL and ride out 429s and 5xxs."""

from __future__ import annotations

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.settings import Settings

RETRIES = 2
DELIVERY_TIMEOUT = 10.0


def retry_handlers() -> list[AsyncRetryHandler]:
    """Slack's rate limits and brief outages are waited out, so a confirmation still arrives."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=RETRIES),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RETRIES),
        AsyncServerErrorRetryHandler(max_retry_count=RETRIES),
    ]


def web_client(settings: Settings) -> AsyncWebClient:
    """The bot's Web API client; Bolt copies its base URL and retries into every request, with
    the token of the request's workspace when installed through OAuth."""
    return AsyncWebClient(
        token=None if settings.has_oauth else settings.slack_bot_token or None,
        base_url=settings.slack_api_url.rstrip("/") + "/",
        retry_handlers=retry_handlers(),
    )


def delivery_client(settings: Settings, timeout: float = DELIVERY_TIMEOUT) -> AsyncWebClient:
    """A client without automatic retries: a re-sent post may double a message Slack stored."""
    return AsyncWebClient(
        token=settings.slack_bot_token or None,
        base_url=settings.slack_api_url.rstrip("/") + "/",
        timeout=timeout,  # type: ignore[arg-type]  # typed int; aiohttp takes fractions too
        retry_handlers=[],
    )


def webhook_client(response_url: str) -> AsyncWebhookClient:
    """A client for one slash command's response_url, with the same retries."""
    return AsyncWebhookClient(url=response_url, retry_handlers=retry_handlers())
