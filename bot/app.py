"""Builds the Bolt AsyncApp and the aiohttp web application around it."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.tasks import RequestPriority
from handlers import actions, commands, events
from handlers.context import Services, services_middleware
from storage.db import Database

logger = logging.getLogger(__name__)


def build_bolt_app(
    *, client: AsyncWebClient, signing_secret: str | None, services: Services, socket_mode: bool
) -> AsyncApp:
    """The Bolt app with every listener registered.

    process_before_response: a listener finishes its database write before Slack gets the
    ack, so an acked message is never lost; listeners only write and hand slow work to tasks.
    """
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret or "",
        process_before_response=True,
        request_verification_enabled=not socket_mode,
        raise_error_for_unhandled_request=False,
        ssl_check_enabled=True,
        url_verification_enabled=True,
    )
    app.use(services_middleware(services))
    commands.register(app)
    events.register(app)
    actions.register(app)

    @app.error
    async def log_listener_error(error: Exception, body: dict[str, Any]) -> None:
        # Never echo the body: it can hold user text; the type and ids are enough.
        logger.error(
            "listener failed: %s (%s)", type(error).__name__, _describe(body), exc_info=error
        )

    return app


def _describe(body: Any) -> str:
    if not isinstance(body, dict):
        return "no body"
    kind = body.get("type") or body.get("command") or "?"
    event = body.get("event")
    if isinstance(event, dict):
        kind = f"{kind}/{event.get('type')}"
    return str(kind)


def build_web_app(bolt: AsyncApp, db: Database, priority: RequestPriority) -> web.Application:
    """`POST /slack/events` for everything Slack sends, `GET /healthz` for load balancers."""

    async def slack_events(request: web.Request) -> web.Response:
        with priority.request():  # from the first byte: parsing and verifying count too
            try:
                bolt_request = await to_bolt_request(request)
            except (ValueError, TypeError, AttributeError, KeyError, IndexError):
                # Not a body Slack sends (bad JSON, not UTF-8, a list…): refuse it, never 500.
                return web.json_response({"error": "malformed request"}, status=400)
            bolt_response = await bolt.async_dispatch(bolt_request)
            return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        ok = await db.ping()
        return web.json_response(
            {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unreachable"},
            status=200 if ok else 503,
        )

    web_app = web.Application(client_max_size=1024 * 1024)
    web_app.router.add_post("/slack/events", slack_events)
    web_app.router.add_get("/healthz", healthz)
    return web_app
