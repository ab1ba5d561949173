"""The benchmark's requests to the bot, built and signed by sandbox.bot_requests (plus the
clicks on the bot's own buttons), sent open-loop at a set rate.

Open-loop means request *i* leaves at ``start + i / rate`` whether or not earlier requests
have been answered, the way Slack delivers: a slow bot does not slow the traffic down, it
builds a queue, and the latencies show it. Every run is bounded by a count and a time.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from handlers.blocks import ids
from sandbox.bot_requests import BotRequest, BotRequests
from sandbox.workspace import JSONDict

SLACK_ACK_DEADLINE = 3.0
# Where the benchmark's commands and clicks happen: a channel, not the DM.
CHANNEL = "C0GENERAL"


def slash_command(requests: BotRequests, *, user: str, text: str = "medium") -> BotRequest:
    """/start-interview typed in a channel."""
    return requests.slash_command(user=user, text=text, channel=CHANNEL, channel_name="general")


def _click(requests: BotRequests, *, user: str, action: JSONDict, state: JSONDict) -> BotRequest:
    container = {
        "type": "message",
        "message_ts": requests.next_ts(),
        "channel_id": CHANNEL,
        "is_ephemeral": True,
    }
    return requests.block_actions(
        action,
        user=user,
        container=container,
        state=state,
        channel={"id": CHANNEL, "name": "general"},
    )


def start_click(requests: BotRequests, *, user: str, difficulty: str = "medium") -> BotRequest:
    """The start card's Start Interview button, with the card's difficulty select state."""
    value = json.dumps({"difficulty": difficulty, "topic": None})
    action = requests.button(ids.START_INTERVIEW, value=value, block_id="start")
    state = {
        ids.DIFFICULTY_BLOCK: {
            ids.SELECT_DIFFICULTY: {
                "type": "static_select",
                "selected_option": {"value": difficulty},
            }
        }
    }
    return _click(requests, user=user, action=action, state=state)


def difficulty_select(requests: BotRequests, *, user: str, difficulty: str = "hard") -> BotRequest:
    """Choosing a difficulty on the start card: Slack sends block_actions, the app acks."""
    option = {"text": {"type": "plain_text", "text": difficulty.title()}, "value": difficulty}
    action = requests.selection(ids.SELECT_DIFFICULTY, option, block_id=ids.DIFFICULTY_BLOCK)
    return _click(requests, user=user, action=action, state={})


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

    async def send(self, request: BotRequest) -> Sent:
        """Sign now (Slack signs at delivery) and post; the latency is until the full answer."""
        assert self._http is not None
        headers = request.headers(self.secret)
        started = time.monotonic()
        try:
            async with self._http.post(self.url, data=request.body, headers=headers) as response:
                await response.read()
                return Sent(started, time.monotonic() - started, response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Sent(started, None, None, type(exc).__name__)


async def open_loop(
    sender: Sender,
    requests: Sequence[BotRequest] | Callable[[int], BotRequest],
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
