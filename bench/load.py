"""Slack's requests, signed like Slack signs them, sent open-loop at a set rate.

Open-loop means request *i* leaves at ``start + i / rate`` whether or not earlier requests
have been answered, the way Slack delivers: a slow bot does not slow the traffic down, it
builds a queue, and the latencies show it. Every run is bounded by a count and a time.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

from handlers.blocks import ids
from sandbox.signing import signed_headers
from sandbox.slack_double import APP_ID, TEAM_ID, event_envelope

SLACK_ACK_DEADLINE = 3.0
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

_ids = itertools.count(1)


@dataclass(frozen=True)
class SlackRequest:
    """One request as Slack sends it to the app's Request URL (unsigned until sent)."""

    body: str
    content_type: str


class SlackRequests:
    """Builders for the payloads the benchmark sends, in Slack's real shapes."""

    def __init__(self, *, response_url: str) -> None:
        self.response_url = response_url
        # Slack message ts values are unique per channel; these are unique per run.
        self._ts_base = int(time.time())

    def next_ts(self) -> str:
        return f"{self._ts_base}.{next(_ids):06d}"

    def slash_command(self, *, user: str, text: str = "medium") -> SlackRequest:
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "bench",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/start-interview",
            "text": text,
            "api_app_id": APP_ID,
            "response_url": f"{self.response_url}-{next(_ids)}",
            "trigger_id": f"trig.{next(_ids)}",
        }
        return SlackRequest(urlencode(form), FORM)

    def _block_actions(self, *, user: str, action: dict[str, Any], state: dict[str, Any]) -> str:
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": "legacy",
            "container": {
                "type": "message",
                "message_ts": self.next_ts(),
                "channel_id": "C0GENERAL",
                "is_ephemeral": True,
            },
            "trigger_id": f"trig.{next(_ids)}",
            "team": {"id": TEAM_ID, "domain": "bench"},
            "channel": {"id": "C0GENERAL", "name": "general"},
            "state": {"values": state},
            "response_url": f"{self.response_url}-{next(_ids)}",
            "actions": [action],
        }
        return urlencode({"payload": json.dumps(payload)})

    def start_click(self, *, user: str, difficulty: str = "medium") -> SlackRequest:
        """The start card's Start Interview button, with the card's difficulty select state."""
        action = {
            "action_id": ids.START_INTERVIEW,
            "block_id": "start",
            "type": "button",
            "value": json.dumps({"difficulty": difficulty, "topic": None}),
            "action_ts": f"{time.time():.6f}",
        }
        state = {
            ids.DIFFICULTY_BLOCK: {
                ids.SELECT_DIFFICULTY: {
                    "type": "static_select",
                    "selected_option": {"value": difficulty},
                }
            }
        }
        return SlackRequest(self._block_actions(user=user, action=action, state=state), FORM)

    def difficulty_select(self, *, user: str, difficulty: str = "hard") -> SlackRequest:
        """Choosing a difficulty on the start card: Slack sends block_actions, the app acks."""
        option = {"text": {"type": "plain_text", "text": difficulty.title()}, "value": difficulty}
        action = {
            "action_id": ids.SELECT_DIFFICULTY,
            "block_id": ids.DIFFICULTY_BLOCK,
            "type": "static_select",
            "selected_option": option,
            "action_ts": f"{time.time():.6f}",
        }
        return SlackRequest(self._block_actions(user=user, action=action, state={}), FORM)

    def direct_message(
        self, *, user: str, channel: str, text: str, thread_ts: str | None
    ) -> SlackRequest:
        """A `message.im` event: the candidate writing in the DM (in a thread when given)."""
        ts = self.next_ts()
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "team": TEAM_ID,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return SlackRequest(json.dumps(self._envelope(event)), JSON)

    def home_opened(self, *, user: str) -> SlackRequest:
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": "D" + user[1:],
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        return SlackRequest(json.dumps(self._envelope(event)), JSON)

    def _envelope(self, event: dict[str, Any]) -> dict[str, Any]:
        return event_envelope(event, event_id=f"Ev{next(_ids):010d}")


@dataclass
class Sent:
    """What happened to one request: when it left, how long the ack took, its status."""

    started: float
    latency: float | None
    status: int | None
    error: str | None = None


class Sender:
    """Posts signed requests to one app's Request URL over a pool of keep-alive connections."""

    def __init__(self, url: str, *, secret: str, timeout: float = 10.0) -> None:
        self.url = url
        self.secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Sender:
        self._http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=2000, force_close=False),
            timeout=self._timeout,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.close()

    async def send(self, request: SlackRequest) -> Sent:
        """Sign now (Slack signs at delivery) and post; the latency is until the full answer."""
        assert self._http is not None
        headers = {
            "Content-Type": request.content_type,
            **signed_headers(request.body, self.secret),
        }
        data = request.body.encode()
        started = time.monotonic()
        try:
            async with self._http.post(self.url, data=data, headers=headers) as response:
                await response.read()
                return Sent(started, time.monotonic() - started, response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Sent(started, None, None, type(exc).__name__)


async def open_loop(
    sender: Sender,
    requests: Sequence[SlackRequest] | Callable[[int], SlackRequest],
    *,
    rate: float,
    count: int,
    max_seconds: float,
) -> list[Sent]:
    """Send `count` requests at `rate` per second (or fewer if `max_seconds` runs out)."""
    interval = 1.0 / rate
    tasks: list[asyncio.Task[Sent]] = []
    start = time.monotonic()
    for index in range(count):
        due = start + index * interval
        if due - start > max_seconds:
            break
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        request = requests(index) if callable(requests) else requests[index]
        tasks.append(asyncio.create_task(sender.send(request)))
    return list(await asyncio.gather(*tasks))


@dataclass
class Percentiles:
    """p50/p95/p99 of a list of seconds, reported in milliseconds."""

    count: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, seconds: Sequence[float], **extra: Any) -> Percentiles:
        if not seconds:
            return cls(0, None, None, None, None, dict(extra))
        ordered = sorted(seconds)
        return cls(
            count=len(ordered),
            p50_ms=round(percentile(ordered, 50) * 1000, 2),
            p95_ms=round(percentile(ordered, 95) * 1000, 2),
            p99_ms=round(percentile(ordered, 99) * 1000, 2),
            max_ms=round(ordered[-1] * 1000, 2),
            extra=dict(extra),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
            **self.extra,
        }


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of sorted values (no interpolation: a real sample)."""
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(sent: Sequence[Sent], *, offered_rate: float) -> Percentiles:
    """Ack latency percentiles of a run; failures and non-200 answers are counted apart."""
    ok = [s.latency for s in sent if s.status == 200 and s.latency is not None]
    failed = sum(1 for s in sent if s.status != 200)
    # Slack gives up on an ack after 3 s and retries the delivery.
    late = sum(1 for s in ok if s > SLACK_ACK_DEADLINE)
    span = (max(s.started for s in sent) - min(s.started for s in sent)) if sent else 0.0
    achieved = (len(sent) - 1) / span if span > 0 else 0.0
    return Percentiles.of(
        ok,
        failed=failed,
        over_3s=late,
        offered_rate=offered_rate,
        achieved_rate=round(achieved, 1),
    )
