"""The baseline: a bare Bolt `AsyncApp` on aiohttp that only acknowledges `/kam`."""

from __future__ import annotations

import os

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build() -> web.Application:
    token = os.environ["SLACK_BOT_TOKEN"]
    bolt = AsyncApp(
        client=AsyncWebClient(token=token, base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )

    @bolt.command("/kam")
    async def acknowledge(ack: AsyncAck) -> None:
        await ack()

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = bolt.web_app(path="/slack/events")
    app.router.add_get("/healthz", healthz)
    return app


if __name__ == "__main__":
    web.run_app(build(), host="127.0.0.1", port=int(os.environ["PORT"]), print=None)
