"""A local HTTP server that plays the OpenAI Chat Completions API, for tests and benchmarks.

It serves ``POST /v1/chat/completions`` on 127.0.0.1 (an ephemeral port), records every
request body and answers from a script of behaviours, one per request, in the exact JSON
and server-sent-event shapes the ``openai`` package parses. Without a script it answers
with a deterministic interviewer line, or a valid grade when ``response_format`` is set.

    async with FakeModelServer() as server:
        server.enqueue(Status(429, headers={"Retry-After": "2"}), Reply("Hello!"))
        client = AsyncOpenAI(api_key="test", base_url=server.base_url, max_retries=0)
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import deque
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

DEFAULT_GRADE: dict[str, Any] = {
    "overall": 72,
    "communication": 70,
    "problem_solving": 75,
    "code_quality": 70,
    "summary": "A solid interview with a working solution and a few gaps.",
    "strengths": ["Explained the approach clearly."],
    "improvements": ["Test edge cases before finishing."],
}


@dataclass(frozen=True)
class Reply:
    """Answer with this interviewer text."""

    text: str


@dataclass(frozen=True)
class GradeReply:
    """Answer with this grade, serialised as the message content."""

    grade: dict[str, Any]


@dataclass(frozen=True)
class Status:
    """Answer with an HTTP error status (e.g. 429 with ``Retry-After``, 500)."""

    code: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` before answering (with ``then``, or the default answer)."""

    seconds: float
    then: Behaviour | None = None


@dataclass(frozen=True)
class Malformed:
    """Answer with this content verbatim (e.g. text that is not a valid grade)."""

    text: str


@dataclass(frozen=True)
class Empty:
    """Answer with an empty message."""


Behaviour = Reply | GradeReply | Status | Delay | Malformed | Empty


class FakeModelServer:
    """The fake Chat Completions server. Start with ``start()`` or ``async with``."""

    def __init__(
        self, *, default_grade: dict[str, Any] | None = None, latency: float = 0.0
    ) -> None:
        # Served for grading requests when the script is empty.
        self.default_grade: dict[str, Any] = dict(default_grade or DEFAULT_GRADE)
        # Seconds to wait before answering every request.
        self.latency = latency
        # JSON bodies of every request received, in order.
        self.requests: list[dict[str, Any]] = []
        self._script: deque[Behaviour] = deque()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = asyncio.Event()
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        """The ``base_url`` to give ``AsyncOpenAI``."""
        if self._port is None:
            raise RuntimeError("the fake model server is not started")
        return f"http://127.0.0.1:{self._port}/v1"

    def enqueue(self, *behaviours: Behaviour) -> None:
        """Script the answers to the next requests, one behaviour per request."""
        self._script.extend(behaviours)

    @property
    def pending_behaviours(self) -> int:
        """How many scripted behaviours have not been used yet."""
        return len(self._script)

    async def start(self) -> None:
        """Listen on 127.0.0.1, on a free port."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat_completions)
        self._closing = asyncio.Event()
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening; requests still waiting on a delay are released first."""
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._port = None

    async def __aenter__(self) -> FakeModelServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), seconds)

    async def _chat_completions(self, request: web.Request) -> web.StreamResponse:
        body: dict[str, Any] = await request.json()
        self.requests.append(body)
        behaviour = self._script.popleft() if self._script else None
        await self._wait(self.latency)
        while isinstance(behaviour, Delay):
            await self._wait(behaviour.seconds)
            behaviour = behaviour.then
        if request.transport is None or request.transport.is_closing():
            # The client gave up (e.g. its timeout fired during a Delay): nobody to answer.
            return web.Response(status=499)
        if isinstance(behaviour, Status):
            return web.json_response(
                behaviour.body or _error_body(behaviour.code),
                status=behaviour.code,
                headers=behaviour.headers,
            )
        content = self._content_for(body, behaviour)
        if body.get("stream"):
            return await self._stream(request, body, content)
        return web.json_response(self._completion(body, content))

    def _content_for(self, body: dict[str, Any], behaviour: Behaviour | None) -> str:
        if isinstance(behaviour, Reply):
            return behaviour.text
        if isinstance(behaviour, GradeReply):
            return json.dumps(behaviour.grade)
        if isinstance(behaviour, Malformed):
            return behaviour.text
        if isinstance(behaviour, Empty):
            return ""
        if body.get("response_format"):
            return json.dumps(self.default_grade)
        messages = body.get("messages", [])
        turn = 1 + sum(1 for message in messages if message.get("role") == "assistant")
        return f"Interviewer reply #{turn}: tell me more about your approach."

    def _envelope(self, body: dict[str, Any], kind: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-fake-{next(self._ids)}",
            "object": kind,
            "created": int(time.time()),
            "model": str(body.get("model", "fake-model")),
            "system_fingerprint": "fp_fake",
        }

    def _completion(self, body: dict[str, Any], content: str) -> dict[str, Any]:
        prompt_tokens = _token_estimate(json.dumps(body.get("messages", [])))
        completion_tokens = _token_estimate(content)
        return {
            **self._envelope(body, "chat.completion"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    async def _stream(
        self, request: web.Request, body: dict[str, Any], content: str
    ) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        envelope = self._envelope(body, "chat.completion.chunk")

        def chunk(delta: dict[str, Any], finish_reason: str | None) -> bytes:
            data = {
                **envelope,
                "choices": [
                    {
                        "index": 0,
                        "delta": delta,
                        "logprobs": None,
                        "finish_reason": finish_reason,
                    }
                ],
            }
            return f"data: {json.dumps(data)}\n\n".encode()

        await response.write(chunk({"role": "assistant", "content": ""}, None))
        for piece in _pieces(content):
            await response.write(chunk({"content": piece}, None))
        await response.write(chunk({}, "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            prompt_tokens = _token_estimate(json.dumps(body.get("messages", [])))
            completion_tokens = _token_estimate(content)
            usage = {
                **envelope,
                "choices": [],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            }
            await response.write(f"data: {json.dumps(usage)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _pieces(content: str) -> list[str]:
    # Word-sized deltas, like a real model streams tokens; joined they give back the text.
    words = content.split(" ")
    return [word + (" " if index < len(words) - 1 else "") for index, word in enumerate(words)]


def _token_estimate(text: str) -> int:
    return max(1, len(text) // 4)


def _error_body(status: int) -> dict[str, Any]:
    kinds = {
        400: "invalid_request_error",
        401: "authentication_error",
        404: "not_found_error",
        429: "rate_limit_exceeded",
    }
    return {
        "error": {
            "message": f"fake model server error {status}",
            "type": kinds.get(status, "server_error"),
            "param": None,
            "code": str(status),
        }
    }
