"""The worker's sweep drives the timers, through the real Bolt app: the time warning, then
the time limit finishes and grades the interview; sweeping again does nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from storage.models import Interview, InterviewSession
from tests.conftest import BotHarness
from tests.handlers.steps import count_rows, start_interview
from tests.slack_validation import assert_valid_blocks


async def test_warning_then_time_limit_finishes_and_grades(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    past = datetime.now(UTC) - timedelta(seconds=1)
    async with bot.runtime.db.sessions() as s:
        await s.execute(update(InterviewSession).values(warning_at=past, wake_at=past))
        await s.commit()
    await bot.runtime.engine.sweep()
    await bot.settle()
    warning = bot.slack.posts(thread_ts=thread)[-1]
    assert "left" in warning.params["text"]
    assert_valid_blocks(warning.params["blocks"])
    async with bot.runtime.db.sessions() as s:
        await s.execute(update(InterviewSession).values(deadline_at=past, wake_at=past))
        await s.commit()
    await bot.runtime.engine.sweep()
    await bot.settle()
    assert await count_rows(bot, Interview) == 1
    async with bot.runtime.db.sessions() as s:
        row = (await s.execute(select(InterviewSession))).scalar_one()
    assert row.status == "completed" and row.wake_at is None
    texts = [c.params["text"] for c in bot.slack.posts(thread_ts=thread)]
    assert any("Time is up" in t for t in texts)
    assert any("Interview complete" in t for t in texts)
    # Sweeping again does nothing more.
    calls = len(bot.slack.calls)
    await bot.runtime.engine.sweep()
    await bot.settle()
    assert len(bot.slack.calls) == calls
