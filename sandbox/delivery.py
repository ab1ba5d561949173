"""Sends what the person does to the bot the way Slack does: signed HTTP requests to
`/slack/events` carrying slash commands, Events API callbacks and interaction payloads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from sandbox.signing import signed_headers
from sandbox.workspace import Identity

logger = logging.getLogger(__name__)

# Slack gives an app three seconds to acknowledge a request.
ACK_TIMEOUT_SECONDS = 3.0
# Slack retries a failed event nearly at once, after a minute, and after five minutes.
EVENT_RETRY_DELAYS = (1.0, 60.0, 300.0)
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


def event_envelope(identity: Identity, event: dict[str, Any], *, event_id: str) -> dict[str, Any]:
    """The `event_callback` wrapper Slack puts around every event."""
    return {
        "token": identity.verification_token,
        "team_id": identity.team_id,
        "context_team_id": identity.team_id,
        "context_enterprise_id": None,
        "api_app_id": identity.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": identity.team_id,
                "user_id": identity.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event_id}",
    }


@dataclass(frozen=True)
class DeliveryResult:
    """How the bot answered one request; `error` is the code Slack would show."""

    status: int | None
    body: bytes
    content_type: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def json_body(self) -> dict[str, Any] | None:
        """The acknowledgement body as JSON, when the bot sent one."""
        if not self.body.strip():
            return None
        try:
            parsed = json.loads(self.body)
        except ValueError:
            # Bolt acks a slash command with plain text when given only `text`.
            return {"text": self.body.decode("utf-8", errors="replace")}
        return parsed if isinstance(parsed, dict) else None


class BotDelivery:
    """Delivers signed requests to the bot's request URL."""

    def __init__(
        self,
        identity: Identity,
        *,
        signing_secret: str,
        request_url: str | None = None,
        ack_timeout: float = ACK_TIMEOUT_SECONDS,
        retry_delays: tuple[float, ...] = EVENT_RETRY_DELAYS,
    ) -> None:
        self.identity = identity
        self.signing_secret = signing_secret
        self.request_url = request_url
        self.ack_timeout = ack_timeout
        self.retry_delays = retry_delays
        self._session: aiohttp.ClientSession | None = None
        self._events: asyncio.Queue[tuple[dict[str, Any], int]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._retries: set[asyncio.Task[None]] = set()
        self._event_counter = 0

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._worker = asyncio.create_task(self._deliver_events())

    async def close(self) -> None:
        """Stops delivering; undelivered events are dropped. Safe to call twice."""
        tasks = [task for task in [self._worker, *self._retries] if task is not None]
        self._worker = None
        self._retries.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def wait_for_events(self) -> None:
        """Returns once every queued event has been delivered (or has failed once)."""
        await self._events.join()

    # what Slack sends -------------------------------------------------------------------

    async def send_slash_command(self, fields: dict[str, str]) -> DeliveryResult:
        """A slash command invocation, form-encoded like Slack's."""
        body = urlencode(fields).encode()
        return await self._post(body, "application/x-www-form-urlencoded")

    async def send_interaction(self, payload: dict[str, Any]) -> DeliveryResult:
        """An interaction payload (block_actions, view_submission, view_closed)."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self._post(body, "application/x-www-form-urlencoded")

    def send_event(self, event: dict[str, Any]) -> str:
        """Queues an Events API callback; returns its event_id. Delivered in order."""
        envelope = self.event_envelope(event)
        self._events.put_nowait((envelope, 0))
        return str(envelope["event_id"])

    def event_envelope(self, event: dict[str, Any]) -> dict[str, Any]:
        self._event_counter += 1
        return event_envelope(self.identity, event, event_id=f"Ev0S{self._event_counter:08d}")

    # transport --------------------------------------------------------------------------

    async def _post(
        self, body: bytes, content_type: str, extra_headers: dict[str, str] | None = None
    ) -> DeliveryResult:
        if self._session is None or self.request_url is None:
            return DeliveryResult(None, b"", "", error="dispatch_failed")
        headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            **signed_headers(body, self.signing_secret),
            **(extra_headers or {}),
        }
        try:
            async with self._session.post(
                self.request_url,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.ack_timeout),
            ) as response:
                content = await response.read()
                result = DeliveryResult(
                    response.status, content, response.headers.get("Content-Type", "")
                )
        except TimeoutError:
            return DeliveryResult(None, b"", "", error="operation_timeout")
        except aiohttp.ClientError as exc:
            logger.warning("could not reach the bot at %s: %s", self.request_url, exc)
            return DeliveryResult(None, b"", "", error="dispatch_failed")
        if not 200 <= response.status < 300:
            return DeliveryResult(
                result.status, result.body, result.content_type, error="dispatch_failed"
            )
        return result

    async def _deliver_events(self) -> None:
        while True:
            envelope, attempt = await self._events.get()
            try:
                await self._deliver_event(envelope, attempt)
            finally:
                self._events.task_done()

    async def _deliver_event(self, envelope: dict[str, Any], attempt: int) -> None:
        headers: dict[str, str] = {}
        if attempt:
            headers["X-Slack-Retry-Num"] = str(attempt)
            headers["X-Slack-Retry-Reason"] = str(envelope.get("_retry_reason", "http_error"))
        body = json.dumps({k: v for k, v in envelope.items() if not k.startswith("_")}).encode()
        result = await self._post(body, "application/json", headers)
        if result.ok:
            return
        if attempt >= len(self.retry_delays):
            logger.warning(
                "event %s not acknowledged after %d retries: %s",
                envelope["event_id"],
                attempt,
                result.error,
            )
            return
        reason = (
            "http_timeout"
            if result.error == "operation_timeout"
            else ("http_error" if result.status is not None else "connection_failed")
        )
        retry = {**envelope, "_retry_reason": reason}
        task = asyncio.create_task(self._retry_later(retry, attempt + 1))
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def _retry_later(self, envelope: dict[str, Any], attempt: int) -> None:
        await asyncio.sleep(self.retry_delays[attempt - 1])
        self._events.put_nowait((envelope, attempt))
