"""At start-up the bot says whether candidate code can run here, and if not why."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.execution import CodeRunner
from bot.execution.sandbox import Sandbox
from bot.runtime import BotRuntime
from sandbox.slack_double import BOT_TOKEN, SIGNING_SECRET, SlackDouble
from tests.conftest import BotHarness, start_bot, stop_bot


@pytest.fixture
async def started() -> AsyncIterator[list[BotHarness]]:
    bots: list[BotHarness] = []
    yield bots
    for bot in bots:
        await stop_bot(bot)


async def test_start_up_says_code_execution_is_available(
    sqlite_url: str,
    fake_slack: SlackDouble,
    started: list[BotHarness],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.runtime")
    runner = CodeRunner(slots=3)
    bot = await start_bot(
        slack=fake_slack, database_url=sqlite_url, start_jobs=True, code_runner=runner
    )
    started.append(bot)
    assert bot.runtime.engine.executor.runner is runner
    [line] = [r.getMessage() for r in caplog.records if "code execution" in r.getMessage()]
    assert line.startswith("code execution is available: sandboxed, 3 at once (")
    assert "python" in line


async def test_start_up_says_why_code_execution_is_unavailable(
    sqlite_url: str,
    fake_slack: SlackDouble,
    started: list[BotHarness],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.runtime")
    runner = CodeRunner(sandbox=Sandbox(bwrap=None))
    bot = await start_bot(
        slack=fake_slack, database_url=sqlite_url, start_jobs=True, code_runner=runner
    )
    started.append(bot)
    [record] = [r for r in caplog.records if "code execution" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        "code execution is unavailable on this server: bubblewrap (bwrap) is not installed;"
        " interviews go on without running code"
    )


async def test_one_runner_per_process_sized_by_run_slots(
    sqlite_url: str, fake_slack: SlackDouble
) -> None:
    settings = Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=sqlite_url,
        run_slots=5,
    )
    runtime = await BotRuntime.create(settings)
    try:
        assert runtime.engine.executor.runner.pool.size == 5
    finally:
        await runtime.close()
