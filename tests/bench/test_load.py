"""The benchmark's requests, sent the benchmark's way, do in the real bot what Slack's do."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bench.load import Sender, difficulty_select, open_loop, slash_command, start_click
from bench.observer import SlackObserver, dm_channel
from sandbox.bot_requests import BotRequests
from sandbox.slack_double import IDENTITY, SIGNING_SECRET
from storage.models import InterviewSession
from tests.conftest import BotHarness

USER = "U0BENCH0001"


async def test_bench_requests_are_acked_and_start_a_real_interview(bot: BotHarness) -> None:
    requests = BotRequests(IDENTITY, response_url=bot.slack.response_url("card"))
    observer = SlackObserver(bot.slack)
    observer.watch_interview(dm_channel(USER))
    async with Sender(f"{bot.url}/slack/events", secret=SIGNING_SECRET) as sender:
        acks = [
            await sender.send(slash_command(requests, user=USER)),
            await sender.send(difficulty_select(requests, user=USER)),
            await sender.send(start_click(requests, user=USER, difficulty="hard")),
        ]
        assert [sent.status for sent in acks] == [200, 200, 200]
        await observer.wait_threads([dm_channel(USER)], within=20)
        thread_ts = observer.threads[dm_channel(USER)]

        reply = observer.expect_reply(dm_channel(USER), thread_ts)
        message = requests.message(
            "Can the input be empty?", user=USER, channel=dm_channel(USER), thread_ts=thread_ts
        )
        [sent] = await open_loop(sender, [message], rate=10, count=1, max_seconds=5)
        assert sent.status == 200
        await asyncio.wait_for(reply, 20)

        home = observer.expect_home(USER)
        assert (await sender.send(requests.home_opened(user=USER))).status == 200
        await asyncio.wait_for(home, 20)
    async with bot.runtime.db.sessions() as session:
        started = (
            await session.execute(select(InterviewSession).where(InterviewSession.user_id == USER))
        ).scalar_one()
    assert started.difficulty == "hard"
