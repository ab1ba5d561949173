"""Surfaces no single listener owns, through the real Bolt app: the timers' posts, the
fallback when Slack refuses blocks, the health check and signature refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from storage.models import Interview, InterviewSession, Message
from tests.conftest import BotHarness
from tests.handlers.steps import DM, count_rows, start_interview
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


async def test_healthz_reports_database(bot: BotHarness) -> None:
    async with bot.http.get(f"{bot.url}/healthz") as resp:
        assert resp.status == 200
        assert (await resp.json())["database"] == "ok"


async def test_bad_signature_is_refused(bot: BotHarness) -> None:
    reply = await bot.send.command("hard", headers={"X-Slack-Signature": "v0=deadbeef"})
    assert reply.status == 401
    assert not bot.slack.calls


async def test_refused_blocks_fall_back_to_plain_text(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    bot.slack.fail("chat.postMessage", 200, body={"ok": False, "error": "invalid_blocks"})
    await bot.send.dm("What should I return for an empty list?", channel=DM, thread_ts=thread)
    await bot.settle()
    replies = bot.slack.posts(thread_ts=thread)
    assert len(replies) == 3  # opening, the refused attempt, the text-only reply
    assert "blocks" in replies[1].params and "blocks" not in replies[2].params
    assert replies[2].params["text"]
    assert await count_rows(bot, Message, Message.slack_ts.is_(None)) == 0
