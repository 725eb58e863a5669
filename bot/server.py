"""The one aiohttp process: Slack at `/slack/events` (or over Socket Mode) and, when installable,
`/slack/install` and `/slack/oauth_redirect`; Teams at `/api/messages`; `/healthz`, `/readyz` and
`/metrics`; and the scheduler that posts reminders on its own."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from functools import partial

from aiohttp import web
from aiohttp.typedefs import Handler
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.files import shared_file
from bot.observability import CONTENT_TYPE, Metrics
from bot.settings import Settings
from bot.slack.app import (
    ACK_WITHIN,
    resume_if_reinstalled,
    slack_app,
    slack_deliverer,
    utc_now,
)
from bot.slack.incoming import PLATFORM
from bot.slack.listeners import Clock
from bot.teams.app import Teams, teams_app
from bot.teams.app import messages as teams_messages
from bot.teams.delivery import TeamsDeliverer
from bot.teams.incoming import PLATFORM as TEAMS_PLATFORM
from handlers.log_context import REQUEST_ID, WORKSPACE, scope
from scheduler.delivery import Deliverer
from scheduler.jobs import Ticker, start_scheduler
from storage import migrate
from storage.store import Store

log = logging.getLogger(__name__)

STORE = web.AppKey("store", Store)
BOLT = web.AppKey("bolt", AsyncApp)
TEAMS = web.AppKey("teams", Teams)
SCHEDULER = web.AppKey("scheduler", Ticker)
METRICS = web.AppKey("metrics", Metrics)


def build_app(
    settings: Settings,
    store: Store,
    *,
    clock: Clock = utc_now,
    ack_within: float = ACK_WITHIN,
    process_before_response: bool = False,
    run_scheduler: bool = False,
) -> web.Application:
    """Teams is always mounted (emulator mode without MicrosoftAppId); Slack only when its
    credentials are set, and Socket Mode replaces its HTTP route.

    `run_scheduler` delivers reminders through Slack and Teams for the server's lifetime; tests
    that drive the scheduler themselves, one tick at a time, leave it off.
    """
    app = web.Application(middlewares=[request_id])
    app[STORE] = store
    _operations(app)
    app[TEAMS] = teams_app(settings, store, clock, observe=app[METRICS].observe_request)
    app.router.add_post("/api/messages", teams_events)
    app.router.add_get("/files/{token}/{filename}", partial(shared_file, store, clock))
    if run_scheduler:
        app.cleanup_ctx.append(partial(_scheduler, settings, clock))
    if not settings.has_slack:
        log.info("no Slack credentials: serving Teams and /healthz")
        return app
    app[BOLT] = slack_app(
        settings,
        store,
        clock=clock,
        ack_within=ack_within,
        process_before_response=process_before_response,
        observe=app[METRICS].observe_request,
    )
    app.on_startup.append(lambda _app: resume_if_reinstalled(settings, store, clock))
    if settings.has_oauth:
        app.router.add_get("/slack/install", slack_install)
        app.router.add_get("/slack/oauth_redirect", slack_oauth_redirect)
    if settings.slack_app_token:
        app.cleanup_ctx.append(partial(_socket_mode, settings.slack_app_token))
    else:
        app.router.add_post("/slack/events", slack_events)
    return app


def serve(settings: Settings, store: Store) -> None:
    """`kam-bot serve`: run until interrupted."""
    web.run_app(build_app(settings, store, run_scheduler=True), port=settings.port)


def _operations(app: web.Application) -> None:
    """What operators and load balancers ask: liveness, readiness and metrics."""
    app[METRICS] = Metrics(app[STORE].engine)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


@web.middleware
async def request_id(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every log line of a request carries its id (the caller's `X-Request-Id`, or a new one) and,
    once an adapter knows it, its workspace; both end with the request."""
    given = request.headers.get("X-Request-Id", "")[:64]
    with scope(REQUEST_ID, given or uuid.uuid4().hex), scope(WORKSPACE, ""):
        return await handler(request)


async def healthz(request: web.Request) -> web.Response:
    """200 while the process serves HTTP at all; a restart is the cure when it does not."""
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    """200 when the database answers and its schema is the code's, so a load balancer sends
    nothing to a replica that could not serve it; else 503 with the reason."""
    try:
        lag = await asyncio.to_thread(migrate.behind, request.app[STORE].engine)
    except Exception as error:
        log.warning("not ready: the database does not answer: %s", type(error).__name__)
        return web.json_response({"ready": False, "reason": "database unreachable"}, status=503)
    if lag is not None:
        return web.json_response(
            {"ready": False, "reason": f"migrations pending: {lag}"}, status=503
        )
    return web.json_response({"ready": True})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus' text format; the outbox depth is read from the database at scrape time."""
    body = await asyncio.to_thread(request.app[METRICS].exposition)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


async def slack_events(request: web.Request) -> web.Response:
    """Slash commands, interactivity and events on one URL; Bolt verifies the signature."""
    started = time.perf_counter()
    bolt_request = await to_bolt_request(request)
    response = await request.app[BOLT].async_dispatch(bolt_request)
    request.app[METRICS].slack_ack.observe(time.perf_counter() - started)
    return await to_aiohttp_response(response)


async def slack_install(request: web.Request) -> web.Response:
    """The page with the *Add to Slack* link; it sets the browser's OAuth state cookie."""
    flow = request.app[BOLT].oauth_flow
    assert flow is not None
    return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))


async def slack_oauth_redirect(request: web.Request) -> web.Response:
    """Where Slack sends the installer back: the code becomes the workspace's stored token."""
    flow = request.app[BOLT].oauth_flow
    assert flow is not None
    return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))


async def teams_events(request: web.Request) -> web.StreamResponse:
    """Bot Framework activities; botbuilder authenticates them unless in emulator mode."""
    return await teams_messages(request, request.app[TEAMS])


async def _socket_mode(app_token: str, app: web.Application) -> AsyncIterator[None]:
    """Slack over a WebSocket for the server's lifetime; /healthz stays on HTTP."""
    handler = AsyncSocketModeHandler(app[BOLT], app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    yield
    await handler.close_async()  # type: ignore[no-untyped-call]


async def _scheduler(settings: Settings, clock: Clock, app: web.Application) -> AsyncIterator[None]:
    """Ticks on the server's event loop from startup to cleanup; Teams shares the adapter."""
    teams = app[TEAMS]
    deliverers: dict[str, Deliverer] = {
        TEAMS_PLATFORM: TeamsDeliverer(teams.adapter, app[STORE], teams.app_id, teams.bot.files)
    }
    if settings.has_slack:
        deliverers[PLATFORM] = slack_deliverer(settings, app[STORE])
    app[SCHEDULER] = start_scheduler(
        app[STORE], deliverers, clock, observe=app[METRICS].observe_tick
    )
    yield
    await app[SCHEDULER].stop()
