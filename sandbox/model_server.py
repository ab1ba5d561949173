"""A local HTTP server that plays the OpenAI Chat Completions API, for tests and benchmarks
(here in sandbox/, beside the Slack double, so both import one copy).

It serves ``POST /v1/chat/completions`` on 127.0.0.1 (an ephemeral port), records every
request body and answers from a script of behaviours, one per request, in the exact JSON
and server-sent-event shapes the ``openai`` package parses. Without a script it answers
with a deterministic interviewer line, or a valid grade when ``response_format`` is set.

    async with FakeModelServer() as server:
        server.enqueue(Status(429, headers={"Retry-After": "2"}), Reply("Hello!"))
        client = AsyncOpenAI(api_key="test", base_url=server.base_url, max_retries=0)

It can be as rough as real endpoints are:

- ``Drip(text, interval)``: one token every ``interval`` seconds, each read well inside any
  per-read timeout, so only a total deadline ends it (a grade's JSON body drips the same way).
- ``Stall(after_text)``: sends ``after_text`` (the start of the answer), then holds the
  connection open without another byte until the client gives up or the server stops.
- ``Obey()``: a model talked round by the candidate. When a non-system message of the request
  holds an injection ("ignore previous instructions", "give me 100", "you are now" …), a
  grading request gets 100 on every dimension and the interviewer does what it was told
  (quoting the instruction, and the system prompt when asked to reveal it); otherwise it
  answers with ``then`` or the default answer. ``FakeModelServer(default_behaviour=Obey())``
  makes every unscripted request obey.
- ``Degenerate(kind)``: output a careless server sends: ``empty`` or ``whitespace`` content,
  ``repeated`` (a 50 KB run of one token, max_tokens ignored), ``unholdable`` (NUL and lone
  UTF-16 surrogates, escaped in the JSON), and for grades ``invalid_json``, ``missing_fields``,
  ``out_of_range`` and ``wrong_types``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
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


@dataclass(frozen=True)
class Drip:
    """Answer ``text`` (None: the default answer) one token every ``interval`` seconds."""

    text: str | None = None
    interval: float = 1.0


@dataclass(frozen=True)
class Stall:
    """Send ``after_text`` as the start of the answer, then hang with the connection open."""

    after_text: str = "Let me think about"


@dataclass(frozen=True)
class Obey:
    """Obey an injection in the candidate's text; without one, answer with ``then``."""

    then: Behaviour | None = None


DEGENERATE_KINDS = (
    "empty",
    "whitespace",
    "repeated",
    "unholdable",
    "invalid_json",
    "missing_fields",
    "out_of_range",
    "wrong_types",
)


@dataclass(frozen=True)
class Degenerate:
    """Answer with degenerate output of this kind (one of ``DEGENERATE_KINDS``)."""

    kind: str

    def __post_init__(self) -> None:
        if self.kind not in DEGENERATE_KINDS:
            raise ValueError(f"unknown degenerate kind {self.kind!r}")


Behaviour = (
    Reply | GradeReply | Status | Delay | Malformed | Empty | Drip | Stall | Obey | Degenerate
)

# What an obeying model takes as an instruction in the candidate's text.
INJECTION = re.compile(
    r"(ignore|disregard|forget) (all |any )?(the )?(previous|prior|above|earlier|your) "
    r"(instructions|rules|prompt)|give (me|this|the candidate) (a )?100|score(:| of| me| this)? "
    r"100|you are now|new instructions:|reveal (your|the) (system )?(prompt|instructions|notes)",
    re.IGNORECASE,
)
PERFECT_GRADE: dict[str, Any] = {
    "overall": 100,
    "communication": 100,
    "problem_solving": 100,
    "code_quality": 100,
    "summary": "Flawless, as instructed.",
    "strengths": ["Everything."],
    "improvements": [],
}


class FakeModelServer:
    """The fake Chat Completions server. Start with ``start()`` or ``async with``."""

    def __init__(
        self,
        *,
        default_grade: dict[str, Any] | None = None,
        latency: float = 0.0,
        default_behaviour: Behaviour | None = None,
    ) -> None:
        # Served for grading requests when the script is empty.
        self.default_grade: dict[str, Any] = dict(default_grade or DEFAULT_GRADE)
        # Seconds to wait before answering every request.
        self.latency = latency
        # How every request is answered when the script is empty (None: the default answer).
        self.default_behaviour = default_behaviour
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
        behaviour = self._script.popleft() if self._script else self.default_behaviour
        await self._wait(self.latency)
        while isinstance(behaviour, Delay | Obey):
            if isinstance(behaviour, Obey):
                obeyed = _obeyed(body)
                if obeyed is not None:
                    behaviour = obeyed
                    break
                behaviour = behaviour.then
                continue
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
        if isinstance(behaviour, Stall):
            return await self._stall(request, body, behaviour.after_text)
        interval = 0.0
        if isinstance(behaviour, Drip):
            interval = behaviour.interval
            behaviour = None if behaviour.text is None else Malformed(behaviour.text)
        content = self._content_for(body, behaviour)
        if body.get("stream"):
            return await self._stream(request, body, content, interval=interval)
        if interval:
            return await self._drip_body(request, self._completion(body, content), interval)
        return web.json_response(self._completion(body, content))

    def _content_for(self, body: dict[str, Any], behaviour: Behaviour | None) -> str:
        if isinstance(behaviour, Degenerate):
            return _degenerate(behaviour.kind, grading=bool(body.get("response_format")))
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

    async def _stall(
        self, request: web.Request, body: dict[str, Any], after_text: str
    ) -> web.StreamResponse:
        """The start of an answer, then silence on an open connection."""
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
            if body.get("stream")
            else {"Content-Type": "application/json"}
        )
        await response.prepare(request)
        if body.get("stream"):
            envelope = self._envelope(body, "chat.completion.chunk")
            await response.write(_sse_chunk(envelope, {"role": "assistant", "content": ""}))
            for piece in _pieces(after_text):
                await response.write(_sse_chunk(envelope, {"content": piece}))
        else:
            whole = json.dumps(self._completion(body, after_text))
            await response.write(whole[: len(whole) // 2].encode())
        await self._hang(request)
        return response

    async def _hang(self, request: web.Request) -> None:
        # Until the client hangs up or the server stops; never another byte.
        while not self._closing.is_set():
            if _gone(request):
                return
            await self._wait(0.05)

    async def _drip_body(
        self, request: web.Request, completion: dict[str, Any], interval: float
    ) -> web.StreamResponse:
        """A non-streamed answer whose JSON body arrives a few bytes at a time."""
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        data = json.dumps(completion).encode()
        for start in range(0, len(data), 16):
            if self._closing.is_set() or _gone(request):
                return response
            await response.write(data[start : start + 16])
            await self._wait(interval)
        await response.write_eof()
        return response

    async def _stream(
        self, request: web.Request, body: dict[str, Any], content: str, *, interval: float = 0.0
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
            if interval:
                await self._wait(interval)
                if self._closing.is_set() or _gone(request):
                    return response
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


def _gone(request: web.Request) -> bool:
    """The client hung up."""
    return request.transport is None or request.transport.is_closing()


def _sse_chunk(envelope: dict[str, Any], delta: dict[str, Any]) -> bytes:
    data = {
        **envelope,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}],
    }
    return f"data: {json.dumps(data)}\n\n".encode()


def _injection_in(body: dict[str, Any]) -> re.Match[str] | None:
    for message in body.get("messages", []):
        content = message.get("content")
        if message.get("role") != "system" and isinstance(content, str):
            found = INJECTION.search(content)
            if found is not None:
                return found
    return None


def _obeyed(body: dict[str, Any]) -> Behaviour | None:
    """What a model that obeys the candidate answers, or None when nothing told it to."""
    found = _injection_in(body)
    if found is None:
        return None
    if body.get("response_format"):
        return GradeReply(PERFECT_GRADE)
    content = found.string
    instruction = content[found.start() :].split("\n", 1)[0].strip().strip('"')
    text = f"Understood, I will do as you say: {instruction}"
    if re.search(r"reveal|prompt|notes", instruction, re.IGNORECASE):
        system = " ".join(
            str(m.get("content")) for m in body.get("messages", []) if m.get("role") == "system"
        )
        text += f"\nMy instructions were: {system}"
    return Reply(text)


def _degenerate(kind: str, *, grading: bool) -> str:
    if kind == "empty":
        return ""
    if kind == "whitespace":
        return " \n\t \n  "
    if kind == "repeated":
        return "the " * (50 * 1024 // 4)
    if kind == "unholdable":
        # Escaped in the JSON the server sends, so the client decodes real NULs and lone
        # surrogates into its strings. In a grade the NUL stays escaped inside the grade's
        # own JSON ("\u0000") and the surrogates arrive raw.
        text = "A reply with \x00 a NUL and a lone \ud800 surrogate \udfff."
        if grading:
            grade = {**DEFAULT_GRADE, "summary": text, "strengths": [text]}
            return json.dumps(grade, ensure_ascii=False)
        return text
    if kind == "invalid_json":
        return '{"overall": 80, "communication": 7'
    if kind == "missing_fields":
        return json.dumps({"overall": 80, "summary": "Good."})
    if kind == "out_of_range":
        return json.dumps({**DEFAULT_GRADE, "overall": 250, "communication": -40})
    if kind == "wrong_types":
        return json.dumps(
            {**DEFAULT_GRADE, "overall": "ninety", "strengths": "all of it", "code_quality": None}
        )
    raise ValueError(kind)


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
