"""Builds the Bolt AsyncApp and the aiohttp web application around it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.admission import RequestPriority
from bot.web_server import ServerLimits, ThrottledLog
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
    _drop_unverified_bodies()
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


class _UnverifiedBodyFilter(logging.Filter):
    """Bolt logs the whole body of a request whose signature fails (user text included, and
    whatever lines a forger wrote into it); keep only that it was refused."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Invalid request signature"):
            record.msg, record.args = "refused a request with an invalid signature", None
        return True


def _drop_unverified_bodies() -> None:
    for name in ("slack_bolt.AsyncRequestVerification", "slack_bolt.RequestVerification"):
        verification_logger = logging.getLogger(name)
        if not any(isinstance(f, _UnverifiedBodyFilter) for f in verification_logger.filters):
            verification_logger.addFilter(_UnverifiedBodyFilter())


def _describe(body: Any) -> str:
    if not isinstance(body, dict):
        return "no body"
    kind = body.get("type") or body.get("command") or "?"
    event = body.get("event")
    if isinstance(event, dict):
        kind = f"{kind}/{event.get('type')}"
    return str(kind)


def build_web_app(
    bolt: AsyncApp,
    db: Database,
    priority: RequestPriority,
    *,
    signing_secret: str | None = None,
    limits: ServerLimits | None = None,
) -> web.Application:
    """`POST /slack/events` for everything Slack sends, `GET /healthz` for load balancers.

    A request's body is read under a deadline and its signature checked before anything
    parses it or Bolt sees it: what fails the check is refused with 401 and never logged.
    Without a signing secret (Socket Mode) the endpoint refuses every request.
    """
    limits = limits or ServerLimits()
    slow_bodies = ThrottledLog(logger)
    refusals = ThrottledLog(logger)

    async def slack_events(request: web.Request) -> web.Response:
        with priority.request():  # from the first byte: parsing and verifying count too
            body = await _read_body(request, limits, slow_bodies)
            if isinstance(body, web.Response):
                return body
            if _is_ssl_check(request, body):
                return web.Response(status=200)  # Slack's certificate probe, as Bolt answers it
            refusal = signature_refusal(
                body,
                request.headers.get("X-Slack-Request-Timestamp"),
                request.headers.get("X-Slack-Signature"),
                signing_secret,
            )
            if refusal is not None:
                # The reason only (the body and headers are the sender's, not Slack's), and
                # a line per interval at most, however many a sender posts.
                refusals.warning("refused a request: %s", refusal)
                return web.json_response({"error": "invalid request"}, status=401)
            return await _dispatch(bolt, request)

    async def healthz(_request: web.Request) -> web.Response:
        health = await db.health()
        return web.json_response(
            {
                "status": "ok" if health.ok else "degraded",
                "database": health.state,
                **({"reason": health.reason} if health.reason else {}),
            },
            status=200 if health.ok else 503,
        )

    web_app = web.Application(client_max_size=limits.max_body_bytes)
    web_app.router.add_post("/slack/events", slack_events)
    web_app.router.add_get("/healthz", healthz)
    return web_app


async def _read_body(
    request: web.Request, limits: ServerLimits, slow_bodies: ThrottledLog
) -> bytes | web.Response:
    """The request's body, or the response refusing it: too slow, too large or broken."""
    try:
        async with asyncio.timeout(limits.body_timeout):
            return await request.read()
    except TimeoutError:
        slow_bodies.warning(
            "request body not received within %ss; connection closed", limits.body_timeout
        )
        return web.json_response(
            {"error": "request body too slow"}, status=408, headers={"Connection": "close"}
        )
    except web.HTTPRequestEntityTooLarge:
        return web.json_response(
            {"error": "request body too large"}, status=413, headers={"Connection": "close"}
        )
    except (aiohttp.ClientPayloadError, ValueError):
        # A broken chunked or compressed body.
        return web.json_response({"error": "malformed request"}, status=400)
    except (ConnectionError, RuntimeError):
        # The client left (or was closed to make room) mid-body: nobody to answer.
        # aiohttp says so with a RuntimeError when the connection is already gone.
        transport = request.transport
        if transport is not None and not transport.is_closing():
            raise
        return web.Response(status=400)


async def _dispatch(bolt: AsyncApp, request: web.Request) -> web.Response:
    """A verified request handed to Bolt; a body Slack never sends is refused with 400."""
    try:
        bolt_request = await to_bolt_request(request)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError):
        # Not a body Slack sends (bad JSON, not UTF-8, a list, nested past Python's
        # recursion limit…): refuse it, never 500.
        return web.json_response({"error": "malformed request"}, status=400)
    bolt_response = await bolt.async_dispatch(bolt_request)
    return await to_aiohttp_response(bolt_response)


# Slack signs `v0:<timestamp>:<body>`; the timestamp is whole seconds since the epoch.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
MAX_REQUEST_AGE_SECONDS = 5 * 60


def signature_refusal(
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    secret: str | None,
    *,
    now: float | None = None,
) -> str | None:
    """Why this request is not from Slack, or None when its signature holds.

    Slack's verifier (slack_sdk) raises on a timestamp that is not a number and on a
    signature with non-ASCII characters; this one refuses them like any bad signature.
    """
    if not secret:
        return "no signing secret is set, so HTTP requests cannot be verified"
    if timestamp is None or signature is None:
        return "signature headers missing"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "timestamp is not a whole number of seconds"
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > MAX_REQUEST_AGE_SECONDS:
        return "timestamp more than five minutes off"
    if not _SIGNATURE.fullmatch(signature):
        return "signature is not in Slack's format"
    expected = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest(f"v0={expected.hexdigest()}", signature):
        return "signature does not match"
    return None


def _is_ssl_check(request: web.Request, body: bytes) -> bool:
    if request.content_type != "application/x-www-form-urlencoded" or len(body) > 1024:
        return False
    return ("ssl_check", "1") in parse_qsl(body.decode("latin-1"))
