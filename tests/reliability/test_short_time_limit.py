"""INTERVIEW_TIME_LIMIT_MINUTES=1 end to end: real `interview-bot run` processes, real time.

Two candidates start ten seconds apart on a bot whose limit is one minute. The first gets
its warning (30 seconds before the end, saying the time really left) from the running bot;
the bot is then killed with SIGKILL — the second candidate is mid-interview, before its
warning — and started again only after both deadlines have passed. On restart the sweep
finishes and grades both interviews, and the second, whose warning fell due while the bot
was down, gets no stale warning.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.soak import START_ACTION, BotProcess, SlackDeliveries
from sandbox.slack_double import SlackDouble
from storage.db import Database
from storage.models import InterviewSession
from tests.reliability.conftest import dm_channel, interviews_of, messages_of, wait_for

FIRST, SECOND = "U0SHORT01", "U0SHORT02"


@pytest.fixture
async def one_minute_bot(
    tmp_path: Path, fake_slack: SlackDouble
) -> AsyncIterator[tuple[BotProcess, Database]]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    bot = BotProcess(
        database_url=database_url,
        slack_api_url=fake_slack.api_url,
        workdir=tmp_path,
        lease_seconds=1.0,
        sweep_interval_seconds=0.2,
        extra_env={"INTERVIEW_TIME_LIMIT_MINUTES": "1"},
    )
    db = Database(database_url)
    try:
        yield bot, db
    finally:
        await bot.kill()
        await db.close()


async def session_of(db: Database, user: str) -> InterviewSession | None:
    async with db.sessions() as s:
        row = (
            await s.execute(select(InterviewSession).where(InterviewSession.user_id == user))
        ).scalar_one_or_none()
    return row if row is not None and row.thread_ts else None


def thread_texts(slack: SlackDouble, user: str, thread_ts: str) -> list[str]:
    """The bot's problem message and its replies in the thread, oldest first."""
    return [
        str(m.get("text"))
        for m in slack.messages.get(dm_channel(user), [])
        if thread_ts in (m.get("thread_ts"), m.get("ts")) and m.get("bot_id")
    ]


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@pytest.mark.timeout(300)
async def test_one_minute_limit_warns_finishes_and_grades_across_a_restart(
    one_minute_bot: tuple[BotProcess, Database], fake_slack: SlackDouble
) -> None:
    bot, db = one_minute_bot
    await bot.start()
    slack = SlackDeliveries(bot.events_url)
    try:
        await slack.click(START_ACTION, user=FIRST, value=json.dumps({"difficulty": "easy"}))
        first = await wait_for(lambda: session_of(db, FIRST), timeout=30)
        # The stored limits: one minute, warned 30 seconds before the end.
        assert as_utc(first.deadline_at) - as_utc(first.started_at) == timedelta(minutes=1)
        assert as_utc(first.deadline_at) - as_utc(first.warning_at) == timedelta(seconds=30)
        await wait_for(lambda: len(thread_texts(fake_slack, FIRST, first.thread_ts)) >= 2, 30)

        # The second candidate starts ten seconds later.
        await asyncio.sleep(
            max(
                0.0,
                (
                    as_utc(first.started_at) + timedelta(seconds=10) - datetime.now(UTC)
                ).total_seconds(),
            )
        )
        await slack.click(START_ACTION, user=SECOND, value=json.dumps({"difficulty": "easy"}))
        second = await wait_for(lambda: session_of(db, SECOND), timeout=30)
        await wait_for(lambda: len(thread_texts(fake_slack, SECOND, second.thread_ts)) >= 2, 30)

        # The first candidate's warning, from the running bot, saying the time really left.
        def first_warning() -> list[str]:
            return [t for t in thread_texts(fake_slack, FIRST, first.thread_ts) if "left in" in t]

        warnings = await wait_for(first_warning, timeout=60)
        assert re.fullmatch(r"(\d+) seconds? left in your interview", warnings[0]), warnings
        seconds = int(warnings[0].split()[0])
        assert 1 <= seconds <= 30
        stored = [m for m in await messages_of(db, first.id) if m.kind == "warning"]
        assert len(stored) == 1
        assert as_utc(stored[0].created_at) >= as_utc(first.warning_at)
        assert as_utc(stored[0].created_at) < as_utc(first.deadline_at)
        warning_post = next(
            c
            for c in fake_slack.posts(thread_ts=first.thread_ts)
            if "left in your interview" in str(c.params.get("text"))
        )
        assert f"{seconds} seconds left." in json.dumps(warning_post.params["blocks"])
        # Neither interview is over yet; the second is before its warning.
        assert not await interviews_of(db, first.id)
        assert not any("left in" in t for t in thread_texts(fake_slack, SECOND, second.thread_ts))

        await bot.kill()
        last_deadline = as_utc(second.deadline_at)
        await asyncio.sleep(max(0.0, (last_deadline - datetime.now(UTC)).total_seconds()) + 1.0)
        await bot.start()

        # On restart the sweep finishes and grades both, each once.
        for user, row in ((FIRST, first), (SECOND, second)):

            async def graded(session_id: int = row.id) -> bool:
                return bool(await interviews_of(db, session_id))

            await wait_for(graded, timeout=60)
            await wait_for(
                lambda u=user, r=row: any(
                    t.startswith("Interview complete")
                    for t in thread_texts(fake_slack, u, r.thread_ts)
                ),
                timeout=30,
            )
            texts = thread_texts(fake_slack, user, row.thread_ts)
            assert sum("Time is up" in t for t in texts) == 1, texts
            assert sum(t.startswith("Interview complete") for t in texts) == 1, texts
            final = await session_of(db, user)
            assert final is not None and final.status == "completed"
            assert len(await interviews_of(db, row.id)) == 1
        # The second candidate's warning fell due while the bot was down: none afterwards.
        assert not any("left in" in t for t in thread_texts(fake_slack, SECOND, second.thread_ts))
        assert sum("left in" in t for t in thread_texts(fake_slack, FIRST, first.thread_ts)) == 1
    finally:
        await slack.close()
