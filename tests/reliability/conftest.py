"""Shared pieces of the reliability tests: a bot with fast retries, interview set-up, counts."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk.http_retry import async_handler, builtin_async_handlers
from sqlalchemy import func, select, update

from bot.execution import CodeRunner
from bot.interview.domain import Interviewer
from bot.interview.llm_interviewer import ModelInterviewer, model_client
from bot.interview.outbox import RunResultPost
from bot.interview.worker import EngineTuning
from handlers.blocks import ids
from sandbox.model_server import FakeModelServer
from sandbox.slack_double import USER_ID, Call, SlackDouble
from storage.db import Database
from storage.models import CodeSubmission, Interview, InterviewSession, Message, SlackEvent
from tests.conftest import BotHarness, start_bot, stop_bot

# Retries and back-off in fractions of a second, so failure paths run quickly.
FAST_TUNING = EngineTuning(
    lease_seconds=30, retry_backoff_seconds=0.05, max_retry_backoff_seconds=0.2
)
MODEL_KEY = "sk-reliability-test-key-0000"


def dm_channel(user: str = USER_ID) -> str:
    return "D" + user[1:]


class RecordedSleeps:
    """Stands in for asyncio.sleep in the model interviewer: records the delay, yields once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def fast_model_interviewer(
    base_url: str, *, timeout: float = 2.0, sleeps: RecordedSleeps | None = None
) -> ModelInterviewer:
    """The real ModelInterviewer against `base_url`, with back-off sleeps recorded, not slept."""
    client = model_client(api_key=MODEL_KEY, base_url=base_url, timeout=timeout)
    return ModelInterviewer(client, "fake-model", sleep=sleeps or RecordedSleeps())


async def launch_bot(
    *,
    slack: SlackDouble,
    database_url: str,
    interviewer: Interviewer | None = None,
    tuning: EngineTuning | None = FAST_TUNING,
    start_jobs: bool = False,
    sweep_interval: float = 0.05,
    time_limit: int = 45,
    code_runner: CodeRunner | None = None,
) -> BotHarness:
    """tests.conftest.start_bot with this suite's fast timers."""
    return await start_bot(
        slack=slack,
        database_url=database_url,
        time_limit=time_limit,
        tuning=tuning,
        start_jobs=start_jobs,
        interviewer=interviewer,
        sweep_interval=sweep_interval,
        code_runner=code_runner,
    )


@pytest.fixture
async def launch() -> AsyncIterator[Callable[..., Any]]:
    """Factory for `launch_bot(...)`; every bot it started is stopped at teardown."""
    started: list[BotHarness] = []

    async def factory(**kwargs: Any) -> BotHarness:
        harness = await launch_bot(**kwargs)
        started.append(harness)
        return harness

    yield factory
    for harness in reversed(started):
        await stop_bot(harness)


async def launch_model_bot(
    launch: Callable[..., Any], slack: SlackDouble, model: FakeModelServer, database_url: str
) -> BotHarness:
    """`launch` a bot whose interviewer is the real ModelInterviewer against `model`."""
    harness: BotHarness = await launch(
        slack=slack,
        database_url=database_url,
        interviewer=fast_model_interviewer(model.base_url),
    )
    return harness


# Interviews ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thread:
    session_id: int
    channel: str
    thread_ts: str


async def click_start(bot: BotHarness, *, user: str = USER_ID, difficulty: str = "easy") -> int:
    reply = await bot.send.action(
        ids.START_INTERVIEW, value=json.dumps({"difficulty": difficulty}), user=user
    )
    return reply.status


async def start_interview(bot: BotHarness, *, user: str = USER_ID) -> Thread:
    """Click Start and wait until the problem message and the opening are in the thread."""
    assert await click_start(bot, user=user) == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        await bot.settle()
        async with bot.runtime.db.sessions() as s:
            row = (
                await s.execute(
                    select(InterviewSession).where(
                        InterviewSession.user_id == user, InterviewSession.status == "active"
                    )
                )
            ).scalar_one_or_none()
        if row is not None and row.thread_ts and row.channel_id:
            thread = Thread(row.id, row.channel_id, row.thread_ts)
            if bot_posts(bot.slack, thread):
                return thread
        await asyncio.sleep(0.02)
    raise AssertionError("the interview thread was not created")


async def say(bot: Any, thread: Thread, text: str) -> None:
    """The candidate writes in the interview thread; Slack gets its ack."""
    reply = await bot.send.dm(text, channel=thread.channel, thread_ts=thread.thread_ts)
    assert reply.status == 200


def texts(slack: SlackDouble, thread: Thread) -> list[str]:
    """The text of the bot's messages in the thread, oldest first."""
    return [str(m.get("text")) for m in bot_posts(slack, thread)]


def bot_posts(slack: SlackDouble, thread: Thread) -> list[dict[str, Any]]:
    """The bot's replies in the thread (as Slack stores them), oldest first."""
    return [
        m
        for m in slack.messages.get(thread.channel, [])
        if m.get("bot_id") and m.get("thread_ts") == thread.thread_ts != m["ts"]
    ]


def marker_of(message: dict[str, Any]) -> str | None:
    payload = (message.get("metadata") or {}).get("event_payload") or {}
    marker = payload.get("marker")
    return str(marker) if marker else None


def posted_markers(slack: SlackDouble) -> Counter[str]:
    """How many times each queued bot message is in Slack (must be 1 each)."""
    return Counter(
        marker
        for channel in slack.messages.values()
        for message in channel
        if (marker := marker_of(message)) is not None
    )


def assert_each_posted_once(slack: SlackDouble) -> None:
    twice = {marker: n for marker, n in posted_markers(slack).items() if n > 1}
    assert not twice, f"posted more than once: {twice}"


# Code runs ---------------------------------------------------------------------------------

SOLUTIONS = Path(__file__).parents[1] / "execution" / "solutions"


async def problem_id(bot: BotHarness, thread: Thread) -> str:
    async with bot.runtime.db.sessions() as s:
        row = await s.get(InterviewSession, thread.session_id)
    assert row is not None
    return row.problem_id


async def source(bot: BotHarness, thread: Thread, kind: str = "solution", ext: str = "py") -> str:
    return (SOLUTIONS / await problem_id(bot, thread) / f"{kind}.{ext}").read_text()


def fenced(code: str, tag: str = "python") -> str:
    return f"Here is my code:\n```{tag}\n{code}\n```"


async def results_of(bot: BotHarness, thread: Thread) -> list[tuple[Message, RunResultPost]]:
    rows = await messages_of(bot.runtime.db, thread.session_id)
    return [
        (m, RunResultPost.from_payload(m.payload or {})) for m in rows if m.kind == "run_result"
    ]


async def kinds(bot: BotHarness, thread: Thread) -> list[str]:
    return [m.kind for m in await messages_of(bot.runtime.db, thread.session_id)]


async def say_and_settle(bot: BotHarness, thread: Thread, text: str) -> None:
    """The candidate writes in the thread and the bot has done all it does about it."""
    await say(bot, thread, text)
    await bot.settle()


async def row_counts(db: Database) -> dict[str, int]:
    """Rows per table, to show that something did or did not change."""
    counts: dict[str, int] = {}
    async with db.sessions() as s:
        for name, model in (
            ("sessions", InterviewSession),
            ("messages", Message),
            ("code", CodeSubmission),
            ("interviews", Interview),
            ("slack_events", SlackEvent),
        ):
            counts[name] = int(
                (await s.execute(select(func.count()).select_from(model))).scalar_one()
            )
    return counts


async def messages_of(db: Database, session_id: int) -> list[Message]:
    async with db.sessions() as s:
        rows = await s.execute(
            select(Message).where(Message.session_id == session_id).order_by(Message.id)
        )
        return list(rows.scalars())


async def interviews_of(db: Database, session_id: int) -> list[Interview]:
    async with db.sessions() as s:
        rows = await s.execute(select(Interview).where(Interview.session_id == session_id))
        return list(rows.scalars())


async def move_deadline_into_the_past(db: Database, session_id: int) -> None:
    async with db.sessions() as s:
        past = await s.scalar(
            select(InterviewSession.started_at).where(InterviewSession.id == session_id)
        )
        assert past is not None
        await s.execute(
            update(InterviewSession)
            .where(InterviewSession.id == session_id)
            .values(deadline_at=past, warning_at=past, wake_at=past)
        )
        await s.commit()


def unanswered(messages: list[Message]) -> list[Message]:
    """Candidate messages no posted interviewer reply covers."""
    answered = max(
        (
            m.answers_through or 0
            for m in messages
            if m.kind in {"opening", "reply"} and m.slack_ts is not None
        ),
        default=0,
    )
    return [m for m in messages if m.role == "candidate" and not m.deleted and m.id > answered]


async def wait_for(predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll a sync or async predicate until it is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.fixture
async def slow_model() -> AsyncIterator[FakeModelServer]:
    """A fake model that takes a moment per call, so a process can be killed during one."""
    server = FakeModelServer(latency=0.5)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@dataclass
class SlowCall:
    """A kind of Web API call the fake Slack answers late; `arrived` is set when one comes."""

    matches: Callable[[Call], bool]
    delay: float
    arrived: asyncio.Event
    calls: list[Call] = field(default_factory=list)


class SlackDelays:
    """Per-call latency for the fake Slack, so a test can act while one call is in flight."""

    def __init__(self, slack: SlackDouble) -> None:
        self.slack = slack
        self.rules: list[SlowCall] = []
        slack.hooks.append(self._on_call)

    def add(self, matches: Callable[[Call], bool], delay: float) -> SlowCall:
        rule = SlowCall(matches, delay, asyncio.Event())
        self.rules.append(rule)
        return rule

    def remove(self, rule: SlowCall) -> None:
        self.rules.remove(rule)

    def _on_call(self, call: Call) -> None:
        # The fake reads `latency` right after its hooks, with no await in between.
        self.slack.latency = 0.0
        for rule in self.rules:
            if rule.matches(call):
                self.slack.latency = rule.delay
                rule.calls.append(call)
                rule.arrived.set()
                return


class RecordedSlackWaits:
    """Replaces the sleep of slack_sdk's retry handlers: records how long they would wait."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.waits: list[float] = []

        async def sleep(seconds: float) -> None:
            self.waits.append(seconds)
            await asyncio.sleep(0)

        fake = SimpleNamespace(sleep=sleep)
        monkeypatch.setattr(builtin_async_handlers, "asyncio", fake)
        monkeypatch.setattr(async_handler, "asyncio", fake)
