"""Slack's requests to the bot, built and signed in one place for the page, tests and the
benchmark.

`BotRequests` builds what Slack sends an app's Request URL, from one workspace
`Identity`: slash commands (form fields), interaction payloads (`payload=`, form-encoded)
and Events API callbacks (JSON in Slack's envelope). A `BotRequest` is signed when it is
sent, as Slack signs at delivery (`headers()`), or handed over Socket Mode unsigned
(`socket_envelope()`). `post()` sends one; `BotSender` is the page's sender: Slack's ack
timeout, the error codes Slack shows, and event retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import logging
import time
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs

import aiohttp

from sandbox.workspace import Identity, JSONDict

logger = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
# Slack gives an app three seconds to acknowledge a request.
ACK_TIMEOUT_SECONDS = 3.0
# Slack retries a failed event nearly at once, after a minute, and after five minutes.
EVENT_RETRY_DELAYS = (1.0, 60.0, 300.0)

# One count for every builder in the process: event ids, trigger ids and response_urls
# never repeat, however many builders talk to one bot.
_serial = itertools.count(1)


# Signing -----------------------------------------------------------------------------------


def slack_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature: HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    body: bytes | str, signing_secret: str, timestamp: int | None = None
) -> dict[str, str]:
    """The two headers Slack signs `body` with, now or at `timestamp`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    raw = body.encode() if isinstance(body, str) else body
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": slack_signature(signing_secret, ts, raw),
    }


# Requests ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BotRequest:
    """One request as Slack sends it to the Request URL; unsigned until sent."""

    body: bytes
    content_type: str
    # A redelivery: (X-Slack-Retry-Num, X-Slack-Retry-Reason).
    retry: tuple[int, str] | None = None

    def retried(self, attempt: int, reason: str = "http_timeout") -> BotRequest:
        """The same body delivered again, as Slack retries an event it saw no ack for."""
        return replace(self, retry=(attempt, reason))

    def headers(self, signing_secret: str, *, timestamp: int | None = None) -> dict[str, str]:
        """Slack's headers for this request, signed now (or at `timestamp`)."""
        headers = {
            "Content-Type": self.content_type,
            "User-Agent": USER_AGENT,
            **signed_headers(self.body, signing_secret, timestamp),
        }
        if self.retry is not None:
            headers["X-Slack-Retry-Num"] = str(self.retry[0])
            headers["X-Slack-Retry-Reason"] = self.retry[1]
        return headers

    @property
    def event_id(self) -> str | None:
        """The envelope's event_id, for an Events API callback."""
        if self.content_type != JSON:
            return None
        event_id = json.loads(self.body).get("event_id")
        return str(event_id) if event_id is not None else None


def event_envelope(identity: Identity, event: JSONDict, *, event_id: str) -> JSONDict:
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


# Slack's JSON has no spaces (fewer bytes to quote and sign per request, too).
_compact = json.JSONEncoder(separators=(",", ":")).encode

# What `urlencode` makes of each UTF-8 byte, looked up in C: the benchmark builds
# thousands of forms a second and `quote_plus` walks them byte by byte in Python.
_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
_FORM_BYTES = [
    chr(b) if b in _UNRESERVED else ("+" if b == 0x20 else f"%{b:02X}") for b in range(256)
]


def form_encode(fields: dict[str, str]) -> bytes:
    """`urlencode(fields).encode()`, byte for byte, in less time."""
    quoted = _FORM_BYTES.__getitem__
    return "&".join(
        "".join(map(quoted, key.encode())) + "=" + "".join(map(quoted, value.encode()))
        for key, value in fields.items()
    ).encode()


class BotRequests:
    """Slack's requests from one workspace, in Slack's own shapes.

    `response_url`, when given, is the base of the numbered response_urls put in slash
    commands and message interactions that do not name their own."""

    def __init__(self, identity: Identity, *, response_url: str | None = None) -> None:
        self.identity = identity
        self.response_url = response_url
        # Slack message ts values are unique per channel; these are unique per builder.
        self._ts_base = int(time.time())

    # The three wire formats ----------------------------------------------------------------

    @staticmethod
    def form(fields: dict[str, str]) -> BotRequest:
        """A form-encoded request, as slash commands arrive."""
        return BotRequest(form_encode(fields), FORM)

    @staticmethod
    def interaction(payload: JSONDict) -> BotRequest:
        """An interaction payload (block_actions, view_submission, view_closed)."""
        return BotRequest(form_encode({"payload": _compact(payload)}), FORM)

    def event(self, event: JSONDict, *, event_id: str | None = None) -> BotRequest:
        """An Events API callback: `event` in Slack's envelope."""
        envelope = event_envelope(self.identity, event, event_id=event_id or self.next_event_id())
        return BotRequest(_compact(envelope).encode(), JSON)

    # Ids Slack makes up --------------------------------------------------------------------

    def next_ts(self) -> str:
        return f"{self._ts_base}.{next(_serial):06d}"

    @staticmethod
    def next_event_id() -> str:
        return f"Ev{next(_serial):010d}"

    @staticmethod
    def next_trigger_id() -> str:
        return f"trig.{next(_serial)}"

    def next_response_url(self) -> str | None:
        return f"{self.response_url}-{next(_serial)}" if self.response_url else None

    # Who sends them ------------------------------------------------------------------------

    def user(self, user_id: str | None = None) -> JSONDict:
        """The `user` of an interaction payload."""
        ident = self.identity
        user_id = user_id or ident.person_id
        name = ident.person_name if user_id == ident.person_id else user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": ident.team_id}

    def dm_of(self, user_id: str | None) -> str:
        """The user's DM with the app: the identity's own, or `D…` for `U…`."""
        if user_id is None or user_id == self.identity.person_id:
            return self.identity.dm_channel_id
        return "D" + user_id[1:]

    # What people do ------------------------------------------------------------------------

    def slash_command(
        self,
        *,
        text: str = "",
        user: str | None = None,
        command: str = "/start-interview",
        channel: str | None = None,
        channel_name: str = "directmessage",
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> BotRequest:
        """A slash command typed by `user` (default: the identity's person) in `channel`."""
        ident = self.identity
        user = user or ident.person_id
        fields = {
            "token": ident.verification_token,
            "team_id": ident.team_id,
            "team_domain": ident.team_domain,
            "channel_id": channel or self.dm_of(user),
            "channel_name": channel_name,
            "user_id": user,
            "user_name": ident.person_name if user == ident.person_id else user.lower(),
            "command": command,
            "text": text,
            "api_app_id": ident.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.next_response_url() or "",
            "trigger_id": trigger_id or self.next_trigger_id(),
        }
        return self.form(fields)

    def payload(self, kind: str, *, user: str | None = None, **fields: Any) -> JSONDict:
        """What every interaction payload carries, plus `fields`."""
        ident = self.identity
        return {
            "type": kind,
            "user": self.user(user),
            "api_app_id": ident.app_id,
            "token": ident.verification_token,
            "team": {"id": ident.team_id, "domain": ident.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            **fields,
        }

    def block_actions(
        self,
        action: JSONDict,
        *,
        user: str | None = None,
        container: JSONDict | None = None,
        state: JSONDict | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
        **fields: Any,
    ) -> BotRequest:
        """A click or a choice, `action`, on a message (default: an ephemeral one in the
        user's DM) with the message's `state.values`; other `fields` (`channel`,
        `message`, `view`...) are added as given."""
        if container is None:
            container = {
                "type": "message",
                "message_ts": self.next_ts(),
                "channel_id": self.dm_of(user),
                "is_ephemeral": True,
            }
        payload = self.payload(
            "block_actions",
            user=user,
            container=container,
            trigger_id=trigger_id or self.next_trigger_id(),
            actions=[action],
            **fields,
        )
        if container.get("type") == "message":
            payload["state"] = {"values": state or {}}
            url = response_url or self.next_response_url()
            if url:
                payload["response_url"] = url
        return self.interaction(payload)

    @staticmethod
    def button(action_id: str, *, value: str | None = None, block_id: str = "b1") -> JSONDict:
        """A button's entry in `actions`."""
        action: JSONDict = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }
        if value is not None:
            action["value"] = value
        return action

    @staticmethod
    def selection(action_id: str, option: JSONDict, *, block_id: str) -> JSONDict:
        """A static select's entry in `actions`, with the option chosen."""
        return {
            "action_id": action_id,
            "block_id": block_id,
            "type": "static_select",
            "selected_option": option,
            "action_ts": f"{time.time():.6f}",
        }

    def message(
        self,
        text: str,
        *,
        user: str | None = None,
        channel: str | None = None,
        ts: str | None = None,
        thread_ts: str | None = None,
        files: list[JSONDict] | None = None,
        event_id: str | None = None,
    ) -> BotRequest:
        """A `message.im` event: `user` writing in their DM (in a thread when given)."""
        user = user or self.identity.person_id
        ts = ts or self.next_ts()
        event: JSONDict = {
            "type": "message",
            "channel": channel or self.dm_of(user),
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "team": self.identity.team_id,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        if files:
            event["subtype"] = "file_share"
            event["files"] = files
        return self.event(event, event_id=event_id)

    def home_opened(
        self, *, user: str | None = None, tab: str = "home", view: JSONDict | None = None
    ) -> BotRequest:
        """`app_home_opened`: `user` opened the app's Home (or Messages) tab."""
        event: JSONDict = {
            "type": "app_home_opened",
            "user": user or self.identity.person_id,
            "channel": self.dm_of(user),
            "tab": tab,
            "event_ts": f"{time.time():.6f}",
        }
        if view is not None:
            event["view"] = view
        return self.event(event)


# Socket Mode ---------------------------------------------------------------------------------


def socket_envelope(request: BotRequest, *, envelope_id: str) -> JSONDict:
    """`request` as Socket Mode delivers it: its payload in an envelope over the WebSocket
    (a redelivered event says which attempt it is)."""
    if request.content_type == JSON:
        attempt, reason = request.retry or (0, "")
        return {
            "envelope_id": envelope_id,
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": attempt,
            "retry_reason": reason,
            "payload": json.loads(request.body),
        }
    fields = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
    if "payload" not in fields:
        return {
            "envelope_id": envelope_id,
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": fields,
        }
    payload = json.loads(fields["payload"])
    return {
        "envelope_id": envelope_id,
        "type": "interactive",
        # Slack takes an answer in the ack only where an HTTP response could carry one.
        "accepts_response_payload": payload.get("type") in ("view_submission", "block_suggestion"),
        "payload": payload,
    }


# Sending -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BotAnswer:
    """How the bot answered one request; `error` is the code Slack would show."""

    status: int | None
    body: bytes
    content_type: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def json_body(self) -> JSONDict | None:
        """The acknowledgement body as JSON, when the bot sent one."""
        if not self.body.strip():
            return None
        try:
            parsed = json.loads(self.body)
        except ValueError:
            # Bolt acks a slash command with plain text when given only `text`.
            return {"text": self.body.decode("utf-8", errors="replace")}
        return parsed if isinstance(parsed, dict) else None


async def post(
    http: aiohttp.ClientSession,
    url: str,
    request: BotRequest,
    *,
    signing_secret: str,
    client_timeout: aiohttp.ClientTimeout | None = None,
) -> BotAnswer:
    """Signs `request` now and posts it; the bot's whole answer. Transport errors raise."""
    async with http.post(
        url,
        data=request.body,
        headers=request.headers(signing_secret),
        timeout=client_timeout or http.timeout,
    ) as response:
        body = await response.read()
        error = None if 200 <= response.status < 300 else "dispatch_failed"
        return BotAnswer(response.status, body, response.headers.get("Content-Type", ""), error)


class BotSender:
    """The page's Slack: sends the bot its requests, retrying events as Slack does."""

    def __init__(
        self,
        *,
        signing_secret: str,
        request_url: str | None = None,
        ack_timeout: float = ACK_TIMEOUT_SECONDS,
        retry_delays: tuple[float, ...] = EVENT_RETRY_DELAYS,
    ) -> None:
        self.signing_secret = signing_secret
        self.request_url = request_url
        self.ack_timeout = ack_timeout
        self.retry_delays = retry_delays
        self._session: aiohttp.ClientSession | None = None
        self._events: asyncio.Queue[BotRequest] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._retries: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._worker = asyncio.create_task(self._deliver_events())

    async def close(self) -> None:
        """Stops sending; events not yet acknowledged are dropped. Safe to call twice."""
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
        """Returns once every queued event has been sent (or has failed once)."""
        await self._events.join()

    async def send(self, request: BotRequest) -> BotAnswer:
        """A command or an interaction, answered within Slack's ack timeout or failed."""
        if self._session is None or self.request_url is None:
            return BotAnswer(None, b"", "", error="dispatch_failed")
        try:
            return await post(
                self._session,
                self.request_url,
                request,
                signing_secret=self.signing_secret,
                client_timeout=aiohttp.ClientTimeout(total=self.ack_timeout),
            )
        except TimeoutError:
            return BotAnswer(None, b"", "", error="operation_timeout")
        except aiohttp.ClientError as exc:
            logger.warning("could not reach the bot at %s: %s", self.request_url, exc)
            return BotAnswer(None, b"", "", error="dispatch_failed")

    def send_event(self, request: BotRequest) -> None:
        """Queues an Events API callback; events are sent in order, retried until acked."""
        self._events.put_nowait(request)

    async def _deliver_events(self) -> None:
        while True:
            request = await self._events.get()
            try:
                await self._deliver_event(request)
            finally:
                self._events.task_done()

    async def _deliver_event(self, request: BotRequest) -> None:
        answer = await self.send(request)
        if answer.ok:
            return
        attempt = request.retry[0] if request.retry else 0
        if attempt >= len(self.retry_delays):
            logger.warning(
                "event %s not acknowledged after %d retries: %s",
                request.event_id,
                attempt,
                answer.error,
            )
            return
        reason = (
            "http_timeout"
            if answer.error == "operation_timeout"
            else ("http_error" if answer.status is not None else "connection_failed")
        )
        task = asyncio.create_task(self._retry_later(request.retried(attempt + 1, reason)))
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def _retry_later(self, request: BotRequest) -> None:
        assert request.retry is not None
        await asyncio.sleep(self.retry_delays[request.retry[0] - 1])
        self._events.put_nowait(request)
