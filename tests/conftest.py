"""Fixtures: the real bot served over HTTP, a fake Slack Web API, a fake model, databases."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.config import Settings
from bot.execution import CodeRunner
from bot.interview.domain import Interviewer
from bot.interview.worker import EngineTuning
from bot.runtime import BotRuntime
from bot.web_server import ServerLimits, start_web_server
from sandbox.model_server import FakeModelServer
from sandbox.postgres import DEFAULT_ADMIN_DSN, postgres_available, postgres_database
from sandbox.slack_double import BOT_TOKEN, SIGNING_SECRET, SlackDouble
from tests.fakes.slack_requests import SlackSender
from tests.slack_validation import assert_valid_blocks, assert_valid_view

PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", DEFAULT_ADMIN_DSN)


@contextlib.asynccontextmanager
async def fresh_pg_database() -> AsyncIterator[str]:
    """A new PostgreSQL database (its SQLAlchemy URL), dropped on exit."""
    if not await postgres_available(PG_ADMIN_DSN):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is required in CI")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not running")
    async with postgres_database(PG_ADMIN_DSN) as url:
        yield url


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    async with fresh_pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_db_url(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[str]:
    """Runs the test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'interview_bot.db'}"
        return
    async with fresh_pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'interview_bot.db'}"


def check_with_slack_sdk(method: str, params: dict[str, Any]) -> None:
    """What the bot sends must also pass slack_sdk's own Block Kit models."""
    if method in {"views.publish", "views.open", "views.update", "views.push"}:
        assert_valid_view(params["view"])
    elif params.get("blocks") is not None:
        assert_valid_blocks(params["blocks"])


@pytest.fixture
async def fake_slack() -> AsyncIterator[SlackDouble]:
    async with SlackDouble() as server:
        server.api.checks.append(check_with_slack_sdk)
        yield server
    assert not server.validation_errors, server.validation_errors


@pytest.fixture
async def fake_model() -> AsyncIterator[FakeModelServer]:
    server = FakeModelServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@dataclass
class BotHarness:
    """The real bot on a local port, with the fakes it talks to."""

    runtime: BotRuntime
    slack: SlackDouble
    send: SlackSender
    url: str
    runner: web.AppRunner
    http: aiohttp.ClientSession
    model: FakeModelServer | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait until every background task the bot started has finished."""
        await self.runtime.tasks.drain(wait_seconds=timeout)

    @property
    def engine(self) -> Any:
        return self.runtime.engine


async def start_bot(
    *,
    slack: SlackDouble,
    database_url: str,
    model: FakeModelServer | None = None,
    time_limit: int = 45,
    tuning: EngineTuning | None = None,
    start_jobs: bool = False,
    interviewer: Interviewer | None = None,
    sweep_interval: float = 5.0,
    code_runner: CodeRunner | None = None,
) -> BotHarness:
    """The real runtime served on a local port of 127.0.0.1."""
    settings = Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        database_url=database_url,
        openai_api_key="sk-test-key-for-fake-model" if model else None,
        openai_base_url=model.base_url if model else None,
        interview_model="fake-model",
        interview_time_limit_minutes=time_limit,
        model_timeout_seconds=2.0,
        sweep_interval_seconds=sweep_interval,
    )
    runtime = await BotRuntime.create(
        settings, tuning=tuning, interviewer=interviewer, code_runner=code_runner
    )
    # The production server set-up: its timeouts and connection cap apply in every test.
    runner, site = await start_web_server(
        runtime.web_app, host="127.0.0.1", port=0, limits=ServerLimits.from_settings(settings)
    )
    port = site.port
    if start_jobs:
        await runtime.start()
    http = aiohttp.ClientSession()
    url = f"http://127.0.0.1:{port}"
    sender = SlackSender(f"{url}/slack/events", http, response_url=slack.response_url("card"))
    return BotHarness(runtime, slack, sender, url, runner, http, model)


async def stop_bot(harness: BotHarness) -> None:
    await harness.http.close()
    await harness.runner.cleanup()
    await harness.runtime.close()


@pytest.fixture
def make_bot() -> Callable[..., Any]:
    """Factory: `await make_bot(slack=..., database_url=..., model=...)`; stopped at teardown."""
    started: list[BotHarness] = []

    async def factory(**kwargs: Any) -> BotHarness:
        harness = await start_bot(**kwargs)
        started.append(harness)
        return harness

    factory.started = started  # type: ignore[attr-defined]
    return factory


@pytest.fixture
async def bot(
    make_bot: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> AsyncIterator[BotHarness]:
    """The offline bot on SQLite."""
    harness = await make_bot(slack=fake_slack, database_url=sqlite_url)
    yield harness
    await stop_bot(harness)


@pytest.fixture
async def model_bot(
    make_bot: Callable[..., Any],
    fake_slack: SlackDouble,
    fake_model: FakeModelServer,
    sqlite_url: str,
) -> AsyncIterator[BotHarness]:
    """The model-backed bot on SQLite, its model played by the fake model server."""
    harness = await make_bot(slack=fake_slack, database_url=sqlite_url, model=fake_model)
    yield harness
    await stop_bot(harness)
