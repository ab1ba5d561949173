"""The model-backed interviewer: any OpenAI-compatible Chat Completions endpoint.

This class owns retries (the app builds ``AsyncOpenAI(max_retries=0, timeout=...)``) so the
candidate can be told when the interviewer is retrying. Transient failures (timeouts,
connection errors, 429, 5xx, an empty reply) are retried with exponential backoff, or
after the server's ``Retry-After``; other 4xx are not. The client's timeout bounds each read,
so a model that sends a token every few seconds would never trip it: each attempt also has a
total deadline (``reply_deadline``, ``grade_deadline``), and one that passes it is a timeout.
When the model still fails, ``opening``/``reply`` raise ``InterviewerUnavailable`` and
``grade`` falls back to the heuristic rubric, so an interview is never lost.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import openai
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from bot.interview.domain import (
    Grade,
    InterviewerReply,
    InterviewerUnavailable,
    RetryNotice,
    TurnContext,
)
from bot.interview.grading import (
    GRADE_JSON_SCHEMA,
    GradeParseError,
    apply_evidence_caps,
    heuristic_grade,
    parse_grade,
)
from bot.interview.phases import next_phase
from bot.interview.prompts import build_grading_messages, build_interviewer_messages
from bot.text import clean_text

logger = logging.getLogger(__name__)

T = TypeVar("T")

FALLBACK_GRADER = "fallback"
# A reply is cut here (max_tokens asks for about a third of it): every later turn sends the
# whole transcript back to the model, so one runaway answer must not grow them all.
MAX_REPLY_CHARS = 6000
GRADE_RESPONSE_FORMAT: ResponseFormatJSONSchema = {
    "type": "json_schema",
    "json_schema": {"name": "interview_grade", "strict": True, "schema": GRADE_JSON_SCHEMA},
}


class EmptyReplyError(Exception):
    """The model answered with no text; retried like a transient failure."""


class MalformedGradeError(Exception):
    """The model's grade did not parse; retried once."""


class DeadlineExceeded(Exception):
    """One attempt took longer than its total deadline (a dripping or stalled answer)."""


def retry_after_seconds(
    error: openai.APIStatusError, *, now: datetime | None = None
) -> float | None:
    """Seconds the server asked to wait before retrying, or ``None``.

    Reads ``retry-after-ms``, then ``retry-after`` as seconds or as an HTTP date.
    """
    headers = error.response.headers
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            delay = float(milliseconds) / 1000
        except ValueError:
            delay = math.nan
        if math.isfinite(delay) and delay >= 0:
            return delay
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        delay = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        delay = (when - (now or datetime.now(UTC))).total_seconds()
        return max(0.0, delay)
    return delay if math.isfinite(delay) and delay >= 0 else None


def _is_transient(error: openai.OpenAIError | EmptyReplyError | DeadlineExceeded) -> bool:
    if isinstance(error, openai.APIConnectionError | EmptyReplyError | DeadlineExceeded):
        return True  # includes APITimeoutError
    if isinstance(error, openai.APIStatusError):
        return error.status_code == 429 or error.status_code >= 500
    # An error event inside a stream is the server failing mid-answer.
    return type(error) is openai.APIError


def _as_message_params(messages: list[dict[str, str]]) -> list[ChatCompletionMessageParam]:
    params: list[ChatCompletionMessageParam] = []
    for message in messages:
        role, content = message["role"], message["content"]
        if role == "system":
            params.append({"role": "system", "content": content})
        elif role == "assistant":
            params.append({"role": "assistant", "content": content})
        else:
            params.append({"role": "user", "content": content})
    return params


def model_client(*, api_key: str, base_url: str | None, timeout: float) -> openai.AsyncOpenAI:
    """The SDK's client on its aiohttp transport (we already run aiohttp): per streamed reply
    it takes about a third less event-loop CPU than the default httpx transport (bench/).
    No SDK retries: ours tell the candidate what is going on."""
    return openai.AsyncOpenAI(
        api_key=api_key,
        base_url=base_url,
        max_retries=0,
        timeout=timeout,
        http_client=openai.DefaultAioHttpClient(),
    )


class ModelInterviewer:
    """Interviewer backed by a Chat Completions model, with bounded retries.

    ``max_attempts`` bounds the requests per turn for transient failures; the wait before
    retry ``n`` is ``base_backoff * 2 ** (n - 1)``, or the server's ``Retry-After``, and
    never more than ``max_backoff``. ``reply_deadline`` and ``grade_deadline`` bound one
    attempt from request to last byte. ``sleep`` is injectable so tests do not wait.
    """

    offline = False

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        model: str,
        *,
        max_attempts: int = 3,
        base_backoff: float = 0.5,
        max_backoff: float = 8.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        temperature: float = 0.4,
        max_tokens: int = 600,
        grade_max_tokens: int = 900,
        reply_deadline: float = 90.0,
        grade_deadline: float = 120.0,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if reply_deadline <= 0 or grade_deadline <= 0:
            raise ValueError("deadlines must be positive")
        self._client = client
        self._model = model
        self._max_attempts = max_attempts
        self._base_backoff = base_backoff
        self._max_backoff = max_backoff
        self._sleep = sleep
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._grade_max_tokens = grade_max_tokens
        self._reply_deadline = reply_deadline
        self._grade_deadline = grade_deadline

    async def opening(
        self, ctx: TurnContext, *, on_retry: RetryNotice | None = None
    ) -> InterviewerReply:
        """The interviewer's first message in the thread."""
        messages = _as_message_params(build_interviewer_messages(ctx, opening=True))
        text = await self._with_retries(
            lambda: self._stream_text(messages), on_retry, deadline=self._reply_deadline
        )
        return InterviewerReply(text=text, phase=next_phase(ctx))

    async def reply(
        self, ctx: TurnContext, *, on_retry: RetryNotice | None = None
    ) -> InterviewerReply:
        """The interviewer's answer to the candidate's pending messages."""
        messages = _as_message_params(build_interviewer_messages(ctx, opening=False))
        text = await self._with_retries(
            lambda: self._stream_text(messages), on_retry, deadline=self._reply_deadline
        )
        return InterviewerReply(text=text, phase=next_phase(ctx))

    async def aclose(self) -> None:
        await self._client.close()

    async def grade(self, ctx: TurnContext, *, on_retry: RetryNotice | None = None) -> Grade:
        """Grade with the model (structured output), capped by evidence.

        Malformed output is retried once; if it is still malformed, or the model is
        unavailable, the heuristic rubric grades instead (``graded_by="fallback"``).
        """
        messages = _as_message_params(build_grading_messages(ctx))
        try:
            grade = await self._with_retries(
                lambda: self._request_grade(messages),
                on_retry,
                deadline=self._grade_deadline,
                malformed_retries=1,
            )
        except (InterviewerUnavailable, MalformedGradeError) as err:
            logger.warning("model grading failed, using the heuristic rubric: %s", err)
            return heuristic_grade(ctx, graded_by=FALLBACK_GRADER)
        return apply_evidence_caps(grade, ctx)

    async def _stream_text(self, messages: list[ChatCompletionMessageParam]) -> str:
        # The same request `chat.completions.create(stream=True)` sends, through the client's
        # documented `post`: `create` first walks every message against the SDK's TypedDict
        # unions to rename aliased keys (our plain role/content dicts have none), which costs
        # ~0.25 ms of event-loop CPU per message and grows with the transcript. The chunks
        # are read as the JSON the SDK decoded (`cast_to=object`) rather than built into
        # `ChatCompletionChunk` models: only the delta text is used, and building a model
        # per streamed word was most of the client's CPU per turn.
        body = {
            "model": self._model,
            "messages": messages,
            "stream": True,
            "temperature": self._temperature,
            "max_tokens": self._max_tokens,
        }
        stream = await self._client.post(
            "/chat/completions",
            body=body,
            cast_to=object,
            stream=True,
            stream_cls=openai.AsyncStream[object],
        )
        parts: list[str] = []
        size = 0
        async with stream:
            async for chunk in stream:
                for piece in _delta_texts(chunk):
                    parts.append(piece)
                    size += len(piece)
                if size > MAX_REPLY_CHARS:
                    break  # a server ignoring max_tokens: the rest is not waited for
        # What no store can hold (a NUL, a lone surrogate escaped in the JSON) never reaches one.
        text = clean_text("".join(parts)).strip()
        if len(text) > MAX_REPLY_CHARS:
            text = text[: MAX_REPLY_CHARS - 1].rstrip() + "…"
        if not text:
            raise EmptyReplyError("the model sent an empty reply")
        return text

    async def _request_grade(self, messages: list[ChatCompletionMessageParam]) -> Grade:
        completion = await self._client.chat.completions.create(
            model=self._model,
            messages=messages,
            temperature=0,
            max_tokens=self._grade_max_tokens,
            response_format=GRADE_RESPONSE_FORMAT,
        )
        content = completion.choices[0].message.content if completion.choices else None
        try:
            grade = parse_grade(clean_text(content or ""))
        except GradeParseError as err:
            raise MalformedGradeError(str(err)) from err
        # The grade's JSON may still escape what no store can hold (e.g. "\u0000").
        return dataclasses.replace(
            grade,
            summary=clean_text(grade.summary),
            strengths=tuple(clean_text(s) for s in grade.strengths),
            improvements=tuple(clean_text(s) for s in grade.improvements),
        )

    def _backoff(
        self, attempt: int, error: openai.OpenAIError | EmptyReplyError | DeadlineExceeded
    ) -> float:
        if isinstance(error, openai.APIStatusError):
            requested = retry_after_seconds(error)
            if requested is not None:
                return min(requested, self._max_backoff)
        return float(min(self._max_backoff, self._base_backoff * 2 ** (attempt - 1)))

    async def _notify(self, on_retry: RetryNotice | None, attempt: int) -> None:
        if on_retry is None:
            return
        try:
            await on_retry(attempt)
        except Exception:
            # Telling the candidate is best effort; the retry itself matters more.
            logger.exception("retry notice failed")

    async def _with_retries(
        self,
        request: Callable[[], Awaitable[T]],
        on_retry: RetryNotice | None,
        *,
        deadline: float,
        malformed_retries: int = 0,
    ) -> T:
        """Run ``request`` until it succeeds, retrying transient failures; an attempt that
        runs past ``deadline`` seconds is cancelled and counts as a timeout.

        ``on_retry(n)`` is awaited before each retry, ``n`` being the number of the attempt
        that just failed (1 before the first retry).
        """
        attempt = 0
        transient_failures = 0
        malformed_failures = 0
        while True:
            attempt += 1
            try:
                try:
                    async with asyncio.timeout(deadline):
                        return await request()
                except TimeoutError as err:
                    # Ours only: the SDK's own timeouts arrive as APITimeoutError.
                    raise DeadlineExceeded(
                        f"no complete answer within {deadline:g}s (attempt {attempt})"
                    ) from err
            except MalformedGradeError:
                malformed_failures += 1
                if malformed_failures > malformed_retries:
                    raise
                logger.warning("malformed model output, retrying (attempt %d)", attempt)
                await self._notify(on_retry, attempt)
                continue
            except (openai.OpenAIError, EmptyReplyError, DeadlineExceeded) as err:
                if not _is_transient(err):
                    raise InterviewerUnavailable(f"model request refused: {err}") from err
                transient_failures += 1
                if transient_failures >= self._max_attempts:
                    raise InterviewerUnavailable(
                        f"model unavailable after {transient_failures} attempts: {err}"
                    ) from err
                delay = self._backoff(transient_failures, err)
                logger.warning(
                    "model request failed (%s), retrying in %.2fs", type(err).__name__, delay
                )
                await self._notify(on_retry, attempt)
                await self._sleep(delay)


def _delta_texts(chunk: object) -> list[str]:
    """The content pieces of one streamed chunk (its JSON); anything else in it is ignored."""
    if not isinstance(chunk, dict):
        return []
    choices = chunk.get("choices")
    if not isinstance(choices, list):
        return []
    texts: list[str] = []
    for choice in choices:
        delta = choice.get("delta") if isinstance(choice, dict) else None
        content = delta.get("content") if isinstance(delta, dict) else None
        if isinstance(content, str) and content:
            texts.append(content)
    return texts
