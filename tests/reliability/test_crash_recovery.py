"""kill -9 at every step of a turn: real `interview-bot run` processes, restarted on their data.

The bot runs as a subprocess against the fake Slack and a fake model that takes half a second
per call. The test kills it with SIGKILL at chosen moments — while the thread of a new
interview is being recorded, right after an ack, during the model call, after Slack took a
reply the bot had not recorded yet, during grading — starts it again and checks that the
transcript is whole and nothing was answered twice.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bench.soak import BotProcess, SlackDeliveries, run_soak
from sandbox.model_server import FakeModelServer
from sandbox.slack_double import BOT_TOKEN, SIGNING_SECRET, TEAM_ID, USER_ID, Call, SlackDouble
from storage.db import Database
from storage.models import InterviewSession
from tests.reliability.conftest import (
    MODEL_KEY,
    SlackDelays,
    assert_each_posted_once,
    dm_channel,
    interviews_of,
    marker_of,
    messages_of,
    posted_markers,
    unanswered,
    wait_for,
)

CHANNEL = dm_channel(USER_ID)
_ts = iter(range(1, 10_000))


def candidate_event(thread_ts: str, text: str) -> dict[str, Any]:
    ts = f"{int(time.time())}.{next(_ts):06d}"
    return {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "im",
        "user": USER_ID,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "thread_ts": thread_ts,
        "team": TEAM_ID,
    }


async def session_row(db: Database) -> InterviewSession | None:
    async with db.sessions() as s:
        return (await s.execute(select(InterviewSession))).scalars().first()


def bot_messages(slack: SlackDouble) -> list[dict[str, Any]]:
    return [m for m in slack.messages.get(CHANNEL, []) if m.get("bot_id")]


def posts_of_marker(slack: SlackDouble, marker: str) -> list[Call]:
    return [
        c
        for c in slack.calls_to("chat.postMessage")
        if (c.params.get("metadata") or {}).get("event_payload", {}).get("marker") == marker
    ]


@pytest.fixture
async def process_bot(
    tmp_path: Path, fake_slack: SlackDouble, slow_model: FakeModelServer
) -> AsyncIterator[BotProcess]:
    bot = BotProcess(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        slack_api_url=fake_slack.api_url,
        model_base_url=slow_model.base_url,
        workdir=tmp_path,
        lease_seconds=1.0,
        sweep_interval_seconds=0.1,
        extra_env={"LOG_LEVEL": "DEBUG"},
    )
    try:
        yield bot
    finally:
        await bot.kill()


async def test_killed_at_each_step_of_a_turn_nothing_is_lost_or_answered_twice(
    process_bot: BotProcess, fake_slack: SlackDouble, slow_model: FakeModelServer
) -> None:
    bot = process_bot
    db = Database(bot.database_url)
    delays = SlackDelays(fake_slack)
    slack = SlackDeliveries(bot.events_url, give_up_after=60)
    # A Slack error on the way (Home cannot be published) must not leak secrets into the log.
    fake_slack.fail("views.publish", 200, times=1000, body={"ok": False, "error": "invalid_auth"})
    sent: list[str] = []

    async def say(thread_ts: str, text: str) -> str:
        event = candidate_event(thread_ts, text)
        await slack.event(slack.requests.event(event))
        sent.append(event["ts"])
        return str(event["ts"])

    async def answered(ts: str) -> bool:
        rows = await messages_of(db, 1)
        ids = [m.id for m in rows if m.slack_ts == ts]
        return bool(ids) and all(m.id != ids[0] for m in unanswered(rows))

    try:
        await bot.start()

        # 1. Start. Slack takes its time over the permalink of the new thread: the bot dies
        #    while recording the thread, and the candidate replies in it while it is down.
        permalink = delays.add(lambda c: c.method == "chat.getPermalink", 1.5)
        await slack.click("start_interview", user=USER_ID, value='{"difficulty": "easy"}')
        await asyncio.wait_for(permalink.arrived.wait(), 20)
        await bot.kill()
        problem = next(m for m in bot_messages(fake_slack) if not m.get("thread_ts"))
        thread_ts = str(problem["ts"])
        await bot.start()
        first = await say(thread_ts, "Can the input be empty? Can times overlap at the ends?")
        delays.remove(permalink)
        await wait_for(lambda: answered(first), 30)
        row = await session_row(db)
        assert row is not None and row.thread_ts == thread_ts and row.permalink

        # 2. Killed right after Slack got its ack: the message is in the database.
        second = await say(thread_ts, "I'd sort by start time and sweep once, O(n log n).")
        await bot.kill()
        await bot.start()
        await wait_for(lambda: answered(second), 30)

        # 3. Killed while the model is answering.
        asked = len(slow_model.requests)
        third = await say(thread_ts, "```python\ndef solve(xs):\n    return sorted(xs)\n```")
        await wait_for(lambda: len(slow_model.requests) > asked, 30)
        await bot.kill()
        await bot.start()
        await wait_for(lambda: answered(third), 30)

        # 4. Killed after Slack took the reply but before the bot recorded it.
        reply_post = delays.add(
            lambda c: (
                c.method == "chat.postMessage"
                and c.params.get("thread_ts") == thread_ts
                and str(c.params.get("text", "")).startswith("Interviewer reply")
            ),
            1.0,
        )
        fourth = await say(thread_ts, "Tests: empty list, one meeting, back-to-back meetings.")
        await asyncio.wait_for(reply_post.arrived.wait(), 30)
        await bot.kill()
        delays.remove(reply_post)
        orphan_marker = reply_post.calls[0].params["metadata"]["event_payload"]["marker"]
        # Slack finishes the post although nobody is left to hear its answer.
        await wait_for(lambda: posted_markers(fake_slack)[orphan_marker] == 1, 10)
        await bot.start()
        await wait_for(lambda: answered(fourth), 30)
        assert len(posts_of_marker(fake_slack, orphan_marker)) == 1

        # 5. Killed while the model grades.
        graded = sum(1 for r in slow_model.requests if r.get("response_format"))
        await say(thread_ts, "done")
        await wait_for(
            lambda: sum(1 for r in slow_model.requests if r.get("response_format")) > graded, 30
        )
        await bot.kill()
        await bot.start()
        await wait_for(lambda: interviews_of(db, 1), 30)
        await wait_for(
            lambda: any("you scored" in str(m.get("text")) for m in bot_messages(fake_slack)), 30
        )
        await bot.stop()

        # The transcript is whole: every message stored once and answered, nothing twice.
        rows = await messages_of(db, 1)
        candidate = [m.slack_ts for m in rows if m.role == "candidate"]
        assert candidate == sent
        assert [m.slack_ts for m in unanswered(rows)] == [sent[-1]]  # only `done`
        assert len(await interviews_of(db, 1)) == 1
        assert all(m.slack_ts for m in rows if m.role != "candidate")
        assert_each_posted_once(fake_slack)
        in_slack = posted_markers(fake_slack)
        for m in rows:
            if m.role != "candidate":
                assert in_slack[f"ib-1-{m.id}"] == 1, m.kind
        assert all(marker_of(m) for m in bot_messages(fake_slack)), "a pointer was sent"
        kinds = [m.kind for m in rows if m.role != "candidate"]
        assert kinds.count("reply") == 4 and kinds.count("opening") == 1
        assert kinds.count("scorecard") == 1 and kinds.count("completion_dm") == 1
        assert bot.kills == 5

        # Secrets never reach the log, even on the Slack error path.
        log = bot.log_text()
        assert "invalid_auth" in log
        for secret in (BOT_TOKEN, SIGNING_SECRET, MODEL_KEY):
            assert secret not in log
    finally:
        await slack.close()
        await db.close()


async def test_two_processes_on_postgresql_one_killed_mid_turn_the_other_answers(
    tmp_path: Path, fake_slack: SlackDouble, slow_model: FakeModelServer, pg_url: str
) -> None:
    def process(name: str) -> BotProcess:
        (tmp_path / name).mkdir()
        return BotProcess(
            database_url=pg_url,
            slack_api_url=fake_slack.api_url,
            model_base_url=slow_model.base_url,
            workdir=tmp_path / name,
            lease_seconds=2.0,
            sweep_interval_seconds=0.1,
        )

    first, second = process("a"), process("b")
    db = Database(pg_url)
    to_first = SlackDeliveries(first.events_url, give_up_after=30)
    to_second = SlackDeliveries(second.events_url, give_up_after=30)
    try:
        await first.start()
        await second.start()
        await to_first.click("start_interview", user=USER_ID, value='{"difficulty": "easy"}')
        row = await wait_for(lambda: _thread_recorded(db), 30)
        await wait_for(lambda: _opened(db, row.id), 30)

        asked = len(slow_model.requests)
        event = candidate_event(str(row.thread_ts), "Can the input be empty?")
        await to_first.event(to_first.requests.event(event))
        await wait_for(lambda: len(slow_model.requests) > asked, 30)
        await first.kill()  # mid model call; the second takes over when the lease runs out

        async def answered() -> bool:
            return not unanswered(await messages_of(db, row.id))

        await wait_for(answered, 30)
        nxt = candidate_event(str(row.thread_ts), "What about duplicates?")
        redelivered = to_second.requests.event(nxt)
        await to_second.event(redelivered)
        await to_second.event(redelivered)  # delivered twice, to the survivor
        await wait_for(answered, 30)

        rows = await messages_of(db, row.id)
        assert [m.slack_ts for m in rows if m.role == "candidate"] == [event["ts"], nxt["ts"]]
        assert [m.kind for m in rows].count("reply") == 2
        assert_each_posted_once(fake_slack)
    finally:
        await first.kill()
        await second.kill()
        await to_first.close()
        await to_second.close()
        await db.close()


async def _thread_recorded(db: Database) -> InterviewSession | None:
    row = await session_row(db)
    return row if row is not None and row.thread_ts else None


async def _opened(db: Database, session_id: int) -> bool:
    return any(m.kind == "opening" and m.slack_ts for m in await messages_of(db, session_id))


async def test_soak_smoke_a_few_random_kills_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    report = await run_soak(
        kills=4,
        lanes=1,
        candidates=2,
        seed=7,
        workdir=tmp_path,
        max_uptime=1.5,
        time_budget=60,
    )
    assert report.kills == 4
    assert report.lanes[0].acked_messages > 0
    assert (report.lost, report.duplicated) == (0, 0), json.dumps(
        {"lost": report.lanes[0].lost, "duplicated": report.lanes[0].duplicated}
    )
